"""The app's plain-Python helpers (coach.ui): what the writer sees, tested without Streamlit."""

from __future__ import annotations

import html
import io
import re

import numpy as np
import pytest
from docx import Document as DocxDocument

from coach.findings import Finding, Fix
from coach.project import BriefCard, Project, Section
from coach.steps import get_step
from coach.store import ProjectStore, StaleProjectError
from coach.ui import charts, exports, outline_view, status, uploads, versions
from coach.ui.highlight import render_highlighted, segments
from coach.ui.sections import OutlineHeading, merge_into, sync_sections
from coach.ui.workspace import Workspace


# --- sections follow the outline without losing text ---------------------------------------------

def _heads(*lines: str) -> list[OutlineHeading]:
    return [OutlineHeading(line, line.split("、", 1)[1]) for line in lines]


def _texts(sections):
    return {s.heading: s.body for s in sections}


def test_reordering_and_renumbering_keeps_each_sections_text():
    old = [Section("一、加强学习", "学习的文字"), Section("二、改进作风", "作风的文字")]
    result = sync_sections(old, _heads("一、改进作风", "二、加强学习"),
                           {"一、加强学习": "加强学习", "二、改进作风": "改进作风"})
    assert [(s.heading, s.body) for s in result.sections] == [("一、改进作风", "作风的文字"), ("二、加强学习", "学习的文字")]
    assert result.orphans == []


def test_a_reworded_heading_keeps_its_text():
    old = [Section("一、加强学习", "学习的文字"), Section("二、改进作风", "作风的文字")]
    result = sync_sections(old, _heads("一、加强理论学习", "二、改进作风"),
                           {"一、加强学习": "加强学习", "二、改进作风": "改进作风"})
    assert _texts(result.sections) == {"一、加强理论学习": "学习的文字", "二、改进作风": "作风的文字"}


def test_a_heading_replaced_in_place_keeps_its_text():
    old = [Section("一、加强学习", "学习的文字"), Section("二、改进作风", "作风的文字")]
    result = sync_sections(old, _heads("一、加强学习", "二、狠抓落实见成效"),
                           {"一、加强学习": "加强学习", "二、改进作风": "改进作风"})
    assert _texts(result.sections)["二、狠抓落实见成效"] == "作风的文字"


def test_a_deleted_heading_with_text_is_kept_as_orphan_and_an_empty_one_dropped():
    old = [Section("一、加强学习", "学习的文字"), Section("二、改进作风", "作风的文字"), Section("三、空的部分", "")]
    result = sync_sections(old, _heads("一、加强学习"),
                           {"一、加强学习": "加强学习", "二、改进作风": "改进作风", "三、空的部分": "空的部分"})
    assert [s.heading for s in result.sections] == ["一、加强学习", "二、改进作风"]
    assert result.orphans == [1]
    merged = merge_into(result.sections, 1, 0)
    assert [(s.heading, s.body) for s in merged] == [("一、加强学习", "学习的文字\n作风的文字")]


def test_project_sections_follow_a_real_outline():
    p = Project(outline="一、学习是立身之本\n（一）为什么学\n二、写材料是看家本领\n三、为人处事")
    p.sections = outline_view.sync_project_sections(p).sections
    assert [s.heading for s in p.sections] == ["一、学习是立身之本", "二、写材料是看家本领", "三、为人处事"]
    p.sections[1].body = "写材料的正文"
    p.outline = "一、写材料是看家本领\n二、学习是立身之本\n三、为人处事"
    p.sections = outline_view.sync_project_sections(p).sections
    assert _texts(p.sections) == {"一、写材料是看家本领": "写材料的正文", "二、学习是立身之本": "", "三、为人处事": ""}


# --- highlights are built only from escaped pieces -----------------------------------------------

def test_highlight_escapes_the_writers_text_and_the_messages():
    text = '<script>alert(1)</script>截止5月，" onmouseover="x'
    start = text.index("截止")
    findings = [Finding("word.jiezhi", "error", '用"截至"<b>', start=start, end=start + 2),
                Finding("quote", "warning", "引号", start=text.index('"'), end=text.index('"') + 1)]
    out = render_highlighted(text, findings)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<b>" not in out
    assert 'onmouseover="x' not in out
    # the only tags are ours
    tags = set(re.findall(r"<(/?\w+)", out))
    assert tags <= {"style", "/style", "div", "/div", "mark", "/mark", "sup", "/sup"}
    marks = re.findall(r'<mark class="sev-(\w+)" title="([^"]*)">([^<]*)</mark>', out)
    assert ("error", html.escape('[1] 错误：用"截至"<b>', quote=True), "截止") in marks


def test_overlapping_findings_split_into_segments_that_cover_the_text():
    text = "一二三四五六"
    fs = [Finding("a", "info", "a", start=0, end=4), Finding("b", "error", "b", start=2, end=6)]
    segs = segments(text, fs)
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.findings) for s in segs] == [("一二", (0,)), ("三四", (0, 1)), ("五六", (1,))]
    assert 'class="sev-error"' in render_highlighted(text, fs)


# --- outline picture ------------------------------------------------------------------------------

def test_outline_picture_escapes_quotes_and_backslashes():
    dot = outline_view.outline_dot('一、讲"政治"\\n\n（一）第二级\n二、第二点', title='标题"x')
    assert dot.startswith("digraph outline {") and dot.rstrip().endswith("}")
    assert '讲\\"政治\\"\\\\n' in dot
    assert 'label="标题\\"x"' in dot
    assert dot.count("->") == 3  # root -> 一、, 一、 -> （一）, root -> 二、
    # no label is left with an unescaped quote that would end it early
    for label in re.findall(r'label="((?:[^"\\]|\\.)*)"', dot):
        assert not re.search(r'(?<!\\)"', label)


# --- step status and score card --------------------------------------------------------------------

def test_step_status_follows_the_work_and_the_done_mark():
    p = Project()
    run = status.run_checks(p)
    views = {v.key: v for v in status.step_views(p, run)}
    assert views["liyi"].state == "not_started" and views["liyi"].caption == "○ 未开始"
    p.brief.genre = "请示"
    p.brief.direction = "下行文"
    run = status.run_checks(p)
    liyi = {v.key: v for v in status.step_views(p, run)}["liyi"]
    assert liyi.state == "in_progress" and liyi.errors >= 1
    assert re.fullmatch(r"◐ 进行中 · \d+ 条待改", liyi.caption)
    p.step_status["liyi"] = "done"
    assert {v.key: v for v in status.step_views(p, status.run_checks(p))}["liyi"].state_label == "已完成"
    rows = status.scorecard(p, status.run_checks(p))
    assert rows[0].score is not None and rows[0].score < 100
    assert all(r.score is None for r in rows[1:])


def test_a_failing_check_is_reported_not_raised():
    from dataclasses import replace

    from coach.steps import STEPS

    def broken(project):
        raise RuntimeError("boom")

    steps = (replace(STEPS[0], check=broken),) + STEPS[1:]
    run = status.run_checks(Project(), steps)
    assert "立意的检查出错了" in run.failures["liyi"]


# --- charts ------------------------------------------------------------------------------------

def test_sentence_and_section_lengths():
    text = "短句。" + "很" * 70 + "长。\n第三句"
    frame = charts.sentence_lengths(text)
    assert list(frame["字数"]) == [3, 72, 3]
    assert list(frame["过长"]) == [False, True, False]
    # the parts of the draft on screen, not of the 填肉 sections (the draft was edited since)
    p = Project(brief=BriefCard(title="标题"), sections=[Section("一、甲", "旧")],
                draft="标题\n同志们：\n一、甲\n正文正文\n二、乙\n乙的正文很长很长")
    assert charts.section_lengths(p.current_text(), p.brief.title).to_dict("records") == [
        {"部分": "开头", "字数": 4}, {"部分": "一、甲", "字数": 7}, {"部分": "二、乙", "字数": 11}]
    spec = charts.sentence_chart(frame).to_dict()
    assert spec["mark"]["type"] == "bar"
    # the legend reads 正常/过长, never false/true
    assert spec["encoding"]["color"]["scale"]["domain"] == ["正常", "过长"]
    assert set(frame["长度"]) == {"正常", "过长"}


# --- versions --------------------------------------------------------------------------------------

def test_snapshots_only_when_the_text_changed():
    p = Project(draft="第一稿")
    assert versions.add_snapshot(p, "初稿", "xiurong") is not None
    assert versions.add_snapshot(p, versions.auto_label("修容"), "xiurong") is None
    p.draft = "第二稿"
    v = versions.add_snapshot(p, versions.auto_label("修容"), "xiurong")
    assert v.text == "第二稿" and v.label == "自动保存（离开修容时）"
    assert versions.add_snapshot(Project(), "空", "liyi") is None
    assert re.match(r"v2 · 自动保存（离开修容时） · \d{4}-\d\d-\d\d \d\d:\d\d · 3字", versions.version_title(v, 2))


# --- the workspace: autosave, stale tabs, undo ------------------------------------------------------

def test_workspace_saves_detects_a_stale_tab_and_keeps_the_writers_copy():
    store = ProjectStore()
    project, rev = store.create("两个标签页")
    tab_a = Workspace(store, *store.load(project.id), StaleProjectError)
    tab_b = Workspace(store, *store.load(project.id), StaleProjectError)
    assert tab_a.change(lambda p: setattr(p.brief, "title", "甲的标题"), "改标题")
    assert not tab_b.change(lambda p: setattr(p.brief, "thesis", "乙的观点"), "改观点")
    assert tab_b.conflict is not None and tab_b.project.brief.thesis == "乙的观点"
    assert Project.from_dict(tab_b.conflict.mine).brief.thesis == "乙的观点"
    # while the conflict is open nothing is saved, but the copy keeps what the writer types
    assert not tab_b.change(lambda p: setattr(p.brief, "audience", "乙的受众"), "改受众")
    assert store.load(project.id)[0].brief.thesis == ""
    assert tab_b.overwrite_with_mine()
    saved = store.load(project.id)[0]
    assert (saved.brief.thesis, saved.brief.audience) == ("乙的观点", "乙的受众")


def test_workspace_undo_restores_the_previous_text_and_redo_brings_it_back():
    store = ProjectStore()
    project, rev = store.create("撤销")
    ws = Workspace(store, project, rev, StaleProjectError)
    ws.change(lambda p: setattr(p, "draft", "截止5月"), "写")
    ws.change(lambda p: setattr(p, "draft", "截至5月"), "修改", undoable=True, scope="xiurong", refresh_widgets=True)
    assert ws.undo_entry("xiurong").label == "修改" and ws.generation == 1
    assert ws.undo_entry("dagu") is None  # it lives on the step where it was made
    assert ws.undo("xiurong")
    assert store.load(project.id)[0].draft == "截止5月"
    assert ws.undo_entry("xiurong") is None and ws.redo_entry("xiurong").label == "修改"
    assert ws.redo("xiurong")
    assert store.load(project.id)[0].draft == "截至5月"


def test_undoing_a_renumbering_keeps_the_sections_and_draft_written_after_it():
    # the bug: "撤销：自动重新编号" on 填肉 restored the whole project and erased both sections and the draft
    from coach.ui import actions

    store = ProjectStore()
    project, rev = store.create("编号")
    ws = Workspace(store, project, rev, StaleProjectError)
    ws.change(lambda p: actions.set_outline(p, "一、加强学习\n(一)为什么学\n二、改进作风"), "提纲")
    ws.change(actions.renumber_outline, "自动重新编号", undoable=True, scope="dagu")
    assert ws.project.outline.splitlines()[1] == "（一）为什么学"
    ws.change(lambda p: actions.set_part(p, "section", "学习是立身之本。", 0), "正文", undoable=True,
              scope="tianrou", coalesce="part.section.0")
    ws.change(lambda p: actions.set_part(p, "section", "作风是形象。", 1), "正文", undoable=True,
              scope="tianrou", coalesce="part.section.1")
    ws.change(lambda p: setattr(p, "draft", "全文初稿"), "全文", undoable=True, scope="xiurong", coalesce="draft")
    assert ws.undo_entry("tianrou").label == "正文"  # 填肉 offers only its own last edit
    assert ws.undo("dagu")
    saved = store.load(project.id)[0]
    assert saved.outline.splitlines()[1] == "(一)为什么学"
    assert [s.body for s in saved.sections] == ["学习是立身之本。", "作风是形象。"]
    assert saved.draft == "全文初稿"


def test_an_undo_that_would_overwrite_newer_text_is_withdrawn():
    store = ProjectStore()
    project, rev = store.create("冲突")
    ws = Workspace(store, project, rev, StaleProjectError)
    ws.change(lambda p: setattr(p, "draft", "甲"), "修改", undoable=True, scope="xiurong")
    # 成器 restores a version: the draft 修容 would undo to has changed since
    ws.change(lambda p: setattr(p, "draft", "乙"), "恢复版本", undoable=True, scope="chengqi")
    assert ws.undo_entry("xiurong") is None
    assert not ws.undo("xiurong") and ws.project.draft == "乙"
    assert ws.undo("chengqi") and ws.project.draft == "甲"


def test_typing_commits_in_quick_succession_are_one_undo_step_per_field():
    store = ProjectStore()
    project, rev = store.create("打字")
    ws = Workspace(store, project, rev, StaleProjectError)
    for text in ("截", "截止", "截止5月"):  # autosave commits at every pause in typing
        ws.change(lambda p, t=text: setattr(p, "draft", t), "修改全文", undoable=True, scope="xiurong",
                  coalesce="draft")
    ws.change(lambda p: setattr(p.brief, "title", "标题"), "修改“标题”", undoable=True, scope="xiurong",
              coalesce="brief.title")
    assert ws.undo("xiurong") and ws.project.brief.title == "" and ws.project.draft == "截止5月"
    assert ws.undo("xiurong") and ws.project.draft == ""
    assert ws.undo_entry("xiurong") is None
    # nothing undoable changed (a chat, a pin): no undo step
    ws.change(lambda p: p.pins.append({"id": "x"}), "收藏", undoable=True, scope="xiurong")
    assert ws.last_entry is None


# --- exports ------------------------------------------------------------------------------------------

def test_exports_give_markdown_json_and_a_word_file_with_safe_names():
    p = Project(name="演示", brief=BriefCard(genre="讲话稿", title='在全市/办公室:会议上的讲话'),
                opening="同志们：", sections=[Section("一、加强学习", "学习是立身之本。")], closing="谢谢大家。")
    files = {f.kind: f for f in exports.export_files(p, [Finding("x.y", "warning", "一条提醒")])}
    assert set(files) == {"markdown", "json", "docx"}
    for f in files.values():
        assert "/" not in f.file_name and ":" not in f.file_name
        assert f.file_name.startswith("在全市_办公室")
    assert "学习是立身之本" in files["markdown"].make().decode("utf-8")
    assert "一条提醒" in files["markdown"].make().decode("utf-8")
    from coach.export import project_from_json

    assert project_from_json(files["json"].make()).sections[0].body == "学习是立身之本。"
    doc = DocxDocument(io.BytesIO(files["docx"].make()))
    body = "\n".join(par.text for par in doc.paragraphs)
    assert "在全市/办公室:会议上的讲话" in body and "学习是立身之本。" in body and "谢谢大家。" in body


# --- uploads ----------------------------------------------------------------------------------------

def test_uploads_keep_good_files_and_explain_bad_ones(tmp_path):
    folder = tmp_path / "corpus"
    speech = "一、加强学习\n学习是立身之本，我们要坚持学习，2025年共组织培训12次。\n二、改进作风\n作风建设永远在路上。"
    outcomes = uploads.save_uploads([
        ("讲话.txt", speech.encode("gbk")),
        ("讲话副本.txt", speech.encode("gbk")),
        ("坏.docx", b"PK\x03\x04 not a zip"),
        ("空.md", b""),
        ("图片.txt", bytes(range(256)) * 8),
        ("../逃逸.txt", "一、标题\n正文内容足够长，可以作为一个段落来使用。".encode("utf-8")),
    ], folder)
    ok = {o.name: o for o in outcomes}
    assert ok["讲话.txt"].ok and "gb" in ok["讲话.txt"].message.lower()
    assert not ok["讲话副本.txt"].ok and "已经在语料库里" in ok["讲话副本.txt"].message
    assert not ok["坏.docx"].ok and "坏.docx" in ok["坏.docx"].message
    assert not ok["空.md"].ok and "空文件" in ok["空.md"].message
    assert not ok["图片.txt"].ok and "图片.txt" in ok["图片.txt"].message
    assert ok["逃逸.txt"].ok  # the path part of an uploaded name is dropped
    names = sorted(f.name for f in uploads.list_corpus_files(folder))
    assert names == ["讲话.txt", "逃逸.txt"]
    assert not any(p.name.startswith(".incoming") for p in folder.iterdir())
    assert uploads.remove_corpus_file(folder, "讲话.txt")
    outside = tmp_path / "outside.txt"
    outside.write_text("不在语料库里")
    assert not uploads.remove_corpus_file(folder, "../outside.txt")  # only files inside the folder
    assert outside.exists()
    assert [f.name for f in uploads.list_corpus_files(folder)] == ["逃逸.txt"]


@pytest.mark.parametrize("raw,expected", [("a*b_c", "a\\*b\\_c"), ("<b>x</b>", "\\<b\\>x\\</b\\>"), ("$x$", "\\$x\\$")])
def test_markdown_escape(raw, expected):
    from coach.ui.text import md_escape

    assert md_escape(raw) == expected


def test_project_text_for_copying_is_in_chinese():
    from coach.ui.text import project_text

    p = Project(brief=BriefCard(genre="请示", thesis="申请拨付防汛经费", target_chars=800), outline="一、情况\n二、请求",
                draft="关于申请拨付防汛经费的请示\n市财政局：")
    text = project_text(p)
    assert "【立意卡】\n文种：请示\n一句话核心观点：申请拨付防汛经费\n目标字数：800" in text
    assert "【提纲】\n一、情况\n二、请求" in text and "【全文】\n关于申请拨付防汛经费的请示" in text
    assert project_text(Project()) == "（还没有内容）"


# --- what the clicks do ----------------------------------------------------------------------------

def test_actions_edit_the_project_like_the_buttons_say():
    from coach.ui import actions

    p = Project()
    actions.set_outline(p, "一、加强学习\n二、改进作风")
    actions.set_part(p, "section", "截止2025年底,各各单位共组织培训12次。", 0)
    actions.set_part(p, "opening", "同志们：")
    actions.set_part(p, "section", "越界的文字", 9)  # no such section: nothing happens
    assert [s.body for s in p.sections] == ["截止2025年底,各各单位共组织培训12次。", ""]

    actions.move_to_step(p, "tianrou", "填肉", "xiurong")
    assert p.current_step == "xiurong" and [v.label for v in p.versions] == ["自动保存（离开填肉时）"]

    start = p.current_text().index("各各")
    xiurong = get_step("修容")
    change = actions.apply_lint_fix(p, xiurong, "doubled-char", start, start + 2)
    assert change["before"] == "各各" and "各各" not in p.draft
    assert actions.apply_lint_fix(p, xiurong, "doubled-char", start, start + 2) is None  # already fixed
    assert actions.apply_all_safe_fixes(p) == 2
    assert "截至2025年底，各单位" in p.draft
    assert actions.apply_all_safe_fixes(p) == 0

    assert actions.restore_version(p, p.versions[0].id) == "自动保存（离开填肉时）"
    assert "截止2025年底,各各单位" in p.draft
    assert actions.restore_version(p, "nope") is None

    hit = {"id": "004#3", "doc": "004", "title": "讲话", "text": "范文", "heading_path": ["一、学习"],
           "position": "body", "kind": "paragraph", "source": "seeds/004.txt", "score": 0.5}
    actions.pin(p, hit, "tianrou")
    actions.pin(p, hit, "tianrou")
    assert len(p.pins) == 1 and p.pins[0]["step"] == "tianrou" and "score" not in p.pins[0]
    actions.unpin(p, "004#3")
    assert p.pins == []

    actions.set_outline(p, "一、改进作风")
    assert [s.heading for s in p.sections] == ["一、改进作风", "一、加强学习"]  # text kept under its old heading
    actions.merge_section(p, 1, 0)
    assert [s.heading for s in p.sections] == ["一、改进作风"] and "培训12次" in p.sections[0].body


def test_accepting_a_coach_edit_changes_the_named_part():
    from coach.project import ChatMessage
    from coach.ui import actions

    p = Project(brief=BriefCard(thesis="学习是立身之本"))
    edit = {"target": "brief.thesis", "before": "立身之本", "after": "立身之本、成事之基", "reason": "更完整"}
    p.chats["liyi"] = [ChatMessage("user", "帮我改"), ChatMessage("assistant", "建议", extras={"edits": [edit]})]
    assert actions.accept_edit(p, "liyi", 1, 0)
    assert p.brief.thesis == "学习是立身之本、成事之基"
    p.brief.thesis = "学习是成长的阶梯"
    assert not actions.accept_edit(p, "liyi", 1, 0)  # the words the edit was about are gone now
    assert p.brief.thesis == "学习是成长的阶梯"
    assert not actions.accept_edit(p, "liyi", 5, 0)


# --- 定稿检查 -------------------------------------------------------------------------------------------

def test_final_check_counts_every_steps_open_findings_and_the_placeholders():
    from coach.ui import status

    p = Project(brief=BriefCard(genre="讲话稿", title="在XX县培训会上的讲话", thesis="学习"),
                outline="一、加强学习\n二、改进作风",
                sections=[Section("一、加强学习", "截止2025年底,各各单位共组织培训12次。请于□月□日前报送。"),
                          Section("二、改进作风", "为全*各项工作提供保障。")])
    run = status.run_checks(p)
    check = status.final_check(p, run)
    xiurong = next(s for s in check.steps if s.key == "xiurong")
    assert len(xiurong.findings) == len(run.findings["xiurong"]) > 0  # the same list 修容 shows
    assert not check.ready
    names = {p.current_text()[f.start:f.end] for f in check.placeholders}
    assert {"XX", "□", "*"} <= names
    summary = check.summary()
    assert summary.startswith("还不能定稿") and f"{len(check.placeholders)}处占位符" in summary
    assert "“XX”" in check.placeholder_text and "全*" in check.placeholder_text


def test_final_check_passes_only_a_clean_text():
    from coach.ui import status

    p = Project(brief=BriefCard(genre="讲话稿", title="在全县培训会上的讲话"), draft="在全县培训会上的讲话\n同志们：\n今天的会议很重要。")
    check = status.final_check(p, status.CheckRun({"xiurong": []}, {}))
    assert check.ready and check.summary().startswith("定稿检查通过")


def test_scorecard_rows_say_when_a_step_is_not_scored():
    from coach.ui import status

    p = Project(brief=BriefCard(genre="讲话稿", title="标题"))
    rows = [r.as_row() for r in status.scorecard(p, status.run_checks(p))]
    assert rows[0]["得分"].isdigit() and rows[3]["得分"] == "未计分"
    assert all(r["得分"] != "None" for r in rows)
