"""Reading an input file for ``coach export``: a JSON project export or a plain-text draft, in any common
Chinese encoding, with a clear message for files that are not text at all."""

from __future__ import annotations

from dataclasses import dataclass
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from coach.export.errors import ExportError

MAX_INPUT_BYTES = 50 * 1024 * 1024

# signatures of files people mistake for drafts
_BINARY_MAGIC = {
    b"PK\x03\x04": "Word（.docx）或压缩文件",
    b"\xd0\xcf\x11\xe0": "旧版 Word（.doc）或 WPS 文件",
    b"%PDF": "PDF 文件",
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"{\\rtf": "RTF 文件",
}


@dataclass(frozen=True)
class InputText:
    text: str
    kind: str  # "json" | "plain"
    encoding: str


def decode_text(data: bytes, source: str = "文件") -> tuple[str, str]:
    """(text, encoding) for UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030 and the like."""
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise ExportError(f"“{source}”是{what}，不是纯文本。请在 Word/WPS 中“另存为”纯文本（.txt，UTF-8）后再导出。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:
        best = from_bytes(data).best()
        if best is not None and best.encoding and not _looks_garbled(str(best)):
            return str(best), best.encoding
    raise ExportError(f"“{source}”看起来不是文本文件（可能是图片、压缩包或损坏的文件），无法读取。请选择 .txt、.md 或 .json 文件。")


def _looks_garbled(text: str) -> bool:
    """Random bytes decode "successfully" in some single-byte code page; real drafts have almost no
    control or private-use characters."""
    if not text:
        return False
    odd = sum(
        1 for ch in text
        if (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\r\n\t\f") or ch == "\ufffd"
    )
    return odd / len(text) > 0.01


def read_input(path: str | Path) -> InputText:
    source = Path(path)
    if not source.exists():
        raise ExportError(f"找不到文件“{source}”。请检查文件名和路径。")
    if source.is_dir():
        raise ExportError(f"“{source}”是一个文件夹，请给出要导出的文件。")
    try:
        size = source.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ExportError(f"“{source.name}”太大（{size // (1024 * 1024)} MB），不像一篇文稿。请检查是否选错了文件。")
        data = source.read_bytes()
    except PermissionError as exc:
        raise ExportError(f"没有权限读取“{source}”。") from exc
    except OSError as exc:
        raise ExportError(f"无法读取“{source}”：{exc.strerror or exc}。") from exc
    text, encoding = decode_text(data, source.name)
    if "\x00" in text:
        raise ExportError(f"“{source.name}”里含有二进制内容，不是纯文本文件。")
    stripped = text.lstrip("\ufeff").lstrip()
    is_json = source.suffix.lower() == ".json" or (
        source.suffix.lower() not in (".txt", ".md", ".markdown", ".text") and stripped.startswith("{")
    )
    return InputText(text=text.lstrip("\ufeff"), kind="json" if is_json else "plain", encoding=encoding)
