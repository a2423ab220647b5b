"""The Streamlit session glue: the open project, cached resources, and the callbacks every page shares.

This module (with ``coach.ui.widgets`` and the steps' ``page`` modules) is the part of ``coach.ui`` that
talks to Streamlit. It holds no rules of its own: what an edit does is ``coach.ui.actions``, what is
shown is ``coach.ui.status`` / ``services``; here they are tied to ``st.session_state`` and the URL.
"""

from __future__ import annotations

import os
from typing import Any, Callable

import streamlit as st

from coach import config
from coach.errors import CoachError
from coach.project import Project
from coach.steps import STEPS, Step, step_or_first
from coach.ui import actions, services
from coach.ui import status as status_ui
from coach.ui.workspace import Workspace

STEP_KEYS = [s.key for s in STEPS]


# --- cached resources (one per data folder, so tests with their own COACH_HOME never share) -------

@st.cache_resource(show_spinner=False)
def _store(home: str, url: str):
    return services.open_store(url or None)


def store():
    return _store(str(config.data_dir()), os.environ.get("COACH_DATABASE_URL", ""))


@st.cache_resource(show_spinner="正在载入语料索引……", max_entries=2)
def _retriever(index_key: str, llm_key: str):
    # llm_key: a new LLM configuration gives a retriever whose query rewrite uses it
    return services.open_retriever(secrets=_secrets())


def _llm_key() -> str:
    settings = llm_settings()
    return services.settings_fingerprint(settings) if getattr(settings, "ready", False) else ""


def _open(index_key: str):
    return _retriever(index_key, _llm_key())


def retriever() -> tuple[Any, str | None]:
    """(retriever, None) or (None, why not) — the reason is shown to the writer."""
    key = services.index_key()
    if not key:
        return None, "还没有构建语料索引，示例段落暂时不能显示。到“管理语料库”里点“重建索引”即可。"
    try:
        return _open(key), None
    except CoachError as exc:
        return None, str(exc)


@st.cache_data(show_spinner=False, max_entries=512)
def _search(index_key: str, llm_key: str, query: str, step_key: str, k: int, own_text: str, genre: str) -> dict:
    return services.find_examples(_open(index_key), query, step_key, k, own_text=own_text, genre=genre or None)


@st.cache_data(show_spinner=False, max_entries=4)
def _corpus_genres(index_key: str) -> list[str]:
    from coach.genres import genres_in

    return sorted(genres_in({p.title for p in _open(index_key).passages}))


@st.cache_data(show_spinner=False, max_entries=16)
def _revision_pairs(index_key: str, limit: int, own_docs: tuple[str, ...]) -> list:
    from coach.ui.examples import revision_pairs

    return revision_pairs(_open(index_key).passages, limit, exclude_docs=own_docs)


def revision_pairs(own_text: str = "", limit: int = 6) -> list:
    """The corpus's own real slips as 改前 → 改后 pairs, never from the writer's own documents (the sample's
    source speech, an uploaded draft of theirs); [] without an index."""
    key = services.index_key()
    if not key:
        return []
    try:
        retriever = _open(key)
        own = tuple(sorted(retriever.own_documents(own_text))) if own_text.strip() else ()
        return _revision_pairs(key, limit, own)
    except CoachError:
        return []


def corpus_genres() -> set[str]:
    """The genres the indexed corpus holds (from its titles)."""
    return set(_corpus_genres(services.index_key()))


def find_examples(query: str, step: Step, k: int, own_text: str, genre: str = "") -> dict:
    """The step's examples for the project's genre (see ``services.find_examples``: match / form / borrowed)."""
    return _search(services.index_key(), _llm_key(), query, step.key, k, own_text, genre)


def _secrets() -> dict:
    """st.secrets as a plain dict; {} when there is no secrets file (keys only come from env or secrets)."""
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets.toml is the normal offline case
        return {}


def llm_settings():
    return services.llm_settings(_secrets())


@st.cache_resource(show_spinner=False, max_entries=4)
def _coach(mode: str, index_key: str, settings_fingerprint: str):
    r, _why = retriever() if index_key else (None, None)
    settings = llm_settings() if mode == "llm" else None
    return services.create_coach(mode, r, settings)


def coach_mode() -> str:
    settings = llm_settings()
    mode = st.session_state.get("coach_mode") or ("llm" if settings.ready else "offline")
    return mode if mode == "offline" or settings.ready else "offline"


def current_coach():
    mode = coach_mode()
    return _coach(mode, services.index_key(), services.settings_fingerprint(llm_settings()) if mode == "llm" else "")


# --- the open project ---------------------------------------------------------------------------

def ws() -> Workspace | None:
    return st.session_state.get("ws")


def project() -> Project:
    return st.session_state["ws"].project


def wkey(name: str) -> str:
    """A widget key that changes when the project is replaced from outside the widgets, so they re-read it."""
    w = ws()
    return f"g{w.generation if w else 0}.{name}"


def flash(kind: str, text: str) -> None:
    """A one-off message shown at the top of the next run ("success", "info", "warning", "error")."""
    st.session_state["flash"] = (kind, text)


def open_project(project_id: str) -> bool:
    try:
        opened, revision = store().load(project_id)
    except CoachError as exc:
        flash("warning", str(exc))
        st.session_state.pop("ws", None)
        st.query_params.pop("p", None)
        return False
    st.session_state["ws"] = Workspace(store(), opened, revision, services.stale_error())
    st.session_state["step"] = step_or_first(opened.current_step).key
    st.session_state["view"] = "step"
    st.query_params["p"] = project_id
    return True


def ensure_workspace() -> None:
    """Re-open the project named in the URL after a browser refresh or a server restart."""
    wanted = st.query_params.get("p")
    current = ws()
    if wanted and (current is None or current.project_id != wanted):
        open_project(wanted)
    elif current is not None and not wanted:
        st.query_params["p"] = current.project_id


def current_step() -> Step:
    return step_or_first(st.session_state.get("step"))


def change(mutate: Callable[[Project], Any], what: str, **kw) -> bool:
    """Every edit, saved at once; undoable ones go on the undo stack of the step on screen."""
    w = ws()
    kw.setdefault("scope", current_step().key)
    return w.change(mutate, what, **kw) if w else False


def check_run() -> status_ui.CheckRun:
    """Every step's findings, cached per project content. The checks get the index's embedding model when
    it is loaded, so the app gives the same findings as the command line (e.g. a heading off the thesis)."""
    w = ws()
    marker = (w.project_id, w.revision, w.generation, id(w.conflict), status_ui.content_marker(w.project))
    cached = st.session_state.get("_checks")
    if cached and cached[0] == marker:
        return cached[1]
    r, _why = retriever()
    run = status_ui.run_checks(w.project, embed=services.check_embedder(r))
    st.session_state["_checks"] = (marker, run)
    return run


def findings_of(step: Step) -> list:
    return check_run().findings.get(step.key, [])


# --- callbacks every page shares --------------------------------------------------------------

def cb_show_view(view: str) -> None:
    st.session_state["view"] = view


def cb_mark_done(step_key: str, done: bool) -> None:
    change(lambda p: actions.mark_done(p, step_key, done), "标记完成" if done else "取消完成标记")


def cb_undo(scope: str) -> None:
    w = ws()
    if w:
        w.undo(scope)


def cb_redo(scope: str) -> None:
    w = ws()
    if w:
        w.redo(scope)


def cb_pin(hit: dict, step_key: str) -> None:
    change(lambda p: actions.pin(p, hit, step_key), "收藏范文段落")


def cb_unpin(pin_id: str) -> None:
    change(lambda p: actions.unpin(p, pin_id), "取消收藏")


def cb_accept_edit(step_key: str, message_index: int, edit_index: int) -> None:
    applied: list[bool] = []
    change(lambda p: applied.append(actions.accept_edit(p, step_key, message_index, edit_index)),
           "采用教练建议的修改", undoable=True, refresh_widgets=True)
    if applied and applied[0]:
        flash("success", "已采用这处修改，可以撤销。")
    else:
        flash("warning", "原文已经改过，这处建议对不上了，没有修改。")


def change_and_name(mutate: Callable[[Project], Any], what: str, name: Callable[[Any], str | None], **kw) -> Any:
    """An undoable change whose undo button should say what it did once it is known ("把“A”改为“B”"):
    ``mutate`` returns a result, ``name(result)`` the label (None keeps ``what``). Returns the result."""
    results: list = []
    change(lambda p: results.append(mutate(p)), what, undoable=True, refresh_widgets=True, **kw)
    result = results[0] if results else None
    label = name(result) if result else None
    w = ws()
    if label and w is not None:
        w.relabel_last(label)
    return result


def cb_reload() -> None:
    w = ws()
    if w:
        w.reload()


def cb_overwrite() -> None:
    w = ws()
    if w:
        w.overwrite_with_mine()
