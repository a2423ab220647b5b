"""Reading the writer's project: which part they are on, and short quotes of their own words.

Every coach reply ties back to the writer's text, so these helpers find the heading, thesis or
sentence to quote. The outline is read by the app's parser (``coach.checks.outline.parse_outline``), so
the coach counts the same headings the 搭骨 page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from coach.checks.outline import parse_outline
from coach.findings import Finding
from coach.project import Project
from coach.steps import get_step
from coach.text.headings import strip_marker
from coach.text.numerals import ordinal_value

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n")
_ORDINAL = re.compile(r"第([一二三四五六七八九十\d]{1,3})(?:部分|节|点|个(?:部分|标题|一级标题)?|段|条)")
_PLACEHOLDER = re.compile(r"X{2,}|×{2,}|[\u4e00-\u9fff]\*")


@dataclass(frozen=True)
class OutlineLine:
    level: int
    text: str  # the whole line, marker included
    line: int  # 1-based


def outline_lines(outline: str) -> list[OutlineLine]:
    """Every heading of the outline, as the 搭骨 page reads it (level 1 = 一、 or the outermost indent)."""
    parsed = parse_outline(outline or "")
    lines = parsed.source.split("\n")
    return [OutlineLine(node.level, lines[node.line - 1].strip(), node.line) for node in parsed.nodes()]


def top_headings(project: Project) -> list[str]:
    """Level-1 headings of the outline, or the section headings when there is no outline yet."""
    heads = [o.text for o in outline_lines(project.outline) if o.level == 1]
    if not heads:
        heads = [s.heading.strip() for s in project.sections if s.heading.strip()]
    return heads


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    # prefer to end at a clause boundary when there is one in the second half
    for mark in "。；！？，":
        pos = cut.rfind(mark)
        if pos >= limit // 2:
            return cut[: pos + 1] + "……"
    return cut + "……"


def body_chars(project: Project) -> int:
    if project.draft.strip():
        return len(project.draft.strip())
    return len(project.opening.strip()) + len(project.closing.strip()) + sum(len(s.body.strip()) for s in project.sections)


def has_placeholders(text: str) -> bool:
    return bool(_PLACEHOLDER.search(text))


@dataclass(frozen=True)
class Focus:
    """The part of the project a turn is about."""

    target: str  # "sections[1].body", "opening", "closing", "outline", "brief.thesis", "draft"
    heading: str = ""  # the section heading, when the focus is a section
    text: str = ""  # the current text of the target
    index: int | None = None  # section index

    @property
    def label(self) -> str:
        if self.heading:
            return self.heading
        return {"opening": "开头", "closing": "结尾", "outline": "提纲", "brief.thesis": "核心观点",
                "draft": "全文"}.get(self.target, self.target)


def _section_focus(project: Project, i: int) -> Focus:
    s = project.sections[i]
    return Focus(target=f"sections[{i}].body", heading=s.heading.strip(), text=s.body, index=i)


def _heading_core(heading: str) -> str:
    return strip_marker(heading)


def resolve_focus(project: Project, step_key: str, message: str = "", explicit: str | None = None) -> Focus:
    """Which part the writer means: an explicit focus, a section named in the message ("第二部分",
    a heading quoted), 开头/结尾, or the step's own artifact."""
    cue = explicit or ""
    if explicit:
        m = re.fullmatch(r"sections\[(\d+)\](?:\.body|\.heading)?", explicit)
        if m and int(m.group(1)) < len(project.sections):
            return _section_focus(project, int(m.group(1)))
        if explicit in ("opening", "closing", "outline", "draft", "brief.thesis"):
            return _artifact_focus(project, explicit)
    text = f"{cue} {message}"
    if project.sections:
        m = _ORDINAL.search(text)
        if m:
            n = ordinal_value(m.group(1))
            if n and 1 <= n <= len(project.sections):
                return _section_focus(project, n - 1)
        best, best_len = None, 0
        for i, s in enumerate(project.sections):
            core = _heading_core(s.heading.strip())
            if not core:
                continue
            match = SequenceMatcher(None, core, text, autojunk=False).find_longest_match(0, len(core), 0, len(text))
            if match.size > best_len:
                best, best_len = i, match.size
        if best is not None and best_len >= min(4, len(_heading_core(project.sections[best].heading))):
            return _section_focus(project, best)
    parts_in_focus = get_step(step_key).parts_in_focus
    if re.search(r"开头|开场|开篇", text) and parts_in_focus:
        return _artifact_focus(project, "opening")
    if re.search(r"结尾|结束语|收尾", text) and parts_in_focus:
        return _artifact_focus(project, "closing")
    return default_focus(project, step_key)


def _artifact_focus(project: Project, target: str) -> Focus:
    text = {
        "opening": project.opening,
        "closing": project.closing,
        "outline": project.outline,
        "draft": project.current_text(),
        "brief.thesis": project.brief.thesis,
    }[target]
    return Focus(target=target, text=text)


def default_focus(project: Project, step_key: str) -> Focus:
    """What the coach talks about at a step when the writer names no part (the step's ``focus``)."""
    kind = get_step(step_key).focus
    if kind in ("brief.thesis", "outline", "draft"):
        return _artifact_focus(project, kind)
    if kind == "section":  # the first empty section, else the shortest
        if not project.sections:
            return _artifact_focus(project, "opening")
        for i, s in enumerate(project.sections):
            if not s.body.strip():
                return _section_focus(project, i)
        shortest = min(range(len(project.sections)), key=lambda i: len(project.sections[i].body.strip()))
        return _section_focus(project, shortest)
    return _artifact_focus(project, "draft")


def anchor(project: Project, step_key: str, focus: Focus) -> str:
    """One sentence quoting the writer's own work, so the reply starts from their text."""
    b = project.brief
    if focus.index is not None:
        body = focus.text.strip()
        if body:
            first = sentences(body)[0] if sentences(body) else body
            return f"你正在写「{focus.heading}」，已写了{len(body)}字，第一句是「{shorten(first, 50)}」。"
        return f"你正在写「{focus.heading}」，这一节还是空的。"
    if focus.target in ("opening", "closing"):
        if focus.text.strip():
            return f"你的{focus.label}目前是「{shorten(focus.text.strip(), 50)}」。"
        return f"你的{focus.label}还没写。"
    if focus.target == "brief.thesis":
        if b.thesis.strip():
            return f"你的核心观点是「{shorten(b.thesis.strip(), 60)}」。"
        filled = [(label, v) for label, v in (("文种", b.genre), ("标题", b.title), ("场合", b.occasion)) if v.strip()]
        if filled:
            label, value = filled[0]
            return f"你的立意卡上写了{label}「{shorten(value.strip(), 40)}」，核心观点还空着。"
        return "你的立意卡还是空的。"
    if focus.target == "outline":
        heads = top_headings(project)
        if heads:
            shown = "".join(f"「{shorten(h, 30)}」" for h in heads[:5])
            return f"你的提纲有{len(heads)}个一级标题：{shown}。"
        if b.thesis.strip():
            return f"提纲还没有一级标题；你的核心观点是「{shorten(b.thesis.strip(), 50)}」。"
        return "你的提纲还是空的。"
    text = project.current_text().strip()
    if text:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        title = b.title.strip()
        first = next((ln for ln in lines if ln != title), lines[0])
        return f"你的文稿共{len(text)}字，开头是「{shorten(first, 50)}」。"
    return "你还没有成稿。"


def step_text(project: Project, step_key: str) -> str:
    """The text a step's findings most likely point into (for quoting by offset or line)."""
    return project.outline if get_step(step_key).work_text == "outline" else project.current_text()


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The [left, right) span of the sentence(s) around text[start:end]."""
    left = max(text.rfind(ch, 0, start) for ch in "。！？；\n") + 1
    rights = [p for p in (text.find(ch, end) for ch in "。！？；\n") if p != -1]
    right = min(rights) + 1 if rights else len(text)
    return left, right


def finding_excerpt(project: Project, step_key: str, finding: Finding, limit: int = 50) -> str | None:
    """The writer's words a finding is about: its own excerpt, else its offsets or line in the step's text."""
    for key in ("excerpt", "quote", "text", "heading", "sentence", "match"):
        value = finding.extra.get(key) if finding.extra else None
        if isinstance(value, str) and value.strip():
            return shorten(value.strip(), limit)
    text = step_text(project, step_key)
    if finding.start is not None and finding.end is not None and 0 <= finding.start < finding.end <= len(text):
        # widen to the enclosing sentence so the quote reads as the writer wrote it
        left, right = sentence_bounds(text, finding.start, finding.end)
        return shorten(text[left:right].strip(), limit)
    if finding.line is not None:
        lines = text.splitlines()
        if 1 <= finding.line <= len(lines) and lines[finding.line - 1].strip():
            return shorten(lines[finding.line - 1].strip(), limit)
    return None


def sentences_containing(text: str, words: tuple[str, ...] | list[str], limit: int = 3) -> list[str]:
    found = []
    for s in sentences(text):
        if any(w and w in s for w in words):
            found.append(s)
            if len(found) >= limit:
                break
    return found
