"""The shape every writing step shares (cf. STORM's staged modules behind one small interface).

A step is one module in ``coach/steps/`` that defines ``STEP``. The registry in ``__init__``
discovers them and orders them by ``Step.order``, so adding a sixth step is adding one module
(plus its prompt file and question bank in ``prompts/``).

Each step has the same four parts:
- its artifact: which part of the ``Project`` it produces (``artifact`` names it for the writer);
- its checks: ``check(project) -> list[Finding]``;
- its retrieval query: ``query(project, focus) -> str`` plus ``scope`` (which passages to ask for);
- its coaching: ``prompts/<key>.md`` (LLM system prompt) and ``prompts/questions/<key>.yaml`` (question bank).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coach.findings import Finding
from coach.project import Project


@dataclass(frozen=True)
class RetrievalScope:
    """Which passages a step asks the retriever for (None = any)."""

    positions: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None


def _no_checks(project: Project) -> list[Finding]:
    return []


def _thesis_query(project: Project, focus: str | None = None) -> str:
    return focus or project.brief.thesis or project.brief.title or project.brief.occasion


@dataclass(frozen=True)
class Step:
    key: str  # ascii id used in URLs, files and the database: "liyi"
    name: str  # what the writer reads: "立意"
    order: int
    goal: str  # one sentence: what the step is for
    checklist: tuple[str, ...]  # from speech 004's method, in our own words
    scope: RetrievalScope
    artifact: str = ""  # what the step produces, for the writer: "立意卡"
    check: Callable[[Project], list[Finding]] = _no_checks
    # the text to search the corpus with, for the part the writer is working on (focus: a heading, a section …)
    query: Callable[[Project, str | None], str] = _thesis_query

    @property
    def prompt_file(self) -> str:
        return f"{self.key}.md"

    @property
    def question_bank(self) -> str:
        return f"questions/{self.key}.yaml"
