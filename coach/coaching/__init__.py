"""The coach's conversation: one interface, two coaches.

How the app uses it::

    from coach.coaching import create_coach, CoachTurn, record_message, record_reply, apply_edit

    coach = create_coach("offline", retriever=retriever)            # or "llm", secrets=st.secrets
    record_message(project, step.key, text)                        # the writer's words are saved first
    reply = coach.reply(CoachTurn(project, step.key, text))
    st.write_stream(reply)                                         # streamed chunks
    record_reply(project, step.key, reply)                         # final text + extras into project.chats
    reply.extras.edits                                             # SuggestedEdit(target, before, after, reason)
    apply_edit(project, edit)                                      # when the writer accepts one
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coach.coaching.history import apply_edit, record_message, record_reply, record_turn
from coach.coaching.llm import LLMCoach, LLMFailure, LLMSettings, classify_failure, llm_settings_from, make_chat_model
from coach.coaching.offline import OfflineCoach
from coach.coaching.resources import CoachingData, load_coaching_data
from coach.coaching.types import Coach, CoachReply, CoachTurn, ReplyExtras, SuggestedEdit

MODES = ("offline", "llm")


def create_coach(
    mode: str = "offline",
    *,
    retriever: Any | None = None,
    settings: LLMSettings | None = None,
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
    offline: OfflineCoach | None = None,
    **offline_kwargs: Any,
) -> Coach:
    """The coach for ``mode``: "offline" (default) or "llm" (settings from ``settings`` or env/secrets).

    The LLM coach wraps an offline coach: it gathers context through it and falls back to it.
    Pass one ``offline`` coach to share its retriever between both modes.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    offline = offline if offline is not None else OfflineCoach(retriever, **offline_kwargs)
    if mode == "offline":
        return offline
    return LLMCoach(settings if settings is not None else llm_settings_from(env, secrets), offline=offline)


__all__ = [
    "Coach", "CoachReply", "CoachTurn", "CoachingData", "LLMCoach", "LLMFailure", "LLMSettings", "MODES",
    "OfflineCoach", "ReplyExtras", "SuggestedEdit", "apply_edit", "classify_failure", "create_coach",
    "llm_settings_from", "load_coaching_data", "make_chat_model", "record_message", "record_reply", "record_turn",
]
