"""写作教练 — the Streamlit workspace for the five-step method (立意 → 搭骨 → 填肉 → 修容 → 成器).

Run with ``streamlit run app.py``. This file only lays out widgets; what they show and do comes from
``coach`` (mostly ``coach.ui``). Every change is saved at once through the project store; a tab whose
copy is out of date is told so instead of overwriting the other tab's work.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any, Callable

import streamlit as st

from coach import config
from coach.errors import CoachError
from coach.project import DIRECTIONS, GENRES, Project
from coach.steps import STEPS, get_step
from coach.ui import actions, autosave, deepcheck, charts, exports, highlight, outline_view, rebuild, services, uploads, versions
from coach.ui import sections as sections_ui
from coach.ui import status as status_ui
from coach.ui.highlight import SEVERITY_LABELS
from coach.ui.text import heading_path, md_escape, project_text, when
from coach.ui.versions import add_snapshot
from coach.ui.workspace import Workspace

st.set_page_config(page_title="写作教练", page_icon="✍️", layout="wide")

STEP_KEYS = [s.key for s in STEPS]
log = logging.getLogger("coach.app")
# coloured marks rather than emoji: office PCs and servers often lack an emoji font
SEVERITY_ICONS = {"error": ":red[●]", "warning": ":orange[●]", "info": ":blue[●]"}


# --- cached resources (one per data folder, so tests with their own COACH_HOME never share) -------

@st.cache_resource(show_spinner=False)
def _store(home: str, url: str):
    return services.open_store(url or None)


def store():
    return _store(str(config.data_dir()), os.environ.get("COACH_DATABASE_URL", ""))


# --- session: the open project ---------------------------------------------------------------

def ws() -> Workspace | None:
    return st.session_state.get("ws")


def wkey(name: str) -> str:
    """A widget key that changes when the project is replaced from outside the widgets, so they re-read it."""
    w = ws()
    return f"g{w.generation if w else 0}.{name}"


def open_project(project_id: str) -> bool:
    try:
        project, revision = store().load(project_id)
    except CoachError as exc:
        st.session_state["flash"] = ("warning", str(exc))
        st.session_state.pop("ws", None)
        st.query_params.pop("p", None)
        return False
    st.session_state["ws"] = Workspace(store(), project, revision, services.stale_error())
    st.session_state["step"] = project.current_step if project.current_step in STEP_KEYS else STEP_KEYS[0]
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


def change(mutate: Callable[[Project], Any], what: str, **kw) -> bool:
    """Every edit, saved at once; undoable ones go on the undo stack of the step on screen."""
    w = ws()
    kw.setdefault("scope", current_step_key())
    return w.change(mutate, what, **kw) if w else False


def current_step_key() -> str:
    key = st.session_state.get("step") or STEP_KEYS[0]
    return key if key in STEP_KEYS else STEP_KEYS[0]


# --- checks, cached per project content -------------------------------------------------------------

def check_run() -> status_ui.CheckRun:
    w = ws()
    marker = (w.project_id, w.revision, w.generation, id(w.conflict), _content_marker(w.project))
    cached = st.session_state.get("_checks")
    if cached and cached[0] == marker:
        return cached[1]
    run = status_ui.run_checks(w.project)
    st.session_state["_checks"] = (marker, run)
    return run


def _content_marker(p: Project) -> int:
    # a cheap fingerprint of what checks read; chats, pins and versions do not change findings
    return hash((repr(p.brief), p.outline, p.opening, p.closing, p.draft,
                 tuple((s.heading, s.body) for s in p.sections)))


# --- callbacks ---------------------------------------------------------------------------------

def cb_new_project(name_key: str) -> None:
    name = (st.session_state.get(name_key) or "").strip() or None
    try:
        project, _rev = store().create(name)
    except CoachError as exc:
        st.session_state["flash"] = ("error", str(exc))
        return
    open_project(project.id)
    st.session_state["flash"] = ("success", f"已新建文稿《{project.name}》，从第一步“立意”开始。")


def cb_new_sample_project() -> None:
    sample = actions.sample_project()
    existing = next((s for s in store().list() if s.name == sample.name), None)
    if existing is not None:  # a second click opens the one there is, with whatever was tried in it
        open_project(existing.id)
        st.session_state["flash"] = ("info", "示例文稿已经有了，已为你打开。想从头再来，可以先在侧栏删除它。")
        return
    try:
        project, _rev = store().create(sample.name, project=sample)
    except CoachError as exc:
        st.session_state["flash"] = ("error", str(exc))
        return
    open_project(project.id)
    st.session_state["flash"] = ("success", "已打开示例文稿：一篇真实的讲话稿，可以在每一步试试检查、范例和教练。")


def cb_open_project(select_key: str) -> None:
    chosen = st.session_state.get(select_key)
    known = {s.id for s in store().list()}
    if chosen in known and (ws() is None or ws().project_id != chosen):
        open_project(chosen)


def project_labels(summaries) -> dict[str, str]:
    """Names for the project list. They must stay the same between reruns (Streamlit keeps a selectbox's
    choice by its label), so the time of the last change is shown separately; twins get their id's start."""
    counts: dict[str, int] = {}
    for s in summaries:
        counts[s.name] = counts.get(s.name, 0) + 1
    return {s.id: s.name if counts[s.name] == 1 else f"{s.name}（{s.id[:4]}）" for s in summaries}


def cb_rename(name_key: str) -> None:
    name = (st.session_state.get(name_key) or "").strip()
    if not name:
        st.session_state["flash"] = ("warning", "名称不能为空。")
        return
    from coach.store import clean_name

    change(lambda p: setattr(p, "name", clean_name(name)), "重命名文稿")


def cb_delete() -> None:
    w = ws()
    if w is None:
        return
    try:
        store().delete(w.project_id)
    except CoachError as exc:
        st.session_state["flash"] = ("error", str(exc))
        return
    st.session_state["deleted"] = (w.project_id, w.project.name)
    st.session_state.pop("ws", None)
    st.query_params.pop("p", None)


def cb_undo_delete() -> None:
    deleted = st.session_state.pop("deleted", None)
    if not deleted:
        return
    try:
        store().restore(deleted[0])
    except CoachError as exc:
        st.session_state["flash"] = ("error", str(exc))
        return
    open_project(deleted[0])
    st.session_state["flash"] = ("success", f"已恢复文稿《{deleted[1]}》。")


def cb_go_step(nav_key: str) -> None:
    new = st.session_state.get(nav_key)
    old = current_step_key()
    if new not in STEP_KEYS or new == old:
        return
    st.session_state["step"] = new
    st.session_state["view"] = "step"
    st.query_params["step"] = new

    change(lambda p: actions.move_to_step(p, old, get_step(old).name, new),
           f"从{get_step(old).name}转到{get_step(new).name}")


def cb_show_view(view: str) -> None:
    st.session_state["view"] = view


def cb_set_brief(field: str, key: str, label: str) -> None:
    value = st.session_state.get(key)
    if isinstance(value, str):
        value = value.strip() if field not in ("thesis", "leader_intent", "expected_effect") else value
    if field in ("target_chars", "speaking_minutes") and value is not None:
        value = int(value) or None
    change(lambda p: setattr(p.brief, field, value if value is not None else _brief_default(field)),
           f"修改“{label}”", undoable=True, coalesce=f"brief.{field}", refresh_widgets=False)


def cb_title_from_name() -> None:
    change(lambda p: setattr(p.brief, "title", p.name), "用文稿名作标题", undoable=True, refresh_widgets=True)


def _brief_default(field: str):
    return None if field in ("target_chars", "speaking_minutes") else ""


def cb_mark_done(step_key: str, done: bool) -> None:
    def mark(p: Project) -> None:
        p.step_status[step_key] = "done" if done else "in_progress"

    change(mark, "标记完成" if done else "取消完成标记")


def cb_reload() -> None:
    w = ws()
    if w:
        w.reload()


def cb_overwrite() -> None:
    w = ws()
    if w:
        w.overwrite_with_mine()


def cb_undo(scope: str) -> None:
    w = ws()
    if w:
        w.undo(scope)


def cb_redo(scope: str) -> None:
    w = ws()
    if w:
        w.redo(scope)


# --- sidebar -------------------------------------------------------------------------------------

def sidebar() -> None:
    with st.sidebar:
        st.markdown("## ✍️ 写作教练")
        st.caption("公文与讲话稿 · 五步写作法")
        sidebar_projects()
        w = ws()
        if w is None:
            return
        st.divider()
        sidebar_steps()
        st.divider()
        sidebar_coach()
        st.divider()
        sidebar_corpus()
        st.divider()
        st.markdown("#### 导出")
        st.caption("随时可以下载到目前为止的全部内容。")
        export_buttons(prefix="side")


def sidebar_projects() -> None:
    st.markdown("#### 我的文稿")
    try:
        summaries = store().list()
    except CoachError as exc:
        st.error(str(exc))
        return
    w = ws()
    if summaries:
        ids = [s.id for s in summaries]
        labels = project_labels(summaries)
        current = w.project_id if w and w.project_id in ids else None
        if st.session_state.get("nav_project") != current:
            st.session_state["nav_project"] = current
        st.selectbox("打开文稿", ids, format_func=lambda i: labels.get(i, "（已不在列表中）"), key="nav_project",
                     placeholder="选择一篇文稿", on_change=cb_open_project, args=("nav_project",))
        if current:
            updated = next(s.updated_at for s in summaries if s.id == current)
            st.caption(f"共{len(ids)}篇 · 本篇最后修改：{when(updated)} · 自动保存")
    cols = st.columns(2)
    with cols[0].popover("新建", icon=":material/add:", width="stretch"):
        st.text_input("文稿名称", key="new_name", placeholder="例如：在全市办公室系统业务培训会上的讲话")
        st.button("创建", key="new_go", on_click=cb_new_project, args=("new_name",), type="primary")
    if w is not None:
        with cols[1].popover("改名", icon=":material/edit:", width="stretch"):
            st.text_input("新名称", value=w.project.name, key=wkey("rename"))
            st.button("保存名称", key="rename_go", on_click=cb_rename, args=(wkey("rename"),))
        st.button("删除这篇文稿", icon=":material/delete:", key="delete_go", on_click=cb_delete, type="tertiary",
                  help="删除后可以立即撤销")
    deleted = st.session_state.get("deleted")
    if deleted:
        st.info(f"已删除《{deleted[1]}》。")
        st.button("撤销删除", key="undo_delete", on_click=cb_undo_delete, icon=":material/undo:")


def sidebar_steps() -> None:
    w = ws()
    views = status_ui.step_views(w.project, check_run())
    by_key = {v.key: v for v in views}
    current = current_step_key()
    if st.session_state.get("nav_step") != current:
        st.session_state["nav_step"] = current
    st.radio(
        "五步写作法", STEP_KEYS, key="nav_step",
        format_func=lambda k: by_key[k].nav_label,
        captions=[by_key[k].caption for k in STEP_KEYS],
        on_change=cb_go_step, args=("nav_step",),
    )


def sidebar_corpus() -> None:
    st.markdown("#### 语料库")
    manifest = services.index_manifest()
    if manifest is None:
        st.caption("索引尚未构建，示例段落暂不可用。")
    else:
        docs = len(manifest.corpus)
        st.caption(f"{docs} 篇讲话稿 · {manifest.passage_count} 个段落")
    st.button("管理语料库", key="show_corpus", on_click=cb_show_view, args=("corpus",),
              icon=":material/library_books:")


# --- shared page parts -----------------------------------------------------------------------

def flash() -> None:
    # always one container, message or not: an element that comes and goes above the editors shifts
    # them, and the browser then rebuilds them and takes the caret out of the box the writer types in
    slot = st.container()
    message = st.session_state.pop("flash", None)
    if message:
        kind, text = message
        getattr(slot, kind)(text)


def conflict_banner() -> None:
    with st.container():  # a stable slot, see flash()
        _conflict_banner()


def _conflict_banner() -> None:
    w = ws()
    if w is None:
        return
    if w.last_error:
        st.error(w.last_error)
    if w.conflict is None:
        return
    with st.container(border=True):
        st.warning(f"{w.conflict.message}（未保存的操作：{w.conflict.what}）")
        st.caption("你在本页的内容仍然显示在下面，也可以先从这里复制：")
        st.code(project_text(Project.from_dict(w.conflict.mine)), language=None, wrap_lines=True)
        c1, c2 = st.columns(2)
        c1.button("载入另一处保存的最新版本（放弃本页修改）", key="conflict_reload", on_click=cb_reload)
        c2.button("用本页内容覆盖另一处的修改", key="conflict_overwrite", on_click=cb_overwrite)


def step_header(step) -> None:
    st.markdown(f"### 第{step.order}步 · {step.name}")
    if step.artifact:
        st.caption(f"本步产出：{step.artifact}")
    st.markdown(step.goal)
    with st.expander("本步要点", expanded=False):
        for item in step.checklist:
            st.markdown(f"- {item}")


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def show_findings(findings: list, empty: str = "没有发现问题。") -> None:
    if not findings:
        st.success(empty)
        return
    # errors first, then warnings, then suggestions (stable: each group keeps the checks' order)
    for f in sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3)):
        label = SEVERITY_LABELS.get(f.severity, f.severity)
        line = f"{SEVERITY_ICONS.get(f.severity, '')} **{label}**　{md_escape(f.message)}"
        if f.suggestion:
            line += f"  \n　→ {md_escape(f.suggestion)}"
        st.markdown(line)


def step_done_toggle(step) -> None:
    w = ws()
    done = w.project.step_status.get(step.key) == "done"
    st.toggle("本步已完成", value=done, key=wkey(f"done.{step.key}"), on_change=cb_mark_done,
              args=(step.key, not done))


# --- examples from the corpus and pins ---------------------------------------------------------

@st.cache_resource(show_spinner="正在载入语料索引……", max_entries=2)
def _retriever(index_key: str):
    return services.open_retriever()


def retriever() -> tuple[Any, str | None]:
    """(retriever, None) or (None, why not) — the reason is shown to the writer."""
    key = services.index_key()
    if not key:
        return None, "还没有构建语料索引，示例段落暂时不能显示。到“管理语料库”里点“重建索引”即可。"
    try:
        return _retriever(key), None
    except CoachError as exc:
        return None, str(exc)


@st.cache_data(show_spinner=False, max_entries=512)
def _search(index_key: str, query: str, step_key: str, k: int, own_text: str) -> dict:
    return services.find_examples(_retriever(index_key), query, step_key, k, own_text=own_text)


POSITION_LABELS = {"opening": "开头", "body": "正文", "closing": "结尾"}


def cb_pin(hit: dict, step_key: str) -> None:
    change(lambda p: actions.pin(p, hit, step_key), "收藏范文段落")


def cb_unpin(pin_id: str) -> None:
    change(lambda p: actions.unpin(p, pin_id), "取消收藏")


def source_line(hit: dict) -> str:
    title = hit.get("title") or f"范文 {str(hit.get('doc') or '')[:3]}"
    where = heading_path(hit.get("heading_path"))
    return f"《{title}》 › {where} · {POSITION_LABELS.get(hit.get('position'), '')}"


def examples_panel(step, focus: str | None = None, k: int = 3) -> None:
    st.markdown("##### 范文示例")
    w = ws()
    query = step.query(w.project, focus).strip()
    if not query:
        st.caption(step.example_hint)
        return
    r, why = retriever()
    if r is None:
        st.caption(why)
        return
    # never the writer's own speech (nor the sample's source) among its examples
    result = _search(services.index_key(), query, step.key, k, w.project.current_text())
    hits = result["hits"]
    if not hits:
        st.info("语料库里没有和这份稿子相近的范文。可以到“管理语料库”上传本单位的同类文稿，之后这里就会显示。"
                if result.get("absent") else "语料里没有找到相近的段落。换个说法，或在“管理语料库”里导入更多文稿。",
                icon=":material/search_off:")
        st.button("去管理语料库", key=f"to_corpus.{step.key}", on_click=cb_show_view, args=("corpus",),
                  type="tertiary", icon=":material/library_books:")
        pins_list(step)
        return
    pinned = {x.get("id") for x in w.project.pins}
    for n, hit in enumerate(hits):
        with st.container(border=True):
            text = hit["text"]
            st.markdown(md_escape(text if len(text) <= 260 else text[:260] + "……"))
            if hit.get("outline"):
                st.code("\n".join(hit["outline"][:12]), language=None, wrap_lines=True)
            st.caption(md_escape(source_line(hit)))
            marks = [m for m in hit.get("marks") or [] if m.get("start") is not None]
            # the corpus is real published text with real slips and anonymised names: say so, never teach them
            slips = list(dict.fromkeys(
                f"“{text[m['start']:m['end']]}”" + (f"应为“{m['replacement']}”" if m.get("replacement") else "")
                for m in marks if not str(m.get("rule", "")).startswith("placeholder")))
            hidden = list(dict.fromkeys(f"“{text[m['start']:m['end']]}”" for m in marks
                                        if str(m.get("rule", "")).startswith("placeholder")))
            if slips:
                st.caption(":orange[范文原文有笔误]　" + md_escape("；".join(slips[:4])))
            if hidden:
                st.caption(":gray[原文隐去了名称]　" + md_escape("、".join(hidden[:4])) + "（自己的稿子里要写实际名称）")
            unit = hit.get("unit")
            if unit and unit.strip() != text.strip():
                with st.expander({"opening": "看完整的开头", "closing": "看完整的结尾"}.get(hit.get("position"),
                                                                                         "看完整段落")):
                    st.markdown(md_escape(unit))
            if hit["id"] in pinned:
                st.button("已收藏（点击取消）", key=f"unpin.{step.key}.{n}", on_click=cb_unpin, args=(hit["id"],),
                          type="tertiary", icon=":material/bookmark:")
            else:
                st.button("收藏到本文稿", key=f"pin.{step.key}.{n}", on_click=cb_pin, args=(hit, step.key),
                          type="tertiary", icon=":material/bookmark_border:")
    pins_list(step)


def pins_list(step) -> None:
    pins = ws().project.pins
    if not pins:
        return
    with st.expander(f"已收藏的段落（{len(pins)}）"):
        for n, pin in enumerate(pins):
            st.markdown(md_escape(pin.get("text") or ""))
            st.caption(md_escape(source_line(pin)))
            st.button("取消收藏", key=f"pins.{step.key}.{n}", on_click=cb_unpin, args=(pin.get("id"),),
                      type="tertiary")


# --- the coach ------------------------------------------------------------------------------------

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


def sidebar_coach() -> None:
    st.markdown("#### 教练")
    settings = llm_settings()
    labels = {"offline": "离线教练（不联网）", "llm": f"大模型：{settings.describe()}"}
    if settings.ready:
        st.radio("使用哪位教练", ["offline", "llm"], index=["offline", "llm"].index(coach_mode()),
                 format_func=labels.get, key="coach_mode", label_visibility="collapsed")
    else:
        st.caption(f"当前：{labels['offline']}。")
        st.caption(f"未启用大模型：{settings.problem()}")


def cb_accept_edit(step_key: str, message_index: int, edit_index: int) -> None:
    applied: list[bool] = []
    change(lambda p: applied.append(actions.accept_edit(p, step_key, message_index, edit_index)),
           "采用教练建议的修改", undoable=True, refresh_widgets=True)
    if applied and applied[0]:
        st.session_state["flash"] = ("success", "已采用这处修改，可以撤销。")
    else:
        st.session_state["flash"] = ("warning", "原文已经改过，这处建议对不上了，没有修改。")


def show_message(step_key: str, index: int, message) -> None:
    with st.chat_message(message.role):
        st.markdown(message.content if message.role == "assistant" else md_escape(message.content))
        if message.role == "assistant":
            show_reply_extras(step_key, index, message.extras or {})


def show_reply_extras(step_key: str, index: int, extras: dict) -> None:
    fallback = extras.get("fallback")
    if fallback:
        st.caption(f"大模型这次没有回答（{fallback.get('message', '')}），由离线教练代答。")
    cited = [p for p in extras.get("passages") or [] if p.get("cited")]
    if cited:
        with st.expander(f"引用的范文（{len(cited)}）"):
            for item in cited:
                passage = item.get("passage") or {}
                st.markdown(f"[{item.get('n')}] {md_escape(passage.get('text', ''))}")
                st.caption(md_escape(source_line({**passage, "doc": passage.get("doc_id")})))
    for e, edit in enumerate(extras.get("edits") or []):
        with st.container(border=True):
            st.caption(f"建议修改：{md_escape(edit.get('reason', ''))}")
            if edit.get("before"):
                st.markdown(f"原文：{md_escape(edit['before'])}")
            st.markdown(f"改为：{md_escape(edit.get('after', ''))}")
            st.button("采用这个修改", key=f"edit.{step_key}.{index}.{e}", on_click=cb_accept_edit,
                      args=(step_key, index, e), icon=":material/check:")


def chat_panel(step) -> None:
    w = ws()
    mode = coach_mode()
    st.markdown(f"##### 和教练聊聊　:gray[{'大模型' if mode == 'llm' else '离线教练'}]")
    messages = w.project.chats.get(step.key, [])
    if not messages:
        st.caption(step.chat_hint)
    for i, message in enumerate(messages):
        show_message(step.key, i, message)
    prompt = st.chat_input(f"问问教练：关于“{step.name}”的任何问题", key=f"chat.{step.key}", max_chars=4000)
    if prompt and prompt.strip():
        text = prompt.strip()
        change(lambda p: services.record_message(p, step.key, text), "向教练提问")
        with st.chat_message("user"):
            st.markdown(md_escape(text))
        with st.chat_message("assistant"):
            try:
                reply = current_coach().reply(services.coach_turn(w.project, step.key, text,
                                                                  check_run().findings.get(step.key)))
                st.write_stream(reply)
            except CoachError as exc:
                st.error(str(exc))
                return
            change(lambda p: services.record_reply(p, step.key, reply), "记录教练的回答")
            show_reply_extras(step.key, len(w.project.chats.get(step.key, [])) - 1, reply.extras.to_dict())


# --- 立意 ----------------------------------------------------------------------------------------

def page_liyi(step) -> None:
    w = ws()
    b = w.project.brief
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("##### 立意卡")
        c1, c2 = st.columns(2)
        c1.selectbox("文种", GENRES, index=GENRES.index(b.genre) if b.genre in GENRES else None,
                     placeholder="请选择文种", key=wkey("brief.genre"),
                     on_change=cb_set_brief, args=("genre", wkey("brief.genre"), "文种"))
        c2.selectbox("行文方向", DIRECTIONS, index=DIRECTIONS.index(b.direction) if b.direction in DIRECTIONS else None,
                     placeholder="请选择（讲话稿可不选）", key=wkey("brief.direction"),
                     on_change=cb_set_brief, args=("direction", wkey("brief.direction"), "行文方向"))
        _brief_text_input("title", "标题", "例如：在全市办公室系统业务培训会上的讲话")
        name = w.project.name
        if not b.title.strip() and name and name != Project().name and not name.startswith("示例："):
            st.button(f"用文稿名“{name}”作标题", key="title_from_name", on_click=cb_title_from_name,
                      type="tertiary", icon=":material/title:")
        c3, c4 = st.columns(2)
        with c3:
            _brief_text_input("occasion", "场合", "什么会议、什么活动")
        with c4:
            _brief_text_input("recipient", "主送机关", "讲话稿可不填")
        _brief_text_area("leader_intent", "领导意图", "领导关注的重点、想表达的观点、希望达到的效果")
        _brief_text_input("audience", "受众", "写给谁看、讲给谁听")
        _brief_text_area("thesis", "一句话核心观点", "如果只能让人记住一句话，是哪一句？", height=80)
        _brief_text_area("expected_effect", "预期效果", "读完或听完之后，希望对方知道什么、做什么", height=80)
        c5, c6 = st.columns(2)
        c5.number_input("目标字数", min_value=0, max_value=200000, step=100, value=b.target_chars,
                        key=wkey("brief.target_chars"), placeholder="例如 3000",
                        on_change=cb_set_brief, args=("target_chars", wkey("brief.target_chars"), "目标字数"))
        c6.number_input("讲话时长（分钟）", min_value=0, max_value=600, step=5, value=b.speaking_minutes,
                        key=wkey("brief.speaking_minutes"), placeholder="讲话稿必填",
                        on_change=cb_set_brief,
                        args=("speaking_minutes", wkey("brief.speaking_minutes"), "讲话时长"))
        with st.expander("落款：署名和成文日期（法定公文用）", expanded=bool(b.signature or b.date)):
            c7, c8 = st.columns(2)
            with c7:
                _brief_text_input("signature", "署名（发文机关）", "例如：××市人民政府办公室")
            with c8:
                _brief_text_input("date", "成文日期", "例如：2026年11月22日")
        undo_button()
    with right:
        st.markdown("##### 立意检查")
        show_findings(check_run().findings.get(step.key, []), empty="立意卡完整，没有发现问题。")
        step_done_toggle(step)
        examples_panel(step)


def _brief_text_input(field: str, label: str, placeholder: str) -> None:
    key = wkey(f"brief.{field}")
    st.text_input(label, value=getattr(ws().project.brief, field), key=key, placeholder=placeholder,
                  on_change=cb_set_brief, args=(field, key, label))


def _brief_text_area(field: str, label: str, placeholder: str, height: int = 100) -> None:
    key = wkey(f"brief.{field}")
    st.text_area(label, value=getattr(ws().project.brief, field), key=key, placeholder=placeholder,
                 height=height, on_change=cb_set_brief, args=(field, key, label))


# --- 搭骨 ------------------------------------------------------------------------------------------

def cb_set_outline(key: str) -> None:
    value = st.session_state.get(key) or ""
    change(lambda p: actions.set_outline(p, value), "修改提纲", undoable=True, coalesce="outline")


def cb_renumber() -> None:
    change(actions.renumber_outline, "自动重新编号", undoable=True, refresh_widgets=True)


def cb_use_skeleton(select_key: str) -> None:
    chosen = st.session_state.get(select_key)
    skeleton = next((sk for sk in seed_skeletons() if sk.doc_id == chosen), None)
    if skeleton is None:
        return

    change(lambda p: actions.set_outline(p, skeleton.outline), f"以《{skeleton.title}》的骨架为起点", undoable=True,
           refresh_widgets=True)
    st.session_state["flash"] = ("success", f"已把《{skeleton.title}》的提纲复制到编辑器。这只是起点：请按自己的立意改写每个标题。")


@st.cache_data(show_spinner=False)
def _seed_skeletons(folder: str) -> list:
    return services.seed_skeletons(folder)


def seed_skeletons() -> list:
    return _seed_skeletons(str(config.seeds_dir()))


def page_dagu(step) -> None:
    w = ws()
    p = w.project
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("##### 提纲")
        st.caption("每行一个标题，按“一、（一）1.（1）”编号；也可以用缩进表示层次。一级标题就是“填肉”里要写的各个部分。")
        st.text_area("提纲", value=p.outline, key=wkey("outline"), height=260, on_change=cb_set_outline,
                     args=(wkey("outline"),), label_visibility="collapsed",
                     placeholder="一、学习是办公室干部的立身之本\n（一）为什么要学\n（二）学什么\n二、写材料是办公室干部的看家本领")
        b1, b2 = st.columns(2)
        b1.button("自动重新编号", key="renumber", on_click=cb_renumber, icon=":material/format_list_numbered:",
                  disabled=not p.outline.strip(), help="按层次重写“一、（一）1.（1）”编号（可撤销）")
        with b2:
            undo_button()
        if p.outline.strip():
            st.markdown("##### 结构图")
            heads = outline_view.top_headings(p.outline)
            st.caption(f"{len(heads)}个一级标题，对应“填肉”中的{len(heads)}个部分。")
            st.graphviz_chart(outline_view.outline_dot(p.outline, p.brief.title or p.name), width="content")
        with st.expander("从范文的骨架开始", expanded=not p.outline.strip()):
            skeletons = seed_skeletons()
            if not skeletons:
                st.caption("语料里的讲话稿没有可用的提纲。")
            else:
                names = {sk.doc_id: f"{sk.title}（{sk.top_count}个一级标题）" for sk in skeletons}
                st.selectbox("范文", list(names), format_func=names.get, key="skeleton_pick")
                chosen = next(sk for sk in skeletons if sk.doc_id == st.session_state.get("skeleton_pick",
                                                                                         skeletons[0].doc_id))
                st.code(chosen.outline, language=None, wrap_lines=True)
                st.button("复制到提纲编辑器", key="use_skeleton", on_click=cb_use_skeleton, args=("skeleton_pick",),
                          icon=":material/content_copy:",
                          help="替换当前提纲（可撤销）" if p.outline.strip() else None)
    with right:
        st.markdown("##### 提纲检查")
        show_findings(check_run().findings.get(step.key, []),
                      empty="提纲结构没有发现问题。" if p.outline.strip() else "还没有提纲。")
        step_done_toggle(step)
        examples_panel(step)


# --- 填肉 ------------------------------------------------------------------------------------------

def cb_set_part(part: str, key: str, index: int | None = None) -> None:
    value = st.session_state.get(key) or ""
    change(lambda p: actions.set_part(p, part, value, index), "修改正文", undoable=True,
           coalesce=f"part.{part}.{index}")


def cb_merge_orphan(source: int, select_key: str) -> None:
    target = st.session_state.get(select_key)
    if target is not None:
        change(lambda p: actions.merge_section(p, source, int(target)), "合并不在提纲中的部分", undoable=True,
               refresh_widgets=True)


def cb_drop_section(index: int) -> None:
    change(lambda p: actions.drop_section(p, index), "删除不在提纲中的部分", undoable=True, refresh_widgets=True)


def part_options(p: Project) -> dict[str, str]:
    options = {"opening": "开头"}
    for i, sec in enumerate(p.sections):
        options[f"s{i}"] = sec.heading or f"第{i + 1}部分"
    options["closing"] = "结尾"
    return options


def page_tianrou(step) -> None:
    w = ws()
    p = w.project
    heads = outline_view.top_headings(p.outline)
    slot = st.container()  # a stable slot, see flash()
    if not heads:
        slot.info("提纲里还没有一级标题。先到“搭骨”列出三到五个一级标题，这里就会按标题分成几个部分来写；开头和结尾可以先写。")
    orphans = sections_ui.orphan_indexes(p.sections, heads)
    options = part_options(p)
    pick_key = "tianrou_pick"
    if st.session_state.get(pick_key) not in options:
        st.session_state[pick_key] = next((k for k in options if k.startswith("s")), "opening")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.selectbox("选择要写的部分", list(options), format_func=lambda k: options[k], key=pick_key)
        part = st.session_state[pick_key]
        if part in ("opening", "closing"):
            label = options[part]
            st.text_area(label, value=getattr(p, part), key=wkey(f"part.{part}"), height=300,
                         on_change=cb_set_part, args=(part, wkey(f"part.{part}")),
                         placeholder="开头：称呼、缘由、本次讲话的主旨" if part == "opening" else "结尾：总结、号召、提出要求")
        else:
            index = int(part[1:])
            section = p.sections[index]
            st.markdown(f"**{md_escape(section.heading)}**")
            key = wkey(f"part.s{index}.{abs(hash(section.heading)) % 10_000_000}")
            st.text_area("本部分正文", value=section.body, key=key, height=300, on_change=cb_set_part,
                         args=("section", key, index), label_visibility="collapsed",
                         placeholder="用事实、案例、数据支撑这个标题的观点。")
            if index in orphans:
                st.warning("这一部分的标题已经不在提纲里了。它的文字保留着：可以并入另一部分，或者删除（可撤销）。")
                targets = [i for i in range(len(p.sections)) if i != index and i not in orphans]
                if targets:
                    m1, m2 = st.columns([3, 1], vertical_alignment="bottom")
                    m1.selectbox("并入", targets, format_func=lambda i: p.sections[i].heading,
                                 key=wkey(f"merge_target.{index}"))
                    m2.button("并入", key=f"merge.{index}", on_click=cb_merge_orphan,
                              args=(index, wkey(f"merge_target.{index}")))
                st.button("删除这一部分", key=f"drop.{index}", on_click=cb_drop_section, args=(index,))
        undo_button()
    with right:
        st.markdown("##### 各部分情况")
        show_section_indicators(step)
        step_done_toggle(step)
        examples_panel(step, focus=options[part] if part.startswith("s") else None)


def _short(label: str, limit: int = 9) -> str:
    return label if len(label) <= limit else label[:limit] + "…"


def show_section_indicators(step) -> None:
    from coach.steps.tianrou import report

    p = ws().project
    rep = report(p)
    # four short columns: six did not fit the side column and were cut off on the right
    rows = [{"部分": _short({"opening": "开头", "closing": "结尾"}.get(s.role, s.heading)), "字数": s.chars,
             "数据·事实·引语": f"{len(s.data_points)}·{len(s.facts)}·{len(s.quotations)}",
             "有材料": "✓" if s.has_substance else "—"} for s in rep.sections]
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch", column_config={
            "部分": st.column_config.TextColumn("部分", width="small"),
            "字数": st.column_config.NumberColumn("字数", width="small"),
            "数据·事实·引语": st.column_config.TextColumn("数据·事实·引语", width="small"),
            "有材料": st.column_config.TextColumn("有材料", width="small")})
        extra = f"，约{rep.speaking_minutes}分钟（按每分钟{rep.chars_per_minute}字）" if rep.speaking_minutes else ""
        st.caption(f"全文{rep.total_chars}字{extra}。数据：日期、百分比、金额、数量；事实：地名、单位、事件、文件；引语：引号里的话。")
    show_findings(check_run().findings.get(step.key, []), empty="各部分没有发现问题。")


# --- 修容 ------------------------------------------------------------------------------------------

def cb_set_draft(key: str) -> None:
    value = st.session_state.get(key) or ""
    change(lambda p: setattr(p, "draft", value), "修改全文", undoable=True, coalesce="draft")


def cb_reassemble() -> None:
    change(lambda p: setattr(p, "draft", p.assemble_draft()), "从各部分重新组装全文", undoable=True,
           refresh_widgets=True)


def cb_apply_fix(rule: str, start: int, end: int) -> None:
    deep = [f for f in deep_findings_for(ws().project.current_text())
            if f.rule == rule and f.start == start and f.end == end and f.fix is not None]
    if deep:  # a 深度校对 finding: not in the quick check, applied from the kept list
        text = ws().project.current_text()
        new_text, change_made = services.apply_fix(text, deep[0])
        change(lambda p: setattr(p, "draft", new_text), f"把“{change_made['before']}”改为“{change_made['after']}”",
               undoable=True, refresh_widgets=True)
        return
    applied: list = []
    change(lambda p: applied.append(actions.apply_lint_fix(p, get_step(current_step_key()), rule, start, end)), "按检查结果修改", undoable=True,
           refresh_widgets=True)
    if applied and applied[0] and ws().last_entry:
        ws().last_entry.label = f"把“{applied[0]['before']}”改为“{applied[0]['after']}”"
    else:
        st.session_state["flash"] = ("warning", "全文已经变了，这条修改不再适用。请看更新后的问题清单。")


def cb_apply_safe_fixes() -> None:
    count: list[int] = []
    change(lambda p: count.append(actions.apply_all_safe_fixes(p)), "应用全部安全修改", undoable=True,
           refresh_widgets=True)
    if count and count[0]:
        if ws().last_entry:
            ws().last_entry.label = f"应用全部安全修改（{count[0]}处）"
        st.session_state["flash"] = ("success", f"已自动修改{count[0]}处，可以撤销。")
    else:
        st.session_state["flash"] = ("info", "没有可以自动修改的地方。")


def undo_button() -> None:
    """Undo and redo for the step on screen only: they name what they will do and never reach into
    what was written on another step."""
    w = ws()
    scope = current_step_key()
    undo, redo = w.undo_entry(scope), w.redo_entry(scope)
    if undo is None and redo is None:
        return
    row = st.container(horizontal=True)  # not columns: this sits inside columns already
    if undo is not None:
        row.button(f"撤销：{undo.label}", key="undo", on_click=cb_undo, args=(scope,), icon=":material/undo:",
                  help="只撤回这一步里的这次修改，其他步骤写的内容不受影响")
    if redo is not None:
        row.button(f"重做：{redo.label}", key="redo", on_click=cb_redo, args=(scope,), icon=":material/redo:")


def page_xiurong(step) -> None:
    w = ws()
    p = w.project
    text = p.current_text()
    deep = deep_findings_for(text)
    findings = check_run().findings.get(step.key, [])
    if deep:
        findings = services.merge_deep_findings(findings, deep)
    with st.container():  # a stable slot, see flash()
        if not text.strip():
            st.info("全文还是空的。先在“填肉”里写好各部分，这里会把标题、开头、各部分和结尾组装成全文。")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("##### 全文")
        with st.container():  # a stable slot, see flash()
            if p.draft.strip() and p.draft != p.assemble_draft():
                st.caption("全文已经单独修改过：在“填肉”里的改动不会自动进入全文，需要时可点“从各部分重新组装”。")
        st.text_area("全文（可直接修改）", value=text, key=wkey("draft"), height=320, on_change=cb_set_draft,
                     args=(wkey("draft"),), label_visibility="collapsed")
        b1, b2 = st.columns(2)
        b1.button("从各部分重新组装", key="reassemble", on_click=cb_reassemble, icon=":material/sync:",
                  help="用标题、开头、各部分正文和结尾重新生成全文（可撤销）")
        with b2:
            undo_button()
        if text.strip():
            st.markdown("##### 标注")
            st.caption("鼠标停在标注上可以看到问题说明；上标数字对应右侧清单的序号。")
            st.html(highlight.render_highlighted(text, findings))
    with right:
        st.markdown("##### 问题清单")
        safe = [f for f in findings if f.fix is not None and f.fix.safe]
        if safe:
            st.button(f"应用全部安全修改（{len(safe)}处）", key="fix_all", on_click=cb_apply_safe_fixes,
                      type="primary", icon=":material/auto_fix_high:")
        deep_check_button(text)
        show_fixable_findings(findings, text)
        step_done_toggle(step)
    with st.expander("范文示例", expanded=False):
        examples_panel(step)
    if text.strip():
        with st.expander("句子和段落长度", expanded=False):
            sentences = charts.sentence_lengths(text)
            long_count = int(sentences["过长"].sum()) if len(sentences) else 0
            st.caption(f"共{len(sentences)}句，其中{long_count}句超过{charts.LONG_SENTENCE}字（一口气念不完的句子）。")
            if len(sentences):
                st.altair_chart(charts.sentence_chart(sentences), width="stretch")
            sections = charts.section_lengths(text, p.brief.title)
            if len(sections):
                st.caption("各部分字数：相差太大往往说明某一部分写得单薄。")
                st.altair_chart(charts.section_chart(sections), width="stretch")


def deep_findings_for(text: str) -> list:
    """The 深度校对 findings, while the text is still the one they were found in (offsets stay right)."""
    kept = st.session_state.get("_deep_results")
    return kept[1] if kept and kept[0] == hash(text) else []


def deep_check_button(text: str) -> None:
    if not text.strip():
        return
    if st.button("深度校对（错别字）", key="deep_check", icon=":material/spellcheck:",
                 help="用本机的语言模型查找音近、形近的错别字，约每千字5秒；结果要逐条确认"):
        with st.status("正在深度校对……", expanded=True) as box:
            bar = st.progress(0.0, text="正在载入语言模型（第一次要生成模型，约半分钟）")

            def report(done: int, total: int) -> None:
                bar.progress(min(1.0, done / total) if total else 0.0, text=f"已校对{done}/{total}段")

            result = deepcheck.run_deep_check(text, report)
            box.update(label=result.message, state="complete" if result.ok else "error")
        if result.ok:
            st.session_state["_deep_results"] = (hash(text), result.findings)
        st.session_state["flash"] = ("success" if result.ok else "error", result.message)
        st.rerun()


MAX_LISTED_FINDINGS = 60


def show_fixable_findings(findings: list, text: str) -> None:
    if not findings:
        st.success("没有发现文字问题。" if text.strip() else "还没有可检查的内容。")
        return
    # errors first, so the ones listed are the ones that matter; the total is the one the coach gives
    findings = sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
    if len(findings) > MAX_LISTED_FINDINGS:
        st.caption(f"共{len(findings)}条，先列出最要紧的{MAX_LISTED_FINDINGS}条（错误在前）。")
    for n, f in enumerate(findings[:MAX_LISTED_FINDINGS], start=1):
        label = SEVERITY_LABELS.get(f.severity, f.severity)
        where = f"第{f.line}行　" if f.line else ""
        quote = ""
        if f.start is not None and f.end is not None and f.end > f.start:
            quote = f"“{md_escape(text[f.start:f.end][:30])}”　"
        line = f"{SEVERITY_ICONS.get(f.severity, '')} **[{n}] {label}**　{where}{quote}{md_escape(f.message)}"
        if f.suggestion:
            line += f"  \n　→ {md_escape(f.suggestion)}"
        st.markdown(line)
        if f.fix is not None:
            shown = f.fix.replacement or "（删除）"
            st.button(f"改为“{shown[:20]}”", key=f"fix.{f.rule}.{f.start}.{f.end}", on_click=cb_apply_fix,
                      args=(f.rule, f.start, f.end), type="tertiary", icon=":material/check:")
    if len(findings) > MAX_LISTED_FINDINGS:
        st.caption(f"其余{len(findings) - MAX_LISTED_FINDINGS}条（共{len(findings)}条）没有列出：先处理上面的，"
                   "改完后清单会更新。")


# --- 成器 -------------------------------------------------------------------------------------------

def cb_snapshot(label_key: str) -> None:
    label = (st.session_state.get(label_key) or "").strip() or "手动保存"
    saved: list = []

    def snap(p: Project) -> None:
        v = add_snapshot(p, label, current_step_key(), only_if_changed=False)
        saved.append(v)

    change(snap, f"保存版本“{label}”")
    st.session_state["flash"] = (("success", f"已保存版本“{label}”。") if saved and saved[0]
                                 else ("warning", "全文是空的，没有可保存的版本。"))


def cb_restore_version(select_key: str) -> None:
    vid = st.session_state.get(select_key)
    label: list = []
    change(lambda p: label.append(actions.restore_version(p, vid)), "恢复版本", undoable=True, refresh_widgets=True)
    if label and label[0] is not None:
        if ws().last_entry:
            ws().last_entry.label = f"恢复版本“{label[0]}”"
        st.session_state["flash"] = ("success", f"已把版本“{label[0]}”恢复为当前全文，可以撤销。")


def cb_review_pass(index: int) -> None:
    from coach.steps.chengqi import review_label

    saved: list = []
    change(lambda p: saved.append(add_snapshot(p, review_label(index), current_step_key(), only_if_changed=False)),
           f"完成{review_label(index)}")
    if saved and saved[0] is not None:
        st.session_state["flash"] = ("success", f"已完成“{review_label(index)}”，并保存为一个版本，可与之前的版本对比。")
    else:
        st.session_state["flash"] = ("warning", "全文是空的，还不能审稿。")


def page_chengqi(step) -> None:
    from coach.steps.chengqi import CHECKLIST, reviewed

    w = ws()
    p = w.project
    top_left, top_right = st.columns([3, 2], gap="large")
    with top_left:
        st.markdown("##### 版本")
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        c1.text_input("版本名称", key="version_label", placeholder="例如：送审稿、领导修改稿")
        c2.button("存为版本", key="snapshot", on_click=cb_snapshot, args=("version_label",), width="stretch",
                  icon=":material/bookmark_add:")
        if not p.versions:
            st.caption("还没有版本。每次切换步骤时会自动保存一个版本，也可以随时手动保存。")
        else:
            ids = [v.id for v in p.versions]
            titles = {v.id: versions.version_title(v, n) for n, v in enumerate(p.versions, start=1)}
            st.caption(f"共{len(ids)}个版本。")
            d1, d2 = st.columns(2)
            old_id = d1.selectbox("原稿", ids, index=max(0, len(ids) - 2), format_func=titles.get,
                                  key=wkey("diff_old"))
            new_id = d2.selectbox("修改稿", ids + ["__current__"], index=len(ids),
                                  format_func=lambda i: "当前全文" if i == "__current__" else titles[i],
                                  key=wkey("diff_new"))
            old_text = next(v.text for v in p.versions if v.id == old_id)
            new_text = p.current_text() if new_id == "__current__" else next(
                v.text for v in p.versions if v.id == new_id)
            show_diff(old_text, new_text)
            r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
            r1.selectbox("恢复某个版本为当前全文", ids, index=len(ids) - 1, format_func=titles.get,
                         key=wkey("restore_pick"))
            r2.button("恢复", key="restore_version", on_click=cb_restore_version, args=(wkey("restore_pick"),))
            undo_button()
    with top_right:
        st.markdown("##### 三改三审")
        st.caption("每改完一遍就点一下：当前全文会存成一个版本，之后可以逐遍对比改了什么。")
        done = reviewed(p)
        for i, item in enumerate(CHECKLIST):
            c1, c2 = st.columns([4, 1], vertical_alignment="center")
            c1.markdown((":green[**已完成**]　" if i in done else ":gray[未完成]　") + md_escape(item))
            c2.button("完成" if i not in done else "再存一版", key=f"review.{i}", on_click=cb_review_pass, args=(i,),
                      type="secondary" if i in done else "primary")
        st.markdown("##### 定稿检查")
        final_check_panel()
        step_done_toggle(step)
        examples_panel(step)
    st.markdown("##### 五步评分")
    rows = status_ui.scorecard(p, check_run())
    overall = status_ui.overall_score(rows)
    st.caption("每步满分100：每条错误扣15分，每条提醒扣5分，每条建议扣1分；未开始的步骤不计分，总分按五步平均。")
    st.metric("总分", "—" if overall is None else overall)
    st.dataframe([r.as_row() for r in rows], hide_index=True, width="stretch")
    st.markdown("##### 导出")
    export_buttons(prefix="main")


def final_check_panel() -> None:
    """Every open finding of every step and the unfilled placeholders: 定稿 only when all are dealt with."""
    check = status_ui.final_check(ws().project, check_run())
    (st.success if check.ready else st.warning)(check.summary())
    for part in check.steps:
        if part.findings:
            label = (f"{part.name}：错误{part.count('error')}、提醒{part.count('warning')}、建议{part.count('info')}")
            with st.expander(label, expanded=False):
                show_findings(list(part.findings))


def show_diff(old_text: str, new_text: str) -> None:
    if old_text == new_text:
        st.caption("两个版本完全相同。")
        return
    revision = services.compare(old_text, new_text)
    stats = revision.stats
    counts = "，".join(f"{name}{stats.changes.get(kind, 0)}处" for kind, name in
                      (("wording", "改写"), ("addition", "增加"), ("deletion", "删除"), ("move", "移动"))
                      if stats.changes.get(kind))
    st.caption(f"{counts or '没有改动'}；原稿{stats.old_chars}字，修改稿{stats.new_chars}字；"
               f"相似度{stats.similarity:.0%}；修正了{stats.fixed_findings}个检查出的问题。"
               "红色删除线是删去的，绿色是新增的，蓝色是移动的；鼠标停在改动上可看理由。")
    st.html(revision.to_html())
    if revision.changes:
        with st.expander(f"逐条看修改和理由（{len(revision.changes)}处）"):
            for n, c in enumerate(revision.changes[:80], start=1):
                why = "；".join(c.explain()) or {"wording": "换了说法", "addition": "补充内容", "deletion": "删去内容",
                                                 "move": "调整顺序"}[c.kind]
                before = md_escape(c.old_text.strip()[:80]) or "（无）"
                after = md_escape(c.new_text.strip()[:80]) or "（无）"
                st.markdown(f"**{n}. {c.kind_name}**　{before} → {after}  \n　理由：{md_escape(why)}")


PAGES: dict[str, Callable] = {"coach.steps.liyi.page:render": page_liyi, "coach.steps.dagu.page:render": page_dagu,
                              "coach.steps.tianrou.page:render": page_tianrou,
                              "coach.steps.xiurong.page:render": page_xiurong,
                              "coach.steps.chengqi.page:render": page_chengqi}


# --- export ---------------------------------------------------------------------------------------

def export_buttons(prefix: str) -> None:
    w = ws()
    run = check_run()
    files = exports.export_files(w.snapshot(), [f for s in STEPS for f in run.findings.get(s.key, [])])
    check = status_ui.final_check(w.project, run)
    if check.placeholders:
        # warn before the file is written: a Word file with “XX” in it must not reach a leader's desk
        (st.caption if prefix == "side" else st.warning)(
            f"注意：全文还有{len(check.placeholders)}处占位符没填（{check.placeholder_text}），"
            "导出的文件会原样带上。请先在“修容”里补上。")
    for f in files:
        st.download_button(f.label, data=f.make, file_name=f.file_name, mime=f.mime, key=f"{prefix}.{f.kind}",
                           icon=f.icon, on_click="ignore", width="stretch" if prefix == "side" else "content")


# --- corpus page ---------------------------------------------------------------------------------

def cb_remove_corpus_file(name: str) -> None:
    if uploads.remove_corpus_file(services.uploads_dir(), name):
        st.session_state["flash"] = ("success", f"已从语料库移除“{name}”。重建索引后，示例中不再出现它。")


def page_corpus() -> None:
    st.markdown("### 语料库")
    st.button("返回写作" if ws() else "返回首页", key="corpus_back", on_click=cb_show_view, args=("step",),
              icon=":material/arrow_back:")
    st.markdown("示例段落来自语料库里的真实讲话稿：随软件附带的五篇，加上你导入的讲话稿。导入后需要重建索引。")
    manifest = services.index_manifest()
    if manifest is None:
        st.warning("索引尚未构建：示例段落暂时不能显示。点下面的“重建索引”即可（第一次需要一两分钟）。")
    else:
        st.caption(f"当前索引：{len(manifest.corpus)}篇讲话稿，{manifest.passage_count}个段落；"
                   f"嵌入模型 {manifest.model_id}；{when(manifest.built_at)}构建。")

    # the index first: its progress must be where the writer is looking, not below the file list
    st.markdown("##### 索引")
    outcome = st.session_state.pop("rebuild_outcome", None)
    if outcome:
        ok, message, problems = outcome
        (st.success if ok else st.error)(message)
        for problem in problems:
            st.warning(problem)
    if st.button("重建索引", key="rebuild", icon=":material/refresh:",
                 help="用随软件附带的讲话稿和你导入的讲话稿重新建立索引"):
        with st.status("正在重建索引……", expanded=True) as box:
            bar = st.progress(0.0, text="准备中")

            def report(stage: str, done: int, total: int) -> None:
                bar.progress(min(1.0, done / total) if total else 0.0, text=f"{stage}：{done}/{total}")

            result = rebuild.run_rebuild(report)
            box.update(label=result.message if result.ok else "重建索引没有成功",
                       state="complete" if result.ok else "error")
        st.session_state["rebuild_outcome"] = (result.ok, result.message, result.problems)
        # the upload results are about the index before this one: do not leave them on screen
        st.session_state.pop("upload_outcomes", None)
        st.rerun()

    st.markdown("##### 导入讲话稿")
    limit = st.get_option("server.maxUploadSize")
    counter = st.session_state.get("uploader_round", 0)
    files = st.file_uploader(f"支持 .txt、.md、.docx，每个文件不超过 {limit} MB；编码（UTF-8、GBK 等）会自动识别。",
                             type=["txt", "md", "docx"], accept_multiple_files=True, key=f"uploader.{counter}")
    if files and st.button(f"导入这{len(files)}个文件", key="upload_go", type="primary"):
        outcomes = uploads.save_uploads([(f.name, f.getvalue()) for f in files], services.uploads_dir())
        st.session_state["upload_outcomes"] = [(o.ok, o.message) for o in outcomes]
        st.session_state["uploader_round"] = counter + 1
        st.rerun()
    for ok, message in st.session_state.get("upload_outcomes", []):
        (st.success if ok else st.error)(message)
    if any(ok for ok, _ in st.session_state.get("upload_outcomes", [])):
        st.info("新导入的讲话稿要重建索引后才会出现在示例里。")

    mine = uploads.list_corpus_files(services.uploads_dir())
    st.markdown(f"##### 我导入的讲话稿（{len(mine)}）")
    if not mine:
        st.caption("还没有导入。")
    for n, f in enumerate(mine):
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(f"{md_escape(f.name)}　:gray[{f.size / 1024:.0f} KB]")
        c2.button("移除", key=f"rm_corpus.{n}", on_click=cb_remove_corpus_file, args=(f.name,), type="tertiary")



# --- pages ------------------------------------------------------------------------------------------

def welcome() -> None:
    st.markdown("## 欢迎使用写作教练")
    st.markdown(
        "五步写好一篇公文或讲话稿：**立意**（想清楚写什么）→ **搭骨**（列提纲）→ **填肉**（充实各部分）"
        "→ **修容**（推敲文字）→ **成器**（三改三审、定稿导出）。每一步都有真实讲话稿的示例段落、"
        "即时检查和教练对话。所有内容自动保存。"
    )
    st.text_input("给新文稿起个名字", key="welcome_name", placeholder="例如：在全市办公室系统业务培训会上的讲话")
    st.button("新建文稿", key="welcome_new", type="primary", on_click=cb_new_project, args=("welcome_name",))
    st.caption("第一次使用？可以先打开一篇示例讲话稿，在每一步看看检查、范例和教练怎么工作。")
    c1, c2 = st.columns(2)
    c1.button("打开示例文稿", key="welcome_sample", on_click=cb_new_sample_project, icon=":material/menu_book:")
    c2.button("管理语料库", key="welcome_corpus", on_click=cb_show_view, args=("corpus",),
              icon=":material/library_books:", help="上传本单位的讲话稿和公文，作为各步的范文")
    try:
        summaries = store().list()
    except CoachError:
        summaries = []
    if summaries:
        st.markdown("##### 最近的文稿")
        for s in summaries[:8]:
            st.button(f"{s.name}（{when(s.updated_at)}修改）", key=f"recent.{s.id}", on_click=open_project,
                      args=(s.id,))


def main() -> None:
    started = time.perf_counter()
    try:
        _main()
    finally:
        # server-side time of this rerun, read by bench/bench_app.py (st.rerun/stop end the run early)
        st.session_state["_script_ms"] = (time.perf_counter() - started) * 1000


def _main() -> None:
    ensure_workspace()
    st.html(autosave.script_tag(), unsafe_allow_javascript=True)
    if ws() is None and st.query_params.get("step"):
        st.query_params.pop("step", None)
    wanted_step = st.query_params.get("step")
    if ws() is not None and wanted_step in STEP_KEYS and "step_from_url" not in st.session_state:
        st.session_state["step"] = wanted_step
    st.session_state["step_from_url"] = True
    guarded("侧栏", sidebar)
    flash()
    w = ws()
    if st.session_state.get("view") == "corpus":  # reachable with or without an open project
        conflict_banner()
        guarded("语料库页面", page_corpus)
        return
    if w is None:
        guarded("欢迎页", welcome)
        return
    conflict_banner()
    step = get_step(current_step_key())
    st.query_params["step"] = step.key
    step_header(step)
    page = PAGES.get(step.page)
    if page is None:  # a step added to coach/steps without a work area here yet
        st.info(f"“{step.name}”这一步还没有工作区，可以先和教练聊聊。")
    else:
        guarded(f"“{step.name}”的工作区", page, step)
    st.divider()
    guarded("教练对话", chat_panel, step)


def guarded(what: str, render: Callable, *args) -> None:
    """Render one part of the page; if it fails, say so in Chinese and keep the rest of the page working.
    (Streamlit's own rerun/stop signals are BaseExceptions and pass through.)"""
    try:
        render(*args)
    except CoachError as exc:
        st.error(str(exc))
    except Exception:  # noqa: BLE001 - the writer gets a message, the log gets the traceback
        log.exception("rendering %s failed", what)
        st.error(f"{what}出错了，详细原因已记录在服务器日志里。你已经输入的内容都还在，可以刷新页面后继续。")


main()
