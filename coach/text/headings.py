"""The one heading-marker lexer: what numbering a heading starts with, at what level, with what number,
and how it should be written.

Two readers share the tables below:

- ``match_marker`` reads the start of an outline or draft *line*. It knows the four standard levels
  一、 > （一） > 1. > （1） and ① below them, and tolerates what writers actually type — half-width
  "(一)" "1)", a wrong "一." "一，" "1、", and the bare "一 标题" with a space — so that those lines are
  headings (and the outline check can then report the punctuation). This is the app's 搭骨 parser; every
  other line-based reader (the coach, the export's layout, the 填肉 split) asks it.
- ``match_prose_marker`` reads a position inside running *prose* (a corpus speech whose line breaks may
  be lost): the strict outline forms, plus run-in points 一是/一要/第一，/第一步/首先/其一 that start a
  sentence or follow a colon. At the start of a paragraph it also accepts whatever ``match_marker``
  accepts, so a speech laid out as "一 学习是立身之本" has the same headings in the corpus as in the app.

Numbers come from ``coach.text.numerals``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.text.numerals import CIRCLED, NUMERAL_CHARS, chinese_to_int, circled, circled_value, int_to_chinese

#: the marker of each level as the standard writes it (level 5, ①, is below the four standard levels)
LEVEL_NAMES = {1: "一、", 2: "（一）", 3: "1.", 4: "（1）", 5: "①"}
STANDARD_LEVELS = 4
#: the prose families that stand for the four outline levels
LEVEL_FAMILIES = {1: "cn-dun", 2: "cn-paren", 3: "digit-dot", 4: "digit-paren"}

# --------------------------------------------------------------------------------------------------
# line markers

_CN = re.escape(NUMERAL_CHARS)
_OPEN = "（("
_CLOSE = "）)"
# level 2 / 4: a numeral in brackets, maybe followed by a wrong 顿号 or dot
_RE_PAREN = re.compile(rf"([{_OPEN}])[ \t]*([{_CN}]{{1,6}}|\d{{1,3}})[ \t]*([{_CLOSE}])([、.．，,])?")
# level 4 written "1)" / "1）"
_RE_HALF_PAREN = re.compile(r"(\d{1,3})[ \t]*([）)])")
# level 1: 一、 (also 一. 一． 一， and "一 " — parsed, reported)
_RE_CN = re.compile(rf"([{_CN}]{{1,6}})(?:[ \t]*、|([ \t]*[.．，,])(?![\d０-９])|([ \t]+)(?=\S))")
# level 3: 1. / 1． (also 1、 1， and "1 " — parsed, reported); never "1.5" or "2024年"
_RE_ARABIC = re.compile(r"(\d{1,3})(?:([ \t]*[.．、，,])(?![\d０-９])|([ \t]+)(?=[^\s\d]))")


@dataclass(frozen=True)
class Marker:
    level: int  # 1 = 一、 2 = （一） 3 = 1. 4 = （1） 5 = ①
    number: int
    raw: str  # as written, trailing spaces removed
    length: int  # characters consumed, spaces after the marker included
    canonical: str  # how this marker should be written

    @property
    def wrong(self) -> bool:
        return self.raw != self.canonical and not (self.level == 3 and self.raw == f"{self.number}．")


def canonical_marker(level: int, number: int) -> str:
    """一、 （一） 1. （1） or ① for ``number`` at ``level``."""
    if level == 1:
        return f"{int_to_chinese(number)}、"
    if level == 2:
        return f"（{int_to_chinese(number)}）"
    if level == 3:
        return f"{number}."
    if level == 4:
        return f"（{number}）"
    return circled(number)


def match_marker(s: str) -> Marker | None:
    """The heading marker at the start of ``s`` (already stripped of indentation and bullet), or None."""
    if not s:
        return None
    ch = s[0]
    if ch in CIRCLED:
        number = circled_value(ch) or 1
        length = 1 + len(s[1:]) - len(s[1:].lstrip(" \t\u3000"))
        return Marker(5, number, ch, length, circled(number))
    if ch in _OPEN:
        m = _RE_PAREN.match(s)
        if m:
            inner = m.group(2)
            if inner.isdigit():
                level, number = 4, int(inner)
            else:
                value = chinese_to_int(inner)
                if value is None:
                    return None
                level, number = 2, value
            if number < 1:
                return None
            return _make_marker(s, m.end(), level, number)
        return None
    if ch.isdigit() and ch.isascii():
        m = _RE_HALF_PAREN.match(s)
        if m and int(m.group(1)) >= 1:
            return _make_marker(s, m.end(), 4, int(m.group(1)))
        m = _RE_ARABIC.match(s)
        if m and int(m.group(1)) >= 1:
            return _make_marker(s, m.end(), 3, int(m.group(1)))
        return None
    if ch in NUMERAL_CHARS:
        m = _RE_CN.match(s)
        if m:
            value = chinese_to_int(m.group(1))
            if value is None:
                return None
            return _make_marker(s, m.end(), 1, value)
    return None


def _make_marker(s: str, end: int, level: int, number: int) -> Marker:
    raw = s[:end].rstrip(" \t")
    length = end + len(s[end:]) - len(s[end:].lstrip(" \t\u3000"))
    return Marker(level, number, raw, length, canonical_marker(level, number))


def marker_kind(marker: str) -> tuple[int | None, int | None, bool]:
    """(level, number, wrong) of a marker string; (None, None, False) when it is not a numbered marker
    (e.g. a run-in 一是)."""
    m = match_marker(marker.strip() + " x") if marker.strip() else None
    if m is None:
        return None, None, False
    return m.level, m.number, m.wrong


def heading_level(line: str) -> int:
    """1..4 for a line that starts with one of the four standard heading markers (一、 （一） 1. （1）, as
    ``match_marker`` reads them, indentation ignored), else 0. ① items are list items, not headings."""
    m = match_marker(line.lstrip(" \t\u3000"))
    return m.level if m is not None and m.level <= STANDARD_LEVELS else 0


def strip_marker(line: str) -> str:
    """The heading text of a line without its marker ("一 学习是立身之本" → "学习是立身之本")."""
    s = line.strip()
    m = match_marker(s)
    return s[m.length :].strip() if m is not None else s


# --------------------------------------------------------------------------------------------------
# prose markers (run-in points and outline numbering inside running text)

_CN10 = "一二三四五六七八九十"


@dataclass(frozen=True)
class MarkerFamily:
    key: str
    regex: re.Pattern
    rank: int  # 1..4 for outline numbering (一、 …), 0 for run-in points
    after_colon: bool  # may follow a colon/semicolon inside a sentence


#: words that count as ordinals in the 第N family
WORD_ORDINALS = {"首先": 1, "其次": 2, "再次": 3, "最后": None}

#: Order matters where patterns overlap: outline families come first so that "一、" is never read as
#: something else.
MARKER_FAMILIES: tuple[MarkerFamily, ...] = (
    MarkerFamily("cn-dun", re.compile(rf"(?P<num>[{_CN10}]{{1,3}})、"), 1, False),
    MarkerFamily("cn-paren", re.compile(rf"[（(](?P<num>[{_CN10}]{{1,3}})[）)]"), 2, False),
    MarkerFamily("digit-dot", re.compile(r"(?P<num>\d{1,2})(?:[.．](?![\d.．])|、)"), 3, False),
    MarkerFamily("digit-paren", re.compile(r"[（(](?P<num>\d{1,2})[）)]"), 4, False),
    MarkerFamily("di-step", re.compile(rf"第(?P<num>[{_CN10}]{{1,3}})步[：:，,、]?"), 0, True),
    MarkerFamily(
        "di",
        re.compile(rf"(?:第(?P<num>[{_CN10}]{{1,3}})[，,、：:]|(?P<word>首先|其次|再次|最后)(?:[，,、：:]|是))"),
        0,
        True,
    ),
    MarkerFamily("qi", re.compile(rf"其(?P<num>[{_CN10[:9]}])[，,、：:是]"), 0, True),
    MarkerFamily("shi", re.compile(rf"(?P<num>[{_CN10}]{{1,2}})是"), 0, True),
    MarkerFamily("yao", re.compile(rf"(?P<num>[{_CN10}]{{1,2}})要"), 0, True),
)
_FAMILY_BY_KEY = {f.key: f for f in MARKER_FAMILIES}


def match_prose_marker(
    text: str, pos: int, *, after_colon: bool = False, para_start: bool = False
) -> tuple[MarkerFamily, int | None, int] | None:
    """(family, ordinal, end of the marker) of a heading marker at ``text[pos]``, or None. ``ordinal`` is
    None for 最后 (it continues the open sequence). ``para_start``: ``pos`` starts a paragraph, where
    the line forms of ``match_marker`` ("一 标题", "一．") count too."""
    for fam in MARKER_FAMILIES:
        if after_colon and not fam.after_colon:
            continue
        m = fam.regex.match(text, pos)
        if m is None:
            continue
        if m.groupdict().get("word"):
            ordinal = WORD_ORDINALS[m.group("word")]
        else:
            num = m.group("num")
            ordinal = int(num) if num.isdigit() else chinese_to_int(num)
            if ordinal is None or ordinal == 0:
                continue
        if m.end() >= len(text) or text[m.end()] == "\n":
            continue  # a marker with nothing after it is not a heading
        return fam, ordinal, m.end()
    if para_start and not after_colon:
        line_end = text.find("\n", pos)
        line = text[pos : line_end if line_end != -1 else len(text)]
        marker = match_marker(line)
        if marker is not None and marker.level <= STANDARD_LEVELS and line[marker.length :].strip():
            return _FAMILY_BY_KEY[LEVEL_FAMILIES[marker.level]], marker.number, pos + marker.length
    return None


# --------------------------------------------------------------------------------------------------
# run-in enumerations inside a paragraph (填肉: 一是 … 二是, 第一， … 第二，, 首先 … 其次)

RUN_IN_ENUMERATION = re.compile(
    r"(?:(?<=[。；：:！？!?\n，,])|^)\s*"
    r"(?:(?P<n1>[一二三四五六七八九十]{1,3})(?P<f1>是|要)"
    r"|第(?P<n2>[一二三四五六七八九十]{1,3})(?P<f2>[，,、：:]|步|层面|方面)"
    r"|(?P<w>首先|其次|再次|最后)(?=[，,是要]))",
    re.M,
)
#: 首先/其次/再次 as numbers; 最后 closes a series
WORD_SERIES = ("首先", "其次", "再次")
WORD_INDEX = {w: i for i, w in enumerate(WORD_SERIES, 1)}


def run_in_word(family: str, number: int) -> str:
    """How the ``number``-th point of a run-in series of ``family`` is written: 二是, 第二，, 其次, 第二步."""
    if family == "首先":
        return WORD_SERIES[number - 1] if number <= len(WORD_SERIES) else f"第{int_to_chinese(number)}，"
    if family == "第":
        return f"第{int_to_chinese(number)}，"
    if family.startswith("第"):
        return f"第{int_to_chinese(number)}{family[1:]}"
    return f"{int_to_chinese(number)}{family}"
