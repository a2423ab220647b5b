"""填肉: what each section of a draft is made of — length, data, facts, quotations, enumerations — and whether
the sections are balanced and carry substance ("材料的生命力在于思想、事实和数据", speech 004).

A draft is split at its top-level headings (the highest numbered level found at the start of a line; a draft
with no numbered headings is split at paragraphs that open a run-in enumeration 一要/一是/第一，, as speech 001
does); a ``Project``'s sections can be given instead. Facts and data are found by patterns, not by a parser:
they tell the writer "this part has no concrete support yet", they are not an information-extraction system.

Speaking time uses 240 characters a minute (``params.sections.speech_chars_per_minute`` in rules.yaml): the
middle of the 220–260 字/分钟 usually given for a 讲话 read from a script, counting Chinese characters,
letters and digits (punctuation is not spoken).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jieba
import jieba.posseg

from coach.checks.numerals import chinese_to_int, int_to_chinese
from coach.checks.outline import _match_marker
from coach.checks.rules import RuleSet, load_rules
from coach.findings import Finding
from coach.project import Project, Section

# --------------------------------------------------------------------------------------------------
# patterns

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

_ENUM = re.compile(
    r"(?:(?<=[。；：:！？!?\n，,])|^)\s*"
    r"(?:(?P<n1>[一二三四五六七八九十]{1,3})(?P<f1>是|要)"
    r"|第(?P<n2>[一二三四五六七八九十]{1,3})(?P<f2>[，,、：:]|步|层面|方面)"
    r"|(?P<w>首先|其次|再次|最后)(?=[，,是要]))",
    re.M,
)
_WORD_INDEX = {"首先": 1, "其次": 2, "再次": 3}
_WORD_SERIES = ("首先", "其次", "再次")

# a paragraph after the last section that opens with one of these starts the closing (结尾)
_CLOSING_CUE = re.compile(r"^\s*(?:同志们[，,！!]|最后[，,]|谢谢大家|让我们)")


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


@dataclass
class SectionReport:
    text: str  # the analysed text (the draft, or the Project's sections joined)
    sections: list[SectionStats]
    opening: SectionStats | None
    closing: SectionStats | None
    findings: list[Finding]
    total_chars: int
    median_chars: float | None
    speaking_minutes: float | None  # None for a genre that is not spoken
    chars_per_minute: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "sections": [s.to_dict() for s in self.sections],
            "opening": self.opening.to_dict() if self.opening else None,
            "closing": self.closing.to_dict() if self.closing else None,
            "findings": [f.to_dict() for f in self.findings],
            "total_chars": self.total_chars,
            "median_chars": self.median_chars,
            "speaking_minutes": self.speaking_minutes,
            "chars_per_minute": self.chars_per_minute,
        }


# --------------------------------------------------------------------------------------------------
# finding things


def spoken_chars(text: str) -> int:
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
    for m in _ENUM.finditer(text):
        if m.group("n1"):
            number = chinese_to_int(m.group("n1"))
            family = m.group("f1")
        elif m.group("n2"):
            number = chinese_to_int(m.group("n2"))
            suffix = m.group("f2")
            family = "第" if suffix in "，,、：:" else "第" + suffix
        else:
            word = m.group("w")
            number = _WORD_INDEX.get(word)  # 最后: None, closes any series
            family = "首先" if word in _WORD_SERIES else "最后"
        if number is None and family != "最后":
            continue
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        out.append(
            Mention("enumeration", m.group().strip(), start + offset, m.end() + offset, {"family": family, "number": number})
        )
    return out


def _enum_word(family: str, number: int) -> str:
    if family == "首先":
        return _WORD_SERIES[number - 1] if number <= len(_WORD_SERIES) else f"第{int_to_chinese(number)}，"
    if family == "第":
        return f"第{int_to_chinese(number)}，"
    if family.startswith("第"):
        return f"第{int_to_chinese(number)}{family[1:]}"
    return f"{int_to_chinese(number)}{family}"


# families that may stand for one another in a series (and so can be mixed up): 首先/第一，; 一是/一要
_MIXABLE = ({"首先", "第"}, {"是", "要"})


def _check_enumerations(enums: list[Mention], rules: RuleSet, line_of) -> list[Finding]:
    """Per family, the open series and its last number. A series that goes on in another family of the
    same kind (首先 … 第二，) is mixed; a number skipped within a family (一是 … 三是) is a skip."""
    findings = []
    open_series: dict[str, dict[str, Any]] = {}
    for m in enums:
        family, number = m.extra["family"], m.extra["number"]
        if family == "最后":
            open_series.pop("首先", None)
            open_series.pop("第", None)
            continue
        if number == 1:
            open_series[family] = {"last": 1, "first": m.text}
            continue
        own = open_series.get(family)
        if own is not None:
            if number > own["last"] + 1 and rules.enabled("section.enum-skip"):
                findings.append(
                    rules.finding(
                        "section.enum-skip",
                        family="section",
                        line=line_of(m.start),
                        start=m.start,
                        end=m.end,
                        found=m.text,
                        expected=_enum_word(family, own["last"] + 1),
                    )
                )
            own["last"] = max(own["last"], number)
            continue
        kin = next((k for group in _MIXABLE if family in group for k in group if k != family), None)
        other = open_series.get(kin) if kin else None
        if other is not None and other["last"] == number - 1:
            if rules.enabled("section.enum-mixed"):
                findings.append(
                    rules.finding(
                        "section.enum-mixed",
                        family="section",
                        line=line_of(m.start),
                        start=m.start,
                        end=m.end,
                        first=other["first"],
                        found=m.text,
                        expected=_enum_word(kin, number),
                    )
                )
            # the series goes on under the new family: one finding per switch, not one per later item
            open_series[family] = {"last": number, "first": other["first"]}
            del open_series[kin]
    return findings


# --------------------------------------------------------------------------------------------------
# splitting


@dataclass
class _Span:
    role: str
    heading: str
    start: int  # section start (heading line)
    body_start: int
    end: int


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _top_heading_lines(text: str) -> list[tuple[int, int, str]]:
    """(line start, line end, heading) of each top-level heading line."""
    candidates = []
    offset = 0
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        stripped = line.lstrip()
        marker = _match_marker(stripped) if stripped else None
        if marker is not None:
            candidates.append((marker.level, offset, offset + len(line), stripped))
        offset += len(raw) + 1
    if candidates:
        top = min(level for level, *_ in candidates)
        return [(s, e, h) for level, s, e, h in candidates if level == top]
    # no numbered headings: paragraphs that open a run-in enumeration (一要…/一是…/第一，…) in sequence
    runs = []
    offset = 0
    expected = 1
    family = None
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        enums = find_enumerations(line.lstrip())
        first = enums[0] if enums and enums[0].start == 0 else None
        if first and first.extra["number"] == expected and family in (None, first.extra["family"]):
            family = first.extra["family"]
            runs.append((offset, offset + len(line), line.strip()))
            expected += 1
        offset += len(raw) + 1
    return runs if len(runs) >= 2 else []


def _heading_of(line: str) -> str:
    """The heading part of a heading line (a run-in heading stops at its first 。)."""
    text = line.strip()
    cut = text.find("。")
    return text[:cut] if 0 < cut else text


def _split(text: str) -> list[_Span]:
    heads = _top_heading_lines(text)
    spans: list[_Span] = []
    if not heads:
        return [_Span("section", "", 0, 0, len(text))] if text.strip() else []
    if text[: heads[0][0]].strip():
        spans.append(_Span("opening", "", 0, 0, heads[0][0]))
    for i, (start, line_end, line) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        heading = _heading_of(line)
        # a run-in heading: its body starts right after the heading on the same line
        body_start = start + len(text[start:line_end]) - len(text[start:line_end].lstrip()) + len(heading)
        spans.append(_Span("section", heading, start, min(body_start, end), end))
    # the closing: in the last section, the first paragraph (not the first) that opens with a closing cue
    last = spans[-1]
    offset = last.body_start
    first_paragraph = True
    for raw in text[last.body_start : last.end].split("\n"):
        if raw.strip():
            if not first_paragraph and _CLOSING_CUE.match(raw):
                spans.append(_Span("closing", "", offset, offset, last.end))
                last.end = offset
                break
            first_paragraph = False
        offset += len(raw) + 1
    return spans


# --------------------------------------------------------------------------------------------------
# analysis


def _from_sections(sections: Sequence[Section], opening: str = "", closing: str = "") -> tuple[str, list[_Span]]:
    parts: list[str] = []
    spans: list[_Span] = []
    pos = 0

    def add(role: str, heading: str, body: str) -> None:
        nonlocal pos
        start = pos
        chunk = (heading.strip() + "\n" if heading.strip() else "") + body.strip()
        body_start = start + (len(heading.strip()) + 1 if heading.strip() else 0)
        parts.append(chunk)
        pos += len(chunk) + 1
        spans.append(_Span(role, heading.strip(), start, body_start, start + len(chunk)))

    if opening.strip():
        add("opening", "", opening)
    for section in sections:
        add("section", section.heading, section.body)
    if closing.strip():
        add("closing", "", closing)
    return "\n".join(parts), spans


def analyze_sections(
    text_or_sections: str | Project | Sequence[Section],
    genre: str | None = None,
    *,
    target_minutes: float | None = None,
    rules: RuleSet | None = None,
) -> SectionReport:
    """Analyse a draft (str), a ``Project`` (its opening, sections and closing) or a list of ``Section``."""
    rules = rules or load_rules()
    p = rules.params["sections"]
    if isinstance(text_or_sections, str):
        text = text_or_sections
        spans = _split(text)
    elif isinstance(text_or_sections, Project):
        project = text_or_sections
        genre = genre or project.brief.genre or None
        if target_minutes is None and project.brief.speaking_minutes:
            target_minutes = project.brief.speaking_minutes
        text, spans = _from_sections(project.sections, project.opening, project.closing)
    else:
        text, spans = _from_sections(list(text_or_sections))

    starts = _line_starts(text)

    def line_of(offset: int) -> int:
        # bisect by hand over the line starts
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    stats: list[SectionStats] = []
    findings: list[Finding] = []
    body_index = 0
    for span in spans:
        body = text[span.body_start : span.end]
        index = body_index if span.role == "section" else (-1 if span.role == "opening" else -2)
        if span.role == "section":
            body_index += 1
        s = SectionStats(
            index=index,
            role=span.role,
            heading=span.heading,
            body=body,
            start=span.start,
            end=span.end,
            line=line_of(span.start),
            chars=spoken_chars(body),
            data_points=find_data_points(body, span.body_start),
            facts=find_facts(body, span.body_start),
            quotations=find_quotations(body, span.body_start),
            enumerations=find_enumerations(body, span.body_start),
        )
        stats.append(s)
        findings.extend(_check_enumerations(s.enumerations, rules, line_of))

    body_sections = [s for s in stats if s.role == "section"]
    opening = next((s for s in stats if s.role == "opening"), None)
    closing = next((s for s in stats if s.role == "closing"), None)

    def label(s: SectionStats) -> str:
        h = s.heading or "正文"
        return h if len(h) <= 20 else h[:20] + "…"

    named = [s for s in body_sections if s.heading]
    for s in named:
        if s.chars == 0 and rules.enabled("section.empty"):
            findings.append(
                rules.finding("section.empty", family="section", line=s.line, start=s.start, end=s.end, heading=label(s))
            )
        elif (
            s.chars >= p["substance_min_chars"]
            and not s.has_substance
            and rules.enabled("section.no-substance")
        ):
            findings.append(
                rules.finding(
                    "section.no-substance",
                    family="section",
                    line=s.line,
                    start=s.start,
                    end=s.end,
                    heading=label(s),
                    chars=s.chars,
                )
            )
    filled = [s for s in named if s.chars > 0]
    median = statistics.median(s.chars for s in filled) if len(filled) >= 2 else None
    if median:
        for s in filled:
            rule = None
            if s.chars < median * p["short_ratio"]:
                rule = "section.too-short"
            elif s.chars > median * p["long_ratio"]:
                rule = "section.too-long"
            if rule and rules.enabled(rule):
                findings.append(
                    rules.finding(
                        rule,
                        family="section",
                        line=s.line,
                        start=s.start,
                        end=s.end,
                        heading=label(s),
                        chars=s.chars,
                        median=int(median),
                        extra={"ratio": round(s.chars / median, 2)},
                    )
                )

    total = spoken_chars(text)
    rate = int(p["speech_chars_per_minute"])
    spoken = genre is None or "讲话" in genre
    minutes = round(total / rate, 1) if spoken else None
    if (
        spoken
        and target_minutes
        and minutes is not None
        and abs(minutes - target_minutes) > target_minutes * p["time_tolerance"]
        and rules.enabled("section.time-target")
    ):
        findings.append(
            rules.finding(
                "section.time-target",
                family="section",
                line=1,
                minutes=minutes,
                target=target_minutes,
                rate=rate,
            )
        )
    findings.sort(key=lambda f: (f.line or 0, f.start or 0, f.rule))
    return SectionReport(
        text=text,
        sections=body_sections,
        opening=opening,
        closing=closing,
        findings=findings,
        total_chars=total,
        median_chars=median,
        speaking_minutes=minutes,
        chars_per_minute=rate,
    )


__all__ = [
    "Mention",
    "SectionReport",
    "SectionStats",
    "analyze_sections",
    "find_data_points",
    "find_enumerations",
    "find_facts",
    "find_quotations",
    "spoken_chars",
]
