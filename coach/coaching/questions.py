"""The question bank: the step's next open question, skipping what the project already answers.

Conditions in each step's ``questions.yaml`` are data (``done_when: {filled: brief.thesis}``);
this module only knows the small vocabulary of named conditions below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coach.coaching.context import (
    Focus,
    body_chars,
    has_placeholders,
    outline_lines,
    shorten,
    top_headings,
)
from coach.coaching.resources import Question, QuestionBank
from coach.project import ChatMessage, Project

_PLACEHOLDER = re.compile(r"\{([a-z_.]+)(?:\|([^{}]*))?\}")
_NUMBER = re.compile(r"\d|[百千万亿]分之|[一二三四五六七八九十百千万]+(?:个|项|次|人|家|元|亿|万)")


def field_value(project: Project, path: str) -> Any:
    obj: Any = project
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (int, float)):
        return value > 0
    return bool(value)


def _paths(arg: Any) -> list[str]:
    return [arg] if isinstance(arg, str) else list(arg)


def _sections_with_body(project: Project) -> list[int]:
    return [len(s.body.strip()) for s in project.sections if s.body.strip()]


def _genre_family(project: Project) -> str:
    """statutory / speech / affairs; "" while no genre is chosen (the questions then stay general)."""
    from coach.genres import get_genre

    g = get_genre(project.brief.genre)
    return g.family if g else ""


def _genre_has(project: Project, what: Any) -> bool:
    from coach.genres import get_genre

    g = get_genre(project.brief.genre)
    return g is not None and all(bool(getattr(g, name, False)) for name in _paths(what))


def _unbalanced(project: Project) -> bool:
    lengths = _sections_with_body(project)
    return len(lengths) >= 2 and max(lengths) > 3 * min(lengths)


Condition = Callable[[Project, Focus, Any], bool]

CONDITIONS: dict[str, Condition] = {
    "filled": lambda p, f, arg: all(_filled(field_value(p, path)) for path in _paths(arg)),
    "filled_any": lambda p, f, arg: any(_filled(field_value(p, path)) for path in _paths(arg)),
    "genre_is": lambda p, f, arg: p.brief.genre.strip() in _paths(arg),
    "genre_not": lambda p, f, arg: p.brief.genre.strip() not in _paths(arg),
    # the genre's family (statutory / speech / affairs; "unset" = no genre chosen yet), from coach/genres
    "family_is": lambda p, f, arg: (_genre_family(p) or "unset") in _paths(arg),
    "family_not": lambda p, f, arg: (_genre_family(p) or "unset") not in _paths(arg),
    # what the genre has: recipient (主送机关), signature (落款)
    "genre_has": lambda p, f, arg: _genre_has(p, arg),
    "outline_headings_min": lambda p, f, n: len(top_headings(p)) >= int(n),
    "outline_headings_more_than": lambda p, f, n: len(top_headings(p)) > int(n),
    "outline_level2_min": lambda p, f, n: sum(1 for o in outline_lines(p.outline) if o.level == 2) >= int(n),
    "sections_min": lambda p, f, n: len(p.sections) >= int(n),
    "sections_with_body_min": lambda p, f, n: len(_sections_with_body(p)) >= int(n),
    "all_sections_have_body": lambda p, f, want: bool(p.sections) and all(s.body.strip() for s in p.sections) == bool(want),
    "sections_unbalanced": lambda p, f, want: _unbalanced(p) == bool(want),
    "draft_min_chars": lambda p, f, n: body_chars(p) >= int(n),
    "versions_min": lambda p, f, n: len(p.versions) >= int(n),
    "has_numbers": lambda p, f, want: bool(_NUMBER.search(f.text if f.index is not None else p.current_text())) == bool(want),
    "has_placeholders": lambda p, f, want: has_placeholders(p.current_text()) == bool(want),
}


def conditions_hold(conditions: dict[str, Any], project: Project, focus: Focus) -> bool:
    for name, arg in conditions.items():
        check = CONDITIONS.get(name)
        if check is None:
            raise ValueError(f"问题库里有未知的条件“{name}”，可用的条件：{'、'.join(CONDITIONS)}")
        if not check(project, focus, arg):
            return False
    return True


def placeholder_values(project: Project, focus: Focus) -> dict[str, str]:
    """Values a question may quote: brief fields, headings, section facts."""
    b = project.brief
    values = {f"brief.{name}": str(getattr(b, name) or "").strip() for name in b.__dataclass_fields__}
    heads = top_headings(project)
    values["heading_count"] = str(len(heads)) if heads else ""
    values["headings"] = "".join(f"「{shorten(h, 24)}」" for h in heads[:6])
    empty = next((s.heading.strip() for s in project.sections if not s.body.strip() and s.heading.strip()), "")
    values["empty_heading"] = empty
    if focus.index is not None and focus.text.strip():
        values["focus_heading"] = focus.heading
    else:
        values["focus_heading"] = next((s.heading.strip() for s in project.sections if s.body.strip()), "")
    values["section_lengths"] = "，".join(
        f"「{shorten(s.heading.strip(), 16)}」{len(s.body.strip())}字" for s in project.sections if s.body.strip()
    )
    values["last_version"] = project.versions[-1].label if project.versions else ""
    return values


def render_question(question: Question, values: dict[str, str]) -> str | None:
    """The question with the writer's words filled in, or None when a needed value is missing."""
    missing = False

    def sub(m: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(m.group(1), "")
        if value:
            return value
        if m.group(2) is not None:
            return m.group(2)
        missing = True
        return ""

    text = _PLACEHOLDER.sub(sub, question.ask)
    return None if missing else text


def asked_question_ids(history: list[ChatMessage]) -> set[str]:
    asked: set[str] = set()
    for msg in history:
        if msg.role == "assistant":
            asked.update((msg.extras or {}).get("questions") or ())
    return asked


def intents_done(history: list[ChatMessage]) -> set[str]:
    return {str((m.extras or {}).get("intent")) for m in history if m.role == "assistant" and m.extras}


@dataclass(frozen=True)
class OpenQuestion:
    id: str
    text: str


def next_questions(
    bank: QuestionBank, project: Project, focus: Focus, history: list[ChatMessage], limit: int = 1,
    intent: str | None = None,
) -> list[OpenQuestion]:
    """The first ``limit`` questions not answered by the project and (for reflective ones) not yet asked.
    ``intent`` is this turn's intent (a question with ``skip_after: [check]`` is not asked after a check)."""
    asked = asked_question_ids(history)
    done = intents_done(history) | ({intent} if intent else set())
    values = placeholder_values(project, focus)
    found: list[OpenQuestion] = []
    for q in bank.questions:
        if q.needs and not conditions_hold(q.needs, project, focus):
            continue
        if q.skip_when and conditions_hold(q.skip_when, project, focus):
            continue
        if q.done_when and conditions_hold(q.done_when, project, focus):
            continue
        if q.reflective and q.id in asked:
            continue
        if done.intersection(q.skip_after):
            continue
        text = render_question(q, values)
        if text is None:
            continue
        found.append(OpenQuestion(q.id, text))
        if len(found) >= limit:
            break
    return found
