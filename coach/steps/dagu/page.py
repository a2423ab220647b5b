"""搭骨's work area: the outline editor, its structure picture and skeletons to start from; checks and
example headings on the right."""

from __future__ import annotations

import streamlit as st

from coach import config
from coach.genres import structure
from coach.steps.base import Step
from coach.ui import actions, outline_view, services
from coach.ui import session as ss
from coach.ui import widgets
from coach.ui.text import md_escape


@st.cache_data(show_spinner=False)
def _seed_skeletons(folder: str) -> list:
    return services.seed_skeletons(folder)


def seed_skeletons() -> list:
    return _seed_skeletons(str(config.seeds_dir()))


def cb_set_outline(key: str) -> None:
    value = st.session_state.get(key) or ""
    ss.change(lambda p: actions.set_outline(p, value), "修改提纲", undoable=True, coalesce="outline")


def cb_renumber() -> None:
    ss.change(actions.renumber_outline, "自动重新编号", undoable=True, refresh_widgets=True)


def cb_use_skeleton(select_key: str) -> None:
    chosen = st.session_state.get(select_key)
    skeleton = next((sk for sk in seed_skeletons() if sk.doc_id == chosen), None)
    if skeleton is None:
        return
    ss.change(lambda p: actions.set_outline(p, skeleton.outline), f"以《{skeleton.title}》的骨架为起点",
              undoable=True, refresh_widgets=True)
    ss.flash("success", f"已把《{skeleton.title}》的提纲复制到编辑器。这只是起点：请按自己的立意改写每个标题。")


def cb_use_genre_skeleton(genre: str) -> None:
    text = structure.skeleton(genre)
    if not text:
        return
    ss.change(lambda p: actions.set_outline(p, text), f"以{genre}的标准结构为起点", undoable=True, refresh_widgets=True)
    ss.flash("success", f"已把{genre}的标准结构放进提纲编辑器：括号里是每部分要写什么，请换成自己的内容。")


def genre_structure_panel(p) -> bool:
    """The genre's parts, a button to start from them and our model text; True when the genre has them."""
    s = structure.structure(p.brief.genre)
    if s is None or s.genre == "讲话稿":
        return False
    with st.container(border=True):
        st.markdown(f"**{s.genre}的结构**　" + md_escape(s.parts_text()))
        for part in s.parts:
            st.caption(md_escape(f"{part.name}：{part.purpose}"))
        st.button(f"用{s.genre}的标准结构起步", key="use_genre_skeleton", on_click=cb_use_genre_skeleton,
                  args=(s.genre,), icon=":material/account_tree:",
                  help="替换当前提纲（可撤销）" if p.outline.strip() else None)
        model = structure.model_text(s.genre)
        if model:
            with st.expander(f"看一篇{s.genre}的示范文本（写作教练编写，不是真实公文）"):
                st.code(model, language=None, wrap_lines=True)
    return True


def render(step: Step) -> None:
    p = ss.project()
    left, right = st.columns([3, 2], gap="large")
    with left:
        has_structure = genre_structure_panel(p)
        st.markdown("##### 提纲")
        st.caption("每行一个标题，按“一、（一）1.（1）”编号；也可以用缩进表示层次。一级标题就是“填肉”里要写的各个部分。")
        st.text_area("提纲", value=p.outline, key=ss.wkey("outline"), height=260, on_change=cb_set_outline,
                     args=(ss.wkey("outline"),), label_visibility="collapsed",
                     placeholder="一、学习是办公室干部的立身之本\n（一）为什么要学\n（二）学什么\n二、写材料是办公室干部的看家本领")
        b1, b2 = st.columns(2)
        b1.button("自动重新编号", key="renumber", on_click=cb_renumber, icon=":material/format_list_numbered:",
                  disabled=not p.outline.strip(), help="按层次重写“一、（一）1.（1）”编号（可撤销）")
        with b2:
            widgets.undo_button()
        if p.outline.strip():
            st.markdown("##### 结构图")
            heads = outline_view.top_headings(p.outline)
            st.caption(f"{len(heads)}个一级标题，对应“填肉”中的{len(heads)}个部分。")
            st.graphviz_chart(outline_view.outline_dot(p.outline, p.brief.title or p.name), width="content")
        # a 公文 starts from its genre's parts; the speeches' skeletons are then only for reference
        with st.expander("参考讲话稿的骨架" if has_structure else "从范文的骨架开始",
                         expanded=not p.outline.strip() and not has_structure):
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
        widgets.show_findings(ss.findings_of(step),
                              empty="提纲结构没有发现问题。" if p.outline.strip() else "还没有提纲。")
        widgets.step_done_toggle(step)
        widgets.examples_panel(step)
