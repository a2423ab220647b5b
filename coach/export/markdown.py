"""Everything written so far as one Markdown document: 立意卡, outline, sections, draft, versions, open findings.

Meant for reading and sharing at any step, not for reloading (use the JSON export for that). The writer's
text is escaped so that a line such as "1. 加强学习" or "全*县" stays literally what was written instead of
turning into Markdown lists or emphasis, and HTML in a pasted passage is shown, never rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from coach.findings import Finding
from coach.project import BriefCard, Project
from coach.text.vocabulary import BRIEF_FIELD_LABELS, SEVERITY_LABELS, STATUS_LABELS


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_BLOCK_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[>+\-=]|\d+(?=[.)]))")


def escape_markdown(text: str) -> str:
    """Text shown literally by Markdown renderers (CommonMark backslash escapes)."""
    out = []
    for line in text.split("\n"):
        line = _INLINE_SPECIAL.sub(r"\\\1", line)
        m = _BLOCK_START.match(line)
        if m:
            marker = m.group(2)
            if marker[0].isdigit():  # "1." → "1\." keeps the number, stops the list
                line = line[: m.end()] + "\\" + line[m.end():]
            else:
                line = m.group(1) + "\\" + line[m.start(2):]
        out.append(line)
    return "\n".join(out)


def _paragraphs(text: str) -> str:
    """Each non-empty line of the writer's text as its own Markdown paragraph."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n\n".join(escape_markdown(line) for line in lines if line)


def _step_names() -> dict[str, str]:
    try:
        from coach.steps import STEPS

        return {step.key: step.name for step in STEPS}
    except Exception:  # noqa: BLE001 - the export must work even if a step module is broken
        return {}


def _finding_dict(finding: Finding | dict[str, Any]) -> dict[str, Any]:
    return finding.to_dict() if isinstance(finding, Finding) else dict(finding)


def _brief_section(brief: BriefCard) -> list[str]:
    values = {f.name: getattr(brief, f.name) for f in fields(BriefCard)}
    if not any(v not in ("", None) for v in values.values()):
        return ["## 立意卡", "", "（尚未填写）"]
    lines = ["## 立意卡", ""]
    for key, label in BRIEF_FIELD_LABELS.items():
        value = values.get(key)
        shown = escape_markdown(str(value)) if value not in ("", None) else "（未填）"
        lines.append(f"- **{label}**：{shown}")
    return lines


def to_markdown(project: Project, findings: Iterable[Finding | dict[str, Any]] | None = None) -> str:
    step_names = _step_names()
    title = project.brief.title.strip() or project.name
    out: list[str] = [f"# {escape_markdown(title)}", ""]

    meta = []
    if project.current_step:
        meta.append(f"当前步骤：{step_names.get(project.current_step, project.current_step)}")
    if project.step_status:
        progress = "，".join(
            f"{step_names.get(k, k)} {STATUS_LABELS.get(v, v)}" for k, v in project.step_status.items()
        )
        meta.append(f"进度：{progress}")
    if meta:
        out += ["> " + " · ".join(escape_markdown(m) for m in meta), ""]

    out += _brief_section(project.brief) + [""]

    if project.outline.strip():
        # a fenced block keeps the numbering and line breaks exactly as written
        fence = "~~~~" if "```" in project.outline else "```"
        out += ["## 提纲", "", fence + "text", project.outline.strip("\n"), fence, ""]

    has_sections = project.opening.strip() or project.closing.strip() or any(
        s.heading.strip() or s.body.strip() for s in project.sections
    )
    if has_sections:
        out += ["## 分节写作", ""]
        if project.opening.strip():
            out += ["### 开头", "", _paragraphs(project.opening), ""]
        for section in project.sections:
            heading = section.heading.strip() or "（未命名小节）"
            out += [f"### {escape_markdown(heading)}", ""]
            out += [_paragraphs(section.body) if section.body.strip() else "（尚未填写）", ""]
        if project.closing.strip():
            out += ["### 结尾", "", _paragraphs(project.closing), ""]

    if project.draft.strip():
        out += ["## 全文", "", _paragraphs(project.draft), ""]

    if project.versions:
        out += ["## 版本记录", ""]
        for version in project.versions:
            step = step_names.get(version.step, version.step)
            extra = f"，{escape_markdown(step)}" if step else ""
            out.append(f"- {escape_markdown(version.label)}（{escape_markdown(version.created_at)}{extra}，{len(version.text)} 字）")
        out.append("")

    if project.pins:
        out += ["## 收藏的范例", ""]
        for pin in project.pins:
            text = str(pin.get("text", "")).strip()
            source = str(pin.get("title") or pin.get("doc_id") or "").strip()
            quoted = "\n".join("> " + line for line in escape_markdown(text).split("\n") if line.strip())
            out += [quoted or "> （空）", ">", f"> —— {escape_markdown(source)}" if source else ">", ""]

    found = [_finding_dict(f) for f in (findings or [])]
    if found:
        out += [f"## 待处理的问题（{len(found)} 条）", ""]
        for f in found:
            severity = SEVERITY_LABELS.get(f.get("severity", ""), f.get("severity", ""))
            where = f"（第 {f['line']} 行）" if f.get("line") else ""
            line = f"- **{severity}**{where}：{escape_markdown(str(f.get('message', '')))}"
            if f.get("rule"):
                line += f" `{str(f['rule']).replace('`', '')}`"
            out.append(line)
            if f.get("suggestion"):
                out.append(f"  - 建议：{escape_markdown(str(f['suggestion']))}")
        out.append("")

    return "\n".join(out).rstrip("\n") + "\n"
