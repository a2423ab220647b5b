"""The five steps (立意 → 搭骨 → 填肉 → 修容 → 成器), discovered from this package."""

from __future__ import annotations

import importlib
import pkgutil

from coach.steps.base import RetrievalScope, Step


def _discover() -> tuple[Step, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
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


__all__ = ["STEPS", "Step", "RetrievalScope", "get_step"]
