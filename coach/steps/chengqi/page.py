"""成器's work area: versions and their comparison, 三改三审, the final check, the score card and export."""

from __future__ import annotations

import streamlit as st

from coach.steps.base import Step
from coach.steps.chengqi import CHECKLIST, review_label, reviewed
from coach.ui import actions, services, versions
from coach.ui import session as ss
from coach.ui import status as status_ui
from coach.ui import widgets
from coach.text.vocabulary import SEVERITY_LABELS, severity_label
from coach.ui.text import md_escape
from coach.ui.versions import add_snapshot

#: the diff lists this many changes with their reasons
MAX_LISTED_CHANGES = 80


def cb_snapshot(label_key: str) -> None:
    label = (st.session_state.get(label_key) or "").strip() or "手动保存"
    saved: list = []
    step_key = ss.current_step().key
    ss.change(lambda p: saved.append(add_snapshot(p, label, step_key, only_if_changed=False)), f"保存版本“{label}”")
    if saved and saved[0]:
        ss.flash("success", f"已保存版本“{label}”。")
    else:
        ss.flash("warning", "全文是空的，没有可保存的版本。")


def cb_restore_version(select_key: str) -> None:
    vid = st.session_state.get(select_key)
    label = ss.change_and_name(lambda p: actions.restore_version(p, vid), "恢复版本", lambda name: f"恢复版本“{name}”")
    if label is not None:
        ss.flash("success", f"已把版本“{label}”恢复为当前全文，可以撤销。")


def cb_review_pass(index: int) -> None:
    saved: list = []
    step_key = ss.current_step().key
    ss.change(lambda p: saved.append(add_snapshot(p, review_label(index), step_key, only_if_changed=False)),
              f"完成{review_label(index)}")
    if saved and saved[0] is not None:
        ss.flash("success", f"已完成“{review_label(index)}”，并保存为一个版本，可与之前的版本对比。")
    else:
        ss.flash("warning", "全文是空的，还不能审稿。")


def versions_panel() -> None:
    p = ss.project()
    st.markdown("##### 版本")
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    c1.text_input("版本名称", key="version_label", placeholder="例如：送审稿、领导修改稿")
    c2.button("存为版本", key="snapshot", on_click=cb_snapshot, args=("version_label",), width="stretch",
              icon=":material/bookmark_add:")
    if not p.versions:
        st.caption("还没有版本。每次切换步骤时会自动保存一个版本，也可以随时手动保存。")
        return
    old_ids, new_ids, titles = versions.diff_choices(p)
    st.caption(f"共{len(old_ids)}个版本。")
    d1, d2 = st.columns(2)
    old_id = d1.selectbox("原稿", old_ids, index=max(0, len(old_ids) - 2), format_func=titles.get,
                          key=ss.wkey("diff_old"))
    new_id = d2.selectbox("修改稿", new_ids, index=len(new_ids) - 1, format_func=titles.get, key=ss.wkey("diff_new"))
    show_diff(versions.version_text(p, old_id), versions.version_text(p, new_id))
    r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
    r1.selectbox("恢复某个版本为当前全文", old_ids, index=len(old_ids) - 1, format_func=titles.get,
                 key=ss.wkey("restore_pick"))
    r2.button("恢复", key="restore_version", on_click=cb_restore_version, args=(ss.wkey("restore_pick"),))
    widgets.undo_button()


def review_panel() -> None:
    st.markdown("##### 三改三审")
    st.caption("每改完一遍就点一下：当前全文会存成一个版本，之后可以逐遍对比改了什么。")
    done = reviewed(ss.project())
    for i, item in enumerate(CHECKLIST):
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.markdown((":green[**已完成**]　" if i in done else ":gray[未完成]　") + md_escape(item))
        c2.button("完成" if i not in done else "再存一版", key=f"review.{i}", on_click=cb_review_pass, args=(i,),
                  type="secondary" if i in done else "primary")


def render(step: Step) -> None:
    top_left, top_right = st.columns([3, 2], gap="large")
    with top_left:
        versions_panel()
    with top_right:
        review_panel()
        st.markdown("##### 定稿检查")
        final_check_panel()
        widgets.step_done_toggle(step)
        widgets.examples_panel(step)
    st.markdown("##### 五步评分")
    rows = status_ui.scorecard(ss.project(), ss.check_run())
    overall = status_ui.overall_score(rows)
    st.caption(status_ui.score_rule_text())
    st.metric("总分", "—" if overall is None else overall)
    st.dataframe([r.as_row() for r in rows], hide_index=True, width="stretch")
    st.markdown("##### 导出")
    widgets.export_buttons(prefix="main")


def final_check_panel() -> None:
    """Every open finding of every step and the unfilled placeholders: 定稿 only when all are dealt with."""
    check = status_ui.final_check(ss.project(), ss.check_run())
    (st.success if check.ready else st.warning)(check.summary())
    for part in check.steps:
        if part.findings:
            label = f"{part.name}：" + "、".join(f"{severity_label(sev)}{part.count(sev)}" for sev in SEVERITY_LABELS)
            with st.expander(label, expanded=False):
                widgets.show_findings(list(part.findings))


def show_diff(old_text: str, new_text: str) -> None:
    if old_text == new_text:
        st.caption("两个版本完全相同。")
        return
    revision = services.compare(old_text, new_text)
    st.caption(versions.diff_summary(revision))
    st.html(revision.to_html())
    if revision.changes:
        with st.expander(f"逐条看修改和理由（{len(revision.changes)}处）"):
            for n, c in enumerate(revision.changes[:MAX_LISTED_CHANGES], start=1):
                before = md_escape(c.old_text.strip()[:80]) or "（无）"
                after = md_escape(c.new_text.strip()[:80]) or "（无）"
                st.markdown(f"**{n}. {c.kind_name}**　{before} → {after}  \n　理由：{md_escape(versions.change_reason(c))}")
