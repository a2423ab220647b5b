"""Read one corpus file (.txt, .md, .docx) into text, whatever its encoding, or fail with a clear
Chinese message naming the file (``IngestError``).

Encoding detection order (measured on the seeds, see the report in tests/test_corpus_reading.py):
1. a byte-order mark (UTF-8 with BOM, UTF-16/32 with BOM);
2. strict UTF-8 — the common case, and GBK bytes of Chinese text are practically never valid UTF-8;
3. strict GB18030 (a superset of GBK and GB2312), accepted when the characters are plausible
   simplified Chinese (most of them in GB2312) — charset-normalizer alone gets short GBK texts
   wrong (17 of 477 four-character sentences right; GB18030-after-UTF-8: 477 of 477);
4. charset-normalizer for everything else (Big5, UTF-16 without BOM, Latin-1 …).
A file with NUL bytes that is not UTF-16/32, or whose bytes are mostly control characters, is
reported as binary; common binary formats are named (PDF, PNG, a .docx/.doc renamed to .txt …).
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from coach.errors import CoachError

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

_SIGNATURES = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"PK\x03\x04", "压缩包或 Word（.docx）文件"),
    (b"\xd0\xcf\x11\xe0", "旧版 Office 文件（.doc/.xls）"),
    (b"\x7fELF", "程序文件"),
    (b"MZ\x90\x00", "程序文件"),
    (b"Rar!", "RAR 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
)


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
# decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _gb2312_share(text: str) -> float:
    """Share of non-ASCII characters in the GB2312 area of GBK (everyday simplified Chinese and its
    punctuation, lead and trail byte ≥ 0xA1); Big5 or Latin-1 bytes read as GB18030 give rarer
    characters instead. (Python's gb2312 codec maps A1AA/A1A4 to U+2015/U+30FB, not to the "—"/"·"
    everybody types, so the GBK bytes are checked instead of encoding to gb2312.)"""
    chars = [c for c in text if ord(c) >= 0x80]
    if not chars:
        return 0.0
    ok = 0
    for c in chars:
        try:
            b = c.encode("gbk")
        except UnicodeEncodeError:
            continue
        ok += len(b) == 2 and 0xA1 <= b[0] <= 0xF7 and b[1] >= 0xA1
    return ok / len(chars)


#: below this many bytes, GBK-encoded Chinese can happen to be valid UTF-8 ("一要" = d2bb d2aa = "һҪ")
SHORT_AMBIGUOUS_BYTES = 64


def _short_gbk_lookalike(data: bytes, utf8_text: str) -> bool:
    """A few bytes that decode as UTF-8 Cyrillic/Greek/Latin letters but as everyday simplified
    Chinese in GB18030 are Chinese: the corpus is Chinese, and long GBK texts are never valid UTF-8."""
    if len(data) >= SHORT_AMBIGUOUS_BYTES:
        return False
    non_ascii = [c for c in utf8_text if ord(c) >= 0x80]
    if not non_ascii or any(ord(c) >= 0x800 for c in non_ascii):
        return False
    # real short UTF-8 text is one script ("café", "Привет"); GBK bytes read as UTF-8 give a jumble
    # of Cyrillic, Greek, IPA and combining marks with no ASCII letters around them
    scripts = {unicodedata.name(c, "?").split(" ")[0] for c in non_ascii}
    if any(c.isascii() and c.isalpha() for c in utf8_text) and len(scripts) < 2:
        return False
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return _gb2312_share(gb) >= 0.9


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0D, 0x0C, 0x1B))
    return controls > max(2, len(sample) // 100)


_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd\ue000-\uf8ff]")


def _control_share(text: str) -> float:
    """Share of control, replacement and private-use characters: high for binary data."""
    if not text:
        return 0.0
    return len(_NOT_TEXT.findall(text)) / len(text)


def decode_bytes(data: bytes, path: str | Path = "") -> tuple[str, str]:
    """Decode a text file's bytes; returns (text, encoding name)."""
    path = Path(path)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                break
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            hint = "请用 Word 打开后“另存为” .docx 再导入。" if "Word" in what or "Office" in what else (
                "请把其中的文字复制到 .txt 或 .docx 文件后再导入。"
            )
            raise IngestError(f"文件{_name(path)}不是文本文件（看起来是{what}），无法按文本导入。{hint}", path)
    try:
        text = data.decode("utf-8")
        if _control_share(text) > 0.01:
            raise _binary(path)  # valid UTF-8, but control characters: not text
        if not _short_gbk_lookalike(data, text):
            return text, "utf-8"
    except UnicodeDecodeError:
        pass
    has_nul = b"\x00" in data
    gb_text = None
    if not has_nul:
        try:
            gb_text = data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        if gb_text is not None and _control_share(gb_text) < 0.01:
            share = _gb2312_share(gb_text)
            if share >= 0.9:
                return gb_text, "gb18030"
            # rarer characters (traditional text in GBK, four-byte GB18030): still GB18030 unless
            # the detector finds a better reading (Big5 read as GBK scores about 0.3–0.5)
            gb_text = gb_text if share >= 0.5 else None
        else:
            gb_text = None
    if _looks_binary(data) and not has_nul:
        raise _binary(path)
    best = from_bytes(data).best()
    # with a plausible GB18030 reading, only a traditional-Chinese detection (Big5) can beat it;
    # short GBK text otherwise comes back as cp949/Korean or similar mojibake
    if best is None or (gb_text is not None and not best.encoding.startswith("big5")):
        if gb_text is not None:
            return gb_text, "gb18030"
        raise _binary(path) if has_nul else _undecodable(path)
    enc = best.encoding
    if has_nul and not enc.startswith(("utf_16", "utf_32")):
        raise _binary(path)
    text = str(best)
    if _control_share(text) > 0.01:
        raise _binary(path)
    return text, enc.replace("_", "-")


def _binary(path: Path) -> IngestError:
    return IngestError(
        f"文件{_name(path)}不是文本文件（可能是图片、压缩包或其他格式改了扩展名），无法导入。"
        "请用 Word 或记事本打开确认，另存为 .txt（UTF-8）或 .docx 后再导入。",
        path,
    )


def _undecodable(path: Path) -> IngestError:
    return IngestError(f"无法识别文件{_name(path)}的文字编码。请用记事本打开，“另存为”时选择 UTF-8 编码后再导入。", path)


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
