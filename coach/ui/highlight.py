"""Findings highlighted in place in the draft, as HTML for ``st.html``.

Why this is safe: the only markup in the output is the constant tags and class names written in this
module. Every piece of the writer's text, every finding message and every suggestion passes through
``html.escape(..., quote=True)`` before it is joined in, so a draft containing ``<script>`` or
``" onmouseover=`` shows those characters literally and cannot add elements or attributes. Nothing here
uses ``unsafe_allow_html``; ``st.html`` additionally sanitises what it is given.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from coach.findings import Finding
from coach.text.vocabulary import SEVERITY_LABELS


_STYLE = """<style>
.coach-draft{font-family:"FangSong","STFangsong","Noto Serif CJK SC",serif;font-size:1.05rem;line-height:1.9;
white-space:pre-wrap;word-break:break-all;border:1px solid #e5e5e5;border-radius:6px;padding:.8rem 1rem;
background:#fff;color:#222;max-height:32rem;overflow-y:auto}
.coach-draft mark{padding:0 1px;border-radius:2px;color:inherit}
.coach-draft mark.sev-error{background:#ffd6d6;border-bottom:2px solid #d33}
.coach-draft mark.sev-warning{background:#fff0c2;border-bottom:2px solid #e0a100}
.coach-draft mark.sev-info{background:#dcecff;border-bottom:2px dotted #3a7bd5}
.coach-draft sup{color:#888;font-size:.7em;margin-left:1px}
</style>"""


@dataclass(frozen=True)
class Segment:
    text: str
    findings: tuple[int, ...]  # indexes into the findings list, empty for plain text


def _ranges(text: str, findings: Sequence[Finding]) -> list[tuple[int, int, int]]:
    out = []
    for i, f in enumerate(findings):
        if f.start is None or f.end is None:
            continue
        start, end = max(0, f.start), min(len(text), f.end)
        if end <= start:
            # a zero-width finding (e.g. "missing punctuation here"): mark the character before it
            if 0 < start <= len(text):
                start, end = start - 1, start
            else:
                continue
        out.append((start, end, i))
    return out


def segments(text: str, findings: Sequence[Finding]) -> list[Segment]:
    """Split ``text`` at every finding boundary; each piece lists the findings covering it."""
    ranges = _ranges(text, findings)
    cuts = sorted({0, len(text), *(s for s, _, _ in ranges), *(e for _, e, _ in ranges)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = tuple(i for s, e, i in ranges if s <= a and b <= e)
        out.append(Segment(text[a:b], covering))
    return out


def _severity_of(indexes: tuple[int, ...], findings: Sequence[Finding]) -> str:
    order = {"error": 0, "warning": 1, "info": 2}
    return min((findings[i].severity for i in indexes), key=lambda s: order.get(s, 3))


def render_highlighted(text: str, findings: Sequence[Finding], numbers: dict[int, int] | None = None) -> str:
    """HTML of ``text`` with each finding's range marked; hovering shows the message.

    ``numbers`` maps a finding's index to the number shown in the findings list (1-based), so the
    writer can match a mark to its entry; by default findings are numbered in list order.
    """
    numbers = numbers or {i: i + 1 for i in range(len(findings))}
    parts = [_STYLE, '<div class="coach-draft">']
    for seg in segments(text, findings):
        escaped = html.escape(seg.text, quote=True)
        if not seg.findings:
            parts.append(escaped)
            continue
        severity = _severity_of(seg.findings, findings)
        tip = "；".join(
            f"[{numbers.get(i, i + 1)}] {SEVERITY_LABELS.get(findings[i].severity, '')}：{findings[i].message}"
            for i in seg.findings
        )
        label = ",".join(str(numbers.get(i, i + 1)) for i in seg.findings)
        parts.append(
            f'<mark class="sev-{html.escape(severity, quote=True)}" title="{html.escape(tip, quote=True)}">'
            f"{escaped}</mark><sup>{html.escape(label, quote=True)}</sup>"
        )
    parts.append("</div>")
    return "".join(parts)


def finding_line(number: int, finding: Finding, text: str | None = None) -> str:
    """One finding as plain Markdown-safe text for a list: "[3] 提醒：……（原文：“……”）→ 建议"."""
    quoted = ""
    if text is not None and finding.start is not None and finding.end is not None and finding.end > finding.start:
        quoted = f"（原文：“{text[finding.start:finding.end][:40]}”）"
    label = SEVERITY_LABELS.get(finding.severity, finding.severity)
    line = f"[{number}] {label}：{finding.message}{quoted}"
    if finding.suggestion:
        line += f" → {finding.suggestion}"
    return line
