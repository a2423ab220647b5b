"""One finding type shared by every check (outline, section, lint, 立意卡 …).

A check reports *where* (character offsets and/or a 1-based line), *what* (rule id, severity,
message in Chinese) and, when it can, *how to fix* (suggestion text, and a replacement for safe autofix).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Fix:
    """Replace ``text[start:end]`` with ``replacement``. ``safe`` fixes may be applied without asking."""

    start: int
    end: int
    replacement: str
    safe: bool = False


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" | "warning" | "info"
    message: str
    suggestion: str | None = None
    start: int | None = None
    end: int | None = None
    line: int | None = None
    family: str | None = None
    source: str | None = None  # "regulation" | "standard" | "practice" | "check"
    fix: Fix | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.fix is None:
            d.pop("fix")
        return d
