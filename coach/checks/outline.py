"""搭骨: the outline model (a tree of numbered headings) and the checks a careful editor makes on it.

Input is either numbered text (一、 （一） 1. （1） ①, tolerating half-width "(一)", "1、" and the like, which are
parsed and then reported) or an indented list (2/4 spaces, tabs, "- " bullets). ``render_outline`` writes the
tree back with correct numbering; parse → render → parse keeps the tree (tests/test_outline_props.py).

Checks come in two kinds: structural ones (numbering, levels, punctuation, depth, count, 对仗) that need only
jieba, and semantic ones (sibling overlap, relation to the thesis) that need an ``embed`` callable
(list[str] -> L2-normalised vectors); pass ``embed=None`` to skip them. Ids, severities, messages and
thresholds are in ``rules.yaml`` beside this file.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import jieba
import jieba.posseg
import numpy as np

from coach.checks.numerals import (
    CIRCLED,
    NUMERAL_CHARS,
    chinese_to_int,
    circled,
    circled_value,
    int_to_chinese,
)
from coach.checks.rules import RuleSet, load_rules
from coach.findings import Finding, Fix

jieba.setLogLevel(logging.WARNING)

Embed = Callable[[list[str]], np.ndarray]

#: an indented-list line longer than this (and not a bullet) is body text, not a heading
MAX_INDENTED_HEADING_CHARS = 80
STANDARD_LEVELS = 4
LEVEL_NAMES = {1: "一、", 2: "（一）", 3: "1.", 4: "（1）", 5: "①"}

def embed_with(model: Any) -> Embed:
    """The ``embed`` callable for a sentence-transformers model (e.g. ``coach.embed.load_embedder()``)."""

    def embed(texts: list[str]) -> np.ndarray:
        vectors = model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    return embed


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
            kind, number, _ = _marker_kind(h.marker)
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


# --------------------------------------------------------------------------------------------------
# markers

_CN = re.escape(NUMERAL_CHARS)
_OPEN = "（("
_CLOSE = "）)"
# level 2 / 4: a numeral in brackets, maybe followed by a wrong 顿号 or dot
_RE_PAREN = re.compile(rf"([{_OPEN}])[ \t]*([{_CN}]{{1,6}}|\d{{1,3}})[ \t]*([{_CLOSE}])([、.．，,])?")
# level 4 written "1)" / "1）"
_RE_HALF_PAREN = re.compile(r"(\d{1,3})[ \t]*([）)])")
# level 1: 一、 (also 一. 一． 一， and "一 " — parsed, reported)
_RE_CN = re.compile(rf"([{_CN}]{{1,6}})(?:[ \t]*、|([ \t]*[.．，,])(?![\d０-９])|([ \t]+)(?=\S))")
# level 3: 1. / 1． (also 1、 1， and "1 " — parsed, reported); never "1.5" or "2024年"
_RE_ARABIC = re.compile(r"(\d{1,3})(?:([ \t]*[.．、，,])(?![\d０-９])|([ \t]+)(?=[^\s\d]))")
_BULLET = re.compile(r"(?:[-*+][ \t]+|[•·▪◦●○■□][ \t]*)")
_SPACE_WIDTH = {"\t": 4, "\u3000": 2}


@dataclass(frozen=True)
class _Marker:
    level: int
    number: int
    raw: str  # as written, trailing spaces removed
    length: int  # characters consumed, spaces after the marker included
    canonical: str  # how this marker should be written

    @property
    def wrong(self) -> bool:
        return self.raw != self.canonical and not (self.level == 3 and self.raw == f"{self.number}．")


def canonical_marker(level: int, number: int) -> str:
    if level == 1:
        return f"{int_to_chinese(number)}、"
    if level == 2:
        return f"（{int_to_chinese(number)}）"
    if level == 3:
        return f"{number}."
    if level == 4:
        return f"（{number}）"
    return circled(number)


def _match_marker(s: str) -> _Marker | None:
    """The heading marker at the start of ``s`` (already stripped of indentation and bullet)."""
    if not s:
        return None
    ch = s[0]
    if ch in CIRCLED:
        number = circled_value(ch) or 1
        length = 1 + len(s[1:]) - len(s[1:].lstrip(" \t\u3000"))
        return _Marker(5, number, ch, length, circled(number))
    if ch in _OPEN:
        m = _RE_PAREN.match(s)
        if m:
            inner = m.group(2)
            if inner.isdigit():
                level, number = 4, int(inner)
            else:
                value = chinese_to_int(inner)
                if value is None:
                    return None
                level, number = 2, value
            if number < 1:
                return None
            return _make_marker(s, m.end(), level, number)
        return None
    if ch.isdigit() and ch.isascii():
        m = _RE_HALF_PAREN.match(s)
        if m and int(m.group(1)) >= 1:
            return _make_marker(s, m.end(), 4, int(m.group(1)))
        m = _RE_ARABIC.match(s)
        if m and int(m.group(1)) >= 1:
            return _make_marker(s, m.end(), 3, int(m.group(1)))
        return None
    if ch in NUMERAL_CHARS:
        m = _RE_CN.match(s)
        if m:
            value = chinese_to_int(m.group(1))
            if value is None:
                return None
            return _make_marker(s, m.end(), 1, value)
    return None


def _make_marker(s: str, end: int, level: int, number: int) -> _Marker:
    raw = s[:end].rstrip(" \t")
    length = end + len(s[end:]) - len(s[end:].lstrip(" \t\u3000"))
    return _Marker(level, number, raw, length, canonical_marker(level, number))


def _marker_kind(marker: str) -> tuple[int | None, int | None, bool]:
    """(level, number, wrong) of a marker string; (None, None, False) when it is not a numbered marker
    (e.g. a run-in 一是)."""
    m = _match_marker(marker.strip() + " x") if marker.strip() else None
    if m is None:
        return None, None, False
    return m.level, m.number, m.wrong


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
        marker = _match_marker(content)
        any_marker = any_marker or marker is not None
        entries.append((line_no, offset, cols, offset + skip, content, bool(bullet), marker))
    if any_marker:
        return _parse_numbered(text, entries)
    return _parse_indented(text, entries)


def _heading_node(level: int, line_no: int, content_start: int, content: str, marker: _Marker | None) -> OutlineNode:
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


# --------------------------------------------------------------------------------------------------
# words


_FUNCTION_FLAGS = ("u", "p", "c", "d", "r", "x", "w", "e", "y", "o", "h", "k", "q", "m", "f")
# verbs and nouns that frame almost every 公文 heading; shared, they do not make two points the same
_GENERIC_WORDS = frozenset(
    """
    加强 提升 提高 增强 强化 推进 推动 坚持 做好 抓好 切实 全面 深入 进一步 不断 努力 积极 着力 扎实 持续 坚定
    工作 建设 能力 水平 方面 问题 要求 实效 质量 意识 作用 发展 做 要 是 把 有 好 抓 当好 确保 注重 突出 聚焦
    """.split()
)
_PUNCT = "。；，、：.;,:！？!?“”‘’\"'（）()《》 \t"


class _Tagger:
    """jieba part-of-speech tags of each heading, computed once per check call (the 对仗 and overlap checks
    both need them; tagging is most of the time a check takes). Not a module-level cache on purpose."""

    def __init__(self) -> None:
        self._tags: dict[str, list[tuple[str, str]]] = {}

    def tags(self, text: str) -> list[tuple[str, str]]:
        found = self._tags.get(text)
        if found is None:
            found = [(p.word, p.flag) for p in jieba.posseg.lcut(text, HMM=False)]
            self._tags[text] = found
        return found

    def content_words(self, text: str) -> list[str]:
        words = []
        for word, flag in self.tags(text):
            word = word.strip()
            if not word or not any(ch.isalnum() for ch in word):
                continue
            if flag.startswith(_FUNCTION_FLAGS) and flag not in ("vn", "an"):
                continue
            words.append(word)
        return words

    def pos_pattern(self, text: str) -> list[str]:
        return [flag[:1] for word, flag in self.tags(text) if word.strip() and word not in _PUNCT]

    def words(self, text: str) -> list[str]:
        return [word for word, _flag in self.tags(text) if word.strip() and word not in _PUNCT]


def _halves(text: str) -> list[str]:
    return [h for h in re.split(r"[，,；;]", text.rstrip(_PUNCT)) if h.strip()]


def _length(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace() and ch not in _PUNCT)


# --------------------------------------------------------------------------------------------------
# checks


def check_outline(
    outline_or_text: Outline | str,
    thesis: str | None = None,
    embed: Embed | None = None,
    *,
    rules: RuleSet | None = None,
) -> list[Finding]:
    """Every finding on the outline, in line order. ``embed`` (list[str] -> normalised vectors) enables the
    semantic checks (sibling overlap by embedding, relation to ``thesis``); without it overlap is judged
    on shared content words only and the thesis check uses shared words only."""
    outline = parse_outline(outline_or_text) if isinstance(outline_or_text, str) else outline_or_text
    rules = rules or load_rules()
    findings: list[Finding] = []
    if not outline.roots:
        if rules.enabled("outline.empty"):
            findings.append(rules.finding("outline.empty", line=1 if outline.source else None))
        return findings
    for checker in (_check_markers, _check_levels, _check_sequence, _check_count, _check_text):
        findings.extend(checker(outline, rules))
    tagger = _Tagger()
    findings.extend(_check_parallel(outline, rules, tagger))
    findings.extend(_check_overlap(outline, rules, embed, tagger))
    if thesis and thesis.strip():
        findings.extend(_check_thesis(outline, rules, thesis.strip(), embed, tagger))
    return sorted(findings, key=lambda f: (f.line or 0, f.start or 0, f.rule))


def _marker_label(node: OutlineNode) -> str:
    return node.marker or (node.text[:8] + ("…" if len(node.text) > 8 else ""))


def _check_markers(outline: Outline, rules: RuleSet) -> list[Finding]:
    if not rules.enabled("outline.marker-punct"):
        return []
    findings = []
    for node in outline.nodes():
        if not node.marker:
            continue
        m = _match_marker(node.marker + " x")
        if m is None or not m.wrong:
            continue
        fix = None
        if node.marker_start is not None and node.marker_end is not None:
            fix = Fix(node.marker_start, node.marker_end, m.canonical, safe=True)
        findings.append(
            rules.finding(
                "outline.marker-punct",
                line=node.line or None,
                start=node.marker_start,
                end=node.marker_end,
                fix=fix,
                found=node.marker,
                expected=m.canonical,
            )
        )
    return findings


def _check_levels(outline: Outline, rules: RuleSet) -> list[Finding]:
    findings = []
    if outline.style in ("numbered", "headings"):
        if rules.enabled("outline.level-skip"):
            first_root = outline.roots[0]
            for node, parent, _depth in outline.walk():
                # an outline that starts below 一、 is said once (it may be one part of a larger outline)
                if parent is None and node is not first_root:
                    continue
                parent_level = parent.level if parent else 0
                if node.level > parent_level + 1 and node.level <= STANDARD_LEVELS + 1:
                    missing = LEVEL_NAMES.get(parent_level + 1, f"第{parent_level + 1}级")
                    findings.append(
                        rules.finding(
                            "outline.level-skip",
                            line=node.line or None,
                            start=node.start,
                            end=node.end,
                            severity="info" if parent is None else None,
                            parent=parent.marker if parent else "（开头）",
                            found=node.marker,
                            missing=missing,
                        )
                    )
    if rules.enabled("outline.depth"):
        max_depth = int(rules.param("outline", "max_depth"))
        deepest = 0
        first_too_deep = None
        for node, _parent, depth in outline.walk():
            level = max(depth, node.level) if outline.style in ("numbered", "headings") else depth
            deepest = max(deepest, level)
            if level > max_depth and first_too_deep is None:
                first_too_deep = node
        if first_too_deep is not None:
            findings.append(
                rules.finding(
                    "outline.depth",
                    line=first_too_deep.line or None,
                    start=first_too_deep.start,
                    end=first_too_deep.end,
                    depth=deepest,
                )
            )
    return findings


def _expected_marker(node: OutlineNode, number: int) -> str:
    level, _, _ = _marker_kind(node.marker)
    return canonical_marker(level or node.level, number)


def _check_sequence(outline: Outline, rules: RuleSet) -> list[Finding]:
    if not rules.enabled("outline.sequence"):
        return []
    findings = []
    for _parent, siblings in outline.sibling_groups():
        by_level: dict[int, list[OutlineNode]] = {}
        for node in siblings:
            if node.number is not None and node.marker:
                by_level.setdefault(node.level, []).append(node)
        for group in by_level.values():
            expected = 1
            for node in group:
                if node.number != expected:
                    if node.number == expected - 1:
                        problem = "重复"
                    elif node.number > expected:
                        problem = "跳号"
                    else:
                        problem = "顺序颠倒"
                    right = _expected_marker(node, expected)
                    fix = None
                    if node.marker_start is not None and node.marker_end is not None:
                        fix = Fix(node.marker_start, node.marker_end, right, safe=False)
                    findings.append(
                        rules.finding(
                            "outline.sequence",
                            line=node.line or None,
                            start=node.marker_start,
                            end=node.marker_end,
                            fix=fix,
                            expected=right,
                            found=node.marker,
                            problem=problem,
                        )
                    )
                # continue counting from what was written, so one slip gives one finding, not a cascade
                expected = (node.number or expected) + 1
    return findings


def _check_count(outline: Outline, rules: RuleSet) -> list[Finding]:
    if not rules.enabled("outline.top-count"):
        return []
    count = len(outline.roots)
    low = int(rules.param("outline", "top_count_min"))
    high = int(rules.param("outline", "top_count_max"))
    if low <= count <= high:
        return []
    problem = "不成结构，内容不妨拆成几个方面" if count < low else "头绪太多，听众难以记住"
    first = outline.roots[0] if count < low else outline.roots[high]
    return [
        rules.finding(
            "outline.top-count", line=first.line or None, start=first.start, end=first.end, count=count, problem=problem
        )
    ]


def _check_text(outline: Outline, rules: RuleSet) -> list[Finding]:
    findings = []
    trailing = str(rules.param("outline", "trailing_punct"))
    for node in outline.nodes():
        if not node.text:
            if rules.enabled("outline.empty-heading") and node.marker:
                findings.append(
                    rules.finding(
                        "outline.empty-heading", line=node.line or None, start=node.start, end=node.end, marker=node.marker
                    )
                )
            continue
        if node.run_in or not rules.enabled("outline.trailing-punct"):
            continue
        stripped = node.text.rstrip()
        tail = len(stripped) - len(stripped.rstrip(trailing))
        if tail and tail < len(stripped):  # a "heading" of punctuation only is no heading to fix
            punct = stripped[-tail:]
            fix = None
            if node.end is not None:
                fix = Fix(node.end - tail, node.end, "", safe=True)
            findings.append(
                rules.finding(
                    "outline.trailing-punct",
                    line=node.line or None,
                    start=node.end - tail if node.end is not None else None,
                    end=node.end,
                    fix=fix,
                    punct=punct,
                )
            )
    return findings


# ---- 对仗


@dataclass
class _Shape:
    node: OutlineNode
    text: str
    length: int
    halves: list[str]
    half_lengths: list[int]
    words: list[str]
    pos: list[str]


def _shape(node: OutlineNode, tagger: _Tagger) -> _Shape:
    text = node.text.rstrip(_PUNCT)
    halves = _halves(text)
    return _Shape(
        node=node,
        text=text,
        length=_length(text),
        halves=halves,
        half_lengths=[_length(h) for h in halves],
        words=tagger.words(text),
        pos=tagger.pos_pattern(text),
    )


def _parallel_entries(
    siblings: Sequence[OutlineNode], rules: RuleSet, tagger: _Tagger
) -> list[tuple[OutlineNode, dict[str, Any]]]:
    p = rules.params["parallel"]
    if sum(1 for n in siblings if n.text.strip()) < 2:
        return []
    shapes = [_shape(n, tagger) for n in siblings if n.text.strip()]
    median_len = statistics.median(s.length for s in shapes) or 1
    half_counts = Counter(len(s.halves) for s in shapes)
    common_halves, common_count = half_counts.most_common(1)[0]
    same_structure = len(half_counts) == 1
    half_medians = (
        [statistics.median(s.half_lengths[i] for s in shapes) for i in range(common_halves)] if same_structure else []
    )
    entries = []
    for s in shapes:
        others = [o for o in shapes if o is not s]
        pos_sim = max(SequenceMatcher(None, s.pos, o.pos).ratio() for o in others)
        shares_frame = any(
            s.words and o.words and (s.words[0] == o.words[0] or s.words[-1] == o.words[-1]) for o in others
        )
        reasons = []
        diff = s.length - median_len
        if abs(diff) >= p["length_min_diff"] and abs(diff) / median_len >= p["length_ratio"]:
            reasons.append(f"本条{s.length}字，同级标题一般{int(median_len)}字")
        elif same_structure and common_halves > 1:
            for i, (h_len, h_med) in enumerate(zip(s.half_lengths, half_medians)):
                h_diff = h_len - h_med
                if abs(h_diff) >= p["half_min_diff"] and abs(h_diff) / max(h_med, 1) >= p["half_ratio"]:
                    part = "前半句" if i == 0 else ("后半句" if i == common_halves - 1 else f"第{i + 1}个分句")
                    reasons.append(f"{part}{h_len}字，同级标题的{part}一般{int(h_med)}字")
                    break
        if (
            not reasons
            and len(shapes) >= 3
            and len(s.halves) != common_halves
            and common_count >= 2
            and common_count > len(shapes) / 2
            and pos_sim < p["pos_similarity"]
            and not shares_frame
        ):
            shape_word = "一个分句" if len(s.halves) == 1 else f"{len(s.halves)}个分句"
            common_word = "一个分句" if common_halves == 1 else f"用“，”分成{common_halves}个分句"
            reasons.append(f"本条是{shape_word}，其他同级标题多为{common_word}，句式也不同")
        entries.append(
            (
                s.node,
                {
                    "line": s.node.line,
                    "text": s.node.text,
                    "length": s.length,
                    "half_lengths": s.half_lengths,
                    "pos_similarity": round(pos_sim, 3),
                    "shares_frame": shares_frame,
                    "flag": bool(reasons),
                    "reason": "；".join(reasons),
                },
            )
        )
    return entries


def parallelism_report(siblings: Sequence[OutlineNode], rules: RuleSet | None = None) -> list[dict[str, Any]]:
    """For each sibling: its length and halves, how alike its wording is to the others (part-of-speech
    pattern, shared lead/end word), and whether it is clearly unbalanced (``flag``) with the reason."""
    return [entry for _node, entry in _parallel_entries(siblings, rules or load_rules(), _Tagger())]


def _check_parallel(outline: Outline, rules: RuleSet, tagger: _Tagger) -> list[Finding]:
    if not rules.enabled("outline.parallel"):
        return []
    findings = []
    max_group = int(rules.param("outline", "max_group"))
    for _parent, siblings in outline.sibling_groups():
        if len(siblings) > max_group:  # not an outline any more (and the pairwise work would explode)
            continue
        entries = _parallel_entries(siblings, rules, tagger)
        flagged = [(n, e) for n, e in entries if e["flag"]]
        # when half the group or more is "unbalanced" there is no norm to measure against: say nothing
        if not flagged or len(flagged) * 2 >= len(entries):
            continue
        good = [e for _n, e in entries if not e["flag"]]
        median_good = statistics.median(e["length"] for e in good)
        model = min(good, key=lambda e: abs(e["length"] - median_good))["text"]
        for node, entry in flagged:
            findings.append(
                rules.finding(
                    "outline.parallel",
                    line=node.line or None,
                    start=node.start,
                    end=node.end,
                    detail=entry["reason"] + "。",
                    model=model,
                    extra={"length": entry["length"], "pos_similarity": entry["pos_similarity"]},
                )
            )
    return findings


# ---- 不重不漏: sibling overlap


def _weights(texts: Sequence[str], tagger: _Tagger) -> tuple[list[list[str]], dict[str, float]]:
    """Content words of each heading and an IDF-like weight over the outline: a word in every heading
    (办公室, 工作) weighs little, and the generic 公文 verbs weigh a third."""
    words = [tagger.content_words(t) for t in texts]
    df: Counter[str] = Counter()
    for ws in words:
        df.update(set(ws))
    n = len(texts)
    weights = {}
    for word, count in df.items():
        w = math.log((n + 1) / count) + 0.1 if n > 2 else 1.0
        if word in _GENERIC_WORDS:
            w /= 3
        weights[word] = w
    return words, weights


def lexical_overlap(a_words: Sequence[str], b_words: Sequence[str], weights: dict[str, float]) -> float:
    """Weighted Jaccard of two headings' content words (0 = nothing shared, 1 = the same words)."""
    a, b = set(a_words), set(b_words)
    union = sum(weights.get(w, 1.0) for w in a | b)
    if not union:
        return 0.0
    return sum(weights.get(w, 1.0) for w in a & b) / union


def sibling_pairs(
    outline: Outline, max_group: int | None = None
) -> list[tuple[OutlineNode, OutlineNode, list[OutlineNode]]]:
    """Every pair of named siblings, with their whole sibling group (groups larger than ``max_group``
    are left out: thousands of "siblings" are a list, not an outline)."""
    pairs = []
    for _parent, siblings in outline.sibling_groups():
        if max_group is not None and len(siblings) > max_group:
            continue
        named = [n for n in siblings if n.text.strip()]
        for i, a in enumerate(named):
            for b in named[i + 1 :]:
                pairs.append((a, b, named))
    return pairs


@dataclass(frozen=True)
class OverlapScore:
    a: OutlineNode
    b: OutlineNode
    lexical: float  # weighted Jaccard of content words, the group's frame words left out
    cosine: float | None  # embedding cosine (None without an embedder)
    relative: float | None  # cosine minus the typical cosine of the other sibling pairs around it
    shared: list[str]  # the shared content words, most telling first

    def score(self, lexical_weight: float) -> float | None:
        """The combined score that is compared with ``params.overlap.combined``."""
        if self.relative is None:
            return None
        return self.relative + lexical_weight * self.lexical


def overlap_scores(
    outline: Outline,
    embed: Embed | None = None,
    *,
    baseline: float = 0.31,
    max_group: int | None = None,
    tagger: _Tagger | None = None,
) -> list[OverlapScore]:
    """Scores for every pair of siblings. Exposed for calibration (bench/bench_checks.py --calibrate).

    Parallel siblings share a frame (“要不断提高政治判断力 / 领悟力 / 执行力”), so their raw embedding
    cosine is high whether or not they overlap. What tells an overlap is a pair *more* alike than the
    other pairs of the same group: ``relative`` = cosine − median cosine of the group's other pairs
    (for a group of two, of all other sibling pairs in the outline, or ``baseline`` when there are none).
    The lexical score likewise leaves out the frame words every sibling of a group of three or more shares
    (“保持良好学习态度 / 树立良好学习思路 / 保证良好学习纪律”)."""
    pairs = sibling_pairs(outline, max_group)
    if not pairs:
        return []
    nodes = [n for n in outline.nodes() if n.text.strip()]
    words, weights = _weights([n.text for n in nodes], tagger or _Tagger())
    words_of = {id(n): ws for n, ws in zip(nodes, words)}
    frames: dict[int, set[str]] = {}
    for _a, _b, group in pairs:
        key = id(group[0])
        if key not in frames:
            sets = [set(words_of.get(id(n), [])) for n in group]
            frames[key] = set.intersection(*sets) if len(group) >= 3 else set()
    cosines: dict[tuple[int, int], float] = {}
    if embed is not None:
        embedded = list({id(n): n for a, b, _g in pairs for n in (a, b)}.values())
        vectors = np.asarray(embed([n.text for n in embedded]), dtype=np.float32)
        index = {id(n): i for i, n in enumerate(embedded)}
        for a, b, _g in pairs:
            cosines[(id(a), id(b))] = float(vectors[index[id(a)]] @ vectors[index[id(b)]])
    by_group: dict[int, list[float]] = {}
    for a, b, group in pairs:
        if (id(a), id(b)) in cosines:
            by_group.setdefault(id(group[0]), []).append(cosines[(id(a), id(b))])
    for values in by_group.values():
        values.sort()
    everywhere = sorted(cosines.values())
    out = []
    for a, b, group in pairs:
        frame = frames[id(group[0])]
        wa = [w for w in words_of.get(id(a), []) if w not in frame]
        wb = [w for w in words_of.get(id(b), []) if w not in frame]
        lex = lexical_overlap(wa, wb, weights)
        shared = sorted(set(wa) & set(wb), key=lambda w: -weights.get(w, 1.0))
        cos = cosines.get((id(a), id(b)))
        relative = None
        if cos is not None:
            same_group = by_group[id(group[0])]
            reference = same_group if len(same_group) >= 3 else everywhere
            typical = _median_without(reference, cos) if len(reference) >= 3 else baseline
            relative = cos - typical
        out.append(OverlapScore(a, b, lex, cos, relative, shared))
    return out


def _median_without(sorted_values: list[float], value: float) -> float:
    """Median of ``sorted_values`` with one occurrence of ``value`` left out, without copying the list."""
    k = bisect.bisect_left(sorted_values, value)
    m = len(sorted_values) - 1

    def at(i: int) -> float:
        return sorted_values[i if i < k else i + 1]

    return (at((m - 1) // 2) + at(m // 2)) / 2


def _check_overlap(outline: Outline, rules: RuleSet, embed: Embed | None, tagger: _Tagger) -> list[Finding]:
    if not rules.enabled("outline.overlap"):
        return []
    p = rules.params["overlap"]
    findings = []
    max_group = int(rules.param("outline", "max_group"))
    for s in overlap_scores(outline, embed, baseline=float(p["baseline_cosine"]), max_group=max_group, tagger=tagger):
        combined = s.score(float(p["lexical_weight"]))
        by_words = s.lexical >= p["lexical"]
        by_meaning = (
            combined is not None and s.cosine is not None and s.cosine >= p["cosine_min"] and combined >= p["combined"]
        )
        if not (by_words or by_meaning):
            continue
        shown = "（都讲" + "、".join(s.shared[:3]) + "）" if s.shared else ""
        findings.append(
            rules.finding(
                "outline.overlap",
                line=s.b.line or None,
                start=s.b.start,
                end=s.b.end,
                other=s.a.text,
                other_line=s.a.line or "?",
                shared=shown,
                extra={
                    "lexical": round(s.lexical, 3),
                    "cosine": None if s.cosine is None else round(s.cosine, 3),
                    "combined": None if combined is None else round(combined, 3),
                },
            )
        )
    return findings


# ---- relation to the thesis


def thesis_scores(
    outline: Outline, thesis: str, embed: Embed | None = None, tagger: _Tagger | None = None
) -> list[tuple[OutlineNode, float, float | None]]:
    """(top-level node, shared-word score, cosine or None) of each top-level point against the thesis."""
    roots = [n for n in outline.roots if n.text.strip()]
    if not roots:
        return []
    subtree = [n.subtree_text() for n in roots]
    tagger = tagger or _Tagger()
    thesis_words = set(tagger.content_words(thesis)) - _GENERIC_WORDS
    lexical = []
    for text in subtree:
        words = set(tagger.content_words(text)) - _GENERIC_WORDS
        lexical.append(len(words & thesis_words) / len(thesis_words) if thesis_words else 0.0)
    cosines: list[float | None] = [None] * len(roots)
    if embed is not None:
        vectors = np.asarray(embed([thesis] + subtree), dtype=np.float32)
        cosines = [float(vectors[0] @ v) for v in vectors[1:]]
    return list(zip(roots, lexical, cosines))


def _check_thesis(outline: Outline, rules: RuleSet, thesis: str, embed: Embed | None, tagger: _Tagger) -> list[Finding]:
    if not rules.enabled("outline.off-thesis"):
        return []
    threshold = float(rules.param("thesis", "semantic"))
    findings = []
    for node, lex, cos in thesis_scores(outline, thesis, embed, tagger):
        if lex > 0:
            continue
        if cos is not None and cos >= threshold:
            continue
        if cos is None and embed is None:
            # without an embedder a missing shared word is weak evidence: say nothing rather than guess
            continue
        findings.append(
            rules.finding(
                "outline.off-thesis",
                line=node.line or None,
                start=node.start,
                end=node.end,
                thesis=thesis if len(thesis) <= 30 else thesis[:30] + "…",
                extra={"cosine": None if cos is None else round(cos, 3), "lexical": round(lex, 3)},
            )
        )
    return findings


__all__ = [
    "Outline",
    "OutlineNode",
    "canonical_marker",
    "check_outline",
    "embed_with",
    "outline_of_project",
    "OverlapScore",
    "lexical_overlap",
    "overlap_scores",
    "parallelism_report",
    "parse_outline",
    "render_outline",
    "sibling_pairs",
    "thesis_scores",
]
