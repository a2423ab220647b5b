"""修容: polish the wording of the whole draft. Its checks are the 公文 linter (``coach.lint``)."""

from __future__ import annotations

from pathlib import Path

from coach.findings import Finding
from coach.project import Project
from coach.steps.base import RetrievalScope, Step


def check(project: Project, embed=None) -> list[Finding]:
    """Lint findings on ``project.current_text()``; offsets refer to that text."""
    from coach.lint import lint

    text = project.current_text()
    if not text.strip():
        return []
    from coach.genres import structure

    return lint(text, genre=project.brief.genre or None) + structure.check_closing(project.brief.genre, text)


def started(project: Project) -> bool:
    """修容 works on the assembled text until the writer edits it: being here with text counts as started."""
    return bool(project.draft.strip() or (project.current_text().strip() and (
        project.current_step == STEP.key or any(v.step == STEP.key for v in project.versions))))


def query(project: Project, focus: str | None = None) -> str:
    """Well-written paragraphs about what the writer is polishing (a sentence or passage they chose)."""
    return (focus or project.brief.thesis or project.brief.title or project.current_text()[:200]).strip()


STEP = Step(
    key="xiurong",
    name="修容",
    order=4,
    goal="在语言文字上反复锤炼：精准、规范、庄重、简洁。",
    checklist=(
        "文种与格式：发文字号、主送机关、标题层次序号",
        "用词与标点：易混词（截止/截至）、全角标点、顿号用法",
        "数字与日期：阿拉伯数字、年份不省略、范围两端都带单位",
        "逻辑与行文：不越级请示、不一文多事",
    ),
    scope=RetrievalScope(kinds=("paragraph",)),
    artifact="修改后的全文",
    check=check,
    query=query,
    folder=Path(__file__).parent,
    started=started,
    example_hint="填写核心观点后，这里会显示用词规范的范文段落。",
    chat_hint="例如：“截止和截至怎么区分？”“帮我看看这段话哪里不规范。”",
    opens_imported_draft=True,
    page="coach.steps.xiurong.page:render",
)
