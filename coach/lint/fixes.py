"""Autofix: apply one finding's fix, or every safe fix in a text.

Changes are reported as dicts ``{rule, start, end, before, after}`` with offsets into the text the fix
was applied to (for ``apply_safe_fixes`` with several passes: the text of that pass).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coach.findings import Finding, Fix


def _check_fix(text: str, finding: Finding) -> Fix:
    fix = finding.fix
    if fix is None:
        raise ValueError(f"规则 {finding.rule} 的这条问题没有自动修改方案，请手动修改。")
    if not 0 <= fix.start <= fix.end <= len(text):
        raise ValueError(f"规则 {finding.rule} 的修改位置超出了文本范围（文本可能已经改过），请重新检查。")
    return fix


def apply_fix(text: str, finding: Finding) -> tuple[str, dict[str, Any]]:
    """Apply one finding's fix (safe or not — the writer asked for it). Returns the new text and the change."""
    fix = _check_fix(text, finding)
    before = text[fix.start : fix.end]
    change = {"rule": finding.rule, "start": fix.start, "end": fix.end, "before": before, "after": fix.replacement}
    return text[: fix.start] + fix.replacement + text[fix.end :], change


def _apply_non_overlapping(text: str, findings: Sequence[Finding]) -> tuple[str, list[dict[str, Any]]]:
    chosen: list[Finding] = []
    last_end = -1
    for f in sorted(
        (f for f in findings if f.fix is not None and f.fix.safe and 0 <= f.fix.start <= f.fix.end <= len(text)),
        key=lambda f: (f.fix.start, f.fix.end),  # type: ignore[union-attr]
    ):
        fix = f.fix
        assert fix is not None
        if fix.start < last_end or (fix.start == last_end and fix.start == fix.end):
            continue  # overlaps a fix already chosen: the next lint pass will see it again
        chosen.append(f)
        last_end = max(fix.end, fix.start + (fix.start == fix.end))
    changes: list[dict[str, Any]] = []
    for f in reversed(chosen):
        text, change = apply_fix(text, f)
        changes.append(change)
    changes.reverse()
    return text, changes


def apply_safe_fixes(
    text: str,
    findings: Sequence[Finding] | None = None,
    *,
    genre: str | None = None,
    linter: Any = None,
    max_passes: int = 5,
) -> tuple[str, list[dict[str, Any]]]:
    """Apply every safe fix. With ``findings`` given: those findings' safe fixes, one pass (overlapping
    fixes: the first wins). Without: lint, fix, lint again … until no safe fix is left (at most
    ``max_passes``), so that linting the result finds nothing safe to fix."""
    if findings is not None:
        return _apply_non_overlapping(text, findings)
    if linter is None:
        from coach.lint.engine import default_linter

        linter = default_linter()
    all_changes: list[dict[str, Any]] = []
    for _ in range(max_passes):
        text, changes = _apply_non_overlapping(text, linter.lint(text, genre=genre))
        if not changes:
            break
        all_changes.extend(changes)
    return text, all_changes
