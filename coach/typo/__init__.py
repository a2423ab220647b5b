"""Deep 错别字 check (``coach lint --deep``): a language model (Gemma 3 270M, converted once from the
installed GGUF package, see ``coach.typo.convert``) weighs same-sound / similar-shape candidates
(pycorrector's confusion sets, pypinyin near sounds) against what is written; optionally a configured
LLM proofreads too, its suggestions verified against the text (``coach.typo.llm_check``).

    from coach.typo import deep_findings
    deep_findings("我们要认真贯切落实党的二十大精神。")   # -> [Finding(rule="typo-lm", suggestion="彻", …)]
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from functools import lru_cache

from coach.findings import Finding, Fix

RULE_ID = "typo-lm"
FAMILY = "typo-lm"

__all__ = ["FAMILY", "RULE_ID", "deep_findings", "default_detector", "merge_findings"]


@lru_cache(maxsize=1)
def default_detector():
    """The detector with the calibrated margin; the model is built on first use if missing."""
    from coach.typo.detector import TypoDetector
    from coach.typo.lm import TypoLM, default_threads

    return TypoDetector(TypoLM(threads=default_threads()))


def deep_findings(text: str, detector=None, progress: Callable[[int, int], None] | None = None) -> list[Finding]:
    """Findings of family "typo-lm" for ``text`` (offsets are ``str`` indices into ``text``)."""
    from coach.lint.engine import excerpt

    detector = detector or default_detector()
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    out = []
    for hit in detector.check_text(text, progress=progress):
        line = bisect.bisect_right(line_starts, hit.start)
        out.append(Finding(
            rule=RULE_ID,
            severity="warning",
            message=f"疑似错别字：“{hit.original}”可能应为“{hit.replacement}”"
                    + (f"（{hit.word}）" if hit.word else ""),
            suggestion=hit.replacement,
            start=hit.start,
            end=hit.end,
            line=line,
            family=FAMILY,
            source="check",
            # never safe: a language model's guess is for the writer to confirm
            fix=Fix(hit.start, hit.end, hit.replacement, safe=False),
            extra={"found": hit.original, "replacement": hit.replacement, "margin": hit.margin,
                   "word": hit.word, "kind": hit.kind, "column": hit.start - line_starts[line - 1] + 1,
                   "excerpt": excerpt(text, hit.start, hit.end), "title": "深度校对（语言模型）"},
        ))
    return out


def merge_findings(quick: list[Finding], deep: list[Finding]) -> list[Finding]:
    """The quick lint's findings plus the deep ones that no quick finding already covers, by position."""
    covered = [(f.start, f.end) for f in quick if f.start is not None and f.end is not None]
    extra = [d for d in deep if not any(s <= d.start < max(e, s + 1) for s, e in covered)]
    return sorted(quick + extra, key=lambda f: (f.start if f.start is not None else -1))
