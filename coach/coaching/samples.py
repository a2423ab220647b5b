"""A writing project made from a finished speech: for demos, tests and benchmarks of the coach.

The outline is the speech's own headings (levels 1–2) and the sections are its top-level parts with
their text, so the coach can be tried on real material at every step.
"""

from __future__ import annotations

from coach.export.draft import clean_line
from coach.project import BriefCard, Project, Section
from coach.text.headings import heading_level


def speech_project(text: str, thesis: str = "", genre: str = "讲话稿", occasion: str = "") -> Project:
    """Split ``text`` into opening, sections (one per 一、 heading) and an outline of 一、/（一） headings."""
    lines = [ln for ln in (clean_line(raw) for raw in text.replace("\r\n", "\n").splitlines()) if ln]
    if lines and lines[0].startswith("同志们"):
        lines = lines[1:]  # the salutation is not part of the opening the writer composes
    opening: list[str] = []
    sections: list[Section] = []
    outline: list[str] = []
    for ln in lines:
        level = heading_level(ln)
        if level == 1:
            sections.append(Section(heading=ln))
            outline.append(ln)
            continue
        if level == 2:
            outline.append(ln)
        if sections:
            sections[-1].body += ("\n" if sections[-1].body else "") + ln
        else:
            opening.append(ln)
    return Project(
        name="示例讲话",
        brief=BriefCard(genre=genre, occasion=occasion, thesis=thesis),
        outline="\n".join(outline),
        opening="\n".join(opening),
        sections=sections,
    )
