"""立意: decide genre, direction, intent, audience and the one-sentence thesis before writing.

The checks read the 立意卡 (``Project.brief``) only, and they are data: this folder's ``rules.yaml`` plus the
built-in lint rules that name a card field (请示 一文一事, 一个主送机关, 报告不夹带请示 …), run by the lint engine
(``coach.lint.subjects``). Rules from 《党政机关公文处理工作条例》 have ``source: regulation``; habits of
practice warn with ``source: practice``; completeness checks of ours have ``source: check``.
"""

from __future__ import annotations

import os
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

from coach.findings import Finding
from coach.lint import CHECKERS, ENV_VAR, Linter, Rule, load_rule_file, load_rules
from coach.lint.subjects import check_project
from coach.project import BriefCard, Project
from coach.steps.base import RetrievalScope, Step

FAMILY = "立意卡"
#: this step's own rules; the 请示/报告 rules that also read the draft are built-in lint rules naming a card field
RULES_FILE = Path(__file__).with_name("rules.yaml")
BRIEF_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(BriefCard))


@lru_cache(maxsize=4)
def _linter(env_value: str) -> Linter:
    # keyed by COACH_LINT_RULES: an office's own rule file that names a card field joins the 立意 check too
    own = load_rule_file(RULES_FILE, list(CHECKERS))
    ids = {r.id for r in own}
    shared = [r for r in load_rules(errors=[]) if r.id not in ids and any(f in BRIEF_FIELDS for f in r.fields)]
    return Linter(own + shared)


def rules() -> list[Rule]:
    """The rules the 立意 check runs: its own file plus the built-in and user rules that read a card field."""
    return list(_linter(os.environ.get(ENV_VAR, "")).rules)


def _brief_started(project: Project) -> bool:
    defaults = BriefCard()
    return any(getattr(project.brief, f.name) != getattr(defaults, f.name) for f in fields(BriefCard))


def check(project: Project, embed=None) -> list[Finding]:
    """The 立意卡 rules (rules.yaml and the genre rules that read a card field) on every card field."""
    return check_project(_linter(os.environ.get(ENV_VAR, "")), project, BRIEF_FIELDS, family=FAMILY)


def query(project: Project, focus: str | None = None) -> str:
    """Openings that state a purpose like ours: search with the thesis, occasion and genre."""
    brief = project.brief
    parts = [focus] if focus else [brief.thesis, brief.occasion, brief.title, brief.leader_intent]
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return text or brief.genre


STEP = Step(
    key="liyi",
    name="立意",
    order=1,
    goal="动笔之前先想清楚：写什么文种、为谁写、领导想说什么、受众是谁、核心观点是哪一句。",
    checklist=(
        "明确文种和行文方向，不把报告写成夹带请示事项的“报告式请示”",
        "吃透领导意图：关注的重点、想表达的核心观点、希望达到的效果",
        "分析受众：写给上级、下级还是群众，用对方听得懂、能接受的话",
        "用一句话写出核心观点",
        "定下篇幅或讲话时长",
    ),
    # openings show how real speeches state their purpose
    scope=RetrievalScope(positions=("opening",), kinds=("paragraph",)),
    artifact="立意卡",
    check=check,
    query=query,
    folder=Path(__file__).parent,
    started=_brief_started,
    focus="brief.thesis",
    parts_in_focus=False,
    context_blocks=("outline_if_written",),
    example_hint="填写标题、场合或核心观点后，这里会显示真实讲话稿里开门见山、点明主旨的开头。",
    chat_hint="例如：“这篇讲话的核心观点怎么提炼？”“请示和报告有什么区别？”",
    page="coach.steps.liyi.page:render",
)
