"""What the writer's clicks do to the project, as plain functions ``(project, …) -> result``.

The app passes them to ``Workspace.change`` (which saves, detects stale tabs and keeps undo); keeping
them here means every edit the UI can make is tested without Streamlit.
"""

from __future__ import annotations

from typing import Any

from coach.project import Project
from coach.steps import Step
from coach.ui import outline_view, services, status
from coach.ui.sections import merge_into
from coach.ui.versions import add_snapshot, auto_label


def move_to_step(project: Project, old_key: str, old_name: str, new_key: str) -> None:
    """Leaving a step keeps a version of the draft — once there is text beyond the title."""
    if project.has_body_text():
        add_snapshot(project, auto_label(old_name), old_key)
    project.current_step = new_key


#: 立意卡 fields whose text is kept as typed (line breaks and leading spaces mean something there)
_FREE_TEXT_FIELDS = ("thesis", "leader_intent", "expected_effect")
_NUMBER_FIELDS = ("target_chars", "speaking_minutes")


def set_brief_field(project: Project, field: str, value: Any) -> None:
    """One 立意卡 field as the widget gave it: short fields trimmed, numbers as int or None (0 = not set)."""
    if field in _NUMBER_FIELDS:
        value = int(value) if value else None
    elif isinstance(value, str):
        value = value if field in _FREE_TEXT_FIELDS else value.strip()
    else:
        value = ""
    setattr(project.brief, field, value)


def mark_done(project: Project, step_key: str, done: bool) -> None:
    project.step_status[step_key] = "done" if done else "in_progress"


def set_outline(project: Project, text: str) -> None:
    """New outline text; the sections follow its top-level headings without losing any text."""
    project.outline = text
    project.sections = outline_view.sync_project_sections(project).sections


def renumber_outline(project: Project) -> None:
    from coach.checks.outline import render_outline

    set_outline(project, render_outline(outline_view.parse(project.outline)))


def set_part(project: Project, part: str, value: str, index: int | None = None) -> None:
    """Text of the opening, the closing, or section ``index``."""
    if part == "section" and index is not None and 0 <= index < len(project.sections):
        project.sections[index].body = value
    elif part in ("opening", "closing"):
        setattr(project, part, value)


def merge_section(project: Project, source: int, target: int) -> None:
    project.sections = merge_into(project.sections, source, target)


def drop_section(project: Project, index: int) -> None:
    if 0 <= index < len(project.sections):
        del project.sections[index]


def apply_lint_fix(project: Project, step: Step, rule: str, start: int, end: int) -> dict[str, Any] | None:
    """Apply the fix of the finding (rule, start, end) if the current text still has it; the change
    (``{"before", "after", …}``) or None when the text has moved on."""
    text = project.current_text()
    fresh = [f for f in step.run_check(project)
             if f.rule == rule and f.start == start and f.end == end and f.fix is not None]
    if not fresh:
        return None
    new_text, applied = services.apply_fix(text, fresh[0])
    project.draft = new_text
    return applied


def apply_finding_fix(project: Project, finding) -> dict[str, Any]:
    """Apply one finding's fix (e.g. from 深度校对, which the quick check does not repeat) to the text."""
    new_text, applied = services.apply_fix(project.current_text(), finding)
    project.draft = new_text
    return applied


def apply_all_safe_fixes(project: Project) -> int:
    """Every safe fix in the draft; returns how many were applied."""
    new_text, changes = services.apply_safe_fixes(project.current_text(), project.brief.genre or None)
    if changes:
        project.draft = new_text
    return len(changes)


def pin(project: Project, hit: dict[str, Any], step_key: str) -> None:
    item = {**services.passage_pin(hit), "step": step_key}
    if all(x.get("id") != item["id"] for x in project.pins):
        project.pins.append(item)


def unpin(project: Project, pin_id: str) -> None:
    project.pins = [x for x in project.pins if x.get("id") != pin_id]


def restore_version(project: Project, version_id: str) -> str | None:
    """Make a saved version the current draft; its label, or None when there is no such version."""
    version = next((v for v in project.versions if v.id == version_id), None)
    if version is None:
        return None
    project.draft = version.text
    return version.label


def accept_edit(project: Project, step_key: str, message_index: int, edit_index: int) -> bool:
    """Apply edit ``edit_index`` suggested in coach message ``message_index`` of ``step_key``'s chat."""
    messages = project.chats.get(step_key, [])
    if not 0 <= message_index < len(messages):
        return False
    edits = messages[message_index].extras.get("edits") or []
    if not 0 <= edit_index < len(edits):
        return False
    return services.apply_edit(project, edits[edit_index])


SAMPLE_SPEECH = "002_4cf813356daf6edd.txt"


def sample_project() -> Project:
    """A published speech from the seeds as a project, so a first-time writer can try every step on real
    material (its checks, examples and coach) before starting their own. Its XX marks stay in: they are
    exactly what 修容 must catch before export."""
    from coach import config
    from coach.coaching.samples import speech_project

    text = (config.seeds_dir() / SAMPLE_SPEECH).read_text(encoding="utf-8")
    project = speech_project(
        text,
        thesis="提高思想认识、聚焦多维并重、严格纪律学风，把办公室干部培养成“三服务”的行家里手。",
        occasion="XX县党政办公室业务工作培训会",
    )
    project.name = "示例：在XX县党政办公室业务工作培训会上的讲话"
    project.brief.title = "在XX县党政办公室业务工作培训会上的讲话"
    project.brief.direction = "下行文"
    project.brief.audience = "全县党政办公室系统干部职工"
    project.brief.leader_intent = "讲清培训的意义，提出能力要求，严明培训纪律"
    project.brief.speaking_minutes = 25
    return project
