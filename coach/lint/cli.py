"""``coach lint [--json] [--fix] [--genre 文种] [--rules FILE]... [--all] FILE|-`` and
``coach lint --check-rules [--rules FILE]...`` (run every rule's examples).
``--deep`` adds the language-model typo check (``coach.typo``, findings of family "typo-lm").

Exit status: 0 no error-severity finding, 1 at least one, 2 the input (or an option) cannot be used.
``--fix`` writes the text with every safe fix applied to stdout and the summary to stderr; the file
itself is never changed (the writer's text is never lost).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from coach.errors import CoachError
from coach.findings import Finding
from coach.lint.engine import Linter, check_examples
from coach.lint.fixes import apply_safe_fixes
from coach.text.decode import DecodeError, decode_text
from coach.text.vocabulary import severity_counts, severity_label

# Per rule, the plain-text report shows this many findings and then a count (--all shows every one).
SHOWN_PER_RULE = 5


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "lint",
        help="检查公文的用词、标点、数字、序号、文种等问题（修容）",
        description="检查公文的用词、标点、数字、序号、文种等问题。退出码：0 无错误，1 有错误，2 无法读取输入。",
    )
    p.add_argument("file", nargs="?", help="要检查的文本文件（UTF-8、GBK、UTF-16、Big5 等编码均可），“-”表示从标准输入读取")
    p.add_argument("--json", action="store_true", help="以 JSON 数组输出全部问题")
    p.add_argument("--fix", action="store_true", help="把可安全自动修改的问题改好，输出到标准输出（原文件不变）")
    p.add_argument("--genre", metavar="文种", default=None, help="文种，如 请示、报告、通知（用于文种相关规则）")
    p.add_argument("--rules", metavar="FILE", action="append", default=[],
                   help="追加的规则文件或目录（YAML），可多次使用：--rules a.yaml --rules b.yaml")
    p.add_argument("--all", action="store_true", help="逐条列出全部问题（默认同一规则只列前几条）")
    p.add_argument("--deep", action="store_true",
                   help="深度校对：另用语言模型查找音近、形近错别字（较慢；首次使用时自动生成模型）")
    p.add_argument("--llm", action="store_true",
                   help="与 --deep 同用：再请已配置的大模型（COACH_LLM_*）校对一遍，建议经核对后才列出")
    p.add_argument("--check-rules", action="store_true",
                   help="不检查文本，而是用每条规则自带的例句检验规则本身（写自己的规则文件后用）")
    p.set_defaults(func=run)


def read_text(path: str) -> str:
    """Read a text file (or stdin for “-”) in any encoding ``coach.text.decode`` reads (UTF-8, UTF-16,
    GBK/GB18030, Big5 …). Raises CoachError (exit 2) otherwise."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise CoachError(f"找不到文件“{path}”，请检查路径。") from None
    except IsADirectoryError:
        raise CoachError(f"“{path}”是一个文件夹，请给出文本文件。") from None
    except OSError as exc:
        raise CoachError(f"无法读取“{path}”（{exc.strerror or exc}）。") from None
    try:
        return decode_text(data)[0]
    except DecodeError as exc:
        if exc.kind == "undecodable":
            raise CoachError(f"无法识别“{path}”的文字编码，请用记事本打开后“另存为” UTF-8 文本再检查。") from None
        what = f"（看起来是{exc.what}）" if exc.what else "（如 Word、PDF）"
        raise CoachError(f"“{path}”看起来是二进制文件{what}，请先另存为纯文本（.txt）再检查。") from None


def format_finding(f: Finding, name: str) -> str:
    col = f.extra.get("column", 1)
    line = f"{name}:{f.line}:{col}: {severity_label(f.severity)} [{f.rule}] {f.message}  {f.extra.get('excerpt', '')}"
    if f.suggestion:
        line += f"\n    建议：{f.suggestion}"
    if f.fix is not None and f.fix.safe:
        line += "（可用 --fix 自动修改）"
    return line


def summary(findings: list[Finding]) -> str:
    c = Counter(f.severity for f in findings)
    fixable = sum(1 for f in findings if f.fix is not None and f.fix.safe)
    return f"共 {len(findings)} 处：{severity_counts(c)}；其中 {fixable} 处可自动修改。"


def report_lines(findings: list[Finding], name: str, show_all: bool = False) -> list[str]:
    """Human-readable lines. Per rule the first SHOWN_PER_RULE findings, then how many more."""
    shown: dict[str, int] = defaultdict(int)
    total = Counter(f.rule for f in findings)
    out: list[str] = []
    for f in findings:
        shown[f.rule] += 1
        if show_all or shown[f.rule] <= SHOWN_PER_RULE:
            out.append(format_finding(f, name))
    for rule, n in total.items():
        if not show_all and n > SHOWN_PER_RULE:
            out.append(f"…… [{rule}] 同类问题另有 {n - SHOWN_PER_RULE} 处（加 --all 逐条列出，--json 给出全部位置）")
    return out


def check_rules(paths: list[str]) -> int:
    """Load the rules strictly (a broken file is an error here) and run their examples."""
    linter = Linter.from_paths(paths, skip_broken=False)
    problems = check_examples(linter)
    for p in problems:
        print(p)
    print(f"共 {len(linter.rules)} 条规则，例句不符 {len(problems)} 处。")
    return 1 if problems else 0


def run(args: argparse.Namespace) -> int:
    if args.check_rules:
        return check_rules(args.rules)
    if args.file is None:
        raise CoachError("请给出要检查的文件（或用“-”从标准输入读取）。")
    text = read_text(args.file)
    linter = Linter.from_paths(args.rules, skip_broken=True)
    for err in linter.rule_errors:
        print(f"警告：{err}", file=sys.stderr)
    name = "<stdin>" if args.file == "-" else args.file
    if args.llm and not args.deep:
        raise CoachError("--llm 需要与 --deep 一起使用：coach lint --deep --llm 文件")
    if args.fix and args.deep:
        raise CoachError("--deep 的建议需要逐条确认，不能与 --fix 一起使用。")
    if args.fix:
        fixed, changes = apply_safe_fixes(text, genre=args.genre, linter=linter)
        sys.stdout.write(fixed)
        sys.stdout.flush()
        remaining = linter.lint(fixed, genre=args.genre)
        print(f"已自动修改 {len(changes)} 处。修改后：{summary(remaining)}", file=sys.stderr)
        for line in report_lines(remaining, name, args.all):
            print(line, file=sys.stderr)
        findings = remaining
    else:
        findings = linter.lint(text, genre=args.genre)
        if args.deep:
            from coach.typo import deep_findings, merge_findings

            findings = merge_findings(findings, deep_findings(text))
            if args.llm:
                from coach.typo import default_detector
                from coach.typo.llm_check import llm_proofread

                checked = llm_proofread(text, lm=default_detector().lm)
                print(checked.message, file=sys.stderr)
                findings = merge_findings(findings, checked.findings)
        if args.json:
            json.dump([f.to_dict() for f in findings], sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            for line in report_lines(findings, name, args.all):
                print(line)
            print(summary(findings) if findings else "没有发现问题。")
    return 1 if any(f.severity == "error" for f in findings) else 0
