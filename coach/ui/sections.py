"""Keep 填肉's sections in step with the outline's top-level headings without losing any text.

The outline is the source of truth for which sections exist and in which order. When the writer edits
the outline, each existing section is matched to a heading: first by the same heading text (so
renumbering and reordering keep the text), then by similar text (a reworded heading keeps its text),
then — when as many headings as sections are left over — in order (headings rewritten in place).
A section whose heading has gone and that holds text is kept at the end and shown as "不在提纲中",
so the writer decides whether to merge or delete it; an empty one is simply dropped.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from coach.project import Section

#: how similar two heading texts must be (difflib ratio) to count as the same heading reworded
RENAME_SIMILARITY = 0.5


@dataclass(frozen=True)
class OutlineHeading:
    line: str  # the heading as written in the outline, marker included: "一、学习是立身之本"
    text: str  # without the marker: "学习是立身之本"


@dataclass(frozen=True)
class SyncResult:
    sections: list[Section]
    orphans: list[int]  # indexes into ``sections`` of kept sections that are no longer in the outline
    changed: bool


def _key(text: str) -> str:
    return "".join(text.split())


def sync_sections(sections: list[Section], headings: list[OutlineHeading],
                  heading_text: dict[str, str] | None = None) -> SyncResult:
    """Sections for ``headings`` (in outline order), reusing the text of ``sections``.

    ``heading_text`` maps a stored section heading line to its text without the numbering marker
    (from the previous outline); without it the whole line is compared.
    """
    old = list(sections)
    old_text = [(heading_text or {}).get(s.heading, s.heading) for s in old]
    assigned: dict[int, int] = {}  # heading index -> old section index
    used: set[int] = set()

    # 1. the same heading text (renumbered or moved)
    for hi, h in enumerate(headings):
        for si, s in enumerate(old):
            if si in used:
                continue
            if _key(old_text[si]) == _key(h.text) or _key(s.heading) == _key(h.line):
                assigned[hi] = si
                used.add(si)
                break

    # 2. similar text (the writer reworded the heading); best pairs first
    pairs = []
    for hi, h in enumerate(headings):
        if hi in assigned:
            continue
        for si in range(len(old)):
            if si in used:
                continue
            ratio = difflib.SequenceMatcher(None, _key(old_text[si]), _key(h.text)).ratio()
            if ratio >= RENAME_SIMILARITY:
                pairs.append((ratio, hi, si))
    for _ratio, hi, si in sorted(pairs, reverse=True):
        if hi not in assigned and si not in used:
            assigned[hi] = si
            used.add(si)

    # 3. headings rewritten completely: when as many headings as sections are left over, pair them
    #    in order (the writer replaced the wording in place); otherwise leave them for the writer
    free_h = [hi for hi in range(len(headings)) if hi not in assigned]
    free_s = [si for si in range(len(old)) if si not in used]
    if len(free_h) == len(free_s):
        for hi, si in zip(free_h, free_s):
            assigned[hi] = si
            used.add(si)

    result: list[Section] = []
    for hi, h in enumerate(headings):
        si = assigned.get(hi)
        body = old[si].body if si is not None else ""
        result.append(Section(heading=h.line, body=body))
    orphans = []
    for si, s in enumerate(old):
        if si not in used and s.body.strip():
            orphans.append(len(result))
            result.append(Section(heading=s.heading, body=s.body))
    changed = [(s.heading, s.body) for s in result] != [(s.heading, s.body) for s in old]
    return SyncResult(result, orphans, changed)


def orphan_indexes(sections: list[Section], headings: list[OutlineHeading]) -> list[int]:
    """Indexes of sections whose heading is not a top-level heading of the outline."""
    lines = {_key(h.line) for h in headings}
    return [i for i, s in enumerate(sections) if _key(s.heading) not in lines]


def merge_into(sections: list[Section], source: int, target: int) -> list[Section]:
    """Append section ``source``'s text to section ``target`` and drop ``source``."""
    out = [Section(s.heading, s.body) for s in sections]
    moved = out[source].body.strip()
    if moved:
        base = out[target].body.rstrip()
        out[target].body = f"{base}\n{moved}" if base else moved
    del out[source]
    return out


def part_options(project) -> dict[str, str]:
    """The parts 填肉 lets the writer pick, in reading order: "opening", "s0" … "sN", "closing"."""
    options = {"opening": "开头"}
    for i, sec in enumerate(project.sections):
        options[f"s{i}"] = sec.heading or f"第{i + 1}部分"
    options["closing"] = "结尾"
    return options


def short_label(label: str, limit: int = 9) -> str:
    return label if len(label) <= limit else label[:limit] + "…"


def indicator_rows(report) -> list[dict]:
    """The 各部分情况 table: four short columns (six did not fit the side column and were cut off)."""
    return [{"部分": short_label({"opening": "开头", "closing": "结尾"}.get(s.role, s.heading)), "字数": s.chars,
             "数据·事实·引语": f"{len(s.data_points)}·{len(s.facts)}·{len(s.quotations)}",
             "有材料": "✓" if s.has_substance else "—"} for s in report.sections]
