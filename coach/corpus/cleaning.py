"""Clean raw text into the canonical document text every offset refers to.

What cleaning does, and what it deliberately does not:
- line endings \\r\\n, \\r, U+2028/2029, vertical tab, form feed → \\n; empty lines dropped, so every
  line of the result is one paragraph;
- zero-width characters, BOMs, soft hyphens and control characters removed;
- padding spaces removed: leading/trailing spaces of a line (ASCII, no-break U+00A0, ideographic
  U+3000 used for 首行缩进, …); a run of spaces between two Chinese characters is removed, any
  other run becomes one ASCII space;
- HTML tags (text copied out of a web page) removed, block tags become line breaks;
- web boilerplate (范文网 leads such as "下面是网友整理分享的……供大家学习参考,喜欢就分享吧!")
  removed, using the patterns in ``boilerplate.yaml`` (data, not code);
- Unicode NFC only. NOT NFKC: full-width punctuation (，。：“”（）) stays exactly as written, and so
  does half-width punctuation in Chinese text (seed 004) — that is for the 修容 checks to report,
  not for ingestion to hide.

``clean_text`` is idempotent: cleaning cleaned text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from coach.corpus.text import WHITESPACE, is_cjk, sentence_spans

BOILERPLATE_FILE = Path(__file__).with_name("boilerplate.yaml")

#: a line at the start/end of the document with boilerplate is dropped whole if it is at most this long
EDGE_LINE_MAX = 300
#: how many non-empty lines at each end count as the document's edge
EDGE_LINES = 3

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\u180e\ufeff\u00ad\u200e\u200f]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\u0085\v\f]")
# C0/C1 controls except \t and \n
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACE_RUN = re.compile(f"[{WHITESPACE}]+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,500})?/?>")
_HTML_BLOCK = re.compile(r"(?is)<(script|style)\b[^<>]*>.*?</\1\s*>")
_HTML_BREAK = re.compile(r"(?i)<(?:br|p|/p|div|/div|li|/li|tr|/tr|h[1-6]|/h[1-6])\b[^<>]{0,500}>")
_HTML_ENTITIES = {"&nbsp;": " ", "&ensp;": " ", "&emsp;": " ", "&#12288;": " ", "&#160;": " "}


@dataclass(frozen=True)
class BoilerplatePattern:
    id: str
    regex: re.Pattern
    where: str = "anywhere"  # or "edge"
    action: str = "sentence"  # or "rest"


def load_boilerplate(path: str | Path | None = None) -> list[BoilerplatePattern]:
    """Read boilerplate patterns from a YAML file (default: the one shipped next to this module)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10× faster
    data = yaml.load(Path(path or BOILERPLATE_FILE).read_text(encoding="utf-8"), Loader=loader) or {}
    out = []
    for entry in data.get("patterns", []):
        out.append(
            BoilerplatePattern(
                id=str(entry["id"]),
                regex=re.compile(entry["pattern"]),
                where=entry.get("where", "anywhere"),
                action=entry.get("action", "sentence"),
            )
        )
    return out


def _as_patterns(boilerplate: Sequence[BoilerplatePattern | str] | None) -> list[BoilerplatePattern]:
    if boilerplate is None:
        return load_boilerplate()
    return [
        b if isinstance(b, BoilerplatePattern) else BoilerplatePattern(id=f"custom-{i}", regex=re.compile(b))
        for i, b in enumerate(boilerplate)
    ]


def clean_text(raw: str, boilerplate: Sequence[BoilerplatePattern | str] | None = None) -> str:
    """Normalise ``raw`` (see the module docstring) and return the cleaned document text.

    ``boilerplate``: patterns to remove (default: ``boilerplate.yaml``); pass ``[]`` to keep everything.
    """
    patterns = _as_patterns(boilerplate)
    text = raw
    # Each pass can expose something the previous one hid (a tag split by a tag, a boilerplate line
    # that becomes an edge line once its neighbour is gone); repeat until nothing changes so that
    # clean_text(clean_text(x)) == clean_text(x). Every pass only removes characters, so this ends.
    for _ in range(len(raw) + 2):
        cleaned = _clean_once(text, patterns)
        if cleaned == text:
            break
        text = cleaned
    return text


def _clean_once(raw: str, patterns: list[BoilerplatePattern]) -> str:
    text = _ZERO_WIDTH.sub("", raw)
    text = _NEWLINES.sub("\n", text)
    text = _strip_html(text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    lines = [_normalise_spaces(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    lines = remove_boilerplate(lines, patterns)
    return "\n".join(lines)


def _strip_html(text: str) -> str:
    if not _HTML_TAG.search(text) and "&nbsp;" not in text:
        return text
    for entity, repl in _HTML_ENTITIES.items():
        text = text.replace(entity, repl)
    text = _HTML_BLOCK.sub("", text)
    text = _HTML_BREAK.sub("\n", text)
    return _HTML_TAG.sub("", text)


def _normalise_spaces(line: str) -> str:
    line = line.strip(WHITESPACE + "\n")

    def repl(m: re.Match) -> str:
        before = line[m.start() - 1] if m.start() > 0 else ""
        after = line[m.end()] if m.end() < len(line) else ""
        # spaces between two Chinese characters are padding or copy artefacts ("同志们　　今天")
        return "" if is_cjk(before) and is_cjk(after) else " "

    return _SPACE_RUN.sub(repl, line)


def remove_boilerplate(lines: list[str], patterns: Iterable[BoilerplatePattern]) -> list[str]:
    """Drop boilerplate from a list of non-empty lines (see ``boilerplate.yaml`` for the policy)."""
    patterns = list(patterns)
    if not patterns or not lines:
        return lines
    n = len(lines)
    out: list[str] = []
    anywhere = [p.regex for p in patterns if p.where == "anywhere"]
    for idx, line in enumerate(lines):
        at_start = idx < EDGE_LINES
        at_end = idx >= n - EDGE_LINES
        edge = at_start or at_end
        if not edge and not any(r.search(line) for r in anywhere):
            out.append(line)  # fast path: most lines have no boilerplate at all
            continue
        spans = sentence_spans(line)
        hit = [
            (s, e, p)
            for s, e in spans
            for p in patterns
            if (p.where == "anywhere" or edge) and p.regex.search(line[s:e])
        ]
        if not hit:
            out.append(line)
            continue
        if any(p.action == "rest" for _, _, p in hit) and idx >= n // 2:
            rest_at = min(s for s, _, p in hit if p.action == "rest")
            kept = line[:rest_at].rstrip()
            if kept:
                out.append(kept)
            break
        if edge and len(line) <= EDGE_LINE_MAX:
            continue  # a short lead/tail line with boilerplate is boilerplate as a whole
        drop = {(s, e) for s, e, _ in hit}
        cut_before = 0
        cut_after = len(line)
        if idx == 0:
            # a lead glued to the text ("…开展。下面是网友整理分享的…分享吧!在全市…"): what precedes the
            # last boilerplate sentence near the top is the site's summary, not the speech
            near = [e for s, e, _ in hit if e <= EDGE_LINE_MAX]
            if near:
                cut_before = max(near)
        if idx == n - 1:
            # and a tail glued to the last line ("……谢谢大家！更多精彩内容请关注……")
            near = [s for s, e, _ in hit if s >= len(line) - EDGE_LINE_MAX]
            if near:
                cut_after = min(near)
        pieces = []
        pos = cut_before
        for s, e in sorted(drop):
            if s >= pos and e <= cut_after:
                pieces.append(line[pos:s])
                pos = e
        pieces.append(line[pos:cut_after])
        kept = "".join(pieces).strip()
        if kept:
            out.append(kept)
    return out
