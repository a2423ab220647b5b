"""填肉, splitting: a draft into opening, sections and closing. A draft is split at its top-level headings
(the highest heading level found at the start of a line, read by ``coach.text.headings``); a draft with
no numbered headings is split at paragraphs that open a run-in enumeration 一要/一是/第一，, as speech 001
does; a ``Project``'s sections can be given instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from coach.checks.sections.measure import find_enumerations
from coach.project import Section
from coach.text.headings import match_marker

# a paragraph after the last section that opens with one of these starts the closing (结尾)
_CLOSING_CUE = re.compile(r"^\s*(?:同志们[，,！!]|最后[，,]|谢谢大家|让我们)")


@dataclass
class _Span:
    role: str
    heading: str
    start: int  # section start (heading line)
    body_start: int
    end: int


def line_starts(text: str) -> list[int]:
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
        marker = match_marker(stripped) if stripped else None
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


def split_text(text: str) -> list[_Span]:
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




def from_sections(sections: Sequence[Section], opening: str = "", closing: str = "") -> tuple[str, list[_Span]]:
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
