"""The five steps (立意 → 搭骨 → 填肉 → 修容 → 成器), discovered from this package."""

from __future__ import annotations

import importlib
import pkgutil

from coach.steps.base import RetrievalScope, Step


def _discover() -> tuple[Step, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base" or not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        step = getattr(module, "STEP", None)
        if isinstance(step, Step):
            found.append(step)
    return tuple(sorted(found, key=lambda s: s.order))


STEPS: tuple[Step, ...] = _discover()


def get_step(key_or_name: str) -> Step:
    """Look a step up by its key ("liyi") or its Chinese name ("立意")."""
    for step in STEPS:
        if key_or_name in (step.key, step.name):
            return step
    names = "、".join(s.name for s in STEPS)
    raise KeyError(f"没有名为“{key_or_name}”的步骤，可选：{names}")


def first_step() -> Step:
    return STEPS[0]


def draft_step() -> Step:
    """The step an imported whole text opens at."""
    return next((s for s in STEPS if s.opens_imported_draft), STEPS[-1])


def step_or_first(key: str | None) -> Step:
    """The step with this key, or the first step for "" / an unknown key (an old project, a stale URL)."""
    return next((s for s in STEPS if s.key == key), STEPS[0])


__all__ = ["STEPS", "Step", "RetrievalScope", "get_step", "first_step", "draft_step", "step_or_first"]
