"""填肉, measuring: what a section is made of — spoken length, data, facts, quotations and run-in
enumerations. Facts and data are found by patterns, not by a parser: they tell the writer "this part has no
concrete support yet", they are not an information-extraction system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import jieba
import jieba.posseg

from coach.text.headings import RUN_IN_ENUMERATION, WORD_INDEX, WORD_SERIES
from coach.text.numerals import chinese_to_int

_CJK = "\u4e00-\u9fff"
_NUM = r"\d+(?:[.．]\d+)?"
_CN_DIGIT = "零〇一二两三四五六七八九十百千"
_ANON = r"(?:[A-Z×*＊]{1,3})"  # XX县, ××, 全* (anonymised names still name something)

# data points, most specific first (one alternation scanned left to right, so "500亿元" is one amount)
_DATA = re.compile(
    "|".join(
        [
            rf"(?P<date>\d{{4}}\s*年(?:\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*[日号])?)?(?:度)?"
            rf"|\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号]|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
            rf"|[〇零一二三四五六七八九]{{4}}年(?:[一二三四五六七八九十]{{1,2}}月)?)",
            rf"(?P<percent>{_NUM}\s*[%％‰]|百分之[{_CN_DIGIT}点]+|{_NUM}\s*个百分点|[{_CN_DIGIT}]+成(?=[以左])?)",
            rf"(?P<amount>{_NUM}\s*[多余]?\s*[万亿]+\s*(?:元|美元|人次|人|户|吨|亩|平方米|千瓦时|辆|件|个|家|名)?"
            rf"|[一二两三四五六七八九十百千]+[万亿]+(?:元|人次|人|户|吨|亩)"
            rf"|{_NUM}\s*[多余]?\s*(?:元|美元))",
            rf"(?P<number>{_NUM}\s*[多余]?\s*(?:个|项|家|名|位|人次|人|次|所|条|件|批|场|篇|期|天|小时|公里|千米|米|吨"
            rf"|亩|户|台|套|辆|倍|届|支|类|座|处|份|年|月|周|岁|字|本|页|部|分钟))",
        ]
    )
)

_PLACE_SUFFIX = "省|自治区|自治州|市|县|区|州|镇|乡|村"
# anonymised place names (XX县, ××市); real names are found by jieba's place tag (ns)
_ANON_PLACE = re.compile(rf"(?:[A-Z]{{2,3}}|[×＊*]{{2,3}})(?:{_PLACE_SUFFIX})")
# place-tagged words that name no particular place
_SUFFIX_CHAR = re.compile("[省市县区州镇乡村]")
_NOT_PLACES = frozenset("中国 国内 国外 海外 世界 全国 全球 城市 农村 乡村 城乡 城镇 乡镇 地方 基层 本地 当地 各地 外地".split())
_GENERIC_START = "全各本我该每此两一外跨"
_LEVEL = r"(?:中共|中央|国家|全国|全省|全市|全县|全区|全州|省|市|县|区|州|乡|镇)"
_ORG_CORE = r"(?:委员会|办公厅|办公室|人民政府|政府|人大|政协|纪委|党委|委办|政府办|委|局|厅|院|中心)"
_ORG = re.compile(
    rf"(?<![{_GENERIC_START}]){_ANON}?(?:中共)?(?:中央|国家|省|市|县|区|州|乡|镇)"
    rf"(?:[^\s\W各和与及等大的是在了工作系统部门单位]{{0,4}}){_ORG_CORE}"
    r"|党中央|国务院|中办|国办|“两办”|两办"
)
_EVENT = re.compile(
    rf"党的[{_CN_DIGIT}]+大|(?<![{_CJK}])[十二][{_CN_DIGIT}]*大(?=[以精报会])"
    rf"|[{_CN_DIGIT}]+届[{_CN_DIGIT}]+[次中]?全会"
    rf"|{_ANON}?{_LEVEL}(?:(?!召开|举行|举办|参加|出席|在|和|与)[{_CJK}“”]){{0,12}}?(?:全会|党代会|代表大会|大会|会议|培训会|培训班|座谈会|推进会|现场会|论坛|博览会)"
)
_DOCUMENT = re.compile(r"《[^《》\n]{1,40}》")

_QUOTE = re.compile(
    r"(?P<speaker>[^。！？；\n“”]{1,40}?)(?P<verb>指出|强调|说过|说道|说|讲过|讲道|提出|要求|写道|所说|有云|云|曰)"
    r"[：:，,]?\s*“(?P<quote>[^“”]{2,400})”"
)
_SPEAKER_TRIM = re.compile(r"^.*[，,：:]")



@dataclass(frozen=True)
class Mention:
    """One thing found in a section: ``kind`` is date/percent/amount/number (data), place/organisation/event/
    document (facts), quotation, or enumeration."""

    kind: str
    text: str
    start: int  # offsets into the analysed text
    end: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end, **self.extra}



@dataclass
class SectionStats:
    index: int  # 0-based among the body sections; -1 for the opening, -2 for the closing
    role: str  # "opening" | "section" | "closing"
    heading: str
    body: str
    start: int  # offsets of the section (heading included) in the analysed text
    end: int
    line: int  # 1-based line of the heading (or of the first line)
    chars: int  # characters that are spoken: Chinese characters, letters, digits
    data_points: list[Mention] = field(default_factory=list)
    facts: list[Mention] = field(default_factory=list)
    quotations: list[Mention] = field(default_factory=list)
    enumerations: list[Mention] = field(default_factory=list)

    @property
    def has_substance(self) -> bool:
        return bool(self.data_points or self.facts or self.quotations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "role": self.role,
            "heading": self.heading,
            "line": self.line,
            "start": self.start,
            "end": self.end,
            "chars": self.chars,
            "data_points": [m.to_dict() for m in self.data_points],
            "facts": [m.to_dict() for m in self.facts],
            "quotations": [m.to_dict() for m in self.quotations],
            "enumerations": [m.to_dict() for m in self.enumerations],
            "has_substance": self.has_substance,
        }



def spoken_chars(text: str) -> int:
    """Characters that are spoken: Chinese characters, letters, digits (punctuation is not)."""
    return sum(1 for ch in text if ch.isalnum())


def find_data_points(text: str, offset: int = 0) -> list[Mention]:
    out = []
    for m in _DATA.finditer(text):
        kind = m.lastgroup or "number"
        out.append(Mention(kind, m.group(), m.start() + offset, m.end() + offset))
    return out


def find_facts(text: str, offset: int = 0) -> list[Mention]:
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, s: int, e: int) -> None:
        if e <= s or any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        found.append(Mention(kind, text[s:e], s + offset, e + offset))

    for pattern, kind in ((_DOCUMENT, "document"), (_EVENT, "event"), (_ORG, "organisation"), (_ANON_PLACE, "place")):
        for m in pattern.finditer(text):
            add(kind, m.start(), m.end())
    # real place names: a word of jieba's dictionary tagged as a place (ns) that ends in an administrative
    # suffix (西湖区, 古田县). A dictionary lookup at each suffix, not a full part-of-speech pass: jieba tags
    # many common words as places (深渊, 多角度) and tagging 1 MB takes ~25 s.
    tags = jieba.posseg.dt.word_tag_tab
    for m in _SUFFIX_CHAR.finditer(text):
        end = m.end()
        for length in range(8, 2, -1):
            start = end - length
            if start < 0:
                continue
            word = text[start:end]
            if tags.get(word) == "ns" and word not in _NOT_PLACES and word[0] not in _GENERIC_START:
                add("place", start, end)
                break
    return sorted(found, key=lambda x: x.start)


def find_quotations(text: str, offset: int = 0) -> list[Mention]:
    out = []
    for m in _QUOTE.finditer(text):
        speaker = _SPEAKER_TRIM.sub("", m.group("speaker")).strip()
        speaker = re.sub(r"在[^，,]{1,20}时$", "", speaker).strip()
        if not speaker or len(speaker) > 20:
            continue
        out.append(
            Mention(
                "quotation",
                m.group("quote"),
                m.start("quote") - 1 + offset,
                m.end("quote") + 1 + offset,
                {"speaker": speaker},
            )
        )
    return out


def find_enumerations(text: str, offset: int = 0) -> list[Mention]:
    out = []
    for m in RUN_IN_ENUMERATION.finditer(text):
        if m.group("n1"):
            number = chinese_to_int(m.group("n1"))
            family = m.group("f1")
        elif m.group("n2"):
            number = chinese_to_int(m.group("n2"))
            suffix = m.group("f2")
            family = "第" if suffix in "，,、：:" else "第" + suffix
        else:
            word = m.group("w")
            number = WORD_INDEX.get(word)  # 最后: None, closes any series
            family = "首先" if word in WORD_SERIES else "最后"
        if number is None and family != "最后":
            continue
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        out.append(
            Mention("enumeration", m.group().strip(), start + offset, m.end() + offset, {"family": family, "number": number})
        )
    return out
