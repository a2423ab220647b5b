"""Reading the layout of a draft from its plain text: title, 主送机关, numbered headings, body, 署名 and date.

The writer types plain lines; the Word export and the CLI need to know which line is what. The rules
follow GB/T 9704-2012 and the outline conventions (一、 → （一） → 1. → （1））, and are deliberately
conservative: a line is only taken for a title or a 主送机关 when it looks like one, so body text is never
swallowed into the wrong slot.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from coach.project import Project
from coach.steps import draft_step
from coach.text.headings import heading_level
from coach.text.numerals import YEAR_DIGITS, chinese_to_int, digits_value

# heading levels are read by the one heading lexer (``coach.text.headings.heading_level``): half-width
# "(一)" and a bare "一 标题" are headings too, so they get the right font; the lint reports the punctuation

# a run-in heading ends at the first full stop / question / exclamation mark
_RUN_IN_END = re.compile(r"[。！？]")
_TITLE_BAD_END = tuple("。！？；，、：:,.!?;")
_DATE_LINE = re.compile(rf"^(\d{{4}}|[{YEAR_DIGITS}]{{4}})\s*年.{{1,3}}月.{{1,3}}日$")
MAX_TITLE_CHARS = 80
MAX_RECIPIENT_CHARS = 80
MAX_SIGNATURE_CHARS = 30


@dataclass
class Block:
    """One paragraph of the body. For headings ``text`` is the heading part and ``rest`` the run-in text."""

    kind: str  # "heading" | "paragraph"
    text: str
    level: int = 0  # 1..4 for headings
    rest: str = ""  # text after a run-in heading ("（一）抓好信息报送。" + rest)

    @property
    def full_text(self) -> str:
        return self.text + self.rest


@dataclass
class DraftLayout:
    title: str = ""
    recipient: str = ""  # with its full-width colon
    blocks: list[Block] = field(default_factory=list)
    signature: str = ""
    date: str = ""

    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]


def clean_line(line: str) -> str:
    """A line without surrounding blanks (incl. the full-width spaces writers type as indent) and without
    characters a Word file cannot hold (C0 controls other than tab, lone surrogates)."""
    line = "".join(
        ch for ch in line
        if ch == "\t" or not (unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff")
    )
    return line.strip(" \t\u3000\u00a0\ufeff")


def split_run_in(line: str) -> tuple[str, str]:
    """("（一）抓好信息报送。", "后文…") for a run-in heading; (line, "") when the heading stands alone."""
    match = _RUN_IN_END.search(line)
    if match and match.end() < len(line):
        return line[: match.end()], line[match.end():]
    return line, ""


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).rstrip(":")


def looks_like_title(line: str) -> bool:
    return (
        0 < len(line) <= MAX_TITLE_CHARS
        and not line.endswith(_TITLE_BAD_END)
        and heading_level(line) == 0
        and not _DATE_LINE.match(line)
    )


def looks_like_recipient(line: str) -> bool:
    return (
        0 < len(line) <= MAX_RECIPIENT_CHARS
        and line.endswith(("：", ":"))
        and not re.search(r"[。！？；]", line)
        and heading_level(line) == 0
    )


def with_full_width_colon(recipient: str) -> str:
    return recipient.strip().rstrip("：:").strip() + "："


# -- dates ---------------------------------------------------------------------------------------

def format_date(text: str) -> str:
    """A 成文日期 as GB/T 9704 wants it: Arabic numerals, complete, no leading zeros (2026年1月5日).

    Accepts 2026-01-05, 2026/1/5, 2026.01.05, 2026年01月05日 and 二〇二六年一月五日; anything else is returned
    unchanged (stripped) rather than guessed at.
    """
    raw = (text or "").strip()
    m = re.fullmatch(r"(\d{4})\s*[年\-/.．]\s*(\d{1,2})\s*[月\-/.．]\s*(\d{1,2})\s*日?", raw)
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日", raw)
        if not m:
            return raw
        year = digits_value(m[1]) or 0
        month, day = chinese_to_int(m[2]) or 0, chinese_to_int(m[3]) or 0
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return raw
    return f"{year}年{month}月{day}日"


# -- parsing ---------------------------------------------------------------------------------------


def parse_draft(
    text: str,
    title: str = "",
    recipient: str = "",
    signature: str = "",
    date: str = "",
) -> DraftLayout:
    """Split a draft into its layout parts.

    The first line is the title if it looks like one (short, no closing punctuation, not a heading), the
    next line ending in "：" is the 主送机关, and a closing date line (with a short 署名 line above it) is the
    signature block. ``title``/``recipient``/``signature``/``date`` are what the writer entered in the
    立意卡: they are recognised when the text carries them and added when the text lacks that part.
    """
    lines = [line for line in (clean_line(raw) for raw in (text or "").splitlines()) if line]
    layout = DraftLayout()

    # the text wins over the 立意卡: a writer who retitled the draft in 修容 may not have updated the card
    if lines and (looks_like_title(lines[0]) or (title.strip() and _norm(lines[0]) == _norm(title))):
        layout.title = lines.pop(0)
    elif title.strip():
        layout.title = clean_line(title)

    if lines and (looks_like_recipient(lines[0]) or (recipient.strip() and _norm(lines[0]) == _norm(recipient))):
        layout.recipient = with_full_width_colon(lines.pop(0))
    elif recipient.strip():
        layout.recipient = with_full_width_colon(clean_line(recipient))

    if lines and (_DATE_LINE.match(lines[-1]) or (date.strip() and _norm(lines[-1]) == _norm(date))):
        layout.date = format_date(lines.pop())
        if lines and (
            (signature.strip() and _norm(lines[-1]) == _norm(signature))
            or (
                not signature.strip()
                and len(lines[-1]) <= MAX_SIGNATURE_CHARS
                and heading_level(lines[-1]) == 0
                and not re.search(r"[。，；：！？,;:!?]", lines[-1])
                and len(lines) > 1
            )
        ):
            layout.signature = lines.pop()
    if signature.strip() and not layout.signature:
        layout.signature = clean_line(signature)
    if date.strip() and not layout.date:
        layout.date = format_date(date)

    for line in lines:
        level = heading_level(line)
        if level:
            head, rest = split_run_in(line)
            layout.blocks.append(Block("heading", head, level, rest))
        else:
            layout.blocks.append(Block("paragraph", line))
    return layout


def layout_of_project(project: Project) -> DraftLayout:
    """The layout of the project's current text, with the 立意卡's title, 主送机关, 署名 and date."""
    brief = project.brief
    return parse_draft(
        project.current_text(), title=brief.title, recipient=brief.recipient,
        signature=brief.signature, date=brief.date,
    )


def project_from_plain_text(text: str, name: str | None = None) -> Project:
    """A project made from a plain-text draft: title, 主送机关 and heading outline read from the text.

    The writer's text is kept whole in ``draft``; the outline lists the headings found.
    """
    normalised = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    layout = parse_draft(normalised)
    project = Project(name=(layout.title or (name or "").strip() or "未命名文稿")[:MAX_TITLE_CHARS])
    project.brief.title = layout.title
    project.brief.recipient = layout.recipient.rstrip("：")
    project.brief.signature = layout.signature
    project.brief.date = layout.date
    project.outline = "\n".join(b.text for b in layout.headings())
    project.draft = normalised
    # an imported draft opens where the whole text is polished
    project.current_step = draft_step().key
    return project
