"""The Word export, read back with python-docx and checked against GB/T 9704-2012 (docs/gongwen-reference.md)."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn

from coach.export import ExportError, project_from_plain_text, to_docx
from coach.project import BriefCard, Project, Section

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEED_TITLE = "在全县办公室主任会议上的讲话"


def east_asia(run) -> str | None:
    fonts = run._element.rPr.find(qn("w:rFonts")) if run._element.rPr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def effective_alignment(paragraph):
    return paragraph.alignment if paragraph.alignment is not None else paragraph.style.paragraph_format.alignment


def export(project: Project):
    buffer = io.BytesIO()
    to_docx(project, buffer)
    data = buffer.getvalue()
    return Document(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(data))


def text_paragraphs(doc):
    return [p for p in doc.paragraphs if p.text.strip()]


@pytest.fixture
def notice() -> Project:
    draft = "\n".join([
        "关于做好2026年元旦春节期间安全工作的通知",
        "各乡镇人民政府，县直各单位：",
        "为切实做好元旦春节期间安全工作，现将有关事项通知如下。",
        "一、提高思想认识",
        "（一）加强组织领导。各单位主要负责同志要亲自研究部署。",
        "（二）压实工作责任",
        "1.明确责任分工。把任务落实到岗到人。",
        "（1）细化工作方案",
        "请各单位认真贯彻落实。",
    ])
    return Project(
        name="安全通知",
        brief=BriefCard(
            genre="通知", title="关于做好2026年元旦春节期间安全工作的通知", recipient="各乡镇人民政府，县直各单位",
            signature="某某县人民政府办公室", date="2026-01-05",
        ),
        draft=draft,
    )


def test_page_is_a4_with_the_standard_margins(notice):
    doc, _ = export(notice)
    section = doc.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.top_margin.mm == pytest.approx(37, abs=0.1)
    assert section.left_margin.mm == pytest.approx(28, abs=0.1)
    assert section.right_margin.mm == pytest.approx(26, abs=0.1)
    assert section.bottom_margin.mm == pytest.approx(35, abs=0.1)


def test_grid_gives_22_lines_of_28_characters(notice):
    doc, _ = export(notice)
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    # a line grid of 22 lines (579 twips); a character grid is rendered wrongly by LibreOffice (see word.py)
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"
    # 16 pt characters condensed by the Normal style's spacing: 28 fit in the 156 mm text width, 29 do not
    spacing = doc.styles["Normal"].element.rPr.find(qn("w:spacing"))
    pitch_pt = 16 + int(spacing.get(qn("w:val"))) / 20
    width_pt = 156 / 25.4 * 72
    assert 28 * pitch_pt <= width_pt < 29 * pitch_pt


def test_body_is_16pt_fangsong_with_two_character_indent_and_fixed_line_pitch(notice):
    doc, _ = export(notice)
    body = [p for p in doc.paragraphs if p.text == "为切实做好元旦春节期间安全工作，现将有关事项通知如下。"]
    assert len(body) == 1
    run = body[0].runs[0]
    assert run.font.size.pt == 16
    assert east_asia(run) == "仿宋_GB2312"
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16
    fmt = normal.paragraph_format
    assert fmt.first_line_indent.pt == pytest.approx(32)
    assert normal.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.pt == pytest.approx(28.95, abs=0.01)
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    # no theme font left that would override the East Asian font in Word
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    default_fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert default_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert default_fonts.get(qn("w:eastAsiaTheme")) is None
    assert 'w:eastAsia="仿宋_GB2312"' in doc.styles.element.xml


def test_title_is_22pt_xiaobiaosong_centred_and_recipient_flush_left(notice):
    doc, _ = export(notice)
    paragraphs = text_paragraphs(doc)
    title = paragraphs[0]
    assert title.text == "关于做好2026年元旦春节期间安全工作的通知"
    assert title.runs[0].font.size.pt == 22
    assert east_asia(title.runs[0]) == "方正小标宋简体"
    assert effective_alignment(title) == WD_ALIGN_PARAGRAPH.CENTER
    # one blank line, then the 主送机关 without indent, ending in a full-width colon
    assert doc.paragraphs[1].text == ""
    recipient = paragraphs[1]
    assert recipient.text == "各乡镇人民政府，县直各单位："
    assert recipient.style.paragraph_format.first_line_indent.pt == 0
    assert effective_alignment(recipient) == WD_ALIGN_PARAGRAPH.LEFT


def test_heading_fonts_per_level_and_run_in_headings(notice):
    doc, _ = export(notice)
    by_text = {p.text: p for p in doc.paragraphs}

    level1 = by_text["一、提高思想认识"]
    assert [east_asia(r) for r in level1.runs] == ["黑体"]

    run_in = by_text["（一）加强组织领导。各单位主要负责同志要亲自研究部署。"]
    assert [(r.text, east_asia(r)) for r in run_in.runs] == [
        ("（一）加强组织领导。", "楷体_GB2312"),
        ("各单位主要负责同志要亲自研究部署。", "仿宋_GB2312"),
    ]
    assert [east_asia(r) for r in by_text["（二）压实工作责任"].runs] == ["楷体_GB2312"]
    level3 = by_text["1.明确责任分工。把任务落实到岗到人。"]
    assert [east_asia(r) for r in level3.runs] == ["仿宋_GB2312", "仿宋_GB2312"]
    assert [east_asia(r) for r in by_text["（1）细化工作方案"].runs] == ["仿宋_GB2312"]
    for p in (level1, by_text["（二）压实工作责任"]):
        assert all(r.font.size.pt == 16 for r in p.runs)
    # headings stand in Word's navigation pane at their level
    assert level1.style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"


def test_signature_and_date_are_right_aligned_and_the_date_has_no_leading_zeros(notice):
    doc, _ = export(notice)
    paragraphs = text_paragraphs(doc)
    signature, date = paragraphs[-2], paragraphs[-1]
    assert signature.text == "某某县人民政府办公室"
    assert date.text == "2026年1月5日"
    assert effective_alignment(signature) == WD_ALIGN_PARAGRAPH.RIGHT
    assert effective_alignment(date) == WD_ALIGN_PARAGRAPH.RIGHT
    # the 署名 ends 2 characters from the right; the date starts 2 characters right of the 署名's start
    sign_ind = signature._p.pPr.find(qn("w:ind"))
    date_ind = date._p.pPr.find(qn("w:ind"))
    assert sign_ind.get(qn("w:rightChars")) == "200"
    sign_start = 2 + 10  # measured from the right edge, in characters: ten characters of 署名
    date_width = 6  # "2026年1月5日": five digits at half a character, 年 月 日 one each
    date_start = int(date_ind.get(qn("w:rightChars"))) / 100 + date_width
    assert date_start + 2 == sign_start
    # one blank line between the body and the 署名
    index = [p.text for p in doc.paragraphs].index("某某县人民政府办公室")
    assert doc.paragraphs[index - 1].text == ""


def test_page_numbers_dash_page_dash_odd_right_even_left(notice):
    doc, package = export(notice)
    settings = package.read("word/settings.xml").decode("utf-8")
    assert "<w:evenAndOddHeaders" in settings and doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert paragraph.alignment == align
        kinds = [el.get(qn("w:fldCharType")) for el in paragraph._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert [el.text.strip() for el in paragraph._p.iter(qn("w:instrText"))] == ["PAGE"]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert 'w:eastAsia="宋体"' in xml
        assert all(r.font.size.pt == 14 for r in paragraph.runs)
    footer_parts = [n for n in package.namelist() if n.startswith("word/footer")]
    assert len(footer_parts) == 2
    document_xml = package.read("word/document.xml").decode("utf-8")
    assert 'w:type="even"' in document_xml and 'w:type="default"' in document_xml


def test_real_seed_speech_exports_every_paragraph(seed_texts):
    [key] = [k for k in seed_texts if k.startswith("003_")]
    text = seed_texts[key]
    project = Project(name="办公室主任会议讲话", brief=BriefCard(title=SEED_TITLE, genre="讲话稿"), draft=text)
    doc, _ = export(project)

    expected = [SEED_TITLE] + [line.strip() for line in text.splitlines() if line.strip()]
    assert [p.text for p in text_paragraphs(doc)] == expected  # nothing lost, nothing reordered

    by_text = {p.text: p for p in doc.paragraphs}
    assert east_asia(by_text["同志们："].runs[0]) == "仿宋_GB2312"
    assert by_text["同志们："].style.paragraph_format.first_line_indent.pt == 0
    level1 = [p for p in doc.paragraphs if p.text.startswith(("一、", "二、", "三、"))]
    assert len(level1) == 3 and all(east_asia(p.runs[0]) == "黑体" for p in level1)
    standalone = by_text["（一）充分认识办公室工作的重要性。"]
    assert [east_asia(r) for r in standalone.runs] == ["楷体_GB2312"]
    # "（一）抓好信息报送。信息报送是……" runs straight into its paragraph: heading part 楷体, rest 仿宋
    run_in = [p for p in doc.paragraphs if p.text.startswith("（一）抓好信息报送。")][0]
    assert run_in.runs[0].text == "（一）抓好信息报送。" and east_asia(run_in.runs[0]) == "楷体_GB2312"
    assert run_in.runs[1].text.startswith("信息报送是") and east_asia(run_in.runs[1]) == "仿宋_GB2312"
    level2 = [p for p in doc.paragraphs if p.text.startswith("（")]
    assert len(level2) >= 10 and all(east_asia(p.runs[0]) == "楷体_GB2312" for p in level2)


def test_a_title_edited_in_the_draft_wins_over_the_brief():
    project = Project(brief=BriefCard(title="旧标题"), draft="关于调整值班安排的通知\n各科室：\n正文。")
    doc, _ = export(project)
    assert [p.text for p in text_paragraphs(doc)] == ["关于调整值班安排的通知", "各科室：", "正文。"]


@pytest.mark.parametrize("seed_prefix", ["000_", "001_", "002_", "003_", "004_"])
def test_every_seed_speech_exports_without_losing_text(seed_texts, seed_prefix):
    [text] = [v for k, v in seed_texts.items() if k.startswith(seed_prefix)]
    doc, _ = export(Project(draft=text))
    expected = [line.strip(" \t\u3000") for line in text.splitlines() if line.strip(" \t\u3000")]
    # a 主送机关 line gets the full-width colon the standard asks for; nothing else changes
    expected = [line[:-1] + "：" if line.endswith(":") and len(line) < 40 else line for line in expected]
    assert [p.text for p in text_paragraphs(doc)] == expected


def test_plain_text_draft_without_brief_gets_title_recipient_and_headings():
    text = "关于开展调研的通知\n各科室：\n一、调研内容\n请按时报送。\n"
    doc, _ = export(project_from_plain_text(text))
    paragraphs = text_paragraphs(doc)
    assert [p.text for p in paragraphs] == ["关于开展调研的通知", "各科室：", "一、调研内容", "请按时报送。"]
    assert east_asia(paragraphs[0].runs[0]) == "方正小标宋简体"
    assert east_asia(paragraphs[2].runs[0]) == "黑体"


def test_sections_are_exported_when_there_is_no_whole_draft_yet():
    project = Project(
        brief=BriefCard(title="在培训班上的讲话", recipient="同志们"),
        opening="今天我们举办培训班。",
        sections=[Section("一、提高认识", "要充分认识培训的意义。"), Section("二、严守纪律", "")],
        closing="谢谢大家！",
    )
    doc, _ = export(project)
    assert [p.text for p in text_paragraphs(doc)] == [
        "在培训班上的讲话", "同志们：", "今天我们举办培训班。", "一、提高认识", "要充分认识培训的意义。", "二、严守纪律", "谢谢大家！",
    ]


def test_characters_word_cannot_hold_are_dropped_not_fatal(tmp_path):
    # \x0b is the line break Word puts on the clipboard for Shift+Enter: it starts a new paragraph
    project = Project(brief=BriefCard(title="测试"), draft="测试\n正文\x00含有\x01控制字符\x0b\ud83d半个表情。")
    target = tmp_path / "控制字符.docx"
    to_docx(project, target)
    doc = Document(str(target))
    assert [p.text for p in text_paragraphs(doc)] == ["测试", "正文含有控制字符", "半个表情。"]


def test_writing_to_a_path_replaces_the_file_whole(tmp_path, notice):
    target = tmp_path / "通知.docx"
    target.write_bytes(b"old contents")
    to_docx(notice, target)
    assert Document(str(target)).paragraphs[0].text.startswith("关于做好")
    assert [p.name for p in tmp_path.iterdir()] == ["通知.docx"]  # no temporary file left behind


def test_missing_folder_and_empty_project_are_clear_errors(tmp_path, notice):
    with pytest.raises(ExportError) as caught:
        to_docx(notice, tmp_path / "不存在的文件夹" / "a.docx")
    assert "不存在" in str(caught.value)
    with pytest.raises(ExportError) as caught:
        to_docx(Project(), tmp_path / "空.docx")
    assert "没有任何内容" in str(caught.value)
    assert not (tmp_path / "空.docx").exists()


def test_file_properties_carry_the_real_time_and_the_writers_unit(tmp_path, notice):
    # the blank template said: created 2013, author and last saved by "python-docx"
    from datetime import datetime, timedelta, timezone

    before = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    target = tmp_path / "通知.docx"
    to_docx(notice, target)
    props = Document(str(target)).core_properties
    after = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(seconds=1)
    for when in (props.created, props.modified):
        assert when is not None and before <= when.replace(tzinfo=None) <= after
    assert props.author == props.last_modified_by == "某某县人民政府办公室"
    assert props.title == "关于做好2026年元旦春节期间安全工作的通知"
    assert "python-docx" not in (props.author + props.last_modified_by + props.comments + props.keywords)

    notice.brief.signature = ""  # no unit entered: the app's name, never the library's
    to_docx(notice, target)
    props = Document(str(target)).core_properties
    assert props.author == props.last_modified_by == "写作教练"
