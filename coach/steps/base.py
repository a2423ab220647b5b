"""The shape every writing step shares (cf. STORM's staged modules behind one small interface).

A step is one folder ``coach/steps/<key>/`` whose ``__init__`` defines ``STEP``; the registry in
``coach.steps`` discovers the folders and orders them by ``Step.order``. The folder holds everything the
step is: its module (artifact, checks, retrieval query), ``prompt.md`` (the LLM system prompt),
``questions.yaml`` (the offline coach's question bank), and ``page.py`` (its work area in the app).
Nothing outside ``coach/steps/`` names a step key: the app, ``coach.ui`` and ``coach.coaching`` ask the
step through the fields below, so adding a sixth step is adding one folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coach.findings import Finding
from coach.project import Project


@dataclass(frozen=True)
class RetrievalScope:
    """Which passages a step asks the retriever for (None = any)."""

    positions: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None


def _no_checks(project: Project, embed=None) -> list[Finding]:
    return []


def _never_started(project: Project) -> bool:
    return False


def _thesis_query(project: Project, focus: str | None = None) -> str:
    return focus or project.brief.thesis or project.brief.title or project.brief.occasion


#: what a step's focus can default to (see ``coach.coaching.context.default_focus``)
FOCUS_KINDS = ("brief.thesis", "outline", "section", "draft")
#: the blocks of project state an LLM turn can carry (see ``coach.coaching.llm.project_block``)
CONTEXT_BLOCKS = ("outline", "outline_if_written", "section_sizes", "focus_part", "draft", "asked_part",
                  "last_version")


@dataclass(frozen=True)
class Step:
    key: str  # ascii id used in URLs, files and the database: "liyi"
    name: str  # what the writer reads: "立意"
    order: int
    goal: str  # one sentence: what the step is for
    checklist: tuple[str, ...]  # from speech 004's method, in our own words
    scope: RetrievalScope
    folder: Path  # coach/steps/<key>/: prompt.md, questions.yaml, page.py
    artifact: str = ""  # what the step produces, for the writer: "立意卡"
    # its checks; ``embed`` (list[str] -> vectors) turns on the semantic checks when a model is loaded,
    # so the app and the command line give the same findings
    check: Callable[..., list[Finding]] = _no_checks
    # the text to search the corpus with, for the part the writer is working on (focus: a heading, a section …)
    query: Callable[[Project, str | None], str] = _thesis_query
    # has the writer put anything into this step's artifact yet ("未开始" vs "进行中")
    started: Callable[[Project], bool] = _never_started
    # the text the step's findings point into by offset or line: "outline" or "draft"
    work_text: str = "draft"
    # what the coach talks about when the writer names no part: one of FOCUS_KINDS
    focus: str = "draft"
    # whether "开头 / 结尾" in a question means the writer's opening / closing at this step
    parts_in_focus: bool = True
    # the project state an LLM turn carries at this step: names from CONTEXT_BLOCKS, in order
    context_blocks: tuple[str, ...] = ("outline", "draft", "asked_part")
    # empty states: what the examples panel and the chat say before there is anything to show
    example_hint: str = ""
    chat_hint: str = "有问题随时问教练。"
    # an imported whole text (coach export of a plain draft, a project made from a file) opens at this step
    opens_imported_draft: bool = False
    # the checklist for this project when it depends on the genre (a 请示 is not built like a speech); None = checklist
    checklist_for: Callable[[Project], tuple[str, ...]] | None = None
    # "module:function" drawing the step's work area in the app; "" = the generic page (examples + chat)
    page: str = ""
    # the examples say what makes each passage strong (its data, facts, quotations): 填肉's teaching unit
    example_strengths: bool = False

    def __post_init__(self) -> None:
        if self.focus not in FOCUS_KINDS:
            raise ValueError(f"step {self.key}: focus {self.focus!r} is not one of {FOCUS_KINDS}")
        unknown = set(self.context_blocks) - set(CONTEXT_BLOCKS)
        if unknown:
            raise ValueError(f"step {self.key}: unknown context blocks {sorted(unknown)}")
        if self.work_text not in ("outline", "draft"):
            raise ValueError(f"step {self.key}: work_text must be 'outline' or 'draft'")

    @property
    def prompt_path(self) -> Path:
        return self.folder / "prompt.md"

    @property
    def question_bank_path(self) -> Path:
        return self.folder / "questions.yaml"

    def checklist_of(self, project: Project) -> tuple[str, ...]:
        return self.checklist_for(project) if self.checklist_for else self.checklist

    def run_check(self, project: Project, embed=None) -> list[Finding]:
        return list(self.check(project, embed=embed))
