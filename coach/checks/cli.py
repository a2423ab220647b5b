"""Command line for the outline, section and revision checks.

    coach outline check [--json] [--thesis TEXT] [--no-embed] [--model PATH] [--rules FILE] FILE|-
    coach outline render FILE|-
    coach sections [--json] [--genre 文种] [--minutes N] FILE|-
    coach diff [--json] [--html OUT] [--no-lint] OLD NEW

Exit status (like ``coach lint``): 0 no error-severity finding, 1 at least one, 2 the input cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from coach.errors import CoachError
from coach.findings import Finding
from coach.text.vocabulary import severity_counts, severity_label



def register(subparsers: argparse._SubParsersAction) -> None:
    outline = subparsers.add_parser("outline", help="检查或重新编号提纲（搭骨）", description="检查或重新编号提纲（搭骨）。")
    outline_sub = outline.add_subparsers(dest="outline_command", metavar="ACTION")
    check = outline_sub.add_parser(
        "check",
        help="检查提纲：编号、层次、标点、对仗、重叠、与核心观点的关联",
        description="检查提纲。退出码：0 无错误，1 有错误，2 无法读取输入。",
    )
    check.add_argument("file", help="提纲文本文件（UTF-8 或 GBK），“-”表示从标准输入读取")
    check.add_argument("--json", action="store_true", help="以 JSON 数组输出全部问题")
    check.add_argument("--thesis", metavar="TEXT", default=None, help="一句话核心观点：检查每个一级标题是否服务于它")
    check.add_argument("--no-embed", action="store_true", help="不加载嵌入模型（只按用词判断重叠与关联）")
    check.add_argument("--model", metavar="PATH", default=None, help="嵌入模型文件夹（默认：coach model build 生成的模型）")
    check.add_argument("--rules", metavar="FILE", nargs="+", default=[], help="追加的规则文件（YAML，按规则 id 覆盖）")
    check.set_defaults(func=run_outline_check)
    render = outline_sub.add_parser("render", help="按“一、（一）1.（1）”重新编号输出提纲")
    render.add_argument("file", help="提纲文本文件，“-”表示从标准输入读取")
    render.set_defaults(func=run_outline_render)
    outline.set_defaults(func=lambda args: _help(outline))

    sections = subparsers.add_parser(
        "sections",
        help="分析各部分的篇幅、数据、事实、引语、列举（填肉）",
        description="按一级标题分段，分析各部分的篇幅与内容。退出码：0 无错误，1 有错误，2 无法读取输入。",
    )
    sections.add_argument("file", help="文稿文本文件，“-”表示从标准输入读取")
    sections.add_argument("--json", action="store_true", help="以 JSON 输出分析结果")
    sections.add_argument("--genre", metavar="文种", default=None, help="文种；讲话稿会估算讲话时长")
    sections.add_argument("--minutes", type=float, default=None, help="计划讲话时长（分钟）")
    sections.set_defaults(func=run_sections)

    diff = subparsers.add_parser(
        "diff",
        help="对比修改稿和原稿，说明每处修改（成器）",
        description="对比两稿：改写、增加、删除、移动，以及每处修改修正了什么问题。",
    )
    diff.add_argument("old", help="原稿（“-”表示从标准输入读取）")
    diff.add_argument("new", help="修改稿")
    diff.add_argument("--json", action="store_true", help="以 JSON 输出")
    diff.add_argument("--html", metavar="OUT", default=None, help="把标注了修改的 HTML 写入此文件")
    diff.add_argument("--no-lint", action="store_true", help="不检查每处修改修正了哪些问题")
    diff.set_defaults(func=run_diff)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def read_input(path: str) -> str:
    """The text of a file (or stdin for "-"), whatever its encoding; CoachError (exit 2) otherwise."""
    from coach.corpus.reading import decode_bytes, read_text_file

    if path == "-":
        data = sys.stdin.buffer.read()
        if not data.strip():
            return ""
        text, _ = decode_bytes(data, "标准输入")
        return text
    p = Path(path)
    if not p.exists():
        raise CoachError(f"找不到文件“{path}”，请检查路径。")
    if p.is_dir():
        raise CoachError(f"“{path}”是一个文件夹，请给出文本文件。")
    try:
        text, _ = read_text_file(p)
    except CoachError as exc:
        if "只有空白" in str(exc):  # an empty outline is a finding, not an unreadable file
            return ""
        raise
    except OSError as exc:
        raise CoachError(f"无法读取“{path}”（{exc.strerror or exc}）。") from None
    return text


def _print_findings(findings: list[Finding], name: str) -> None:
    for f in findings:
        where = f"{name}:{f.line}" if f.line else name
        print(f"{where}: {severity_label(f.severity)} [{f.rule}] {f.message}")
        if f.suggestion:
            print(f"    建议：{f.suggestion}")
    counts = Counter(f.severity for f in findings)
    print(f"共 {len(findings)} 处：{severity_counts(counts)}。")


def _exit_code(findings: list[Finding]) -> int:
    return 1 if any(f.severity == "error" for f in findings) else 0


def _embedder(args: argparse.Namespace):
    """The embed callable, or None (with a note on stderr) when no model is at hand."""
    if args.no_embed:
        return None
    from coach import config
    from coach.checks.outline import embed_with

    try:
        from coach.embed import load_encoder
    except ImportError:
        return None
    if args.model is None and not config.embed_model_setting():
        if not (config.default_model_path() / "model.safetensors").is_file():
            print(
                "提示：还没有嵌入模型，已跳过按语义判断的检查（同级重叠只按用词判断）。运行 coach model build 后可用。",
                file=sys.stderr,
            )
            return None
    return embed_with(load_encoder(args.model))


def run_outline_check(args: argparse.Namespace) -> int:
    from coach.checks.outline import check_outline, parse_outline
    from coach.checks.rules import load_rules

    text = read_input(args.file)
    rules = load_rules(*args.rules)
    outline = parse_outline(text)
    embed = _embedder(args) if outline.roots else None
    findings = check_outline(outline, thesis=args.thesis, embed=embed, rules=rules)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        _print_findings(findings, "-" if args.file == "-" else args.file)
    return _exit_code(findings)


def run_outline_render(args: argparse.Namespace) -> int:
    from coach.checks.outline import parse_outline, render_outline

    rendered = render_outline(parse_outline(read_input(args.file)))
    if rendered:
        print(rendered)
    return 0


def run_sections(args: argparse.Namespace) -> int:
    from coach.checks.sections import analyze_sections

    report = analyze_sections(read_input(args.file), genre=args.genre, target_minutes=args.minutes)
    if args.json:
        data = report.to_dict()
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return _exit_code(report.findings)
    for s in ([report.opening] if report.opening else []) + report.sections + ([report.closing] if report.closing else []):
        title = {"opening": "开头", "closing": "结尾"}.get(s.role) or (s.heading or "正文")
        print(
            f"第{s.line}行 {title[:30]}：{s.chars}字；数据 {len(s.data_points)}，事实 {len(s.facts)}，"
            f"引语 {len(s.quotations)}，列举 {len(s.enumerations)}"
        )
    if report.speaking_minutes is not None:
        print(f"全文 {report.total_chars} 字，按每分钟 {report.chars_per_minute} 字约讲 {report.speaking_minutes} 分钟。")
    _print_findings(report.findings, "-" if args.file == "-" else args.file)
    return _exit_code(report.findings)


def run_diff(args: argparse.Namespace) -> int:
    from coach.checks.diff import compare

    if args.old == "-" and args.new == "-":
        raise CoachError("原稿和修改稿不能都从标准输入读取，请至少给出一个文件。")
    old, new = read_input(args.old), read_input(args.new)
    revision = compare(old, new, lint=False if args.no_lint else None)
    if args.html:
        try:
            Path(args.html).write_text(revision.to_html(), encoding="utf-8")
        except OSError as exc:
            raise CoachError(f"无法写入“{args.html}”（{exc.strerror or exc}）。") from None
    if args.json:
        print(json.dumps(revision.to_dict(), ensure_ascii=False, indent=2))
        return 0
    for c in revision.changes:
        line = c.new_line if c.kind != "deletion" else c.old_line
        if c.kind == "wording":
            what = f"“{c.old_text}” → “{c.new_text}”"
        elif c.kind == "addition":
            what = f"“{c.new_text}”"
        elif c.kind == "deletion":
            what = f"“{c.old_text}”"
        else:
            what = f"“{c.new_text}”（原第{c.old_line}行）"
        print(f"第{line}行 {c.kind_name}：{_short(what)}")
        for note in c.explain():
            print(f"    {note}")
    st = revision.stats
    counts = "，".join(f"{name} {st.changes[kind]}" for kind, name in (
        ("wording", "改写"), ("addition", "增加"), ("deletion", "删除"), ("move", "移动")))
    print(
        f"共 {len(revision.changes)} 处修改（{counts}）；增加 {st.chars_added} 字，删除 {st.chars_removed} 字；"
        f"相似度 {st.similarity:.0%}；修正了 {st.fixed_findings} 个问题。"
    )
    return 0


def _short(text: str, limit: int = 80) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit - 1] + "…"
