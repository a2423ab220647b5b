"""What goes into a coach and what comes out: one turn in, one streamed reply out.

The reply is a stream of text chunks (usable directly with ``st.write_stream``) plus structured
extras (cited passages, findings referred to, suggested edits) that are complete once the stream ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

from coach.findings import Finding
from coach.project import ChatMessage, Project
from coach.steps import Step, get_step

INTENTS = ("ghostwrite", "rewrite", "method", "examples", "check", "rule", "next", "help", "unknown")


@dataclass(frozen=True)
class SuggestedEdit:
    """A change the writer may accept or ignore: replace ``before`` with ``after`` in ``target``.

    ``target`` names a part of the project: "brief.thesis", "outline", "opening", "closing", "draft",
    "sections[2].body", "sections[2].heading".
    """

    target: str
    before: str
    after: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SuggestedEdit":
        return cls(target=d["target"], before=d["before"], after=d["after"], reason=d.get("reason", ""))


@dataclass
class CoachTurn:
    """One writer message at one step of one project.

    ``history`` defaults to the project's conversation for the step; ``focus`` is the heading or
    section the writer is working on (None: the coach works it out from the message and the project);
    ``findings`` lets the caller pass checks it already ran (None: the coach runs the step's checks).
    """

    project: Project
    step: Step | str
    message: str
    history: list[ChatMessage] | None = None
    focus: str | None = None
    findings: list[Finding] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.step, str):
            self.step = get_step(self.step)
        self.message = self.message or ""

    @property
    def step_key(self) -> str:
        assert isinstance(self.step, Step)
        return self.step.key

    def conversation(self) -> list[ChatMessage]:
        if self.history is not None:
            return self.history
        return list(self.project.chats.get(self.step_key, []))


@dataclass
class ReplyExtras:
    """Everything structured about a reply; JSON-serialisable through ``to_dict``."""

    coach: str = "offline"  # "offline" | "llm"
    intent: str = "unknown"
    focus: str | None = None
    passages: list[dict[str, Any]] = field(default_factory=list)  # {"n", "cited", "passage", "score"}
    findings: list[dict[str, Any]] = field(default_factory=list)  # Finding.to_dict()
    edits: list[SuggestedEdit] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # question-bank ids asked in this reply
    rules: list[str] = field(default_factory=list)  # rule / FAQ ids answered from
    citations_dropped: list[str] = field(default_factory=list)  # "[7]" pointing at no passage
    fallback: dict[str, str] | None = None  # {"reason", "message"} when the LLM failed this turn
    model: str | None = None  # LLM model name (never the key)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["edits"] = [e.to_dict() for e in self.edits]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ReplyExtras":
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        known["edits"] = [SuggestedEdit.from_dict(e) for e in d.get("edits") or []]
        return cls(**known)


class CoachReply:
    """A reply being streamed. Iterate it (or hand it to ``st.write_stream``) to get the text chunks;
    afterwards ``text`` is the whole reply and ``extras`` its structured part.

    The producer is a function ``(extras) -> Iterator[str]`` that fills ``extras`` while it yields.
    A reply can be iterated once; ``finish()`` drains it without a UI (tests, CLI, persistence).
    """

    def __init__(self, produce: Callable[[ReplyExtras], Iterator[str]], extras: ReplyExtras) -> None:
        self.extras = extras
        self._chunks: list[str] = []
        self._produce = produce
        self._started = False
        self.done = False

    def __iter__(self) -> Iterator[str]:
        if self._started:
            raise RuntimeError("a CoachReply can only be streamed once; use .text afterwards")
        self._started = True
        try:
            for chunk in self._produce(self.extras):
                if chunk:
                    self._chunks.append(chunk)
                    yield chunk
        finally:
            self.done = True

    def finish(self) -> "CoachReply":
        """Consume whatever is left of the stream (no-op if it was already streamed)."""
        if not self._started:
            for _ in self:
                pass
        return self

    @property
    def text(self) -> str:
        return "".join(self._chunks)


@runtime_checkable
class Coach(Protocol):
    """The one interface both coaches implement."""

    name: str

    def reply(self, turn: CoachTurn) -> CoachReply: ...
