"""The corpus data model: a cleaned document and the passages cut from it.

Passages are what the retriever indexes and what the coach shows as examples. They are saved as
JSON (``to_dict`` / ``from_dict``), never pickled.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

POSITIONS = ("opening", "body", "closing")
KINDS = ("heading", "paragraph")


@dataclass(frozen=True)
class Heading:
    """A heading found in a document. ``level`` 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）;
    run-in markers (一是/第一/首先) get the level below their enclosing heading."""

    level: int
    marker: str  # the numbering as written: "一、", "（一）", "一是", "第一，" …
    text: str  # heading text without the marker
    start: int  # offsets into Document.text (of the whole heading, marker included)
    end: int
    run_in: bool = False  # True when the heading runs straight into its paragraph (no line break)


@dataclass(frozen=True)
class Passage:
    id: str  # "<doc_id>#<n>", n counting from 0 in document order
    doc_id: str
    title: str
    text: str
    heading_path: tuple[str, ...]
    position: str  # one of POSITIONS
    kind: str  # one of KINDS
    start: int  # character offsets into the cleaned document text
    end: int
    source: str = ""  # the file the document came from

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["heading_path"] = list(self.heading_path)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Passage":
        return cls(**{**d, "heading_path": tuple(d.get("heading_path") or ())})


@dataclass
class Document:
    doc_id: str  # file stem, e.g. "004_4b4506e4ca38ae09"
    source: str  # path as given
    title: str  # "" when the document has none
    text: str  # cleaned text; every offset refers to this string
    salutation: str = ""
    headings: list[Heading] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    encoding: str = "utf-8"
    sha256: str = ""  # of the raw file bytes


@dataclass(frozen=True)
class IngestProblem:
    """A file that could not be ingested, with a Chinese message naming the file and the fix."""

    path: str
    message: str
