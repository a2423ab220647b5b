"""From cleaned text to a ``Document``: structure plus passages."""

from __future__ import annotations

import re

from coach.corpus.chunking import MAX_CHARS, MIN_CHARS, make_passages
from coach.corpus.cleaning import clean_text
from coach.corpus.structure import parse_structure
from coach.corpus.types import Document, Heading

# "今天，召开这次全县办公室主任会议" → 全县办公室主任会议: many published speeches drop their title, and a
# source shown as "003_e00d83e4667ee5ea" tells the writer nothing, so untitled speeches are named after the
# meeting their opening announces.
_OCCASION = re.compile(
    r"(?:召开|举办|举行|参加|出席)(?:这次|此次|今天的|本次)?"
    r"([^，。；：！？、“”\n]{2,40}?(?:会议|培训班|培训会|工作会|座谈会|大会|动员会|推进会|部署会|专题会|研讨会|交流会|报告会|论坛))"
)


def derive_title(text: str) -> str:
    """A descriptive title for an untitled speech, from the meeting its opening names ("" if none)."""
    match = _OCCASION.search(text[:800])
    return f"在{match.group(1)}上的讲话" if match else ""


def parse_document(
    text: str, doc_id: str, source: str = "", *, min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS
) -> Document:
    """Parse a speech into a ``Document`` with title, salutation, headings and passages.

    ``text`` is cleaned first (``clean_text`` is idempotent, so already-clean text is unchanged);
    ``Document.text`` is the cleaned text and every offset refers to it.
    """
    return parse_clean_text(clean_text(text), doc_id, source, min_chars=min_chars, max_chars=max_chars)


def parse_clean_text(
    text: str, doc_id: str, source: str = "", *, min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS
) -> Document:
    """``parse_document`` for text that ``clean_text`` already returned (skips cleaning it again)."""
    structure = parse_structure(text)
    # passages carry the title the writer will see as the example's source; Document.title stays what is written
    shown_title = structure.title or derive_title(text)
    passages = make_passages(
        text, structure, doc_id, shown_title, source, min_chars=min_chars, max_chars=max_chars
    )
    return Document(
        doc_id=doc_id,
        source=source,
        title=structure.title,
        text=text,
        salutation=structure.salutation,
        headings=structure.headings,
        passages=passages,
        title_span=structure.title_span,
        salutation_span=structure.salutation_span,
        front_matter_end=structure.front_matter_end,
    )


def outline_of(document: Document, *, include_opening_closing: bool = False) -> list[Heading]:
    """The document's heading tree in document order (``level`` = depth, ``parent`` = index into
    ``document.headings``). By default only the body's headings: the run-in points of an opening
    (001: "体会有三点：一是……二是……") are not part of the speech's skeleton."""
    if include_opening_closing:
        return list(document.headings)
    return [h for h in document.headings if h.position == "body"]


def heading_tree(headings: list[Heading]) -> list[tuple[Heading, list]]:
    """Nest a flat, ordered heading list (as returned by ``outline_of``) by level:
    ``[(heading, [(child, [...]), ...]), ...]``."""
    root: list[tuple[Heading, list]] = []
    stack: list[tuple[int, list]] = [(0, root)]
    for h in headings:
        while stack[-1][0] >= h.level:
            stack.pop()
        node: tuple[Heading, list] = (h, [])
        stack[-1][1].append(node)
        stack.append((h.level, node[1]))
    return root
