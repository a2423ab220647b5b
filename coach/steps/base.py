"""The shape every writing step shares (cf. STORM's staged modules behind one small interface).

A step is one module in ``coach/steps/`` that defines ``STEP``. The registry in ``__init__``
discovers them and orders them by ``Step.order``, so adding a sixth step is adding one module.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetrievalScope:
    """Which passages a step asks the retriever for (None = any)."""

    positions: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Step:
    key: str  # ascii id used in URLs, files and the database: "liyi"
    name: str  # what the writer reads: "立意"
    order: int
    goal: str  # one sentence: what the step is for
    checklist: tuple[str, ...]  # from speech 004's method, in our own words
    scope: RetrievalScope
