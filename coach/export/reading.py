"""Reading an input file for ``coach export``: a JSON project export or a plain-text draft, in any common
Chinese encoding, with a clear message for files that are not text at all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coach.export.errors import ExportError
from coach.text.decode import DecodeError
from coach.text.decode import decode_text as decode

MAX_INPUT_BYTES = 50 * 1024 * 1024

@dataclass(frozen=True)
class InputText:
    text: str
    kind: str  # "json" | "plain"
    encoding: str


def decode_text(data: bytes, source: str = "文件") -> tuple[str, str]:
    """(text, encoding) by the one decoder (``coach.text.decode``), with the export's messages."""
    try:
        return decode(data)
    except DecodeError as exc:
        if exc.kind == "format":
            raise ExportError(
                f"“{source}”是{exc.what}，不是纯文本。请在 Word/WPS 中“另存为”纯文本（.txt，UTF-8）后再导出。"
            ) from None
        raise ExportError(
            f"“{source}”看起来不是文本文件（可能是图片、压缩包或损坏的文件），无法读取。请选择 .txt、.md 或 .json 文件。"
        ) from None


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
