"""Small text helpers shared by cleaning, parsing and chunking: what a CJK character is and where
sentences end.

Written by hand because the general-purpose splitters (NLTK, langchain's text splitters) either
do not know Chinese punctuation or cut inside quotations; we need exact offsets into our own
string, half-width punctuation in Chinese context (seed 004 uses "," "!" "?" throughout, seed 001
ends a sentence with ".") and quotations kept whole.
"""

from __future__ import annotations

import re

#: characters that end a sentence (full- and half-width)
TERMINATORS = "。！？!?"
#: closing quotes/brackets that belong to the sentence they follow ("……。”")
CLOSERS = "”’\"'」』）)】》〉"
#: pairs whose inside is one quotation; a terminator inside a short quotation does not end the sentence
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』"}
#: longest quotation (in characters) kept whole; beyond this an unbalanced quote mark (seed 004 is
#: truncated right after an opening “) must not glue the rest of the text into one sentence
MAX_QUOTE = 300
#: punctuation inside a sentence (used to decide whether a run of text can be a heading or a title)
CLAUSE_PUNCT = "，,、；;：:"
#: every punctuation mark a heading or title may end with and that is dropped from its label
TRAILING_PUNCT = TERMINATORS + "，,；;：:、.． "

WHITESPACE = " \t\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"


def is_cjk(ch: str) -> bool:
    """A Han character or CJK/full-width punctuation."""
    if not ch:
        return False
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2FA1F
        or 0xF900 <= o <= 0xFAFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or ch in "“”‘’…—·"
    )


def is_han(ch: str) -> bool:
    o = ord(ch) if ch else 0
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F or 0xF900 <= o <= 0xFAFF


_QUOTE_OPEN = re.compile("[" + "".join(QUOTE_PAIRS) + "]")
_INTERESTING = re.compile(r"[。！？!?.．\n]")
_RUN_AFTER = re.compile("[" + re.escape(TERMINATORS + CLOSERS) + "]*")


def _quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[open, close] index pairs of quotations no longer than MAX_QUOTE (not nested)."""
    spans = []
    pos = start
    while True:
        m = _QUOTE_OPEN.search(text, pos, end)
        if m is None:
            return spans
        i = m.start()
        j = text.find(QUOTE_PAIRS[text[i]], i + 1, min(end, i + 1 + MAX_QUOTE))
        if j != -1 and text.find("\n", i, j) == -1:
            spans.append((i, j))
            pos = j + 1
        else:
            pos = i + 1


def _ends_sentence(text: str, i: int, end: int) -> bool:
    ch = text[i]
    if ch in TERMINATORS:
        return True
    if ch == "." or ch == "．":
        # a half-width full stop ends a sentence only between Chinese characters ("化解风险.借此机会"),
        # never in "1.5" or a list marker "1."
        prev = text[i - 1] if i > 0 else ""
        nxt = text[i + 1] if i + 1 < end else ""
        return is_han(prev) and (nxt == "" or nxt == "\n" or is_cjk(nxt))
    return False


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as [start, end) offsets, stripped of surrounding whitespace.

    A sentence ends after 。！？!? (and a half-width "." between Chinese characters), together with
    any closing quotes/brackets that follow; a line break always ends one. A terminator inside a
    short “quotation” does not end the sentence unless it is the quotation's last character.
    Text without a terminator at the end is still returned as a (last) sentence, so nothing is lost.
    """
    end = len(text) if end is None else end
    quotes = _quote_spans(text, start, end)
    q = 0
    spans: list[tuple[int, int]] = []
    sent_start = start
    pos = start
    while True:
        m = _INTERESTING.search(text, pos, end)
        if m is None:
            break
        i = m.start()
        if text[i] == "\n":
            _push(spans, text, sent_start, i)
            sent_start = pos = i + 1
            continue
        if not _ends_sentence(text, i, end):
            pos = i + 1
            continue
        j = _RUN_AFTER.match(text, i + 1, end).end()
        while q < len(quotes) and quotes[q][1] < i:
            q += 1
        inside = q < len(quotes) and quotes[q][0] < i < quotes[q][1]
        if inside and not quotes[q][1] < j:
            pos = j
            continue
        _push(spans, text, sent_start, j)
        sent_start = pos = j
    _push(spans, text, sent_start, end)
    return spans


def _push(spans: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    s, e = strip_span(text, s, e)
    if s < e:
        spans.append((s, e))


def strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    """Shrink [s, e) so that it neither starts nor ends with whitespace."""
    while s < e and (text[s].isspace()):
        s += 1
    while e > s and (text[e - 1].isspace()):
        e -= 1
    return s, e


def line_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty lines (paragraphs) as stripped [start, end) spans."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        s, e = strip_span(text, pos, pos + len(line))
        if s < e:
            spans.append((s, e))
        pos += len(line) + 1
    return spans
