"""The project a browser tab has open: autosave on every change, stale-tab detection, undo.

Every edit goes through ``Workspace.change(mutate)``: the mutation is applied to the tab's copy of the
project and saved at once with the revision this tab last saw. If another tab (or window, or person)
saved in between, the store refuses (``StaleProjectError``); we then keep the writer's copy on screen,
stop saving, and let them choose: load the newer version, or overwrite it with theirs. Nothing is
silently overwritten and nothing the writer typed disappears.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coach.project import Project
from coach.ui.outline_view import sync_project_sections

#: how many undo steps a tab keeps per step
UNDO_DEPTH = 30
#: commits to the same field within this many seconds are one undo step (autosave commits every pause)
COALESCE_SECONDS = 20.0
#: what undo can restore: the writer's text. Versions, pins, chats and step marks are bookkeeping that an
#: undo must never take away (a version saved after an edit stays saved).
UNDOABLE_FIELDS = ("name", "brief", "outline", "opening", "sections", "closing", "draft")


@dataclass
class Conflict:
    """A save that was refused because the project changed elsewhere."""

    message: str
    what: str  # the change that could not be saved, in the writer's words ("修改了“标题”")
    mine: dict[str, Any]  # the writer's copy of the project (Project.to_dict) at the moment of the refusal


@dataclass
class UndoEntry:
    """One undoable action: the fields it changed, as they were before and after it.

    Only those fields are restored, so an undo never takes away what was written elsewhere afterwards
    (undoing a renumbering on 搭骨 leaves the 填肉 sections and the 修容 draft as they are).
    """

    label: str
    scope: str  # the step where the action was taken; its undo button lives there
    before: dict[str, Any]
    after: dict[str, Any]
    coalesce: str | None = None
    at: float = 0.0


class Workspace:
    """One tab's open project. Holds no Streamlit objects, so tests can drive it directly."""

    def __init__(self, store: Any, project: Project, revision: int, stale_error: type[Exception]):
        self.store = store
        self.project = project
        self.revision = revision
        self.stale_error = stale_error
        #: bumped whenever the project is replaced from outside the widgets (reload, undo, a fix applied),
        #: so the app can give its widgets fresh keys and they show the new values
        self.generation = 0
        self.conflict: Conflict | None = None
        self.undo_stacks: dict[str, list[UndoEntry]] = {}
        self.redo_stacks: dict[str, list[UndoEntry]] = {}
        #: the entry the last ``change`` recorded (None when it changed nothing undoable)
        self.last_entry: UndoEntry | None = None
        self.last_error: str | None = None

    @property
    def project_id(self) -> str:
        return str(self.project.id)

    # --- saving -----------------------------------------------------------------------------

    def change(self, mutate: Callable[[Project], Any], what: str = "修改", *, undoable: bool = False,
               scope: str = "", coalesce: str | None = None, refresh_widgets: bool = False) -> bool:
        """Apply ``mutate`` to the project and save it. Returns True when saved.

        ``undoable`` records what the change did to the writer's text on the undo stack of ``scope``
        (the step it was made on). ``coalesce`` names a field being typed into: quick successive
        commits to it are one undo step, as in a word processor.

        While a conflict is open the change is still applied to this tab's copy (so the writer sees
        what they typed) but not saved: saving would overwrite the other tab's work.
        """
        before = _undoable(self.project) if undoable else None
        mutate(self.project)
        self.last_entry = None
        if before is not None:
            self._record(what, scope, before, _undoable(self.project), coalesce)
        if refresh_widgets:
            self.generation += 1
        if self.conflict is not None:
            self.conflict.mine = self.project.to_dict()
            return False
        return self._save(what)

    def _record(self, what: str, scope: str, before: dict, after: dict, coalesce: str | None) -> None:
        changed = [k for k in UNDOABLE_FIELDS if before[k] != after[k]]
        if "outline" in changed and "sections" in changed:
            # the sections follow the outline's headings; their text is the 填肉 step's, so an outline
            # undo re-matches them to the old headings instead of restoring (and erasing) their text
            changed.remove("sections")
        if not changed:
            return
        stack = self.undo_stacks.setdefault(scope, [])
        self.redo_stacks.pop(scope, None)  # a new edit ends the redo chain, as everywhere
        now = time.monotonic()
        top = stack[-1] if stack else None
        if (coalesce and top is not None and top.coalesce == coalesce and now - top.at < COALESCE_SECONDS
                and set(top.after) == set(changed) and self._matches(top.after, before)):
            top.after = {k: after[k] for k in changed}
            top.at = now
            self.last_entry = top
            return
        entry = UndoEntry(what, scope, {k: before[k] for k in changed}, {k: after[k] for k in changed},
                          coalesce, now)
        stack.append(entry)
        del stack[:-UNDO_DEPTH]
        self.last_entry = entry

    def _save(self, what: str) -> bool:
        try:
            self.revision = self.store.save(self.project, expected_revision=self.revision)
        except self.stale_error:
            self.conflict = Conflict(
                message="这份文稿已在另一个标签页或窗口中修改并保存过。为了不覆盖那边的内容，这里的修改没有保存。",
                what=what,
                mine=self.project.to_dict(),
            )
            return False
        except Exception as exc:  # a database error must not lose the writer's text: keep it on screen
            self.last_error = f"保存失败：{exc}。你的内容仍在页面上，请先复制保存，稍后再试。"
            return False
        self.last_error = None
        return True

    def reload(self) -> None:
        """Drop this tab's copy and load the saved project (the 'load the newer version' choice)."""
        self.project, self.revision = self.store.load(self.project_id)
        self.conflict = None
        self.undo_stacks.clear()
        self.redo_stacks.clear()
        self.generation += 1

    def overwrite_with_mine(self) -> bool:
        """Save this tab's copy over the newer one (the writer chose to keep theirs)."""
        mine = Project.from_dict(self.conflict.mine) if self.conflict else self.project
        _, latest = self.store.load(self.project_id)
        self.project = mine
        self.revision = latest
        self.conflict = None
        self.generation += 1
        return self._save("用本页内容覆盖")

    # --- undo -------------------------------------------------------------------------------

    def undo_entry(self, scope: str) -> UndoEntry | None:
        """What the undo button of ``scope`` would undo, or None. An action whose fields were changed
        since by something else (another step's action, a reload) can no longer be undone safely: the
        stack of that step is dropped rather than let an undo overwrite newer text."""
        return self._top(self.undo_stacks, scope, "after")

    def redo_entry(self, scope: str) -> UndoEntry | None:
        return self._top(self.redo_stacks, scope, "before")

    def undo(self, scope: str = "") -> bool:
        entry = self.undo_entry(scope)
        if entry is None:
            return False
        self.undo_stacks[scope].pop()
        saved = self._apply(entry, entry.before, f"撤销：{entry.label}")
        self.redo_stacks.setdefault(scope, []).append(entry)
        return saved

    def redo(self, scope: str = "") -> bool:
        entry = self.redo_entry(scope)
        if entry is None:
            return False
        self.redo_stacks[scope].pop()
        saved = self._apply(entry, entry.after, f"重做：{entry.label}")
        self.undo_stacks.setdefault(scope, []).append(entry)
        entry.coalesce = None  # a redone step is not extended by the next keystrokes
        return saved

    def _top(self, stacks: dict[str, list[UndoEntry]], scope: str, expected: str) -> UndoEntry | None:
        stack = stacks.get(scope)
        if not stack:
            return None
        entry = stack[-1]
        if not self._matches(getattr(entry, expected), _undoable(self.project)):
            stack.clear()
            return None
        return entry

    @staticmethod
    def _matches(values: dict[str, Any], current: dict[str, Any]) -> bool:
        return all(current[k] == v for k, v in values.items())

    def _apply(self, entry: UndoEntry, values: dict[str, Any], what: str) -> bool:
        def restore(p: Project) -> None:
            merged = Project.from_dict({**p.to_dict(), **values})
            for name in values:
                setattr(p, name, getattr(merged, name))
            if "outline" in values:
                p.sections = sync_project_sections(p).sections

        return self.change(restore, what, refresh_widgets=True)

    def relabel_last(self, label: str) -> None:
        """Name the last undoable change by what it turned out to do ("把“截止”改为“截至”")."""
        if self.last_entry is not None:
            self.last_entry.label = label

    def snapshot(self) -> Project:
        """A private copy for work that runs outside the script thread (e.g. a deferred download)."""
        return copy.deepcopy(self.project)


def _undoable(project: Project) -> dict[str, Any]:
    data = project.to_dict()
    return {k: data[k] for k in UNDOABLE_FIELDS}
