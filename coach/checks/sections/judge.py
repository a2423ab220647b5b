"""填肉, judging: whether the sections are balanced and carry substance ("材料的生命力在于思想、事实和数据",
speech 004), whether run-in series are numbered right, and how long the speech takes to deliver.

Speaking time uses ``coach.text.vocabulary.SPEECH_CHARS_PER_MINUTE`` (the one speaking pace; a rules file
may override it with ``params.sections.speech_chars_per_minute``), counting Chinese characters, letters and
digits (punctuation is not spoken).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coach.checks.rules import RuleSet, load_rules
from coach.checks.sections.measure import (
    Mention,
    SectionStats,
    find_data_points,
    find_enumerations,
    find_facts,
    find_quotations,
    spoken_chars,
)
from coach.checks.sections.split import from_sections, line_starts, split_text
from coach.findings import Finding
from coach.project import Project, Section
from coach.text.headings import run_in_word
from coach.text.vocabulary import SPEECH_CHARS_PER_MINUTE


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
                        expected=run_in_word(family, own["last"] + 1),
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
                        expected=run_in_word(kin, number),
                    )
                )
            # the series goes on under the new family: one finding per switch, not one per later item
            open_series[family] = {"last": number, "first": other["first"]}
            del open_series[kin]
    return findings


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
        spans = split_text(text)
    elif isinstance(text_or_sections, Project):
        project = text_or_sections
        genre = genre or project.brief.genre or None
        if target_minutes is None and project.brief.speaking_minutes:
            target_minutes = project.brief.speaking_minutes
        text, spans = from_sections(project.sections, project.opening, project.closing)
    else:
        text, spans = from_sections(list(text_or_sections))

    starts = line_starts(text)

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
                rules.at("section.empty", s, family="section", heading=label(s))
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
    rate = int(p.get("speech_chars_per_minute", SPEECH_CHARS_PER_MINUTE))
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
