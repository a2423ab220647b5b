"""修容's work area: the whole text with its findings marked; the list of findings with one-click fixes,
the deep typo check, and the sentence and section length charts."""

from __future__ import annotations

import streamlit as st

from coach.steps.base import Step
from coach.ui import actions, charts, deepcheck, highlight, services
from coach.ui import session as ss
from coach.ui import status as status_ui
from coach.ui import widgets
from coach.ui.text import md_escape

DEEP_RESULTS_KEY = "_deep_results"


def deep_findings_for(text: str) -> list:
    """The 深度校对 findings, while the text is still the one they were found in (offsets stay right)."""
    kept = st.session_state.get(DEEP_RESULTS_KEY)
    return kept[1] if kept and kept[0] == hash(text) else []


def cb_set_draft(key: str) -> None:
    value = st.session_state.get(key) or ""
    ss.change(lambda p: setattr(p, "draft", value), "修改全文", undoable=True, coalesce="draft")


def cb_reassemble() -> None:
    ss.change(lambda p: setattr(p, "draft", p.assemble_draft()), "从各部分重新组装全文", undoable=True,
              refresh_widgets=True)


def _fix_label(applied: dict) -> str:
    return f"把“{applied['before']}”改为“{applied['after']}”"


def cb_apply_fix(rule: str, start: int, end: int) -> None:
    deep = [f for f in deep_findings_for(ss.project().current_text())
            if f.rule == rule and f.start == start and f.end == end and f.fix is not None]
    if deep:  # a 深度校对 finding: not in the quick check, applied from the kept list
        ss.change_and_name(lambda p: actions.apply_finding_fix(p, deep[0]), "按深度校对修改", _fix_label)
        return
    step = ss.current_step()
    applied = ss.change_and_name(lambda p: actions.apply_lint_fix(p, step, rule, start, end), "按检查结果修改",
                                 _fix_label)
    if not applied:
        ss.flash("warning", "全文已经变了，这条修改不再适用。请看更新后的问题清单。")


def cb_apply_safe_fixes() -> None:
    count = ss.change_and_name(actions.apply_all_safe_fixes, "应用全部安全修改", lambda n: f"应用全部安全修改（{n}处）")
    if count:
        ss.flash("success", f"已自动修改{count}处，可以撤销。")
    else:
        ss.flash("info", "没有可以自动修改的地方。")


def render(step: Step) -> None:
    p = ss.project()
    text = p.current_text()
    findings = ss.findings_of(step)
    deep = deep_findings_for(text)
    if deep:
        findings = services.merge_deep_findings(findings, deep)
    with st.container():  # a stable slot, see widgets.flash()
        if not text.strip():
            st.info("全文还是空的。先在“填肉”里写好各部分，这里会把标题、开头、各部分和结尾组装成全文。")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("##### 全文")
        with st.container():  # a stable slot, see widgets.flash()
            if p.draft.strip() and p.draft != p.assemble_draft():
                st.caption("全文已经单独修改过：在“填肉”里的改动不会自动进入全文，需要时可点“从各部分重新组装”。")
        st.text_area("全文（可直接修改）", value=text, key=ss.wkey("draft"), height=320, on_change=cb_set_draft,
                     args=(ss.wkey("draft"),), label_visibility="collapsed")
        b1, b2 = st.columns(2)
        b1.button("从各部分重新组装", key="reassemble", on_click=cb_reassemble, icon=":material/sync:",
                  help="用标题、开头、各部分正文和结尾重新生成全文（可撤销）")
        with b2:
            widgets.undo_button()
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
        widgets.step_done_toggle(step)
    with st.expander("改前改后：范文里的真实笔误", expanded=False):
        revision_examples(text)
    with st.expander("范文示例", expanded=False):
        widgets.examples_panel(step)
    if text.strip():
        with st.expander("句子和段落长度", expanded=False):
            length_charts(text, p.brief.title)


def revision_examples(own_text: str) -> None:
    """修容's teaching unit: real published speeches slip too — each slip beside its correction."""
    pairs = ss.revision_pairs(own_text)
    if not pairs:
        st.caption("语料库里的范文没有查出笔误（或还没有构建索引）。")
        return
    st.caption("公开发表的讲话稿也会出错。看看这些真实的笔误是怎么改的，再回头查自己的稿子。")
    for pair in pairs:
        with st.container(border=True):
            st.markdown(f"改前：{md_escape(pair.before)}  \n改后：{md_escape(pair.after)}")
            st.caption(md_escape(pair.reason) + (f"　{md_escape(pair.source)}" if pair.source else ""))


def length_charts(text: str, title: str) -> None:
    sentences = charts.sentence_lengths(text)
    long_count = int(sentences["过长"].sum()) if len(sentences) else 0
    st.caption(f"共{len(sentences)}句，其中{long_count}句超过{charts.LONG_SENTENCE}字（一口气念不完的句子）。")
    if len(sentences):
        st.altair_chart(charts.sentence_chart(sentences), width="stretch")
    sections = charts.section_lengths(text, title)
    if len(sections):
        st.caption("各部分字数：相差太大往往说明某一部分写得单薄。")
        st.altair_chart(charts.section_chart(sections), width="stretch")


def deep_check_button(text: str) -> None:
    if not text.strip():
        return
    settings = ss.llm_settings()
    use_llm = False
    if settings.ready:
        # only offered when a model is configured: offline the button is the local check alone
        use_llm = st.checkbox("同时请大模型校对（它的建议先经本机核对，对不上原文的不列出）", value=True,
                              key="deep_check_llm")
    if st.button("深度校对（错别字）", key="deep_check", icon=":material/spellcheck:",
                 help="用本机的语言模型查找音近、形近的错别字，约每千字5秒；结果要逐条确认"):
        with st.status("正在深度校对……", expanded=True) as box:
            bar = st.progress(0.0, text="正在载入语言模型（第一次要生成模型，约半分钟）")

            def report(done: int, total: int) -> None:
                bar.progress(min(1.0, done / total) if total else 0.0, text=f"已校对{done}/{total}段")

            result = deepcheck.run_deep_check(text, report, llm=use_llm, llm_settings=settings if use_llm else None)
            box.update(label=result.message, state="complete" if result.ok else "error")
        if result.ok:
            st.session_state[DEEP_RESULTS_KEY] = (hash(text), result.findings)
        ss.flash("success" if result.ok else "error", result.message)
        st.rerun()


def show_fixable_findings(findings: list, text: str) -> None:
    if not findings:
        st.success("没有发现文字问题。" if text.strip() else "还没有可检查的内容。")
        return
    findings = status_ui.ordered(findings)
    limit = status_ui.MAX_LISTED_FINDINGS
    if len(findings) > limit:
        st.caption(f"共{len(findings)}条，先列出最要紧的{limit}条（错误在前）。")
    for n, f in enumerate(findings[:limit], start=1):
        where = f"第{f.line}行　" if f.line else ""
        quote = ""
        if f.start is not None and f.end is not None and f.end > f.start:
            quote = f"“{md_escape(text[f.start:f.end][:30])}”　"
        line = widgets.finding_line(f, prefix=f"[{n}] ") + f"{where}{quote}{md_escape(f.message)}"
        if f.suggestion:
            line += f"  \n　→ {md_escape(f.suggestion)}"
        st.markdown(line)
        if f.fix is not None:
            shown = f.fix.replacement or "（删除）"
            st.button(f"改为“{shown[:20]}”", key=f"fix.{f.rule}.{f.start}.{f.end}", on_click=cb_apply_fix,
                      args=(f.rule, f.start, f.end), type="tertiary", icon=":material/check:")
    if len(findings) > limit:
        st.caption(f"其余{len(findings) - limit}条（共{len(findings)}条）没有列出：先处理上面的，改完后清单会更新。")
