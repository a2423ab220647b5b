"""From cleaned text to a ``Document``: structure plus passages."""

from __future__ import annotations

from coach.corpus.chunking import MAX_CHARS, MIN_CHARS, make_passages
from coach.corpus.cleaning import clean_text
from coach.corpus.structure import parse_structure
from coach.corpus.types import Document, Heading


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
    passages = make_passages(
        text, structure, doc_id, structure.title, source, min_chars=min_chars, max_chars=max_chars
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
