"""Markdown and JSON exports, draft layout parsing and export file names."""

from __future__ import annotations

import json

import pytest

from coach.export import (
    ExportError,
    findings_from_json,
    format_date,
    heading_level,
    parse_draft,
    project_from_json,
    project_from_plain_text,
    safe_filename,
    to_json,
    to_markdown,
)
from coach.findings import Finding, Fix
from coach.project import FORMAT_VERSION, BriefCard, ChatMessage, Project, Section, Version


@pytest.fixture
def project() -> Project:
    return Project(
        name="培训班讲话",
        id="2b1e6a4e-0000-4000-8000-000000000001",
        brief=BriefCard(
            genre="讲话稿", direction="下行文", occasion="全区办公室系统业务培训班", title="在全区办公室系统业务培训班上的讲话",
            recipient="同志们", leader_intent="提振精气神", audience="各单位办公室骨干", thesis="办公室工作要做到“三服务”",
            expected_effect="学员回去能用", target_chars=5000, speaking_minutes=30,
        ),
        outline="一、提高认识\n（一）办公室是参谋部\n1. 加强学习\n二、严守纪律",
        opening="今天，我们举办这次培训班。",
        sections=[
            Section("一、提高认识", "办公室是一个单位的神经中枢。\n全*区办公室系统要带头。"),
            Section("二、严守纪律", ""),
        ],
        closing="同志们，让我们共同努力！",
        draft="",
        versions=[Version("v1", "搭骨完成", "2026-11-22T09:30:00+08:00", "一、提高认识\n二、严守纪律", "dagu")],
        pins=[{"id": "003#4", "doc_id": "003", "title": "在全县办公室主任会议上的讲话", "text": "办公室是参谋部、作战部、指挥部。"}],
        chats={"liyi": [ChatMessage("user", "核心观点怎么提炼？"), ChatMessage("assistant", "先问三个问题……", {"cited": ["003#4"]})]},
        step_status={"liyi": "done", "dagu": "done", "tianrou": "in_progress"},
        current_step="tianrou",
    )


@pytest.fixture
def findings() -> list[Finding]:
    return [
        Finding("word.bushu", "error", "“布署”是错别字", suggestion="改为“部署”", start=10, end=12, line=3,
                family="confusable", source="standard", fix=Fix(10, 12, "部署", safe=True)),
        Finding("outline.parallel", "warning", "一级标题字数不对称", suggestion="让两个标题的前后两半字数一致", line=1),
    ]


# -- Markdown -------------------------------------------------------------------------------------


def test_markdown_has_brief_outline_sections_and_open_findings(project, findings):
    md = to_markdown(project, findings)
    assert md.startswith("# 在全区办公室系统业务培训班上的讲话\n")
    for label, value in [("文种", "讲话稿"), ("行文方向", "下行文"), ("领导意图", "提振精气神"),
                         ("一句话核心观点", "办公室工作要做到“三服务”"), ("目标字数", "5000"), ("讲话时长（分钟）", "30")]:
        assert f"- **{label}**：{value}" in md
    assert "- **成文日期**：（未填）" in md  # what is still missing is visible
    assert "## 提纲" in md and "（一）办公室是参谋部\n1. 加强学习" in md  # the outline verbatim, in a code block
    assert "### 一、提高认识" in md and "办公室是一个单位的神经中枢。" in md
    assert "### 开头" in md and "今天，我们举办这次培训班。" in md and "### 结尾" in md
    assert "### 二、严守纪律\n\n（尚未填写）" in md
    assert "当前步骤：填肉" in md and "立意 已完成" in md
    assert "搭骨完成" in md and "办公室是参谋部、作战部、指挥部。" in md
    assert "## 待处理的问题（2 条）" in md
    assert "- **错误**（第 3 行）：“布署”是错别字 `word.bushu`" in md
    assert "  - 建议：改为“部署”" in md
    assert "**提醒**（第 1 行）：一级标题字数不对称" in md
    assert "先问三个问题" not in md  # the conversation is not part of the writing


def test_markdown_keeps_the_writers_text_literal(project):
    project.draft = "1. 加强学习\n# 不是标题\n全*县和全*乡\n<script>alert(1)</script>"
    md = to_markdown(project)
    assert "1\\. 加强学习" in md  # not turned into a numbered list
    assert "\\# 不是标题" in md
    assert "全\\*县和全\\*乡" in md  # not italics
    assert "<script>" not in md and "\\<script\\>" in md


def test_markdown_of_a_new_project_says_what_is_missing():
    md = to_markdown(Project(name="新文稿"))
    assert md.startswith("# 新文稿")
    assert "## 立意卡\n\n（尚未填写）" in md
    assert "待处理的问题" not in md


def test_markdown_accepts_findings_as_dicts(project, findings):
    assert to_markdown(project, [f.to_dict() for f in findings]) == to_markdown(project, findings)


# -- JSON -----------------------------------------------------------------------------------------


def test_json_round_trip_equals_the_project(project, findings):
    text = to_json(project, findings)
    data = json.loads(text)
    assert data["format"] == "coach-project" and data["format_version"] == FORMAT_VERSION
    assert data["export_version"] == 1 and data["exported_at"]
    assert project_from_json(text) == project
    assert findings_from_json(text) == findings
    assert "培训班" in text  # readable Chinese, not \u escapes


def test_json_round_trip_keeps_unusual_text():
    project = Project(draft="𠀀𪚥😀\u3000\t“引号”\n\n（一）", sections=[Section("一、", "a\r\nb")])
    assert project_from_json(to_json(project)) == project


def test_json_export_never_contains_api_keys(project):
    project.chats["xiurong"] = [ChatMessage("assistant", "好的", {"api_key": "sk-secret-value", "model": "qwen"})]
    text = to_json(project)
    assert "sk-secret-value" not in text
    assert project_from_json(text).chats["xiurong"][0].extras == {"model": "qwen"}


def test_a_bare_project_dict_loads_too(project):
    assert project_from_json(json.dumps(project.to_dict(), ensure_ascii=False)) == project


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "空的"),
        ("   \n", "空的"),
        ('{"project": {"name": "x"', "不是有效的 JSON：第 1 行"),
        ("[1, 2]", "最外层应当是一个对象"),
        ('{"format": "something-else", "project": {}}', "不是写作教练导出的文稿"),
        ('{"hello": 1}', "没有找到文稿内容"),
        ('{"project": "text"}', "应当是一个对象"),
        ('{"project": {"name": 5}}', "name 应为文本"),
        ('{"project": {"sections": [{"heading": "一、", "body": 3}]}}', "sections.第 1 项.body 应为文本"),
        ('{"project": {"sections": [{"body": "x"}]}}', "sections.第 1 项.heading 缺少这一项"),
        ('{"project": {"brief": {"target_chars": "很多"}}}', "brief.target_chars 应为整数"),
        ('{"project": {"format_version": 99}}', "更新版本"),
        ('{"export_version": 7, "project": {}}', "更新版本"),
    ],
)
def test_malformed_json_gives_a_chinese_message(text, expected):
    with pytest.raises(ExportError) as caught:
        project_from_json(text)
    assert expected in str(caught.value)


def test_malformed_findings_are_reported(project):
    data = json.loads(to_json(project))
    data["findings"] = [{"rule": "x", "severity": "fatal", "message": "m"}]
    with pytest.raises(ExportError) as caught:
        findings_from_json(json.dumps(data))
    assert "第 1 条问题记录格式不对" in str(caught.value)


# -- layout parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、进一步提高认识", 1), ("十二、其他", 1), ("（一）充分认识", 2), ("(一)半角括号", 2), ("（一）、多了顿号", 2),
        ("1.加强学习", 3), ("12．全角点", 3), ("（1）细化方案", 4), ("(2)半角", 4),
        ("1.5亿元资金已经到位。", 0), ("一是加强学习", 0), ("2026年工作安排", 0), ("同志们：", 0), ("", 0),
    ],
)
def test_heading_levels(line, level):
    assert heading_level(line) == level


@pytest.mark.parametrize(
    ("raw", "formatted"),
    [
        ("2026-01-05", "2026年1月5日"), ("2026/1/5", "2026年1月5日"), ("2026.11.22", "2026年11月22日"),
        ("2026年01月05日", "2026年1月5日"), ("二〇二六年一月五日", "2026年1月5日"), ("二〇二六年十二月三十一日", "2026年12月31日"),
        ("2026年13月1日", "2026年13月1日"), ("明年春天", "明年春天"),
    ],
)
def test_dates_use_arabic_numerals_without_leading_zeros(raw, formatted):
    assert format_date(raw) == formatted


def test_parse_plain_draft_finds_title_recipient_headings_and_signature():
    layout = parse_draft(
        "关于开展调研的通知\n各科室、各直属单位:\n\u3000\u3000为摸清情况，决定开展调研。\n一、调研内容\n"
        "（一）基本情况。包括人员和经费。\n请按时报送。\n县政府办公室\n2026年03月08日\n"
    )
    assert layout.title == "关于开展调研的通知"
    assert layout.recipient == "各科室、各直属单位："  # full-width colon
    assert [(b.kind, b.level, b.text, b.rest) for b in layout.blocks] == [
        ("paragraph", 0, "为摸清情况，决定开展调研。", ""),
        ("heading", 1, "一、调研内容", ""),
        ("heading", 2, "（一）基本情况。", "包括人员和经费。"),
        ("paragraph", 0, "请按时报送。", ""),
    ]
    assert layout.signature == "县政府办公室" and layout.date == "2026年3月8日"


def test_first_line_is_not_taken_for_a_title_when_it_is_a_salutation_or_a_sentence():
    assert parse_draft("同志们：\n今天开会。").title == ""
    assert parse_draft("同志们：\n今天开会。").recipient == "同志们："
    assert parse_draft("今天我们开会。\n一、提高认识").title == ""
    assert parse_draft("一、提高认识\n正文").title == ""


def test_project_from_plain_text_keeps_the_whole_draft():
    text = "关于开展调研的通知\r\n各科室：\r\n一、调研内容\r\n（一）基本情况\r\n请按时报送。"
    project = project_from_plain_text(text)
    assert project.brief.title == "关于开展调研的通知" and project.name == "关于开展调研的通知"
    assert project.brief.recipient == "各科室"
    assert project.outline == "一、调研内容\n（一）基本情况"
    assert project.draft == text.replace("\r\n", "\n")


# -- file names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "ext", "expected"),
    [
        ("关于做好2026年“三服务”工作的通知", "docx", "关于做好2026年“三服务”工作的通知.docx"),
        ("../../etc/passwd", "md", "_.._etc_passwd.md"),
        ("a/b\\c:d*e?f\"g<h>i|j", ".JSON", "a_b_c：d＊e？f＂g＜h＞i｜j.json"),
        ("标题\n第二行\t\x00\x1b结束", "docx", "标题 第二行 结束.docx"),
        ("  ..  ", "docx", "未命名文稿.docx"),
        ("", "docx", "未命名文稿.docx"),
        (None, "md", "未命名文稿.md"),
        ("CON", "docx", "_CON.docx"),
        ("nul.txt", "md", "_nul.txt.md"),
        ("讲话稿", "", "讲话稿"),
    ],
)
def test_safe_filename(title, ext, expected):
    assert safe_filename(title, ext) == expected


def test_safe_filename_limits_length_and_can_be_created(tmp_path):
    name = safe_filename("关于" + "进一步加强和改进新时代办公室工作" * 20 + "的意见", "docx")
    assert name.endswith(".docx") and name.startswith("关于进一步")
    assert len(name.encode("utf-8")) <= 180
    target = tmp_path / name
    target.write_text("x", encoding="utf-8")  # the real file system accepts it
    assert target.read_text(encoding="utf-8") == "x"


# -- download helper ------------------------------------------------------------------------------


def test_export_file_gives_name_bytes_and_mime_for_each_format(project, findings):
    from io import BytesIO

    from docx import Document

    from coach.export import export_file

    md = export_file(project, "md", findings)
    assert md.file_name == "在全区办公室系统业务培训班上的讲话.md" and md.mime.startswith("text/markdown")
    assert "“布署”是错别字" in md.data.decode("utf-8")
    js = export_file(project, "json")
    assert project_from_json(js.data) == project
    word = export_file(project, "docx")
    assert word.file_name.endswith(".docx") and "wordprocessingml" in word.mime
    assert Document(BytesIO(word.data)).paragraphs[0].text == "在全区办公室系统业务培训班上的讲话"
    with pytest.raises(ExportError) as caught:
        export_file(project, "pdf")
    assert "不支持导出" in str(caught.value)
