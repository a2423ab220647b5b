"""成器: review the draft three times (三改三审), compare versions, and finish.

The checks look at the finished whole: is there a draft and a saved version, does its length fit the plan
from 立意 (±20%), are the 署名 and 成文日期 in order (only for genres with a 落款), has the writer gone through the
三改三审 list — rules as data in this folder's ``rules.yaml``, run on facts about the project by the lint engine
(``coach.lint.subjects``) — and the 文种's rules and 结语 once more on the final text.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from coach.findings import Finding
from coach.lint import CHECKERS, ENV_VAR, Linter, load_rule_file
from coach.lint.subjects import FACTS, check_project
from coach.project import Project
from coach.steps.base import RetrievalScope, Step

FAMILY = "成器"
#: each 三改三审 pass ends with a version labelled "三改三审·<pass>", so the passes can be compared later
REVIEW_PREFIX = "三改三审·"
REVIEW_PASSES = ("改内容", "改篇幅", "改表述", "对比复盘")

CHECKLIST = (
    "改内容：观点是否提炼到位，材料是否支撑观点",
    "改篇幅：删去空话套话，各部分详略得当",
    "改表述：逻辑衔接是否顺畅，用词是否精准",
    "对比修改稿和原稿，弄清每一处修改的理由",
)


def review_label(index: int) -> str:
    return REVIEW_PREFIX + REVIEW_PASSES[index]


def reviewed(project: Project) -> set[int]:
    """The 三改三审 passes the writer has finished (each left a version with its label)."""
    labels = {v.label for v in project.versions}
    return {i for i in range(len(REVIEW_PASSES)) if review_label(i) in labels}


#: this step's own rules (data)
RULES_FILE = Path(__file__).with_name("rules.yaml")


@lru_cache(maxsize=4)
def _linter(env_value: str) -> Linter:
    return Linter(load_rule_file(RULES_FILE, list(CHECKERS)))


def check(project: Project, embed=None) -> list[Finding]:
    done = reviewed(project)
    facts = {f"reviewed_{i}": i in done for i in range(len(REVIEW_PASSES))}
    out = check_project(_linter(os.environ.get(ENV_VAR, "")), project, (FACTS, "date"), extra_facts=facts,
                        family=FAMILY)
    text = project.current_text()
    if text.strip():
        # the genre's rules on the final text: a second request in a 请示 must cost the score here too
        from coach.genres import structure

        out = (structure.genre_rule_findings(project.brief.genre, text)
               + structure.check_closing(project.brief.genre, text) + out)
    return out


def query(project: Project, focus: str | None = None) -> str:
    """Closings that gather the threads: search with the thesis and the expected effect."""
    brief = project.brief
    parts = [focus] if focus else [brief.thesis, brief.expected_effect, brief.title]
    return " ".join(p.strip() for p in parts if p and p.strip())


STEP = Step(
    key="chengqi",
    name="成器",
    order=5,
    goal="文章不厌百回改：自己先“三改三审”，再把修改稿和原稿对比，揣摩修改背后的深意。",
    checklist=CHECKLIST,
    # closings show how real speeches gather the threads and end
    scope=RetrievalScope(positions=("closing",), kinds=("paragraph",)),
    artifact="定稿与版本",
    check=check,
    query=query,
    folder=Path(__file__).parent,
    started=lambda p: bool(p.versions),
    context_blocks=("outline", "draft", "asked_part", "last_version"),
    example_hint="填写核心观点后，这里会显示真实讲话稿的结尾，看看怎样收束全文。",
    chat_hint="例如：“定稿前还要检查什么？”“这两个版本改得好不好？”",
    page="coach.steps.chengqi.page:render",
)
