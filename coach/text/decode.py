"""The one input decoder: bytes of a text file (a corpus file, a draft to export or to lint, a rule file)
into text, whatever its encoding, or a ``DecodeError`` saying what the bytes are instead.

Detection order (measured on the seeds, see tests/test_corpus_reading.py and tests/test_text_decode.py):
1. a byte-order mark (UTF-8 with BOM, UTF-16/32 with BOM); bytes that do not fit their mark are undecodable;
2. strict UTF-8 — the common case, and GBK bytes of Chinese text are practically never valid UTF-8;
3. strict GB18030 (a superset of GBK and GB2312), accepted when the characters are plausible
   simplified Chinese (most of them in GB2312) — charset-normalizer alone gets short GBK texts
   wrong (17 of 477 four-character sentences right; GB18030-after-UTF-8: 477 of 477);
4. charset-normalizer for everything else (Big5, UTF-16 without BOM, Latin-1 …).
Bytes with NUL that are not UTF-16/32, or whose bytes are mostly control characters, are binary;
common binary formats are named (PDF, PNG, a .docx/.doc renamed to .txt …).

The decoder knows no caller: each caller (corpus import, export, lint) turns a ``DecodeError`` into its
own Chinese message with ``kind`` and ``what`` (what to do differs: the corpus takes .docx, lint does not).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from coach.errors import CoachError

#: file signatures of formats people mistake for text, with the name the writer knows them by
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"PK\x03\x04", "Word（.docx）文件或压缩包"),
    (b"\xd0\xcf\x11\xe0", "旧版 Word（.doc）、WPS 或 Excel 文件"),
    (b"{\\rtf", "RTF 文件"),
    (b"\x7fELF", "程序文件"),
    (b"MZ\x90\x00", "程序文件"),
    (b"Rar!", "RAR 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
)

#: signatures of Word-like files: the writer should "另存为" from Word or WPS
WORD_LIKE = ("Word", "WPS", "RTF")


class DecodeError(CoachError):
    """Bytes that are not text. ``kind``: "format" (a known binary format, named in ``what``),
    "binary" (control characters, NUL bytes) or "undecodable" (no encoding reads them)."""

    def __init__(self, kind: str, what: str = ""):
        self.kind = kind
        self.what = what
        super().__init__(
            {
                "format": f"不是文本文件（看起来是{what}）。",
                "binary": "不是文本文件（可能是图片、压缩包或其他格式改了扩展名）。",
            }.get(kind, "无法识别文字编码。")
        )

    @property
    def word_like(self) -> bool:
        return self.kind == "format" and any(w in self.what for w in WORD_LIKE)


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


def sniff_format(data: bytes) -> str | None:
    """The name of a known binary format the bytes start with ("PDF 文件" …), else None."""
    for magic, what in SIGNATURES:
        if data.startswith(magic):
            return what
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a text file's bytes; ``DecodeError`` when they are not text.
    Empty bytes are the empty text (each caller says what an empty file means to it)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                # a byte-order mark followed by bytes that do not fit it is a broken file; guessing
                # another code page would give mojibake ("яюяюЃ" in cp1251)
                raise DecodeError("undecodable") from None
    what = sniff_format(data)
    if what is not None:
        raise DecodeError("format", what)
    try:
        text = data.decode("utf-8")
        if _control_share(text) > 0.01:
            raise DecodeError("binary")  # valid UTF-8, but control characters: not text
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
        raise DecodeError("binary")
    best = from_bytes(data).best()
    # with a plausible GB18030 reading, only a traditional-Chinese detection (Big5) can beat it;
    # short GBK text otherwise comes back as cp949/Korean or similar mojibake
    if best is None or (gb_text is not None and not best.encoding.startswith("big5")):
        if gb_text is not None:
            return gb_text, "gb18030"
        raise DecodeError("binary" if has_nul else "undecodable")
    enc = best.encoding
    if has_nul and not enc.startswith(("utf_16", "utf_32")):
        raise DecodeError("binary")
    text = str(best)
    if _control_share(text) > 0.01:
        raise DecodeError("binary")
    return text, enc.replace("_", "-")
