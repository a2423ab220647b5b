"""填肉: give every part flesh — ideas, facts and data. Its checks are ``coach.checks.sections``."""

from __future__ import annotations

from pathlib import Path

from coach.findings import Finding
from coach.project import Project
from coach.steps.base import RetrievalScope, Step


def report(project: Project):
    """The section report (length, data, facts, quotations per part) of the project's opening, sections
    and closing."""
    from coach.checks.sections import analyze_sections

    return analyze_sections(project)


def started(project: Project) -> bool:
    return bool(project.opening.strip() or project.closing.strip() or any(s.body.strip() for s in project.sections))


def check(project: Project, embed=None) -> list[Finding]:
    if not started(project):
        return []
    return report(project).findings


def query(project: Project, focus: str | None = None) -> str:
    """Body paragraphs on the part being written: its heading (the focus) with the thesis for context."""
    brief = project.brief
    parts = [focus, brief.thesis] if focus else [brief.thesis, brief.title]
    return " ".join(p.strip() for p in parts if p and p.strip())


STEP = Step(
    key="tianrou",
    name="填肉",
    order=3,
    goal="给每个部分填上血肉：材料的生命力在于思想、事实和数据。",
    checklist=(
        "观点鲜明，不满足于人云亦云的“大路货”",
        "用鲜活的案例、具体的事件支撑观点",
        "善用数据说话，通过对比让文稿更有说服力",
        "各部分篇幅大体均衡",
    ),
    scope=RetrievalScope(positions=("body",), kinds=("paragraph",)),
    artifact="各部分正文",
    check=check,
    query=query,
    folder=Path(__file__).parent,
    started=started,
    focus="section",
    context_blocks=("outline", "section_sizes", "focus_part"),
    example_hint="选一个部分开始写，这里会显示真实讲话稿里讲同一件事的段落。",
    chat_hint="例如：“这一部分怎么写得更有说服力？”“有没有用数据说话的例子？”",
    page="coach.steps.tianrou.page:render",
    example_strengths=True,
)
