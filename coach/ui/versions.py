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


#: the diff's "修改稿" choice that means the text as it is now, not a saved version
CURRENT = "__current__"


def version_text(project: Project, version_id: str) -> str:
    """The text of a saved version, or the current text for ``CURRENT``; "" for an id no longer there."""
    if version_id == CURRENT:
        return project.current_text()
    return next((v.text for v in project.versions if v.id == version_id), "")


def diff_choices(project: Project) -> tuple[list[str], list[str], dict[str, str]]:
    """The 原稿 choices, the 修改稿 choices (the versions and the current text) and their titles."""
    ids = [v.id for v in project.versions]
    titles = {v.id: version_title(v, n) for n, v in enumerate(project.versions, start=1)}
    titles[CURRENT] = "当前全文"
    return ids, ids + [CURRENT], titles


_KIND_NAMES = (("wording", "改写"), ("addition", "增加"), ("deletion", "删除"), ("move", "移动"))
_KIND_FALLBACK = {"wording": "换了说法", "addition": "补充内容", "deletion": "删去内容", "move": "调整顺序"}


def diff_summary(revision) -> str:
    """The line above the diff: what kinds of change, sizes, similarity and findings fixed."""
    stats = revision.stats
    counts = "，".join(f"{name}{stats.changes.get(kind, 0)}处" for kind, name in _KIND_NAMES if stats.changes.get(kind))
    return (f"{counts or '没有改动'}；原稿{stats.old_chars}字，修改稿{stats.new_chars}字；"
            f"相似度{stats.similarity:.0%}；修正了{stats.fixed_findings}个检查出的问题。"
            "红色删除线是删去的，绿色是新增的，蓝色是移动的；鼠标停在改动上可看理由。")


def change_reason(change) -> str:
    """Why a change was made: the findings it fixed, else what kind of change it is."""
    return "；".join(change.explain()) or _KIND_FALLBACK[change.kind]
