"""``coach export``: turn a project JSON export or a plain-text draft into Markdown, JSON or a Word file."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from coach.export.draft import project_from_plain_text
from coach.export.errors import ExportError
from coach.export.files import export_file
from coach.export.filenames import safe_filename
from coach.export.jsonio import findings_from_json, project_from_json, to_json
from coach.export.markdown import to_markdown
from coach.export.reading import read_input
from coach.export.word import write_bytes_atomically

FORMATS = {"md": "md", "markdown": "md", "json": "json", "docx": "docx"}
EXTENSIONS = {".md": "md", ".markdown": "md", ".json": "json", ".docx": "docx"}

# unfilled anonymisation marks in a draft (XX县, ××同志, 全*): worth a reminder before the file leaves
_PLACEHOLDER = re.compile(r"X{2,}|×{2,}|[\u4e00-\u9fff]\*|\*[\u4e00-\u9fff]")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export",
        help="导出文稿：Markdown、JSON，或按 GB/T 9704-2012 排版的 Word 文件",
        description=(
            "把写作教练导出的文稿 JSON，或一篇纯文本草稿（.txt/.md：第一行是标题，紧接着以“：”结尾的一行是主送机关，"
            "以 一、（一）1.（1）开头的行是各级标题）导出为 Markdown、JSON 或 Word。"
        ),
    )
    parser.add_argument("input", metavar="INPUT", help="文稿 JSON（写作教练导出）或纯文本草稿（.txt/.md）")
    parser.add_argument(
        "--format", "-f", choices=sorted(FORMATS), default=None,
        help="导出格式：md、json 或 docx（不写时按 --out 的扩展名判断）",
    )
    parser.add_argument(
        "--out", "-o", default=None,
        help="保存到哪个文件（不写时用标题作文件名，存在当前文件夹；md/json 可用 - 输出到屏幕）",
    )
    parser.set_defaults(func=run_export)


def _load(path: Path):
    source = read_input(path)
    if source.kind == "json":
        return project_from_json(source.text), findings_from_json(source.text)
    if not source.text.strip():
        raise ExportError(f"“{path.name}”是空的，没有可导出的草稿。请先写下标题和正文。")
    return project_from_plain_text(source.text, name=path.stem), []


def run_export(args: argparse.Namespace) -> int:
    input_path = Path(args.input)
    fmt = FORMATS.get(args.format) if args.format else None
    if fmt is None and args.out and args.out != "-":
        fmt = EXTENSIONS.get(Path(args.out).suffix.lower())
    if fmt is None:
        raise ExportError("请用 --format 指定导出格式（md、json 或 docx），或让 --out 的文件名以 .md、.json、.docx 结尾。")

    project, findings = _load(input_path)

    if args.out == "-":
        if fmt == "docx":
            raise ExportError("Word 文件不能输出到屏幕，请用 --out 给出文件名，例如 --out 通知.docx。")
        sys.stdout.write(to_markdown(project, findings) if fmt == "md" else to_json(project, findings))
        return 0

    out = Path(args.out) if args.out else Path.cwd() / safe_filename(project.brief.title or project.name, fmt)
    if out.exists() and input_path.exists() and out.resolve() == input_path.resolve():
        raise ExportError("导出文件不能和输入文件是同一个，否则原稿会被覆盖。请换一个 --out 文件名。")

    write_bytes_atomically(out, export_file(project, fmt, findings).data)

    placeholders = sorted(set(_PLACEHOLDER.findall(project.current_text())))
    if placeholders:
        print(f"提示：文中还有未填写的占位符（{'、'.join(placeholders[:5])}），正式印发前请补全。", file=sys.stderr)
    print(f"已导出：{out}", file=sys.stderr)
    return 0
