"""Untrusted text and secrets.

Corpus passages (including speeches the writer uploaded) and the writer's draft are data, never
instructions. In a prompt they sit between delimiters the text itself cannot forge: any delimiter
look-alike inside them is neutralised first. Citations the model makes are checked against the
passages actually given, while the answer streams. Keys are scrubbed from anything shown or logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

OPEN, CLOSE = "<<<", ">>>"
EDIT_START, EDIT_END = "【建议改写】", "【改写结束】"

# runs of two or more angle-bracket-like characters (ASCII, full-width, CJK, guillemets, math):
# a passage could otherwise close our data block and open its own "instructions"
_OPEN_LIKE = re.compile(r"[<＜〈⟨‹«﹤❮]{2,}")
_CLOSE_LIKE = re.compile(r"[>＞〉⟩›»﹥❯]{2,}")
_EDIT_MARKERS = re.compile(r"【\s*(建议改写|改写结束)\s*】")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def neutralise(text: str) -> str:
    """Make untrusted text unable to forge our delimiters or edit markers (it still reads the same)."""
    text = _CONTROL.sub("", text or "")
    text = _OPEN_LIKE.sub("‹", text)
    text = _CLOSE_LIKE.sub("›", text)
    return _EDIT_MARKERS.sub(lambda m: f"〔{m.group(1)}〕", text)


def data_block(label: str, text: str, limit: int | None = None) -> str:
    """``text`` as a labelled data block: <<<label>>> … <<<label 结束>>>."""
    body = neutralise(text).strip()
    if limit is not None and len(body) > limit:
        body = body[:limit] + "……（以下从略）"
    label = neutralise(label)
    return f"{OPEN}{label}{CLOSE}\n{body or '（空）'}\n{OPEN}{label} 结束{CLOSE}"


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret (API key) in ``text`` with ***."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


_CITE_BODY = re.compile(r"^\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*$")
_CITE_CHARS = set("0123456789 ,，、")
_OPENERS = {"[": "]", "［": "］"}
_MAX_CITE = 16


class CitationFilter:
    """Streams text through, checking every [n] / ［n］ / [1, 2] against the passages given.

    Only the few characters of a possible citation are held back (from "[" until "]" or a character
    that cannot be part of one), so the first token still reaches the writer at once. A number that
    points at no passage is dropped; a citation left empty disappears. ``cited`` and ``dropped``
    record what happened.
    """

    def __init__(self, passage_count: int) -> None:
        self.passage_count = passage_count
        self.cited: list[int] = []
        self.dropped: list[str] = []
        self._held = ""

    def _resolve(self, held: str) -> str:
        opener, closer = held[0], _OPENERS[held[0]]
        body = held[1:-1]
        if not _CITE_BODY.match(body):
            return held
        numbers = [int(n) for n in re.findall(r"\d+", body)]
        good = [n for n in numbers if 1 <= n <= self.passage_count]
        for n in numbers:
            if n not in good:
                self.dropped.append(f"[{n}]")
        for n in good:
            if n not in self.cited:
                self.cited.append(n)
        if not good:
            return ""
        return opener + ", ".join(str(n) for n in good) + closer if len(good) > 1 else f"{opener}{good[0]}{closer}"

    def feed(self, chunk: str) -> str:
        out: list[str] = []
        for ch in chunk:
            if self._held:
                closer = _OPENERS[self._held[0]]
                if ch == closer:
                    out.append(self._resolve(self._held + ch))
                    self._held = ""
                elif ch in _CITE_CHARS and len(self._held) < _MAX_CITE:
                    self._held += ch
                else:
                    out.append(self._held)
                    self._held = ""
                    if ch in _OPENERS:
                        self._held = ch
                    else:
                        out.append(ch)
            elif ch in _OPENERS:
                self._held = ch
            else:
                out.append(ch)
        return "".join(out)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return held

    def filter(self, chunks: Iterable[str]) -> Iterator[str]:
        for chunk in chunks:
            piece = self.feed(chunk)
            if piece:
                yield piece
        tail = self.flush()
        if tail:
            yield tail


def check_citations(text: str, passage_count: int) -> tuple[str, list[int], list[str]]:
    """Whole-text version of ``CitationFilter``: (cleaned text, cited numbers, dropped citations)."""
    f = CitationFilter(passage_count)
    cleaned = f.feed(text) + f.flush()
    return cleaned, f.cited, f.dropped


class ThinkFilter:
    """Drops a reasoning model's <think>…</think> text from the stream (Qwen3, DeepSeek-R1 through
    Ollama, llama.cpp or vLLM put it in the answer itself). Only a possible tag is held back."""

    OPEN, CLOSE = "<think>", "</think>"

    def __init__(self) -> None:
        self._inside = False
        self._held = ""

    def feed(self, chunk: str) -> str:
        text, out = self._held + chunk, []
        self._held = ""
        while text:
            tag = self.CLOSE if self._inside else self.OPEN
            pos = text.find(tag)
            if pos >= 0:
                if not self._inside:
                    out.append(text[:pos])
                text = text[pos + len(tag):]
                self._inside = not self._inside
                continue
            # keep a tail that could be the start of the tag
            keep = next((n for n in range(min(len(tag) - 1, len(text)), 0, -1) if tag.startswith(text[-n:])), 0)
            if not self._inside:
                out.append(text[: len(text) - keep])
            self._held = text[len(text) - keep:] if keep else ""
            break
        return "".join(out)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return "" if self._inside else held
