"""File names for exported drafts: keep the Chinese title, drop anything a file system or a browser chokes on."""

from __future__ import annotations

import re
import unicodedata

DEFAULT_STEM = "未命名文稿"

# characters Windows forbids (and "/" everywhere): turned into their full-width look-alikes so the
# title still reads the same; path separators become "_" so nobody mistakes them for folders
_REPLACEMENTS = str.maketrans({
    "/": "_", "\\": "_", ":": "：", "*": "＊", "?": "？", '"': "＂", "<": "＜", ">": "＞", "|": "｜",
})
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(title: str | None, ext: str = "", max_bytes: int = 180) -> str:
    """``title`` as a portable file name ending in ``.ext``, at most ``max_bytes`` UTF-8 bytes long.

    >>> safe_filename("关于做好2026年“三服务”工作的通知", "docx")
    '关于做好2026年“三服务”工作的通知.docx'
    """
    ext = re.sub(r"[^A-Za-z0-9]", "", (ext or "").strip().lstrip("."))[:10].lower()
    suffix = f".{ext}" if ext else ""
    name = unicodedata.normalize("NFC", title or "")
    # control/format/surrogate/private-use/unassigned characters ("C*") and line breaks become spaces
    name = "".join(" " if unicodedata.category(ch).startswith(("C", "Zl", "Zp")) else ch for ch in name)
    name = name.translate(_REPLACEMENTS)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    if name.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        name = "_" + name
    budget = max(max_bytes - len(suffix.encode("utf-8")), 16)
    while len(name.encode("utf-8")) > budget:
        name = name[:-1]
    name = name.rstrip(" .")
    return (name or DEFAULT_STEM) + suffix
