"""写作教练 — the Streamlit workspace for the five-step method (立意 → 搭骨 → 填肉 → 修容 → 成器).

Run with ``streamlit run app.py``. This file lays out the frame: the sidebar, the welcome and corpus
pages, and the step on screen, whose work area is the step's own ``page`` (``coach/steps/<key>/page.py``)
— the app walks ``coach.steps.STEPS`` and names no step. What the widgets show and do comes from
``coach.ui``. Every change is saved at once through the project store; a tab whose copy is out of date is
told so instead of overwriting the other tab's work.
"""

from __future__ import annotations

import importlib
import logging
import time
from typing import Callable

import streamlit as st

from coach.errors import CoachError
from coach.steps import STEPS, Step, get_step
from coach.ui import actions, autosave, rebuild, services, uploads
from coach.ui import session as ss
from coach.ui import status as status_ui
from coach.ui import widgets
from coach.ui.session import change, open_project, store, ws, wkey
from coach.ui.text import md_escape, when

st.set_page_config(page_title="写作教练", page_icon="✍️", layout="wide")

STEP_KEYS = ss.STEP_KEYS
log = logging.getLogger("coach.app")


# --- callbacks for the frame (projects, steps) ----------------------------------------------------

def cb_new_project(name_key: str) -> None:
    name = (st.session_state.get(name_key) or "").strip() or None
    try:
        project, _rev = store().create(name)
    except CoachError as exc:
        st.session_state["flash"] = ("error", str(exc))
        return
    open_project(project.id)
    st.session_state["flash"] = ("success", f"已新建文稿《{project.name}》，从第一步“{STEPS[0].name}”开始。")


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
    old = ss.current_step()
    if new not in STEP_KEYS or new == old.key:
        return
    st.session_state["step"] = new
    st.session_state["view"] = "step"
    st.query_params["step"] = new
    change(lambda p: actions.move_to_step(p, old.key, old.name, new), f"从{old.name}转到{get_step(new).name}")


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
        widgets.export_buttons(prefix="side")


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
    views = status_ui.step_views(w.project, ss.check_run())
    by_key = {v.key: v for v in views}
    current = ss.current_step().key
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
    st.button("管理语料库", key="show_corpus", on_click=ss.cb_show_view, args=("corpus",),
              icon=":material/library_books:")


def sidebar_coach() -> None:
    st.markdown("#### 教练")
    settings = ss.llm_settings()
    labels = {"offline": "离线教练（不联网）", "llm": f"大模型：{settings.describe()}"}
    if settings.ready:
        st.radio("使用哪位教练", ["offline", "llm"], index=["offline", "llm"].index(ss.coach_mode()),
                 format_func=labels.get, key="coach_mode", label_visibility="collapsed")
    else:
        st.caption(f"当前：{labels['offline']}。")
        st.caption(f"未启用大模型：{settings.problem()}")



# --- corpus page ---------------------------------------------------------------------------------

def cb_remove_corpus_file(name: str) -> None:
    if uploads.remove_corpus_file(services.uploads_dir(), name):
        st.session_state["flash"] = ("success", f"已从语料库移除“{name}”。重建索引后，示例中不再出现它。")


def page_corpus() -> None:
    st.markdown("### 语料库")
    st.button("返回写作" if ws() else "返回首页", key="corpus_back", on_click=ss.cb_show_view, args=("step",),
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
    c2.button("管理语料库", key="welcome_corpus", on_click=ss.cb_show_view, args=("corpus",),
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
    ss.ensure_workspace()
    st.html(autosave.script_tag(), unsafe_allow_javascript=True)
    if ws() is None and st.query_params.get("step"):
        st.query_params.pop("step", None)
    wanted_step = st.query_params.get("step")
    if ws() is not None and wanted_step in STEP_KEYS and "step_from_url" not in st.session_state:
        st.session_state["step"] = wanted_step
    st.session_state["step_from_url"] = True
    guarded("侧栏", sidebar)
    widgets.flash()
    w = ws()
    if st.session_state.get("view") == "corpus":  # reachable with or without an open project
        widgets.conflict_banner()
        guarded("语料库页面", page_corpus)
        return
    if w is None:
        guarded("欢迎页", welcome)
        return
    widgets.conflict_banner()
    step = ss.current_step()
    st.query_params["step"] = step.key
    widgets.step_header(step, w.project)
    guarded(f"“{step.name}”的工作区", step_page(step), step)
    st.divider()
    guarded("教练对话", widgets.chat_panel, step)


def step_page(step: Step) -> Callable[[Step], None]:
    """The step's own work area (``Step.page``, "module:function"), else the generic page."""
    if not step.page:
        return widgets.generic_page
    module, _, function = step.page.partition(":")
    return getattr(importlib.import_module(module), function or "render")


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
