"""立意's work area: the 立意卡 on the left; its checks and example openings on the right."""

from __future__ import annotations

import streamlit as st

from coach.project import DIRECTIONS, GENRES, Project
from coach.steps.base import Step
from coach.ui import actions
from coach.ui import session as ss
from coach.ui import widgets


def cb_set_brief(field: str, key: str, label: str) -> None:
    value = st.session_state.get(key)
    ss.change(lambda p: actions.set_brief_field(p, field, value), f"修改“{label}”", undoable=True,
              coalesce=f"brief.{field}", refresh_widgets=False)


def cb_title_from_name() -> None:
    ss.change(lambda p: setattr(p.brief, "title", p.name), "用文稿名作标题", undoable=True, refresh_widgets=True)


def _text_input(field: str, label: str, placeholder: str) -> None:
    key = ss.wkey(f"brief.{field}")
    st.text_input(label, value=getattr(ss.project().brief, field), key=key, placeholder=placeholder,
                  on_change=cb_set_brief, args=(field, key, label))


def _text_area(field: str, label: str, placeholder: str, height: int = 100) -> None:
    key = ss.wkey(f"brief.{field}")
    st.text_area(label, value=getattr(ss.project().brief, field), key=key, placeholder=placeholder,
                 height=height, on_change=cb_set_brief, args=(field, key, label))


def _select(field: str, label: str, options: tuple[str, ...], placeholder: str, column) -> None:
    value = getattr(ss.project().brief, field)
    key = ss.wkey(f"brief.{field}")
    column.selectbox(label, options, index=options.index(value) if value in options else None,
                     placeholder=placeholder, key=key, on_change=cb_set_brief, args=(field, key, label))


def _number(field: str, label: str, column, *, max_value: int, step: int, placeholder: str) -> None:
    key = ss.wkey(f"brief.{field}")
    column.number_input(label, min_value=0, max_value=max_value, step=step, value=getattr(ss.project().brief, field),
                        key=key, placeholder=placeholder, on_change=cb_set_brief, args=(field, key, label))


def render(step: Step) -> None:
    project = ss.project()
    b = project.brief
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("##### 立意卡")
        c1, c2 = st.columns(2)
        _select("genre", "文种", GENRES, "请选择文种", c1)
        _select("direction", "行文方向", DIRECTIONS, "请选择（讲话稿可不选）", c2)
        _text_input("title", "标题", "例如：在全市办公室系统业务培训会上的讲话")
        name = project.name
        if not b.title.strip() and name and name != Project().name and not name.startswith("示例："):
            st.button(f"用文稿名“{name}”作标题", key="title_from_name", on_click=cb_title_from_name,
                      type="tertiary", icon=":material/title:")
        c3, c4 = st.columns(2)
        with c3:
            _text_input("occasion", "场合", "什么会议、什么活动")
        with c4:
            _text_input("recipient", "主送机关", "讲话稿可不填")
        _text_area("leader_intent", "领导意图", "领导关注的重点、想表达的观点、希望达到的效果")
        _text_input("audience", "受众", "写给谁看、讲给谁听")
        _text_area("thesis", "一句话核心观点", "如果只能让人记住一句话，是哪一句？", height=80)
        _text_area("expected_effect", "预期效果", "读完或听完之后，希望对方知道什么、做什么", height=80)
        c5, c6 = st.columns(2)
        _number("target_chars", "目标字数", c5, max_value=200000, step=100, placeholder="例如 3000")
        _number("speaking_minutes", "讲话时长（分钟）", c6, max_value=600, step=5, placeholder="讲话稿必填")
        with st.expander("落款：署名和成文日期（法定公文用）", expanded=bool(b.signature or b.date)):
            c7, c8 = st.columns(2)
            with c7:
                _text_input("signature", "署名（发文机关）", "例如：××市人民政府办公室")
            with c8:
                _text_input("date", "成文日期", "例如：2026年11月22日")
        widgets.undo_button()
    with right:
        st.markdown("##### 立意检查")
        widgets.show_findings(ss.findings_of(step), empty="立意卡完整，没有发现问题。")
        widgets.step_done_toggle(step)
        widgets.examples_panel(step)
