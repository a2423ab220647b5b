"""How the offline coach writes: quoting the writer and the corpus safely in Markdown, where an example comes
from, what an edit changes, and what a writer may read about a failure. Pure functions, no state."""

from __future__ import annotations

import re
from typing import Any

from coach.coaching.context import shorten
from coach.errors import CoachError

_MD_SPECIAL = re.compile(r"([\\`*_#\[\]<>|~$])")


def md_escape(text: str) -> str:
    """Show text literally in Streamlit markdown (no emphasis, links, HTML, LaTeX from a passage)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def q(text: str, limit: int = 50) -> str:
    """The writer's (or a passage's) words, quoted and escaped."""
    return f"「{md_escape(shorten(text, limit))}」"


def passage_source(passage: Any) -> str:
    """《title》› heading › path — where an example comes from."""
    title = (getattr(passage, "title", "") or "").strip()
    head = f"《{title}》" if title else f"{getattr(passage, 'doc_id', '') or '未命名文档'}（无标题）"
    path = [h for h in (getattr(passage, "heading_path", ()) or ()) if h]
    if path and getattr(passage, "kind", "") == "heading" and path[-1].strip() == passage.text.strip():
        path = path[:-1]  # a heading passage: its own text is the last step of its path
    return " › ".join([head, *path])


_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def is_own_text(passage: Any, project_text: str) -> bool:
    """True when the passage is the writer's own words (their draft may be in the corpus too)."""
    text = _squash(getattr(passage, "text", ""))
    return len(text) >= 8 and text in project_text


def change_view(before: str, after: str, context: int = 12) -> str:
    """Where an edit changes the text, in a line: …前文【旧→新】后文…"""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    left = before[max(0, start - context):start]
    right = before[end_b:end_b + context]
    head = "…" if start > context else ""
    tail = "…" if end_b + context < len(before) else ""
    old, new = before[start:end_b] or "（空）", after[start:end_a] or "（删去）"
    return f"{head}{left}【{old}→{new}】{right}{tail}"


def example_text(example: Any) -> str:
    """A rule example is a string or {text, genre}."""
    return str(example.get("text", "")) if isinstance(example, dict) else str(example)


def user_message(exc: BaseException) -> str:
    """What the writer may read about an internal failure (CoachError messages are written for them)."""
    if isinstance(exc, CoachError):
        return str(exc)
    return f"内部错误（{type(exc).__name__}）"
