"""Keeping the conversation with the project, and applying an edit the writer accepted."""

from __future__ import annotations

import re

from coach.coaching.types import CoachReply, SuggestedEdit
from coach.project import ChatMessage, Project
from coach.steps import Step, get_step

_SECTION_TARGET = re.compile(r"sections\[(\d+)\]\.(body|heading)")


def record_message(project: Project, step: Step | str, message: str) -> ChatMessage:
    """Append the writer's message now, before any reply, so nothing they typed can be lost."""
    key = step.key if isinstance(step, Step) else get_step(step).key
    msg = ChatMessage(role="user", content=message)
    project.chats.setdefault(key, []).append(msg)
    return msg


def record_reply(project: Project, step: Step | str, reply: CoachReply) -> ChatMessage:
    """Append the coach's reply (its whole text and extras); drains the stream if it was not read."""
    key = step.key if isinstance(step, Step) else get_step(step).key
    reply.finish()
    msg = ChatMessage(role="assistant", content=reply.text, extras=reply.extras.to_dict())
    project.chats.setdefault(key, []).append(msg)
    return msg


def record_turn(project: Project, step: Step | str, message: str, reply: CoachReply) -> tuple[ChatMessage, ChatMessage]:
    """Append one turn: the writer's message and the coach's final reply with its extras."""
    return record_message(project, step, message), record_reply(project, step, reply)


def _get(project: Project, target: str) -> str | None:
    m = _SECTION_TARGET.fullmatch(target)
    if m:
        i = int(m.group(1))
        if i >= len(project.sections):
            return None
        return getattr(project.sections[i], m.group(2))
    if target.startswith("brief."):
        value = getattr(project.brief, target[len("brief."):], None)
        return value if isinstance(value, str) else None
    if target in ("outline", "opening", "closing", "draft"):
        return getattr(project, target)
    return None


def _set(project: Project, target: str, value: str) -> None:
    m = _SECTION_TARGET.fullmatch(target)
    if m:
        setattr(project.sections[int(m.group(1))], m.group(2), value)
    elif target.startswith("brief."):
        setattr(project.brief, target[len("brief."):], value)
    else:
        setattr(project, target, value)


def _parts(project: Project) -> list[str]:
    """Where a "draft" edit may land when the writer has not assembled a draft yet."""
    parts = ["brief.title", "opening"]
    for i in range(len(project.sections)):
        parts += [f"sections[{i}].heading", f"sections[{i}].body"]
    return parts + ["closing"]


def apply_edit(project: Project, edit: SuggestedEdit | dict) -> bool:
    """Apply an accepted edit: replace the first occurrence of ``before`` in the target with ``after``.

    Returns False (and changes nothing) when the target no longer contains ``before`` — the writer has
    changed that text since the suggestion was made.
    """
    if isinstance(edit, dict):
        edit = SuggestedEdit.from_dict(edit)
    targets = [edit.target]
    if edit.target == "draft" and not project.draft.strip():
        targets = _parts(project)
    for target in targets:
        current = _get(project, target)
        if current is None:
            continue
        if edit.before == "" and current.strip() == "":
            _set(project, target, edit.after)
            return True
        if edit.before and edit.before in current:
            _set(project, target, current.replace(edit.before, edit.after, 1))
            return True
    return False
