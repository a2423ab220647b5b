"""送审: a sixth step, written only as this folder, to show that adding a step touches nothing else."""

from __future__ import annotations

from pathlib import Path

from coach.findings import Finding
from coach.project import Project
from coach.steps.base import RetrievalScope, Step


def check(project: Project, embed=None) -> list[Finding]:
    if project.brief.signature.strip():
        return []
    return [Finding(rule="songshen.signature", severity="warning", message="送审前要写明署名（发文机关）。",
                    suggestion="在立意卡的落款里填写署名。", family="送审")]


STEP = Step(
    key="songshen", name="送审", order=6,
    goal="把定稿送领导审签：附上起草说明，写明需要领导拍板的事项。",
    checklist=("起草说明写清依据、过程和需要拍板的事项", "署名、成文日期齐全"),
    scope=RetrievalScope(positions=("closing",), kinds=("paragraph",)),
    folder=Path(__file__).parent, artifact="送审稿", check=check,
    example_hint="填写核心观点后，这里会显示真实讲话稿的结尾。",
)
