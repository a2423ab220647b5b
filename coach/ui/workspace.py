"""The project a browser tab has open: autosave on every change, stale-tab detection, undo.

Every edit goes through ``Workspace.change(mutate)``: the mutation is applied to the tab's copy of the
project and saved at once with the revision this tab last saw. If another tab (or window, or person)
saved in between, the store refuses (``StaleProjectError``); we then keep the writer's copy on screen,
stop saving, and let them choose: load the newer version, or overwrite it with theirs. Nothing is
silently overwritten and nothing the writer typed disappears.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coach.project import Project

#: how many undo steps a tab keeps (fix applications, deletions, reassembling the draft)
UNDO_DEPTH = 20


@dataclass
class Conflict:
    """A save that was refused because the project changed elsewhere."""

    message: str
    what: str  # the change that could not be saved, in the writer's words ("修改了“标题”")
    mine: dict[str, Any]  # the writer's copy of the project (Project.to_dict) at the moment of the refusal


@dataclass
class UndoEntry:
    label: str
    before: dict[str, Any]


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
        self.undo_stack: list[UndoEntry] = []
        self.last_error: str | None = None

    @property
    def project_id(self) -> str:
        return str(self.project.id)

    # --- saving -----------------------------------------------------------------------------

    def change(self, mutate: Callable[[Project], Any], what: str = "修改", *, undoable: bool = False,
               refresh_widgets: bool = False) -> bool:
        """Apply ``mutate`` to the project and save it. Returns True when saved.

        While a conflict is open the change is still applied to this tab's copy (so the writer sees
        what they typed) but not saved: saving would overwrite the other tab's work.
        """
        before = self.project.to_dict() if undoable else None
        mutate(self.project)
        if before is not None:
            self.undo_stack.append(UndoEntry(what, before))
            del self.undo_stack[:-UNDO_DEPTH]
        if refresh_widgets:
            self.generation += 1
        if self.conflict is not None:
            self.conflict.mine = self.project.to_dict()
            return False
        return self._save(what)

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
        self.undo_stack.clear()
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

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    @property
    def undo_label(self) -> str:
        return self.undo_stack[-1].label if self.undo_stack else ""

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        entry = self.undo_stack.pop()
        restored = Project.from_dict(entry.before)
        return self.change(lambda p: _replace_contents(p, restored), f"撤销：{entry.label}",
                           refresh_widgets=True)

    def snapshot(self) -> Project:
        """A private copy for work that runs outside the script thread (e.g. a deferred download)."""
        return copy.deepcopy(self.project)


def _replace_contents(target: Project, source: Project) -> None:
    for name, value in vars(source).items():
        if name == "id":
            continue
        setattr(target, name, value)
