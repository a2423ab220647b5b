"""Small formatting helpers for what the writer reads."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from coach.text.vocabulary import BRIEF_FIELD_LABELS

# every character Markdown (and Streamlit's extensions: :color[..], $math$, :material/icon:) gives meaning to
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def md_escape(text: str) -> str:
    """``text`` shown literally by ``st.markdown`` (no emphasis, links, HTML, math or colour)."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def when(moment: datetime | str | None, now: datetime | None = None) -> str:
    """"刚刚", "5分钟前", "3小时前", "昨天 14:05", "2025-11-20"."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    seconds = (now - moment).total_seconds()
    local = moment.astimezone()
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)}分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)}小时前"
    if seconds < 2 * 86400:
        return f"昨天 {local:%H:%M}"
    return f"{local:%Y-%m-%d}"


def count_chars(text: str) -> int:
    """Characters as a Chinese office counts them: everything except whitespace."""
    return sum(1 for ch in text or "" if not ch.isspace())


def heading_path(path: tuple[str, ...] | list[str] | None) -> str:
    return " › ".join(p for p in (path or ()) if p) or "（开头或无标题部分）"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")




def project_text(project) -> str:
    """Everything the writer wrote, as plain text to copy: the 立意卡, the outline and the draft."""
    parts = []
    brief = [f"{label}：{getattr(project.brief, name)}" for name, label in BRIEF_FIELD_LABELS.items()
             if getattr(project.brief, name) not in (None, "")]
    if brief:
        parts.append("【立意卡】\n" + "\n".join(brief))
    if project.outline.strip():
        parts.append("【提纲】\n" + project.outline.strip())
    if project.current_text().strip():
        parts.append("【全文】\n" + project.current_text().strip())
    return "\n\n".join(parts) or "（还没有内容）"
