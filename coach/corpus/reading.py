"""Read one corpus file (.txt, .md, .docx) into text, whatever its encoding, or fail with a clear
Chinese message naming the file (``IngestError``).

The bytes are decoded by ``coach.text.decode`` (UTF-8, UTF-8 with BOM, UTF-16/32, GBK/GB18030, Big5 …).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from coach.errors import CoachError
from coach.text.decode import DecodeError, decode_text

#: largest .txt/.md file we read: a speech is a few dozen KB; 20 MB of text is ~7 million characters
MAX_TEXT_BYTES = 20 * 1024 * 1024
#: largest .docx (images inflate Word files, the text inside is still bounded by MAX_TEXT_BYTES)
MAX_DOCX_BYTES = 50 * 1024 * 1024

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
DOCX_SUFFIXES = (".docx",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + DOCX_SUFFIXES
#: formats a writer plausibly meant to import; a folder's other files are ignored silently
UNSUPPORTED_HINTS = {
    ".doc": "暂不支持 .doc（旧版 Word 格式），请在 Word 或 WPS 里“另存为” .docx 后再导入。",
    ".wps": "暂不支持 .wps，请在 WPS 里“另存为” .docx 后再导入。",
    ".rtf": "暂不支持 .rtf，请在 Word 里“另存为” .docx 后再导入。",
    ".odt": "暂不支持 .odt，请“另存为” .docx 后再导入。",
    ".pdf": "暂不支持 PDF，请把文字复制到 .txt 或 .docx 文件后再导入。",
    ".pages": "暂不支持 Pages 文稿，请导出为 .docx 后再导入。",
    ".html": "暂不支持网页文件，请把正文复制到 .txt 文件后再导入。",
    ".htm": "暂不支持网页文件，请把正文复制到 .txt 文件后再导入。",
}

class IngestError(CoachError):
    """A corpus file that cannot be read; the message is Chinese and names the file."""

    def __init__(self, message: str, path: str | Path | None = None):
        super().__init__(message)
        self.path = str(path) if path is not None else None


def _name(path: Path) -> str:
    return f"“{path.name}”"


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _stat_and_check(path: Path, limit: int) -> int:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise IngestError(f"找不到文件{_name(path)}，请检查路径是否正确。", path) from None
    except PermissionError:
        raise IngestError(f"没有权限读取文件{_name(path)}。请检查文件权限，或把它复制到自己的文件夹后再导入。", path) from None
    if path.is_dir():
        raise IngestError(f"{_name(path)}是文件夹，不是文件。", path)
    if st.st_size > limit:
        raise IngestError(
            f"{_name(path)}文件过大（{_size_text(st.st_size)}），单个文件不超过 {limit // (1024 * 1024)} MB，"
            "请拆分后再导入。",
            path,
        )
    if st.st_size == 0:
        raise IngestError(f"文件{_name(path)}是空的，没有可导入的文字。", path)
    return st.st_size


def read_bytes(path: str | Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    path = Path(path)
    _stat_and_check(path, limit)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except PermissionError:
        raise IngestError(f"没有权限读取文件{_name(path)}。请检查文件权限，或把它复制到自己的文件夹后再导入。", path) from None
    except OSError as exc:
        raise IngestError(f"读取文件{_name(path)}时出错（{exc.strerror or exc}）。请确认文件没有被其他程序占用。", path) from None
    if len(data) > limit:  # grew while we looked
        raise IngestError(f"文件{_name(path)}过大，单个文件不超过 {limit // (1024 * 1024)} MB，请拆分后再导入。", path)
    return data


# --------------------------------------------------------------------------------------------
# decoding (the decoder is ``coach.text.decode``; the messages here say what to do for an import)


def decode_bytes(data: bytes, path: str | Path = "") -> tuple[str, str]:
    """Decode a text file's bytes; returns (text, encoding name). ``IngestError`` naming the file
    when the bytes are not text."""
    path = Path(path)
    try:
        return decode_text(data)
    except DecodeError as exc:
        if exc.kind == "format":
            hint = "请用 Word 打开后“另存为” .docx 再导入。" if exc.word_like else (
                "请把其中的文字复制到 .txt 或 .docx 文件后再导入。"
            )
            raise IngestError(f"文件{_name(path)}不是文本文件（看起来是{exc.what}），无法按文本导入。{hint}", path) from None
        if exc.kind == "binary":
            raise IngestError(
                f"文件{_name(path)}不是文本文件（可能是图片、压缩包或其他格式改了扩展名），无法导入。"
                "请用 Word 或记事本打开确认，另存为 .txt（UTF-8）或 .docx 后再导入。",
                path,
            ) from None
        raise IngestError(
            f"无法识别文件{_name(path)}的文字编码。请用记事本打开，“另存为”时选择 UTF-8 编码后再导入。", path
        ) from None


# --------------------------------------------------------------------------------------------
# formats

_MD_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_MD_FENCE = re.compile(r"^\s*(```|~~~).*$", re.M)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$", re.M)
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?", re.M)
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.M)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__)(.+?)\1")
_MD_CODE = re.compile(r"`([^`]*)`")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.S)


def markdown_to_text(md: str) -> str:
    """Plain text of a Markdown file: markup removed, words kept. Single "*" are left alone
    (the seeds use "全*" to anonymise place names)."""
    text = md.replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_FRONT.sub("", text)
    text = _MD_COMMENT.sub("", text)
    text = _MD_FENCE.sub("", text)
    text = _MD_RULE.sub("", text)
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPH.sub(r"\2", text)
    text = _MD_CODE.sub(r"\1", text)
    return text


def read_docx_text(path: str | Path, data: bytes | None = None) -> str:
    """Paragraphs (and table rows) of a .docx, in document order, one per line."""
    import docx  # python-docx
    from docx.table import Table

    path = Path(path)
    if data is None:
        data = read_bytes(path, MAX_DOCX_BYTES)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        t = cell.text.strip()
                        if t and (not cells or cells[-1] != t):  # merged cells repeat their text
                            cells.append(t)
                    if cells:
                        lines.append(" ".join(cells))
            else:
                lines.append(block.text)
    except Exception as exc:  # noqa: BLE001 - python-docx/zipfile/lxml raise many kinds for a broken file
        raise IngestError(
            f"无法打开 Word 文件{_name(path)}：文件可能已损坏，或不是真正的 .docx（{type(exc).__name__}）。"
            "请用 Word 或 WPS 打开后“另存为” .docx 再导入。",
            path,
        ) from None
    text = "\n".join(lines)
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise IngestError(
            f"Word 文件{_name(path)}里的文字过多，单个文件不超过 {MAX_TEXT_BYTES // (1024 * 1024)} MB，请拆分后再导入。", path
        )
    return text


def load_file(path: str | Path) -> tuple[bytes, str, str]:
    """(raw bytes, text, encoding) of one corpus file; text is decoded but not yet cleaned."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_HINTS:
        raise IngestError(f"文件{_name(path)}：{UNSUPPORTED_HINTS[suffix]}", path)
    if suffix in DOCX_SUFFIXES:
        data = read_bytes(path, MAX_DOCX_BYTES)
        text = read_docx_text(path, data)
        encoding = "docx"
    elif suffix in TEXT_SUFFIXES or suffix == "":
        data = read_bytes(path)
        text, encoding = decode_bytes(data, path)
        if suffix in (".md", ".markdown"):
            text = markdown_to_text(text)
    else:
        raise IngestError(f"暂不支持{suffix}文件{_name(path)}，只能导入 .txt、.md、.docx。", path)
    if not text.strip():
        raise IngestError(f"文件{_name(path)}里只有空白，没有可导入的文字。", path)
    return data, text, encoding


def read_text_file(path: str | Path) -> tuple[str, str]:
    """(text, encoding) of a .txt/.md/.docx file; raises ``IngestError`` with a Chinese message.

    The text is decoded (and Markdown markup removed) but not cleaned; see ``clean_text``.
    ``encoding`` is the codec name ("utf-8", "utf-8-sig", "gb18030", "utf-16" …) or "docx".
    """
    _, text, encoding = load_file(path)
    return text, encoding
