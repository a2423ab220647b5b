"""The corpus data model: a cleaned document and the passages cut from it.

Passages are what the retriever indexes and what the coach shows as examples. They are saved as
JSON (``to_dict`` / ``from_dict``), never pickled.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

POSITIONS = ("opening", "body", "closing")
KINDS = ("heading", "paragraph")
#: "model": a model text written by the coach's authors (coach/genres/models), never a real document;
#: "seed": the real speeches shipped in seeds/; "upload": the writer's own uploads; "": any other folder
ORIGINS = ("model", "seed", "upload", "")
#: what the examples panel says a passage is, by origin
ORIGIN_LABELS = {"model": "写作教练编写的示范文本", "seed": "自带范文（真实讲话稿）", "upload": "本单位上传的范文", "": ""}


@dataclass(frozen=True)
class Heading:
    """A heading found in a document. ``level`` is the depth in the document's heading tree: in a
    normal speech 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）; run-in markers (一是/第一/首先) get the level
    below their enclosing heading (001's 一要/二要/三要 have no enclosing heading, so they are level 1)."""

    level: int
    marker: str  # the numbering as written: "一、", "（一）", "一是", "第一，" …
    text: str  # heading text without the marker
    start: int  # offsets into Document.text (of the whole heading, marker included)
    end: int
    run_in: bool = False  # True when the heading runs straight into its paragraph (no line break)
    family: str = ""  # marker family: "cn-dun" 一、, "cn-paren" （一）, "digit-dot" 1., "digit-paren" （1）,
    #                   "shi" 一是, "yao" 一要, "di" 第一，/首先, "di-step" 第一步, "qi" 其一
    ordinal: int = 0  # 1 for 一、/一是/首先 …
    parent: int = -1  # index of the enclosing heading in Document.headings, -1 at the top
    position: str = "body"  # one of POSITIONS: run-in points in the opening (001's 一是…) are "opening"

    @property
    def label(self) -> str:
        """Marker and text as written, e.g. "二、写材料是办公室干部的看家本领" (an element of a heading path)."""
        return f"{self.marker}{self.text}"


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
    genre: str = ""  # the document's 文种 ("请示", "讲话稿" …; "" unknown): given on upload or detected
    origin: str = ""  # one of ORIGINS: where the document comes from, so a shown example says what it is
    # the corpus's own errors inside this passage (quick lint at index time), so an example that is shown
    # can mark them: [{start, end, rule, severity, message, suggestion, replacement}], offsets into ``text``
    marks: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["heading_path"] = list(self.heading_path)
        d["marks"] = [dict(m) for m in self.marks]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Passage":
        return cls(**{**d, "heading_path": tuple(d.get("heading_path") or ()),
                      "marks": tuple(d.get("marks") or ())})

    def context_text(self) -> str:
        """What the index matches: the headings above the passage, then the passage. A paragraph under
        "第一步:立意定向" is then found by a query about 立意 even when its own words never say so."""
        path = list(self.heading_path[:-1] if self.kind == "heading" else self.heading_path)
        return "\n".join([*path, self.text]) if path else self.text


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
    genre: str = ""  # 文种 (see Passage.genre)
    genre_source: str = ""  # "given" (the writer chose it on upload) | "detected" (from title/结语) | ""
    origin: str = ""  # see ORIGINS
    title_span: tuple[int, int] | None = None  # offsets of the title in ``text`` (None: no title)
    salutation_span: tuple[int, int] | None = None
    front_matter_end: int = 0  # passages start here; before it: title, subtitle, speaker, date lines


@dataclass(frozen=True)
class IngestProblem:
    """A file that could not be ingested, with a Chinese message naming the file and the fix."""

    path: str
    message: str
