"""The page parts every step shares, drawn with Streamlit: header, findings, undo, examples, chat, export.

Each function only lays out widgets; what they show comes from ``coach.ui`` (status, examples, services)
and what their buttons do is a callback in ``coach.ui.session``.
"""

from __future__ import annotations

import streamlit as st

from coach.errors import CoachError
from coach.project import Project
from coach.steps import STEPS, Step
from coach.ui import exports, services
from coach.ui import examples as examples_ui
from coach.ui import session as ss
from coach.ui import status as status_ui
from coach.ui.highlight import SEVERITY_LABELS
from coach.ui.text import md_escape, project_text

# coloured marks rather than emoji: office PCs and servers often lack an emoji font
SEVERITY_ICONS = {"error": ":red[●]", "warning": ":orange[●]", "info": ":blue[●]"}


# --- messages in fixed slots ----------------------------------------------------------------

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
    w = ss.ws()
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
        c1.button("载入另一处保存的最新版本（放弃本页修改）", key="conflict_reload", on_click=ss.cb_reload)
        c2.button("用本页内容覆盖另一处的修改", key="conflict_overwrite", on_click=ss.cb_overwrite)


# --- the step's frame ---------------------------------------------------------------------------

def step_header(step: Step, project: Project | None = None) -> None:
    st.markdown(f"### 第{step.order}步 · {step.name}")
    if step.artifact:
        st.caption(f"本步产出：{step.artifact}")
    st.markdown(step.goal)
    with st.expander("本步要点", expanded=False):
        for item in (step.checklist_of(project) if project is not None else step.checklist):
            st.markdown(f"- {item}")


def finding_line(f, prefix: str = "") -> str:
    label = SEVERITY_LABELS.get(f.severity, f.severity)
    line = f"{SEVERITY_ICONS.get(f.severity, '')} **{prefix}{label}**　"
    return line


def show_findings(findings: list, empty: str = "没有发现问题。") -> None:
    if not findings:
        st.success(empty)
        return
    for f in status_ui.ordered(findings):
        line = finding_line(f) + md_escape(f.message)
        if f.suggestion:
            line += f"  \n　→ {md_escape(f.suggestion)}"
        st.markdown(line)


def step_done_toggle(step: Step) -> None:
    done = ss.project().step_status.get(step.key) == "done"
    st.toggle("本步已完成", value=done, key=ss.wkey(f"done.{step.key}"),
              on_change=ss.cb_mark_done, args=(step.key, not done))


def undo_button() -> None:
    """Undo and redo for the step on screen only: they name what they will do and never reach into
    what was written on another step."""
    w = ss.ws()
    scope = ss.current_step().key
    undo, redo = w.undo_entry(scope), w.redo_entry(scope)
    if undo is None and redo is None:
        return
    row = st.container(horizontal=True)  # not columns: this sits inside columns already
    if undo is not None:
        row.button(f"撤销：{undo.label}", key="undo", on_click=ss.cb_undo, args=(scope,), icon=":material/undo:",
                   help="只撤回这一步里的这次修改，其他步骤写的内容不受影响")
    if redo is not None:
        row.button(f"重做：{redo.label}", key="redo", on_click=ss.cb_redo, args=(scope,), icon=":material/redo:")


# --- examples from the corpus and pins ---------------------------------------------------------

def examples_panel(step: Step, focus: str | None = None, k: int = 3) -> None:
    st.markdown("##### 范文示例")
    project = ss.project()
    genre = project.brief.genre.strip()
    query = step.query(project, focus).strip()
    if not query and not genre:  # with a genre, the genre itself is the query (its own model texts)
        st.caption(step.example_hint)
        return
    r, why = ss.retriever()
    if r is None:
        st.caption(why)
        return
    # never the writer's own speech (nor the sample's source) among its examples
    result = ss.find_examples(query, step, k, project.current_text(), genre)
    hits = result["hits"]
    if result.get("message") and result.get("genre_status"):
        # honest about the genre: its own models, its form only, or another genre's wording
        st.info(result["message"] + "。", icon=":material/info:")
    if not hits:
        if not result.get("genre_status"):
            st.info("语料库里没有和这份稿子相近的范文。可以到“管理语料库”上传本单位的同类文稿，之后这里就会显示。"
                    if result.get("absent") else "语料里没有找到相近的段落。换个说法，或在“管理语料库”里导入更多文稿。",
                    icon=":material/search_off:")
        st.button("去管理语料库", key=f"to_corpus.{step.key}", on_click=ss.cb_show_view, args=("corpus",),
                  type="tertiary", icon=":material/library_books:")
        pins_list(step)
        return
    pinned = {x.get("id") for x in project.pins}
    for n, hit in enumerate(hits):
        with st.container(border=True):
            passage_card(hit, strengths=step.example_strengths)
            if hit["id"] in pinned:
                st.button("已收藏（点击取消）", key=f"unpin.{step.key}.{n}", on_click=ss.cb_unpin, args=(hit["id"],),
                          type="tertiary", icon=":material/bookmark:")
            else:
                st.button("收藏到本文稿", key=f"pin.{step.key}.{n}", on_click=ss.cb_pin, args=(hit, step.key),
                          type="tertiary", icon=":material/bookmark_border:")
    pins_list(step)


def passage_card(hit: dict, strengths: bool = False) -> None:
    st.markdown(md_escape(examples_ui.preview(hit["text"])))
    if strengths:
        notes = examples_ui.passage_strengths(hit["text"])
        if notes:
            st.caption(":green[这段的长处]　" + md_escape("；".join(notes)))
    if hit.get("outline"):
        st.code("\n".join(hit["outline"][:12]), language=None, wrap_lines=True)
    label = hit.get("source_label")
    st.caption(md_escape(examples_ui.source_line(hit)) + (f"　:blue[{md_escape(label)}]" if label else ""))
    # the corpus is real published text with real slips and anonymised names: say so, never teach them
    notes = examples_ui.passage_notes(hit)
    if notes.slips:
        st.caption(":orange[范文原文有笔误]　" + md_escape("；".join(notes.slips[:4])))
    if notes.hidden:
        st.caption(":gray[原文隐去了名称]　" + md_escape("、".join(notes.hidden[:4])) + "（自己的稿子里要写实际名称）")
    label = examples_ui.unit_label(hit)
    if label:
        with st.expander(label):
            st.markdown(md_escape(hit["unit"]))


def pins_list(step: Step) -> None:
    pins = ss.project().pins
    if not pins:
        return
    with st.expander(f"已收藏的段落（{len(pins)}）"):
        for n, pin in enumerate(pins):
            st.markdown(md_escape(pin.get("text") or ""))
            st.caption(md_escape(examples_ui.source_line(pin)))
            st.button("取消收藏", key=f"pins.{step.key}.{n}", on_click=ss.cb_unpin, args=(pin.get("id"),),
                      type="tertiary")


# --- the coach ------------------------------------------------------------------------------------

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
                st.caption(md_escape(examples_ui.source_line({**passage, "doc": passage.get("doc_id")})))
    for e, edit in enumerate(extras.get("edits") or []):
        with st.container(border=True):
            st.caption(f"建议修改：{md_escape(edit.get('reason', ''))}")
            if edit.get("before"):
                st.markdown(f"原文：{md_escape(edit['before'])}")
            st.markdown(f"改为：{md_escape(edit.get('after', ''))}")
            st.button("采用这个修改", key=f"edit.{step_key}.{index}.{e}", on_click=ss.cb_accept_edit,
                      args=(step_key, index, e), icon=":material/check:")


def chat_panel(step: Step) -> None:
    w = ss.ws()
    mode = ss.coach_mode()
    st.markdown(f"##### 和教练聊聊　:gray[{'大模型' if mode == 'llm' else '离线教练'}]")
    history = st.container()
    messages = w.project.chats.get(step.key, [])
    with history:
        if not messages:
            st.caption(step.chat_hint)
        for i, message in enumerate(messages):
            show_message(step.key, i, message)
    # inside a container, not at the page's top level: a top-level chat_input is pinned to the bottom and
    # turns on Streamlit's scroll-to-bottom, so every step opened scrolled past its work area
    prompt = st.container().chat_input(f"问问教练：关于“{step.name}”的任何问题", key=f"chat.{step.key}",
                                       max_chars=4000)
    if prompt and prompt.strip():
        text = prompt.strip()
        ss.change(lambda p: services.record_message(p, step.key, text), "向教练提问")
        with history:
            with st.chat_message("user"):
                st.markdown(md_escape(text))
            with st.chat_message("assistant"):
                try:
                    reply = ss.current_coach().reply(services.coach_turn(w.project, step.key, text,
                                                                         ss.findings_of(step)))
                    st.write_stream(reply)
                except CoachError as exc:
                    st.error(str(exc))
                    return
                ss.change(lambda p: services.record_reply(p, step.key, reply), "记录教练的回答")
                show_reply_extras(step.key, len(w.project.chats.get(step.key, [])) - 1, reply.extras.to_dict())


# --- export ---------------------------------------------------------------------------------------

def export_buttons(prefix: str) -> None:
    w = ss.ws()
    run = ss.check_run()
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


# --- a step without a work area of its own ---------------------------------------------------------

def generic_page(step: Step) -> None:
    """The page of a step that names no ``page``: its checks and examples; the chat follows below."""
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(f"##### {step.artifact or step.name}")
        st.caption("这一步还没有专门的编辑区：可以对照右边的检查和范文修改，并和下面的教练聊聊。")
        undo_button()
    with right:
        st.markdown(f"##### {step.name}检查")
        show_findings(ss.findings_of(step))
        step_done_toggle(step)
        examples_panel(step)
