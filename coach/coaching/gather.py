"""What a coaching turn is about, worked out once: the route (intent, topic), the part in focus, the example
passages and the step's findings. The offline coach answers from it and the LLM coach builds its prompt from
the same ``Gathered`` — so both coaches see the same examples and checks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coach.coaching.context import Focus, resolve_focus
from coach.coaching.format import _squash, is_own_text, user_message
from coach.coaching.resources import CoachingData, load_coaching_data
from coach.coaching.router import Route, route
from coach.coaching.types import CoachTurn
from coach.findings import Finding
from coach.project import Project
from coach.steps import Step

log = logging.getLogger(__name__)

EXAMPLE_COUNT = 3


def _search(retriever: Any, query: str, k: int, step: str, positions, kinds, own: str, floor: float | None = None,
            genres: list[str] | None = None):
    """Search leaving out the writer's own document (e.g. the sample project's seed speech); retrievers
    that predate ``exclude_text`` (test doubles) are asked without it. ``genres``: only documents of these."""
    try:
        extra = {"genres": genres} if genres else {}
        return retriever.search(query, k=k, step=step, positions=positions, kinds=kinds, exclude_text=own or None,
                                floor=floor, **extra)
    except TypeError:
        return retriever.search(query, k=k, step=step, positions=positions, kinds=kinds)


def _default_rule_finder() -> Callable[[str], list[Any]] | None:
    try:
        from coach.lint import find_rules  # type: ignore[attr-defined]
    except ImportError:
        return None
    return find_rules


def _default_linter() -> Callable[..., list[Finding]] | None:
    try:
        from coach.lint import lint  # type: ignore[attr-defined]
    except ImportError:
        return None
    return lint


def _default_retriever_factory() -> Any:
    from coach.index import open_retriever

    return open_retriever()


@dataclass
class Gathered:
    """What a turn is about, worked out once (the LLM coach reuses it for its prompt)."""

    step: Step
    route: Route
    focus: Focus
    hits: list[Any] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # retrieval / check failures, for the writer


class Gathering:
    """The coach's sources — retriever, rule finder, linter, coaching data, the router by meaning — and the
    work of gathering a turn from them. Dependencies are injected so each can be tested (and replaced) alone
    (see ``OfflineCoach``)."""

    def __init__(
        self,
        retriever: Any | None = None,
        *,
        retriever_factory: Callable[[], Any] | None = _default_retriever_factory,
        rule_finder: Callable[[str], list[Any]] | None = None,
        linter: Callable[..., list[Finding]] | None = None,
        data: CoachingData | None = None,
        encoder: Any | None = None,
    ) -> None:
        self._retriever = retriever
        self._retriever_factory = retriever_factory
        self._retriever_error: str | None = None
        self.rule_finder = rule_finder if rule_finder is not None else _default_rule_finder()
        self.linter = linter if linter is not None else _default_linter()
        self.data = data if data is not None else load_coaching_data()
        self._encoder = encoder
        self._meaning: Any | None = None
        self._meaning_failed = False
        self._corpus_genres: set[str] | None = None

    # -- shared with the LLM coach ---------------------------------------------------------------
    @property
    def retriever(self) -> Any | None:
        if self._retriever is None and self._retriever_factory is not None and self._retriever_error is None:
            try:
                self._retriever = self._retriever_factory()
            except Exception as exc:  # an index problem must not break the conversation
                log.warning("retriever unavailable: %s", type(exc).__name__)
                self._retriever_error = user_message(exc)
        return self._retriever

    @property
    def meaning(self) -> Any | None:
        """The router by meaning, built on first use from the encoder; None without one (patterns only)."""
        if self._meaning is None and not self._meaning_failed:
            encoder = self._encoder
            if encoder is None and (self._retriever is not None or self._retriever_factory is not None):
                encoder = getattr(self.retriever, "embedder", None)
            if encoder is None or not callable(getattr(encoder, "encode", None)):
                return None
            try:
                from coach.coaching.meaning import MeaningRouter

                self._meaning = MeaningRouter(self.data, encoder)
            except Exception as exc:  # a broken model must not stop the coach: the patterns still route
                log.warning("routing by meaning unavailable: %s", type(exc).__name__)
                self._meaning_failed = True
        return self._meaning

    def route(self, message: str, step: Step, genre: str = "") -> Route:
        meaning = self.meaning
        if meaning is not None:
            return meaning.route(message, step=step.name, genre=genre)
        return route(self.data, message, genre=genre)

    def corpus_genres(self) -> set[str] | None:
        """The genres the example corpus holds (from each document's genre or title); None when unknown."""
        if self._corpus_genres is None:
            passages = getattr(self.retriever, "passages", None)
            if not passages:
                return None
            from coach.genres import detect_genre

            found: set[str] = set()
            seen: set[str] = set()
            for p in passages:
                doc = getattr(p, "doc_id", "")
                if doc in seen:
                    continue
                seen.add(doc)
                name = getattr(p, "genre", "") or ""
                if not name:
                    g = detect_genre(getattr(p, "title", "") or "")
                    name = g.name if g else ""
                if name:
                    found.add(name)
            self._corpus_genres = found
        return self._corpus_genres

    def retrieve(self, step: Step, project: Project, focus: Focus, topic: str, message: str, k: int,
                 floor: float | None = None) -> tuple[list[Any], str | None]:
        """Passages for the part being written. Returns (hits, problem shown to the writer or None).
        ``floor``: the retriever's relevance floor (None: its calibrated default; 0: any passage in scope,
        for an example that illustrates a step's method rather than answers a query)."""
        retriever = self.retriever
        if retriever is None:
            return [], self._retriever_error or "还没有构建范文索引（可以在“管理语料库”里构建）"
        focus_text = topic or focus.heading or None
        query = (step.query(project, focus_text) or "").strip()
        if topic and topic not in query:
            query = f"{topic} {query}".strip()
        if not query:
            query = f"{step.name} {step.goal}"
        positions = kinds = None
        for f in self.data.filters:
            if f.words.search(message):
                positions = f.positions or positions
                kinds = f.kinds or kinds
        own = _squash("\n".join([project.outline, project.current_text()]))
        # a 请示 project learns from the corpus's 请示 (our model texts or the unit's own) when it has any
        from coach.genres import get_genre

        genre = get_genre(project.brief.genre)
        held = self.corpus_genres() or set()
        genres = [genre.name] if genre is not None and genre.name in held else None
        try:
            hits = list(_search(retriever, query, k + 4, step.key, positions, kinds, own, floor, genres))
            if not hits and genres:  # nothing of the genre close, or none in the step's scope: its form is the lesson
                hits = (list(_search(retriever, query, k + 4, step.key, positions, kinds, own, 0.0, genres))
                        or list(_search(retriever, query, k + 4, None, None, None, own, 0.0, genres)))
            if not hits and (positions or kinds):
                hits = list(_search(retriever, query, k + 4, step.key, None, None, own, floor))
        except Exception as exc:
            log.warning("retrieval failed: %s", type(exc).__name__)
            return [], user_message(exc)
        return [h for h in hits if not is_own_text(h.passage, own)][:k], None

    def run_checks(self, turn: CoachTurn) -> tuple[list[Finding], str | None]:
        if turn.findings is not None:
            return list(turn.findings), None
        step = turn.step
        assert isinstance(step, Step)
        try:
            found = list(step.check(turn.project))
        except Exception as exc:
            log.warning("step check failed: %s", type(exc).__name__)
            return [], user_message(exc)
        return found, None

    def gather(self, turn: CoachTurn, *, k: int = EXAMPLE_COUNT, need_hits: bool | None = None,
               need_findings: bool | None = None) -> Gathered:
        step = turn.step
        assert isinstance(step, Step)
        r = self.route(turn.message, step, genre=turn.project.brief.genre.strip())
        focus = resolve_focus(turn.project, step.key, turn.message, turn.focus)
        g = Gathered(step=step, route=r, focus=focus)
        if need_hits if need_hits is not None else r.intent in ("examples", "method"):
            method = r.intent == "method" and need_hits is None
            # a method answer shows one example of the step's unit (an opening for 立意), whatever the words
            g.hits, problem = self.retrieve(step, turn.project, focus, r.topic, turn.message,
                                            1 if method else k, floor=0 if method else None)
            if problem:
                g.problems.append(f"例文检索暂不可用：{problem}")
        if need_findings if need_findings is not None else r.intent == "check":
            g.findings, problem = self.run_checks(turn)
            if problem:
                g.problems.append(f"检查暂时没能完成：{problem}")
        return g
