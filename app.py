"""写作教练 — the Streamlit workspace for the five-step method (立意 → 搭骨 → 填肉 → 修容 → 成器).

Run with ``streamlit run app.py``. This file only lays out widgets; what they show and do comes from
``coach`` (mostly ``coach.ui``). Every change is saved at once through the project store; a tab whose
copy is out of date is told so instead of overwriting the other tab's work.
"""

from __future__ import annotations

import os
from typing import Any, Callable

import streamlit as st

from coach import config
from coach.errors import CoachError
from coach.project import DIRECTIONS, GENRES, Project
from coach.steps import STEPS, get_step
from coach.ui import services
from coach.ui import status as status_ui
from coach.ui.highlight import SEVERITY_LABELS
from coach.ui.text import md_escape, when
from coach.ui.versions import add_snapshot, auto_label
from coach.ui.workspace import Workspace

st.set_page_config(page_title="写作教练", page_icon="✍️", layout="wide")

STEP_KEYS = [s.key for s in STEPS]
SEVERITY_ICONS = {"error": "🔴", "warning": "🟡", "info": "🔵"}


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
    w = ws()
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


def cb_open_project(select_key: str) -> None:
    chosen = st.session_state.get(select_key)
    if chosen and (ws() is None or ws().project_id != chosen):
        open_project(chosen)


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
    if not new or new == old:
        return
    st.session_state["step"] = new
    st.session_state["view"] = "step"
    st.query_params["step"] = new

    def moved(p: Project) -> None:
        add_snapshot(p, auto_label(get_step(old).name), old)
        p.current_step = new

    change(moved, f"从{get_step(old).name}转到{get_step(new).name}")


def cb_show_view(view: str) -> None:
    st.session_state["view"] = view


def cb_set_brief(field: str, key: str, label: str) -> None:
    value = st.session_state.get(key)
    if isinstance(value, str):
        value = value.strip() if field not in ("thesis", "leader_intent", "expected_effect") else value
    if field in ("target_chars", "speaking_minutes") and value is not None:
        value = int(value) or None
    change(lambda p: setattr(p.brief, field, value if value is not None else _brief_default(field)),
           f"修改了“{label}”")


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


def cb_undo() -> None:
    w = ws()
    if w:
        w.undo()


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
        sidebar_corpus()


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
        names = {s.id: f"{s.name} · {when(s.updated_at)}" for s in summaries}
        index = ids.index(w.project_id) if w and w.project_id in ids else None
        st.selectbox("打开文稿", ids, index=index, format_func=lambda i: names.get(i, i), key="nav_project",
                     placeholder="选择一篇文稿", on_change=cb_open_project, args=("nav_project",))
    cols = st.columns(3)
    with cols[0].popover("新建", icon=":material/add:", use_container_width=True):
        st.text_input("文稿名称", key="new_name", placeholder="例如：在全市办公室系统业务培训会上的讲话")
        st.button("创建", key="new_go", on_click=cb_new_project, args=("new_name",), type="primary")
    if w is not None:
        with cols[1].popover("改名", icon=":material/edit:", use_container_width=True):
            st.text_input("新名称", value=w.project.name, key=wkey("rename"))
            st.button("保存名称", key="rename_go", on_click=cb_rename, args=(wkey("rename"),))
        cols[2].button("删除", icon=":material/delete:", key="delete_go", on_click=cb_delete,
                       use_container_width=True, help="删除后可以立即撤销")
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
    message = st.session_state.pop("flash", None)
    if message:
        kind, text = message
        getattr(st, kind)(text)


def conflict_banner() -> None:
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
        st.code(Project.from_dict(w.conflict.mine).current_text() or _brief_text(w.conflict.mine),
                language=None, wrap_lines=True)
        c1, c2 = st.columns(2)
        c1.button("载入另一处保存的最新版本（放弃本页修改）", key="conflict_reload", on_click=cb_reload)
        c2.button("用本页内容覆盖", key="conflict_overwrite", on_click=cb_overwrite, type="primary")


def _brief_text(data: dict) -> str:
    brief = data.get("brief") or {}
    return "\n".join(f"{k}: {v}" for k, v in brief.items() if v)


def step_header(step) -> None:
    st.markdown(f"### 第{step.order}步 · {step.name}")
    if step.artifact:
        st.caption(f"本步产出：{step.artifact}")
    st.markdown(step.goal)
    with st.expander("本步要点", expanded=False):
        for item in step.checklist:
            st.markdown(f"- {item}")


def show_findings(findings: list, text: str | None = None, empty: str = "没有发现问题。") -> None:
    if not findings:
        st.success(empty)
        return
    for n, f in enumerate(findings, start=1):
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


# --- 立意 ----------------------------------------------------------------------------------------

def page_liyi(step) -> None:
    w = ws()
    b = w.project.brief
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("##### 立意卡")
        c1, c2 = st.columns(2)
        genre_options = [""] + list(GENRES)
        c1.selectbox("文种", genre_options, index=genre_options.index(b.genre) if b.genre in GENRES else 0,
                     format_func=lambda g: g or "请选择文种", key=wkey("brief.genre"),
                     on_change=cb_set_brief, args=("genre", wkey("brief.genre"), "文种"))
        direction_options = [""] + list(DIRECTIONS)
        c2.selectbox("行文方向", direction_options,
                     index=direction_options.index(b.direction) if b.direction in DIRECTIONS else 0,
                     format_func=lambda d: d or "请选择（讲话稿可不选）", key=wkey("brief.direction"),
                     on_change=cb_set_brief, args=("direction", wkey("brief.direction"), "行文方向"))
        _brief_text_input("title", "标题", "例如：在全市办公室系统业务培训会上的讲话")
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
    with right:
        st.markdown("##### 立意检查")
        show_findings(check_run().findings.get(step.key, []), empty="立意卡完整，没有发现问题。")
        step_done_toggle(step)


def _brief_text_input(field: str, label: str, placeholder: str) -> None:
    key = wkey(f"brief.{field}")
    st.text_input(label, value=getattr(ws().project.brief, field), key=key, placeholder=placeholder,
                  on_change=cb_set_brief, args=(field, key, label))


def _brief_text_area(field: str, label: str, placeholder: str, height: int = 100) -> None:
    key = wkey(f"brief.{field}")
    st.text_area(label, value=getattr(ws().project.brief, field), key=key, placeholder=placeholder,
                 height=height, on_change=cb_set_brief, args=(field, key, label))


# --- other steps (wired as their parts land) ------------------------------------------------

def page_not_ready(step) -> None:
    st.info(f"“{step.name}”的工作区尚未就绪。")


PAGES: dict[str, Callable] = {"liyi": page_liyi}


# --- corpus page ---------------------------------------------------------------------------------

def page_corpus() -> None:
    st.markdown("### 语料库")
    st.button("返回写作", key="corpus_back", on_click=cb_show_view, args=("step",), icon=":material/arrow_back:")
    manifest = services.index_manifest()
    if manifest is None:
        st.info("索引尚未构建。")
    else:
        st.caption(f"索引：{manifest.passage_count} 个段落，模型 {manifest.model_id}")


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
    ensure_workspace()
    if ws() is None and st.query_params.get("step"):
        st.query_params.pop("step", None)
    wanted_step = st.query_params.get("step")
    if ws() is not None and wanted_step in STEP_KEYS and "step_from_url" not in st.session_state:
        st.session_state["step"] = wanted_step
    st.session_state["step_from_url"] = True
    sidebar()
    flash()
    w = ws()
    if w is None:
        welcome()
        return
    conflict_banner()
    if st.session_state.get("view") == "corpus":
        page_corpus()
        return
    step = get_step(current_step_key())
    st.query_params["step"] = step.key
    step_header(step)
    PAGES.get(step.key, page_not_ready)(step)


main()
