"""Checkers for rules that read a project rather than only its wording: the 立意卡 fields, facts about the
document (coach.lint.subjects.project_facts), and the 文种 data (coach/genres/genres.yaml).

A rule's ``when``/``unless`` decide *whether* it applies (coach.lint.rules.conditions_hold); these checkers
decide *what* it reports, from the text, ``ctx.facts``, ``ctx.where`` and ``rule.params``. Like every
checker they know no rule by name: the rule files (coach/steps/*/rules.yaml, coach/lint/rules/genre.yaml)
choose them and give their words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from coach.genres import get_genre
from coach.lint.checkers import register_checker
from coach.lint.patterns import compile_pattern
from coach.lint.types import Check, Hit, LintContext, Rule

_SENTENCE_END = re.compile(r"[。！？!?；;]")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


@register_checker("always")
def always(rule: Rule) -> Check:
    """One finding whenever the rule's conditions hold (a 立意卡 field not filled, no saved version …)."""

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        yield Hit(0, 0)

    return check


def _bound(value: Any, facts: dict[str, Any]) -> float | None:
    """A number from the rule file, or the name of a fact holding one (the speaking pace lives in one place)."""
    if isinstance(value, str):
        value = facts.get(value)
    return float(value) if isinstance(value, (int, float)) else None


@register_checker("ratio_outside")
def ratio_outside(rule: Rule) -> Check:
    """facts[numerator] / facts[denominator] outside [min, max] (speaking pace, length against the plan).

    Message fields: ratio, low, high, low_total / high_total (denominator × bounds), side and advice
    (``params.labels`` / ``params.advice`` for "above" and "below")."""
    num, den = rule.params["numerator"], rule.params["denominator"]
    labels, advice = rule.params.get("labels") or {}, rule.params.get("advice") or {}

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        a, b = ctx.facts.get(num), ctx.facts.get(den)
        low, high = _bound(rule.params["min"], ctx.facts), _bound(rule.params["max"], ctx.facts)
        if not all(isinstance(x, (int, float)) and x > 0 for x in (a, b)) or low is None or high is None:
            return
        ratio = a / b
        if low <= ratio <= high:
            return
        side = "above" if ratio > high else "below"

        def shown(x: float) -> str:
            return f"{x:.0f}" if high >= 10 else f"{x:.2f}"

        yield Hit(0, 0, None, {"ratio": shown(ratio), "low": shown(low), "high": shown(high),
                               "low_total": f"{b * low:.0f}", "high_total": f"{b * high:.0f}",
                               "side": labels.get(side, ""), "advice": advice.get(side, "")})

    return check


@register_checker("sentence_count")
def sentence_count(rule: Rule) -> Check:
    """More than ``params.max`` sentences (default 1): a one-sentence thesis written as several."""
    most = int(rule.params.get("max", 1))

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        n = len(_sentences(text))
        if n > most:
            yield Hit(0, len(text), None, {"count": n})

    return check


@register_checker("too_long")
def too_long(rule: Rule) -> Check:
    """One sentence longer than ``params.max_chars`` (several sentences are sentence_count's business)."""
    most = int(rule.params.get("max_chars", 60))

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        t = text.strip()
        if len(t) > most and len(_sentences(t)) <= 1:
            yield Hit(0, len(text), None, {"length": len(t)})

    return check


@register_checker("not_matching")
def not_matching(rule: Rule) -> Check:
    """A filled field that does not match ``params.pattern`` as a whole (a 成文日期 not like 2026年5月1日)."""
    pat = compile_pattern(rule.params["pattern"])

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        t = text.strip()
        if t and not pat.fullmatch(t):
            yield Hit(0, len(text), None, {"value": t})

    return check


# a title may end with a trailer that is not part of the 文种: "（试行）" "（征求意见稿）", a quotation mark
_TITLE_TRAILER = re.compile(r"(?:[（(][^（）()]{1,10}[）)]|[》”\"」』\s。])+$")


@register_checker("title_lacks_genre")
def title_lacks_genre(rule: Rule) -> Check:
    """A title that does not end with its 文种 or one of its names (关于……的请示; 命令（令）: 命令 or 令)."""

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        g = get_genre(ctx.genre)
        title = _TITLE_TRAILER.sub("", text.strip())
        if g is None or not title:
            return
        names = tuple(n for n in (g.name, *g.aliases) if n)
        if not title.endswith(names):
            short = g.aliases[0] if g.name.endswith("）") and g.aliases else g.name
            yield Hit(0, len(text), None, {"genre_short": short})

    return check


@register_checker("several_matters")
def several_matters(rule: Rule) -> Check:
    """More than one matter where one is allowed (请示: 一文一事).

    In any text, every request formula after the first (``params.formula``: 请批准、请审批 …). In a short
    statement of what is asked — the fields named by ``params.statement_fields`` (title, thesis …) — also two
    clauses (split by ``params.clause_split``) that each ask for something (``params.request``), or an
    enumeration (``params.enumeration``: 一是……二是). Field ``matters``: the matters found, quoted.
    """
    formula = compile_pattern(rule.params["formula"])
    request = compile_pattern(rule.params["request"])
    clause_split = compile_pattern(rule.params["clause_split"])
    enumeration = compile_pattern(rule.params["enumeration"]) if rule.params.get("enumeration") else None
    statement_fields = set(rule.params.get("statement_fields") or ())

    def quoted(items: list[str]) -> str:
        return "；".join(f"“{m}”" for m in items[:3])

    def clause_of(text: str, start: int, end: int) -> str:
        a = max((m.end() for m in clause_split.finditer(text, 0, start)), default=0)
        b = next((m.start() for m in clause_split.finditer(text, end)), len(text))
        return text[a:b].strip()

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        formulas = list(formula.finditer(text))
        if len(formulas) >= 2:
            shown = quoted([clause_of(text, m.start(), m.end()) for m in formulas])
            for m in formulas[1:]:
                yield Hit(m.start(), m.end(), None, {"matters": shown, "count": len(formulas)})
            return
        if ctx.where not in statement_fields:
            return
        clauses = [c.strip() for c in clause_split.split(text) if c and c.strip() and request.search(c)]
        if len(clauses) >= 2:
            yield Hit(0, len(text), None, {"matters": quoted(clauses), "count": len(clauses)})
        elif enumeration is not None and enumeration.search(text):
            yield Hit(0, len(text), None, {"matters": "列举了多项内容", "count": 2})

    return check


# an organ's name ends with one of these: "和/及" right after one joins two organs
_ORGAN_END = "局委厅办部府会院室处科所站署队校司行社馆"
_RECIPIENT_SEP = re.compile(rf"[、，,]|(?<=[{_ORGAN_END}])(?:和|及|以及)")
_RECIPIENT_LINE = re.compile(r"^[ \t]*([^\n：:。，]{2,60}?)[：:][ \t]*$", re.M)
_NOT_RECIPIENT = re.compile(r"附件|附注|联系人|电话|时间|地点")


@register_checker("recipient_count")
def recipient_count(rule: Rule) -> Check:
    """More than one 主送机关: in the 立意卡 field itself, or on the 主送机关 line near the top of a draft."""

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        if ctx.where not in ("text", "outline"):
            m = _RECIPIENT_SEP.search(text)
            if m and text.strip():
                yield Hit(m.start(), m.end(), None, {"recipient": text.strip()})
            return
        for lm in _RECIPIENT_LINE.finditer(text[:300]):
            name = lm.group(1)
            if _NOT_RECIPIENT.search(name):
                continue
            if _RECIPIENT_SEP.search(name):
                yield Hit(lm.start(1), lm.end(1), None, {"recipient": name.strip()})
            return  # only the first 主送机关 line counts

    return check


__all__ = ["always", "ratio_outside", "sentence_count", "too_long", "not_matching", "title_lacks_genre",
           "several_matters", "recipient_count"]
