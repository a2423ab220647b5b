"""搭骨's outline model: a tree of numbered headings, parsed from outline text and written back.

Input is either numbered text (一、 （一） 1. （1） ①, tolerating half-width "(一)", "1、" and the like, which are
parsed and then reported) or an indented list (2/4 spaces, tabs, "- " bullets). The markers are read by the one
heading lexer, ``coach.text.headings``. ``render_outline`` writes the tree back with correct numbering;
parse → render → parse keeps the tree (tests/test_outline_props.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coach.text.headings import LEVEL_NAMES, STANDARD_LEVELS, Marker, canonical_marker, marker_kind, match_marker

Embed = Callable[[list[str]], np.ndarray]

#: an indented-list line longer than this (and not a bullet) is body text, not a heading
MAX_INDENTED_HEADING_CHARS = 80
_BULLET = re.compile(r"(?:[-*+][ \t]+|[•·▪◦●○■□][ \t]*)")
_SPACE_WIDTH = {"\t": 4, "\u3000": 2}

# --------------------------------------------------------------------------------------------------
# the model


@dataclass(eq=False)
class OutlineNode:
    """One heading. ``level`` is what the marker says (1 = 一、 2 = （一） 3 = 1. 4 = （1） 5 = ①) or, for an
    indented list, the indentation depth; the position in the tree is ``Outline.walk``'s depth."""

    level: int
    text: str
    marker: str = ""  # as written ("（一）", "(1)", "1、"); "" for an indented list
    line: int = 0  # 1-based line in the source text; 0 when built in code
    children: list[OutlineNode] = field(default_factory=list)
    number: int | None = None  # the number in the marker
    body: str = ""  # text after the heading: the run-in paragraph and the following unnumbered lines
    run_in: bool = False  # the heading runs straight into its paragraph on the same line
    start: int | None = None  # offset of the heading (marker included) in the source text
    end: int | None = None  # end of the heading text (before a run-in "。" and body)
    marker_start: int | None = None
    marker_end: int | None = None

    def subtree_text(self) -> str:
        """The heading and every heading below it, one per line: what the point is about."""
        parts = [self.text]
        for child in self.children:
            parts.append(child.subtree_text())
        return "\n".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "text": self.text,
            "marker": self.marker,
            "line": self.line,
            "number": self.number,
            "run_in": self.run_in,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(eq=False)
class Outline:
    roots: list[OutlineNode] = field(default_factory=list)
    source: str = ""  # the text it was parsed from ("" when built in code)
    style: str = "numbered"  # "numbered" | "indented" | "headings" (from a corpus Document) | "sections"
    preamble: str = ""  # unnumbered lines before the first heading

    def walk(self) -> Iterator[tuple[OutlineNode, OutlineNode | None, int]]:
        """Every node in document order with its parent and its depth in the tree (1 = top level)."""
        stack: list[tuple[OutlineNode, OutlineNode | None, int]] = [
            (node, None, 1) for node in reversed(self.roots)
        ]
        while stack:
            node, parent, depth = stack.pop()
            yield node, parent, depth
            stack.extend((child, node, depth + 1) for child in reversed(node.children))

    def nodes(self) -> list[OutlineNode]:
        return [node for node, _, _ in self.walk()]

    def depth(self) -> int:
        return max((d for _, _, d in self.walk()), default=0)

    def sibling_groups(self) -> Iterator[tuple[OutlineNode | None, list[OutlineNode]]]:
        """(parent, children) for the top level and every node with children."""
        if self.roots:
            yield None, self.roots
        for node, _, _ in self.walk():
            if node.children:
                yield node, node.children

    def to_dict(self) -> dict[str, Any]:
        return {"style": self.style, "roots": [r.to_dict() for r in self.roots]}

    @classmethod
    def from_headings(cls, headings: Sequence[Any], text: str = "") -> Outline:
        """Build from ``coach.corpus`` headings (objects with level, marker, text, start, end, run_in)."""
        nodes = []
        for h in headings:
            line = text.count("\n", 0, h.start) + 1 if text else 0
            kind, number, _ = marker_kind(h.marker)
            nodes.append(
                OutlineNode(
                    level=int(h.level),
                    text=str(h.text).strip(),
                    marker=str(h.marker),
                    line=line,
                    number=number,
                    run_in=bool(getattr(h, "run_in", False)),
                    start=h.start,
                    end=h.end,
                    marker_start=h.start if kind else None,
                    marker_end=h.start + len(h.marker) if kind else None,
                )
            )
        return cls(roots=_build_tree(nodes), source=text, style="headings")

    @classmethod
    def from_headlines(cls, headlines: Sequence[str]) -> Outline:
        """A flat outline from a list of top-level headings (e.g. a Project's section headings)."""
        nodes = []
        for i, raw in enumerate(headlines, 1):
            parsed = parse_outline(raw).roots if raw.strip() else []
            if parsed and len(parsed) == 1 and not parsed[0].children:
                node = parsed[0]
                node.line = 0
                node.start = node.end = node.marker_start = node.marker_end = None
            else:
                node = OutlineNode(level=1, text=raw.strip(), number=None)
            node.level = 1
            nodes.append(node)
        return cls(roots=nodes, style="sections")


def outline_of_project(project: Any) -> Outline:
    """The outline of a ``coach.project.Project``: its outline text (搭骨) when there is one, else the
    headings of its sections (填肉)."""
    if getattr(project, "outline", "").strip():
        return parse_outline(project.outline)
    return Outline.from_headlines([s.heading for s in getattr(project, "sections", []) if s.heading.strip()])


def _build_tree(flat: list[OutlineNode]) -> list[OutlineNode]:
    """Attach each node to the nearest earlier node of a smaller level (a skipped level stays visible as a
    gap between the parent's and the child's ``level``)."""
    roots: list[OutlineNode] = []
    stack: list[OutlineNode] = []
    for node in flat:
        while stack and stack[-1].level >= node.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def _indent(line: str) -> tuple[int, int]:
    """(columns, characters) of leading whitespace: a tab counts 4, a full-width space 2."""
    cols = 0
    i = 0
    for i, ch in enumerate(line):
        if not ch.isspace():
            return cols, i
        cols += _SPACE_WIDTH.get(ch, 1)
    return cols, len(line)


_QUOTES = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "（": "）", "(": ")"}


def _split_run_in(s: str) -> tuple[str, str]:
    """Split "抓好信息报送。信息报送是……" into heading and body at the first 。 outside quotes/brackets
    that has text after it; a heading that merely ends in 。 stays whole (the check reports it)."""
    if "。" not in s:
        return s, ""
    closers: list[str] = []
    for i, ch in enumerate(s):
        if closers and ch == closers[-1]:
            closers.pop()
        elif ch in _QUOTES:
            closers.append(_QUOTES[ch])
        elif ch == "。" and not closers:
            rest = s[i + 1 :]
            if rest.strip():
                return s[:i], rest.strip()
            return s, ""
    return s, ""



# --------------------------------------------------------------------------------------------------
# parse and render


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(1-based line number, offset, line without its line break) for every line."""
    offset = 0
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        yield number, offset, line
        offset += len(raw) + 1


def parse_outline(text: str) -> Outline:
    """Parse numbered or indented outline text into an ``Outline``. Never raises on any str."""
    if not isinstance(text, str):
        raise TypeError("parse_outline expects str")
    entries = []  # (line_no, offset, indent_cols, content_offset, content, bullet, marker)
    any_marker = False
    for line_no, offset, line in _lines(text):
        cols, skip = _indent(line)
        content = line[skip:]
        if not content.strip():
            continue
        bullet = _BULLET.match(content)
        if bullet:
            skip += bullet.end()
            content = content[bullet.end() :]
        marker = match_marker(content)
        any_marker = any_marker or marker is not None
        entries.append((line_no, offset, cols, offset + skip, content, bool(bullet), marker))
    if any_marker:
        return _parse_numbered(text, entries)
    return _parse_indented(text, entries)


def _heading_node(level: int, line_no: int, content_start: int, content: str, marker: Marker | None) -> OutlineNode:
    consumed = marker.length if marker else 0
    rest = content[consumed:]
    lead = len(rest) - len(rest.lstrip())
    heading, body = _split_run_in(rest.strip())
    heading = heading.strip()
    text_start = content_start + consumed + lead
    return OutlineNode(
        level=level,
        text=heading,
        marker=marker.raw if marker else "",
        line=line_no,
        number=marker.number if marker else None,
        body=body,
        run_in=bool(body),
        start=content_start,
        end=text_start + len(heading),
        marker_start=content_start if marker else None,
        marker_end=content_start + len(marker.raw) if marker else None,
    )


def _append_body(node: OutlineNode | None, outline_preamble: list[str], content: str) -> None:
    if node is None:
        outline_preamble.append(content.strip())
    else:
        node.body = (node.body + "\n" + content.strip()) if node.body else content.strip()


def _parse_numbered(text: str, entries: list) -> Outline:
    flat: list[OutlineNode] = []
    preamble: list[str] = []
    # ① lines nest by indentation relative to the first ① after another marker (so a whole outline
    # indented for looks still starts ① at level 5); render writes deeper levels indented 2 spaces a level
    circled_stack: list[tuple[int, int]] = []
    for line_no, _offset, cols, content_start, content, _bullet, marker in entries:
        if marker is None:
            _append_body(flat[-1] if flat else None, preamble, content)
            continue
        level = marker.level
        if level == 5:
            while circled_stack and circled_stack[-1][0] > cols:
                circled_stack.pop()
            if circled_stack and circled_stack[-1][0] == cols:
                level = circled_stack[-1][1]
            elif circled_stack:
                level = circled_stack[-1][1] + 1
                circled_stack.append((cols, level))
            else:
                circled_stack.append((cols, level))
        else:
            circled_stack.clear()
        flat.append(_heading_node(level, line_no, content_start, content, marker))
    return Outline(roots=_build_tree(flat), source=text, style="numbered", preamble="\n".join(preamble))


def _parse_indented(text: str, entries: list) -> Outline:
    flat: list[OutlineNode] = []
    preamble: list[str] = []
    stack: list[tuple[int, int]] = []  # (effective indent, level)
    for line_no, _offset, cols, content_start, content, bullet, _marker in entries:
        if not bullet and len(content.strip()) > MAX_INDENTED_HEADING_CHARS:
            _append_body(flat[-1] if flat else None, preamble, content)
            continue
        # a bullet sits half a step deeper than plain text at the same indentation, so
        # "议题\n- 第一点" makes the bullet a child of the plain line
        indent = cols * 2 + (1 if bullet else 0)
        while stack and stack[-1][0] > indent:
            stack.pop()
        if stack and stack[-1][0] == indent:
            level = stack[-1][1]
        else:
            level = stack[-1][1] + 1 if stack else 1
            stack.append((indent, level))
        flat.append(_heading_node(level, line_no, content_start, content, None))
    return Outline(roots=_build_tree(flat), source=text, style="indented", preamble="\n".join(preamble))


_DIGIT_START = frozenset("0123456789０１２３４５６７８９")
_MARKER_TAIL = frozenset("、.．，,")


def _clean_heading(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ").strip()


def render_outline(outline: Outline, *, with_body: bool = False) -> str:
    """The outline as correctly numbered text: the marker follows the depth in the tree (一、 （一） 1. （1）
    ①) and numbering restarts under each parent. Headings deeper than five levels are written as ① indented
    two spaces per extra level (there is no standard marker for them; the outline check reports them)."""
    lines: list[str] = []

    def emit(nodes: list[OutlineNode], depth: int) -> None:
        for number, node in enumerate(nodes, 1):
            indent = "  " * max(0, depth - 5)
            text = _clean_heading(node.text)
            marker = canonical_marker(min(depth, 5), number)
            # "1." + "5亿元" would read as the number 1.5: keep a space between them
            gap = " " if marker[-1] == "." and text[:1] in _DIGIT_START else ""
            # "（一）" + "，…" would read as the wrong marker "（一），"
            if marker[-1] == "）" and text[:1] in _MARKER_TAIL:
                gap = " "
            lines.append(indent + marker + gap + text)
            if with_body and node.body:
                lines.append(node.body)
            emit(node.children, depth + 1)

    emit(outline.roots, 1)
    return "\n".join(lines)


__all__ = ["Embed", "LEVEL_NAMES", "STANDARD_LEVELS", "Outline", "OutlineNode", "canonical_marker", "outline_of_project", "parse_outline", "render_outline"]
