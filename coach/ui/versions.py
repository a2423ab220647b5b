"""Snapshots of the draft (成器): taken on demand and whenever the writer moves to another step."""

from __future__ import annotations

import uuid
from datetime import datetime

from coach.project import Project, Version
from coach.ui.text import now_iso

#: keep the newest N automatic snapshots; snapshots the writer named are never dropped
MAX_AUTO_VERSIONS = 30
AUTO_PREFIX = "自动保存"


def add_snapshot(project: Project, label: str, step: str, *, only_if_changed: bool = True) -> Version | None:
    """Append a version of ``project.current_text()``; None when there is nothing new to keep."""
    text = project.current_text()
    if not text.strip():
        return None
    if only_if_changed and project.versions and project.versions[-1].text == text:
        return None
    version = Version(id=uuid.uuid4().hex[:8], label=label.strip() or "未命名版本", created_at=now_iso(),
                      text=text, step=step)
    project.versions.append(version)
    _trim_auto(project)
    return version


def _trim_auto(project: Project) -> None:
    auto = [v for v in project.versions if v.label.startswith(AUTO_PREFIX)]
    extra = len(auto) - MAX_AUTO_VERSIONS
    if extra > 0:
        drop = {v.id for v in auto[:extra]}
        project.versions = [v for v in project.versions if v.id not in drop]


def auto_label(step_name: str) -> str:
    return f"{AUTO_PREFIX}（离开{step_name}时）"


def version_title(version: Version, number: int) -> str:
    """"v3 · 初稿 · 2025-11-22 14:05 · 1,234字"."""
    try:
        stamp = f"{datetime.fromisoformat(version.created_at).astimezone():%Y-%m-%d %H:%M}"
    except ValueError:
        stamp = version.created_at[:16]
    return f"v{number} · {version.label} · {stamp} · {len(version.text)}字"
