"""Cut a parsed document into passages: the units the retriever indexes and the coach shows.

Rules (tested in tests/test_corpus_chunking.py):
- a heading is a passage of its own (kind "heading"), its text exactly the heading as written;
- paragraph passages are made of whole sentences, about MIN_CHARS–MAX_CHARS characters; a single
  sentence longer than MAX_CHARS stays whole as one passage; a long paragraph is cut into pieces of
  even length (not a greedy 300 + a 20-character tail);
- short paragraphs merge with their neighbours under the same heading path and position, never
  across a heading, the opening/body boundary or the closing;
- offsets: ``document.text[p.start:p.end] == p.text`` exactly; a passage never starts or ends with
  whitespace; merged paragraphs keep their line break inside the passage text;
- everything after the front matter (title, subtitle, speaker lines) is in exactly one passage.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from coach.corpus.structure import Structure
from coach.corpus.text import line_spans, sentence_spans, strip_span
from coach.corpus.types import Passage

MIN_CHARS = 80
MAX_CHARS = 300
#: paragraphs with more sentences than this are cut greedily (the even-length DP is quadratic)
DP_MAX_SENTENCES = 400


#: the sentence with which an opening hands over to the body: "借此机会，我讲三点意见：", "下面，我讲几点意见。"
_ANNOUNCE = re.compile(
    r"(?:借此机会|下面|现在|今天)?[，,]?(?:我|再)?(?:主要)?(?:讲|谈|强调|说)(?:[一二三四五六七八九十两几]+)(?:点|个方面)"
)


def opening_handover(text: str, structure: Structure) -> int | None:
    """Where the opening resumes after run-in points of its own (001: "体会有三点：一是……二是……三是……
    借此机会，我讲三点意见："), or None. Those points are body-like content, not the opening a writer learns
    from; the announcing sentence after them is the opening again."""
    inside = [h for h in structure.headings if h.start < structure.body_start]
    if not inside:
        return None
    after = max(h.end for h in inside)
    found = None
    for s, e in sentence_spans(text, after, structure.body_start):
        if _ANNOUNCE.search(text, s, e):
            found = s
    return found


def _heading_paths(structure: Structure, handover: int | None = None):
    """Functions offset -> heading path labels, and offset -> position."""
    hs = structure.headings
    scopes = structure.scope_ends
    starts = [h.start for h in hs]

    def path_at(pos: int) -> tuple[str, ...]:
        if handover is not None and handover <= pos < structure.body_start:
            return ()
        # the innermost section containing pos: walk up from the last heading that starts before it
        i = bisect_right(starts, pos) - 1
        while i >= 0 and not (hs[i].start <= pos < scopes[i]):
            i = hs[i].parent
        chain = []
        while i >= 0:
            chain.append(hs[i].label)
            i = hs[i].parent
        return tuple(reversed(chain))

    def position_at(pos: int) -> str:
        if pos < structure.body_start:
            # a point under a run-in heading of the opening (001's 三是办公室的平台很难得) is content, not opening
            return "body" if path_at(pos) else "opening"
        if pos >= structure.closing_start:
            return "closing"
        return "body"

    return path_at, position_at


def _split_paragraph(text: str, s: int, e: int, min_chars: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut one paragraph piece into runs of whole sentences of even length, each ≤ max_chars
    unless it is a single sentence (dynamic programming over sentence boundaries)."""
    if e - s <= max_chars:
        return [(s, e)]
    sents = sentence_spans(text, s, e)
    if len(sents) <= 1:
        return [(s, e)]
    length = e - s
    pieces_needed = -(-length // max_chars)
    target = max(min_chars, length / pieces_needed)
    n = len(sents)
    if n > DP_MAX_SENTENCES:
        return _split_greedy(sents, target, max_chars)
    inf = float("inf")
    best = [inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for i in range(1, n + 1):
        for j in range(i - 1, -1, -1):
            size = sents[i - 1][1] - sents[j][0]
            if size > max_chars and i - j > 1:
                break
            cost = (size - target) ** 2 + (10**6 if size < min_chars else 0) + best[j]
            if cost < best[i]:
                best[i] = cost
                back[i] = j
    cuts = []
    i = n
    while i > 0:
        j = back[i]
        cuts.append((sents[j][0], sents[i - 1][1]))
        i = j
    return cuts[::-1]


def _split_greedy(sents: list[tuple[int, int]], target: float, max_chars: int) -> list[tuple[int, int]]:
    """Linear-time fallback for huge paragraphs: close a piece once it reaches the target length."""
    out = []
    s0 = sents[0][0]
    last = sents[0]
    for s, e in sents[1:]:
        if last[1] - s0 >= target or e - s0 > max_chars:
            out.append((s0, last[1]))
            s0 = s
        last = (s, e)
    out.append((s0, last[1]))
    return out


def _merge_short(chunks: list[tuple[int, int]], min_chars: int, max_chars: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in chunks:
        if out:
            ps, pe = out[-1]
            if (pe - ps < min_chars or e - s < min_chars) and e - ps <= max_chars:
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    # a short last piece that could not join its predecessor may still fit with it the other way round
    return out


def make_passages(
    text: str,
    structure: Structure,
    doc_id: str,
    title: str,
    source: str = "",
    *,
    min_chars: int = MIN_CHARS,
    max_chars: int = MAX_CHARS,
) -> list[Passage]:
    handover = opening_handover(text, structure)
    path_at, position_at = _heading_paths(structure, handover)
    # hard boundaries: headings, section ends, opening/body, closing, the opening's handover sentence
    hard = {structure.front_matter_end, structure.body_start, structure.closing_start, len(text)}
    if handover is not None:
        hard.add(handover)
    heading_spans = {}
    for h, scope_end in zip(structure.headings, structure.scope_ends):
        hard.update((h.start, h.end, scope_end))
        heading_spans[h.start] = h
    cuts = sorted(c for c in hard if structure.front_matter_end <= c <= len(text))
    lines = line_spans(text)
    line_starts = [s for s, _ in lines]

    # pieces: (start, end, heading or None), in order; paragraph pieces never cross a line break
    pieces: list[tuple[int, int, object]] = []
    for a, b in zip(cuts, cuts[1:]):
        if a >= b:
            continue
        h = heading_spans.get(a)
        if h is not None and h.end == b:
            pieces.append((a, b, h))
            continue
        k = max(0, bisect_right(line_starts, a) - 1)
        while k < len(lines) and lines[k][0] < b:
            s, e = strip_span(text, max(a, lines[k][0]), min(b, lines[k][1]))
            if s < e:
                pieces.append((s, e, None))
            k += 1

    passages: list[Passage] = []

    def emit(s: int, e: int, kind: str) -> None:
        passages.append(
            Passage(
                id=f"{doc_id}#{len(passages)}",
                doc_id=doc_id,
                title=title,
                text=text[s:e],
                heading_path=path_at(s),
                position=position_at(s),
                kind=kind,
                start=s,
                end=e,
                source=source,
            )
        )

    group: list[tuple[int, int]] = []
    group_key: tuple | None = None

    def flush() -> None:
        chunks = [c for s, e in group for c in _split_paragraph(text, s, e, min_chars, max_chars)]
        for s, e in _merge_short(chunks, min_chars, max_chars):
            emit(s, e, "paragraph")
        group.clear()

    for s, e, h in pieces:
        if h is not None:
            flush()
            group_key = None
            emit(s, e, "heading")
            continue
        key = (path_at(s), position_at(s))
        if key != group_key:
            flush()
            group_key = key
        group.append((s, e))
    flush()
    return passages
