"""Rules about a whole project, not only a text: its 立意卡 fields, outline, draft and versions.

A step (立意, 成器) hands its project here with the rules it runs (its own ``coach/steps/<key>/rules.yaml`` and
the built-in lint rules that read the same fields); the same ``Linter`` runs them. So a rule like
``qingshi-one-matter`` is written once and found in the thesis at 立意, the outline at 搭骨 and the draft at 修容.

- ``project_facts(project)``: what rules' ``when``/``unless`` test and their messages may quote (文种 family,
  direction, which fields are filled, length …), from the genre data;
- ``check_project(linter, project, fields)``: the rules on each field they read. A 立意卡 field gives one
  finding per rule, naming the field in ``extra["field"]`` and without offsets (they would point into the
  field, not the draft);
- ``example_project`` / ``check_project_examples``: the rules' ``{project: …}`` examples through a step's check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from coach.findings import Finding
from coach.genres import get_genre
from coach.lint.engine import Linter
from coach.lint.types import Rule
from coach.text.vocabulary import SPEECH_CHARS_PER_MINUTE, SPEECH_PACE_RANGE

#: the pseudo-field of rules that judge facts only (no saved version, 三改三审 not done …)
FACTS = "facts"
#: the fields that are documents: findings there keep their offsets
DOCUMENT_FIELDS = ("text", "outline")
_DEFAULT_DIRECTION_HINT = "请核对文种和行文方向是否一致。"


def _filled(value: Any) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def project_facts(project: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Facts about ``project`` for rule conditions and messages (see the rules.yaml files)."""
    brief = project.brief
    g = get_genre(brief.genre)
    genre = g.name if g else brief.genre.strip()
    direction = brief.direction.strip()
    text = project.current_text()
    facts: dict[str, Any] = {}
    for f in dataclasses.fields(brief):
        value = getattr(brief, f.name)
        facts[f"has_{f.name}"] = _filled(value)
        facts[f.name] = (value.strip() or None) if isinstance(value, str) else value
    facts.update({
        "genre": genre or None,  # the canonical name, not the alias the writer typed
        "genre_known": g is not None,
        "family": g.family if g else "",
        "statutory": bool(g and g.statutory),
        "genre_recipient": bool(g and g.recipient),  # the genre has a 主送机关
        "genre_signature": bool(g and g.signature),  # the genre has a 落款 (署名, 成文日期)
        "direction": direction or None,
        # 行文方向 applies to a genre travelling between organs, and to one we do not know (better to ask)
        "directed": bool(genre) and (g is None or bool(g.directions)),
        "expected_directions": "或".join(g.directions) if g else "",
        "direction_fits": not (g and g.directions and direction) or direction in g.directions,
        "direction_hint": (g.direction_hint if g and g.direction_hint else _DEFAULT_DIRECTION_HINT),
        "has_text": bool(text.strip()),
        "has_outline": bool(project.outline.strip()),
        "has_versions": bool(project.versions),
        "chars": sum(1 for ch in text if not ch.isspace()),
        # one speaking pace for the whole product (coach.text.vocabulary), quoted by the rules
        "pace": SPEECH_CHARS_PER_MINUTE,
        "pace_low": SPEECH_PACE_RANGE[0],
        "pace_high": SPEECH_PACE_RANGE[1],
    })
    facts.update(extra or {})
    return facts


def _field_text(project: Any, name: str) -> str | None:
    if name == FACTS:
        return ""
    if name == "outline":
        return project.outline
    if name == "text":
        return project.current_text()
    if hasattr(project.brief, name):
        value = getattr(project.brief, name)
        return "" if value is None else str(value)
    return None


def check_project(linter: Linter, project: Any, fields: Sequence[str], *,
                  extra_facts: dict[str, Any] | None = None, family: str | None = None) -> list[Finding]:
    """Run ``linter``'s rules on ``fields`` of ``project`` ("text", "outline", 立意卡 field names, "facts").

    ``family`` replaces the findings' family (the step's, e.g. "立意卡"), so they are shown with the step."""
    facts = project_facts(project, extra_facts)
    genre = facts["genre"]
    out: list[Finding] = []
    seen: set[str] = set()
    for name in fields:
        text = _field_text(project, name)
        if text is None:
            continue
        for f in linter.lint(text, genre=genre, field=name, facts=facts):
            if name in DOCUMENT_FIELDS:
                out.append(dataclasses.replace(f, family=family) if family else f)
                continue
            if f.rule in seen:
                continue  # a 立意卡 rule says one thing about the card, however many fields it reads
            seen.add(f.rule)
            rule = linter.rule(f.rule)
            params = rule.params if rule else {}
            where = name if name != FACTS else params.get("field")
            extra = {k: v for k, v in f.extra.items() if k in ("found", "title")}
            extra.update(params.get("extra") or {})  # e.g. {checklist: true}: shown beside the checklist
            if where:
                extra["field"] = where
            out.append(dataclasses.replace(f, start=None, end=None, line=None, fix=None,
                                           family=family or f.family, extra=extra))
    return out


def example_project(spec: dict[str, Any]) -> Any:
    """A project from a rule example's ``project:`` mapping (brief, outline, draft, versions)."""
    from coach.project import Project

    data = dict(spec)
    data["versions"] = [{"id": f"v{i}", "created_at": "2026-05-01T09:00:00", "text": "", **v}
                        for i, v in enumerate(spec.get("versions") or [])]
    return Project.from_dict(data)


def check_project_examples(rules: Iterable[Rule], check: Callable[[Any], list[Finding]]) -> list[str]:
    """Every ``{project: …}`` example of ``rules`` through ``check`` (a step's check); the failures as
    Chinese sentences (empty = every example behaves as documented)."""
    problems = []
    for rule in rules:
        for kind in ("match", "no_match"):
            for ex in rule.examples.get(kind, ()):
                if not (isinstance(ex, dict) and "project" in ex):
                    continue
                hit = rule.id in {f.rule for f in check(example_project(ex["project"]))}
                shown = ex.get("note") or str(ex["project"])[:60]
                if kind == "match" and not hit:
                    problems.append(f"{rule.origin}：规则“{rule.id}”应当报告例子“{shown}”，但没有报告。")
                elif kind == "no_match" and hit:
                    problems.append(f"{rule.origin}：规则“{rule.id}”不应报告例子“{shown}”，但报告了。")
    return problems


__all__ = ["FACTS", "DOCUMENT_FIELDS", "project_facts", "check_project", "example_project", "check_project_examples"]
