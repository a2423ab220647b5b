"""填肉's work area: one part at a time (开头, each section of the outline, 结尾); the parts' measures,
checks and example paragraphs on the right."""

from __future__ import annotations

import streamlit as st

from coach.steps.base import Step
from coach.steps.tianrou import report
from coach.ui import actions, outline_view
from coach.ui import sections as sections_ui
from coach.ui import session as ss
from coach.ui import widgets
from coach.ui.text import md_escape

PICK_KEY = "tianrou_pick"


def cb_set_part(part: str, key: str, index: int | None = None) -> None:
    value = st.session_state.get(key) or ""
    ss.change(lambda p: actions.set_part(p, part, value, index), "修改正文", undoable=True,
              coalesce=f"part.{part}.{index}")


def cb_merge_orphan(source: int, select_key: str) -> None:
    target = st.session_state.get(select_key)
    if target is not None:
        ss.change(lambda p: actions.merge_section(p, source, int(target)), "合并不在提纲中的部分", undoable=True,
                  refresh_widgets=True)


def cb_drop_section(index: int) -> None:
    ss.change(lambda p: actions.drop_section(p, index), "删除不在提纲中的部分", undoable=True, refresh_widgets=True)


def _section_editor(p, index: int, orphans: list[int]) -> None:
    section = p.sections[index]
    st.markdown(f"**{md_escape(section.heading)}**")
    key = ss.wkey(f"part.s{index}.{abs(hash(section.heading)) % 10_000_000}")
    st.text_area("本部分正文", value=section.body, key=key, height=300, on_change=cb_set_part,
                 args=("section", key, index), label_visibility="collapsed",
                 placeholder="用事实、案例、数据支撑这个标题的观点。")
    if index not in orphans:
        return
    st.warning("这一部分的标题已经不在提纲里了。它的文字保留着：可以并入另一部分，或者删除（可撤销）。")
    targets = [i for i in range(len(p.sections)) if i != index and i not in orphans]
    if targets:
        m1, m2 = st.columns([3, 1], vertical_alignment="bottom")
        m1.selectbox("并入", targets, format_func=lambda i: p.sections[i].heading, key=ss.wkey(f"merge_target.{index}"))
        m2.button("并入", key=f"merge.{index}", on_click=cb_merge_orphan, args=(index, ss.wkey(f"merge_target.{index}")))
    st.button("删除这一部分", key=f"drop.{index}", on_click=cb_drop_section, args=(index,))


def render(step: Step) -> None:
    p = ss.project()
    heads = outline_view.top_headings(p.outline)
    slot = st.container()  # a stable slot, see widgets.flash()
    if not heads:
        slot.info("提纲里还没有一级标题。先到“搭骨”列出三到五个一级标题，这里就会按标题分成几个部分来写；开头和结尾可以先写。")
    orphans = sections_ui.orphan_indexes(p.sections, heads)
    options = sections_ui.part_options(p)
    if st.session_state.get(PICK_KEY) not in options:
        st.session_state[PICK_KEY] = next((k for k in options if k.startswith("s")), "opening")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.selectbox("选择要写的部分", list(options), format_func=lambda k: options[k], key=PICK_KEY)
        part = st.session_state[PICK_KEY]
        if part in ("opening", "closing"):
            st.text_area(options[part], value=getattr(p, part), key=ss.wkey(f"part.{part}"), height=300,
                         on_change=cb_set_part, args=(part, ss.wkey(f"part.{part}")),
                         placeholder="开头：称呼、缘由、本次讲话的主旨" if part == "opening" else "结尾：总结、号召、提出要求")
        else:
            _section_editor(p, int(part[1:]), orphans)
        widgets.undo_button()
    with right:
        st.markdown("##### 各部分情况")
        show_section_indicators(step)
        widgets.step_done_toggle(step)
        widgets.examples_panel(step, focus=options[part] if part.startswith("s") else None)


def show_section_indicators(step: Step) -> None:
    rep = report(ss.project())
    rows = sections_ui.indicator_rows(rep)
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch", column_config={
            "部分": st.column_config.TextColumn("部分", width="small"),
            "字数": st.column_config.NumberColumn("字数", width="small"),
            "数据·事实·引语": st.column_config.TextColumn("数据·事实·引语", width="small"),
            "有材料": st.column_config.TextColumn("有材料", width="small")})
        extra = f"，约{rep.speaking_minutes}分钟（按每分钟{rep.chars_per_minute}字）" if rep.speaking_minutes else ""
        st.caption(f"全文{rep.total_chars}字{extra}。数据：日期、百分比、金额、数量；事实：地名、单位、事件、文件；引语：引号里的话。")
    widgets.show_findings(ss.findings_of(step), empty="各部分没有发现问题。")
