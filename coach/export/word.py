"""The draft as a Word file laid out per GB/T 9704-2012 《党政机关公文格式》 (python-docx).

What is set, and where the standard says so (see docs/gongwen-reference.md):
- A4, margins top 37 mm / left 28 mm / right 26 mm / bottom 35 mm (版心 156 × 225 mm);
- document grid "lines and characters": 22 lines of 28 characters, line pitch 579 twips (28.95 pt);
- body 3号 (16 pt) 仿宋_GB2312, first line indented 2 characters, exact 28.95 pt line spacing;
- title 2号 (22 pt) 方正小标宋简体, centred, one blank line above the 主送机关 (flush left, full-width colon);
- headings: 一、 黑体; （一） 楷体_GB2312; 1. and （1） 仿宋_GB2312; a run-in heading keeps its own font
  for the heading part only;
- 署名 right-aligned 2 characters in, 成文日期 below it, its first character 2 characters right of the
  署名's first character (7.3.5.2, no seal);
- page number "— 1 —" in 4号 (14 pt) 宋体, odd pages right and even pages left, one character in.

python-docx's ``run.font.name`` only fills the Latin font slots, so every run and style also gets
``w:eastAsia`` explicitly, and the template's theme fonts (which would override it) are removed.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from coach.export.draft import DraftLayout, layout_of_project
from coach.export.errors import ExportError
from coach.project import Project

# -- the numbers of the standard --------------------------------------------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH_TWIPS = 579  # 225 mm / 22 lines ≈ 28.95 pt
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
PAGE_NUMBER_FONT = "宋体"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: BODY_FONT, 4: BODY_FONT}

# 28 characters a line. A "linesAndChars" grid with charSpace -848 (the value Word templates use) was rendered
# by LibreOffice 7.4 with about 17 characters a line, each character snapped to two grid cells (checked by
# converting an export to PDF). A "lines" grid plus a slightly condensed character spacing gives 28 a line in
# both: 156 mm / 28 = 15.79 pt a character, so 16 pt characters are condensed by 0.25 pt (in 1/20 pt units,
# rounded away from zero so rounding in a renderer never pushes the 28th character onto the next line).
_TEXT_WIDTH_PT = (PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) / 25.4 * 72
CHAR_SPACING_TWENTIETHS = math.floor((_TEXT_WIDTH_PT / CHARS_PER_LINE - BODY_PT) * 20)

# the page number's dashes sit 7 mm below the text block: the footer line (18 pt exact ≈ 6.35 mm) is centred
# on 35 - 7 = 28 mm above the page edge, so its bottom (Word's "footer distance") is ≈ 25 mm
FOOTER_LINE_PT = 18
FOOTER_DISTANCE_MM = 25

STYLE_NAMES = {  # style id -> the name the writer sees in Word
    "GongwenTitle": "公文标题",
    "GongwenRecipient": "公文主送机关",
    "GongwenHeading1": "公文一级标题",
    "GongwenHeading2": "公文二级标题",
    "GongwenHeading3": "公文三级标题",
    "GongwenHeading4": "公文四级标题",
    "GongwenSignature": "公文署名",
}


def set_run_fonts(element, east_asia: str, size_pt: float | None = None, latin: str | None = None) -> None:
    """Fill all four font slots of a run or style (``element`` has ``get_or_add_rPr``) or of an ``w:rPr``."""
    rpr = element if element.tag == qn("w:rPr") else element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme_attr), None)
    latin = latin or east_asia
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    if size_pt is not None:
        half_points = str(int(round(size_pt * 2)))
        rpr.get_or_add_sz().set(qn("w:val"), half_points)
        size_cs = rpr.find(qn("w:szCs"))
        if size_cs is None:
            size_cs = OxmlElement("w:szCs")
            # Word rejects rPr children out of schema order
            rpr.insert_element_before(size_cs, *_RPR_AFTER_SZCS)
        size_cs.set(qn("w:val"), half_points)


_RPR_AFTER_SZCS = (
    "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
    "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)


def _set_indent_chars(paragraph_format_element, **chars: int) -> None:
    """Indents in characters (w:firstLineChars etc., hundredths of a character) next to the twips values,
    so the indent follows the grid when the font changes. Keys: first_line, left, right."""
    ind = paragraph_format_element.get_or_add_pPr().get_or_add_ind()
    twips_per_char = BODY_PT * 20
    for key, value in chars.items():
        word_key = {"first_line": "firstLine", "left": "left", "right": "right"}[key]
        ind.set(qn(f"w:{word_key}Chars"), str(int(round(value * 100))))
        ind.set(qn(f"w:{word_key}"), str(int(round(value * twips_per_char))))


def _base_paragraph_format(fmt, first_line_chars: float = 2) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = False
    if first_line_chars:
        fmt.first_line_indent = Twips(first_line_chars * BODY_PT * 20)


def _set_character_spacing(style_element, twentieths: int) -> None:
    """w:spacing in the style's run properties; the schema wants it before w:sz."""
    rpr = style_element.get_or_add_rPr()
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        anchor = next((rpr.find(qn(tag)) for tag in ("w:w", "w:kern", "w:position", "w:sz", "w:szCs")
                       if rpr.find(qn(tag)) is not None), None)
        if anchor is not None:
            anchor.addprevious(spacing)
        else:
            rpr.append(spacing)
    spacing.set(qn("w:val"), str(twentieths))


def _set_outline_level(style, level: int) -> None:
    style.element.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), str(level - 1))


def _setup_document(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    section.gutter = Mm(0)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))

    # document defaults: 3号仿宋, Chinese language, no theme fonts
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_run_fonts(rpr_default, BODY_FONT, BODY_PT)
    lang = rpr_default.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True

    normal = doc.styles["Normal"]
    set_run_fonts(normal.element, BODY_FONT, BODY_PT)
    _set_character_spacing(normal.element, CHAR_SPACING_TWENTIETHS)
    _base_paragraph_format(normal.paragraph_format)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _set_indent_chars(normal.element, first_line=2)

    def add_style(style_id: str, font: str, size: float, first_line_chars: float, align=None):
        style = doc.styles.add_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
        style.name = STYLE_NAMES[style_id]
        style.base_style = normal
        style.quick_style = True
        set_run_fonts(style.element, font, size)
        _base_paragraph_format(style.paragraph_format, first_line_chars)
        if first_line_chars == 0:
            style.paragraph_format.first_line_indent = Pt(0)
            _set_indent_chars(style.element, first_line=0)
        if align is not None:
            style.paragraph_format.alignment = align
        return style

    add_style("GongwenTitle", TITLE_FONT, TITLE_PT, 0, WD_ALIGN_PARAGRAPH.CENTER)
    add_style("GongwenRecipient", BODY_FONT, BODY_PT, 0, WD_ALIGN_PARAGRAPH.LEFT)
    for level in range(1, 5):
        style = add_style(f"GongwenHeading{level}", HEADING_FONTS[level], BODY_PT, 2)
        _set_outline_level(style, level)  # shows the structure in Word's navigation pane
    add_style("GongwenSignature", BODY_FONT, BODY_PT, 0, WD_ALIGN_PARAGRAPH.RIGHT)


def _add_run(paragraph, text: str, font: str, size_pt: float = BODY_PT):
    run = paragraph.add_run(text)
    set_run_fonts(run._element, font, size_pt)
    return run


def _add_paragraph(doc, text: str, style_id: str | None, font: str, size_pt: float = BODY_PT):
    paragraph = doc.add_paragraph(style=doc.styles[STYLE_NAMES[style_id]] if style_id else None)
    if text:
        _add_run(paragraph, text, font, size_pt)
    return paragraph


def _display_width(text: str) -> float:
    """Width in characters: CJK and full-width count 1, half-width (digits of a date) ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 for ch in text)


def _add_page_number_footer(footer, align, side: str) -> None:
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(FOOTER_LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    # "one character in" from the outer edge: 1 × 4号 = 14 pt
    if side == "right":
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "0")

    def run_with(child=None, text: str | None = None):
        run = paragraph.add_run(text) if text is not None else paragraph.add_run()
        set_run_fonts(run._element, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        if child is not None:
            run._r.append(child)
        return run

    def fld_char(kind: str):
        node = OxmlElement("w:fldChar")
        node.set(qn("w:fldCharType"), kind)
        return node

    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(text="— ")
    run_with(fld_char("begin"))
    run_with(instr)
    run_with(fld_char("separate"))
    run_with(text="1")  # shown until Word updates the field
    run_with(fld_char("end"))
    run_with(text=" —")


def build_document(layout: DraftLayout, core_title: str = ""):
    """A python-docx Document holding ``layout``."""
    doc = Document()
    _setup_document(doc)
    # the default template starts with no paragraphs; add_paragraph appends to the body

    if layout.title:
        title = _add_paragraph(doc, layout.title, "GongwenTitle", TITLE_FONT, TITLE_PT)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER  # also direct: some WPS versions ignore custom styles
        _add_paragraph(doc, "", "GongwenRecipient", BODY_FONT)  # one blank line below the title
    if layout.recipient:
        _add_paragraph(doc, layout.recipient, "GongwenRecipient", BODY_FONT)

    for block in layout.blocks:
        if block.kind == "heading":
            font = HEADING_FONTS[block.level]
            if block.rest:
                # run-in heading: the paragraph is body text, only the heading part takes the heading font
                paragraph = doc.add_paragraph()
                _add_run(paragraph, block.text, font)
                _add_run(paragraph, block.rest, BODY_FONT)
            else:
                _add_paragraph(doc, block.text, f"GongwenHeading{block.level}", font)
        else:
            _add_paragraph(doc, block.text, None, BODY_FONT)

    if layout.signature or layout.date:
        _add_paragraph(doc, "", "GongwenRecipient", BODY_FONT)  # one blank line below the body
        sign_width = _display_width(layout.signature)
        date_width = _display_width(layout.date)
        # 署名 ends 2 characters from the right; the date starts 2 characters right of the 署名's start.
        # If the date is too long for that, the date keeps 2 characters to the right and the 署名 moves.
        sign_right, date_right = 2.0, sign_width - date_width
        if layout.signature and date_right < 2:
            date_right = 2.0
            sign_right = max(2.0, date_width + 4 - sign_width)
        if not layout.signature:
            date_right = 2.0
        if layout.signature:
            p = _add_paragraph(doc, layout.signature, "GongwenSignature", BODY_FONT)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _set_indent_chars(p._p, right=sign_right)
        if layout.date:
            p = _add_paragraph(doc, layout.date, "GongwenSignature", BODY_FONT)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _set_indent_chars(p._p, right=date_right)

    section = doc.sections[0]
    _add_page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right")  # odd pages
    _add_page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")

    # python-docx's blank template says it was made in 2013 by "python-docx": the file's properties
    # (文件→信息 in Word/WPS) must tell the truth, the real time and the writer's unit
    props = doc.core_properties
    props.title = core_title or layout.title
    props.language = "zh-CN"
    props.author = props.last_modified_by = layout.signature or "写作教练"
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)  # core.xml stores UTC ("…Z")
    props.created = props.modified = now
    props.revision = 1
    props.comments = ""  # the template says "generated by python-docx"
    return doc


def to_docx(project: Project, path_or_stream: str | os.PathLike | BinaryIO) -> None:
    """Write the project's draft as a GB/T 9704 Word file to a path (written atomically) or a binary stream."""
    layout = layout_of_project(project)
    if not (layout.title or layout.recipient or layout.blocks):
        raise ExportError("文稿还没有任何内容，无法导出 Word 文件。请先写下标题和正文。")
    doc = build_document(layout, core_title=project.brief.title or project.name)
    if isinstance(path_or_stream, (str, os.PathLike)):
        target = Path(path_or_stream)
        buffer = io.BytesIO()
        doc.save(buffer)
        write_bytes_atomically(target, buffer.getvalue())
    else:
        doc.save(path_or_stream)


def write_bytes_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file next to ``target`` and rename it, so a failure never leaves half a file."""
    target = Path(target)
    if not target.parent.exists():
        raise ExportError(f"保存位置“{target.parent}”不存在。请先建好这个文件夹，或换一个保存位置。")
    if target.is_dir():
        raise ExportError(f"“{target}”是一个文件夹，请给出要保存的文件名。")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".coach-export-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except PermissionError as exc:
        raise ExportError(f"没有权限写入“{target}”。请换一个保存位置，或检查这个文件是否正被 Word 打开。") from exc
    except OSError as exc:
        raise ExportError(f"无法写入“{target}”：{exc.strerror or exc}。请换一个保存位置后重试。") from exc
