"""搭骨: build the skeleton — top-level and second-level headings that build on each other."""

from __future__ import annotations

from pathlib import Path

from coach.findings import Finding
from coach.project import Project
from coach.steps.base import RetrievalScope, Step


def check(project: Project, embed=None) -> list[Finding]:
    """The outline checks of ``coach.checks.outline`` (numbering, levels, count, 对仗, overlap, thesis)."""
    from coach.checks.outline import check_outline

    from coach.genres import structure

    if not project.outline.strip():
        return []
    genre = project.brief.genre
    found = [f for f in check_outline(project.outline, thesis=project.brief.thesis or None, embed=embed)
             if structure.applies(genre, f.rule)]
    return found + structure.check_outline(genre, project.outline) + structure.genre_rule_findings(genre, project.outline, field="outline")


def query(project: Project, focus: str | None = None) -> str:
    """Headings of real speeches on the same subject: the heading being worked on, else the thesis."""
    brief = project.brief
    parts = [focus] if focus else [brief.thesis, brief.title, brief.occasion]
    return " ".join(p.strip() for p in parts if p and p.strip())


SPEECH_CHECKLIST = (
    "一级标题一般三到五个（“讲三点意见”）",
    "层次不超过四级：一、→（一）→ 1. →（1）",
    "同级标题对仗工整，字数相当、结构相同",
    "各部分相互独立、合起来完整（不重不漏）",
    "每个一级标题都服务于核心观点",
)


def checklist_for(project: Project) -> tuple[str, ...]:
    """A 公文 is built from its genre's parts; the speech habits (三点意见、对仗) are not its rules."""
    from coach.genres import structure

    s = structure.structure(project.brief.genre)
    if s is None or s.speech_outline_rules:
        return SPEECH_CHECKLIST
    items = [f"按{s.parts_text()}搭结构：" + "；".join(f"{p.name}，{p.purpose}" for p in s.parts)]
    if s.genre == "请示":
        items.append("一文一事：只请示一件事，另一件事另写一份请示")
    items += ["层次不超过四级：一、→（一）→ 1. →（1）", "各部分相互独立、合起来完整（不重不漏）"]
    return tuple(items)


STEP = Step(
    key="dagu",
    name="搭骨",
    order=2,
    goal="先搭骨架：自上而下列出一级、二级标题，让各部分逻辑递进、相互支撑、不重不漏。",
    checklist=SPEECH_CHECKLIST,
    checklist_for=checklist_for,
    # headings are the skeletons of real speeches
    scope=RetrievalScope(kinds=("heading",)),
    artifact="提纲",
    check=check,
    query=query,
    folder=Path(__file__).parent,
    started=lambda p: bool(p.outline.strip()),
    work_text="outline",
    focus="outline",
    parts_in_focus=False,
    context_blocks=("outline",),
    example_hint="填写核心观点或标题后，这里会显示真实讲话稿的标题，看看别人怎么搭骨架。",
    chat_hint="例如：“我的一级标题对仗吗？”“给我看看别人怎么搭骨架。”",
    page="coach.steps.dagu.page:render",
)
