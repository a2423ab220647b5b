"""What the examples panel says about a passage: where it comes from and what in it not to copy.

The corpus is real published text with real slips (各各、十跟手指) and anonymised names (XX、全*); a
passage shown as an example must say so, so the writer never learns the slip.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.ui.text import heading_path

POSITION_LABELS = {"opening": "开头", "body": "正文", "closing": "结尾"}
#: the label of the expander holding a passage's whole teaching unit
UNIT_LABELS = {"opening": "看完整的开头", "closing": "看完整的结尾"}
#: how much of a passage the card shows before "……"
PREVIEW_CHARS = 260


@dataclass(frozen=True)
class PassageNotes:
    slips: tuple[str, ...]  # “万精油”应为“万金油”
    hidden: tuple[str, ...]  # “*” (a name the original left out)


def source_line(hit: dict) -> str:
    title = hit.get("title") or f"范文 {str(hit.get('doc') or '')[:3]}"
    where = heading_path(hit.get("heading_path"))
    return f"《{title}》 › {where} · {POSITION_LABELS.get(hit.get('position'), '')}"


def preview(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "……"


def passage_notes(hit: dict) -> PassageNotes:
    """The corpus's own errors in a passage, real slips apart from anonymised names, each once."""
    text = hit.get("text") or ""
    marks = [m for m in hit.get("marks") or [] if m.get("start") is not None]
    slips = dict.fromkeys(
        f"“{text[m['start']:m['end']]}”" + (f"应为“{m['replacement']}”" if m.get("replacement") else "")
        for m in marks if not str(m.get("rule", "")).startswith("placeholder"))
    hidden = dict.fromkeys(f"“{text[m['start']:m['end']]}”" for m in marks
                           if str(m.get("rule", "")).startswith("placeholder"))
    return PassageNotes(tuple(slips), tuple(hidden))


@dataclass(frozen=True)
class RevisionPair:
    """One real slip of the corpus, shown as 改前 → 改后 (修容's teaching unit)."""

    before: str  # …前文【各各】后文…
    after: str  # …前文【各】后文…
    reason: str  # the rule's message and suggestion
    source: str  # 《title》


def _around(text: str, start: int, end: int, middle: str, width: int = 14) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    head = "…" if a > 0 else ""
    tail = "…" if b < len(text) else ""
    return (head + text[a:start] + f"【{middle}】" + text[end:b] + tail).replace("\n", " ")


def revision_pairs(passages, limit: int = 6, exclude_docs=()) -> list[RevisionPair]:
    """The corpus's own real errors with their fix, one rule after another (a doubled character, 的/地, a
    half-width full stop …) before a second example of the same rule; anonymisation marks are not errors
    to learn from and have no fix. ``passages``: the index's passages (each carrying its lint marks);
    ``exclude_docs``: the writer's own documents (their slips are in the 修容 list, not examples)."""
    by_rule: dict[str, list[RevisionPair]] = {}
    excluded = set(exclude_docs)
    for p in passages:
        if getattr(p, "doc_id", None) in excluded:
            continue
        text = getattr(p, "text", "") or ""
        for m in getattr(p, "marks", ()) or ():
            if m.get("replacement") is None or str(m.get("rule", "")).startswith("placeholder"):
                continue
            start, end = int(m["start"]), int(m["end"])
            if not 0 <= start < end <= len(text):
                continue
            reason = "；".join(x for x in (m.get("message", ""), m.get("suggestion", "")) if x)
            title = (getattr(p, "title", "") or "").strip()
            pair = RevisionPair(_around(text, start, end, text[start:end]),
                                _around(text, start, end, m["replacement"] or "（删去）"), reason,
                                f"《{title}》" if title else "")
            by_rule.setdefault(str(m.get("rule", "")), []).append(pair)
    out: list[RevisionPair] = []
    for round_ in range(max((len(v) for v in by_rule.values()), default=0)):
        for pairs in by_rule.values():
            if round_ < len(pairs) and len(out) < limit:
                out.append(pairs[round_])
    return out


#: what makes a passage strong, by kind of mention (coach.checks.sections.measure), in the order shown
_STRENGTHS = (("data", "用数据说话"), ("facts", "有具体事实"), ("quotations", "有引语"))
_DATA_KINDS = ("date", "percent", "amount", "number")


def passage_strengths(text: str, most: int = 3) -> list[str]:
    """What makes a passage strong material (填肉): its data, concrete facts and quotations, each with a few
    of its own words — “用数据说话：1286件、98%” — found by the same patterns as the 填肉 check."""
    from coach.checks.sections.measure import find_data_points, find_facts, find_quotations

    found = {"data": [m.text for m in find_data_points(text) if m.kind in _DATA_KINDS and m.kind != "date"],
             "facts": [m.text for m in find_facts(text)],
             "quotations": [m.text[:16] + ("…" if len(m.text) > 16 else "") for m in find_quotations(text)]}
    out = []
    for kind, label in _STRENGTHS:
        words = list(dict.fromkeys(w.strip() for w in found[kind] if w.strip()))
        if words:
            out.append(f"{label}：" + "、".join(words[:most]))
    return out


def unit_label(hit: dict) -> str | None:
    """The expander label for the passage's whole unit (the full opening …), None when it is the passage."""
    unit, text = hit.get("unit"), hit.get("text") or ""
    if not unit or unit.strip() == text.strip():
        return None
    return UNIT_LABELS.get(hit.get("position"), "看完整段落")
