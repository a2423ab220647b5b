"""The offline coach: no network, no key, deterministic — and built from the writer's own project.

It routes the writer's message (``router``), then answers from real material: passages retrieved for
the part being written, the step's checks, the rule data and FAQ, the step's question bank. Every
reply starts from the writer's own words (``context.anchor``).

The pieces: ``gather`` (what a turn is about: route, focus, passages, findings), ``intents`` (one answer per
intent), ``format`` (quoting and escaping); this module wires them into the coach interface.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from coach.coaching.format import user_message
from coach.coaching.gather import Gathering
from coach.coaching.intents import IntentReplies
from coach.coaching.types import CoachReply, CoachTurn, ReplyExtras

log = logging.getLogger(__name__)


class OfflineCoach(Gathering, IntentReplies):
    """The default coach. Dependencies are injected so each can be tested (and replaced) alone:

    - ``retriever``: an object with ``search(query, k, step, positions, kinds) -> list[Hit]``; if None,
      ``retriever_factory`` opens one on first need (default: ``coach.index.open_retriever()``);
    - ``rule_finder``: ``find_rules(query) -> list[Rule]`` (default: ``coach.lint.find_rules``);
    - ``linter``: ``lint(text, genre=None) -> list[Finding]`` (default: ``coach.lint.lint``);
    - ``data``: the coaching files (default: read from ``prompts/``);
    - ``encoder``: the embedding model routing by meaning uses (``coach.coaching.meaning``); default: the
      retriever's own model (``retriever.embedder``), so the coach and the examples share one model. Without
      one the coach routes by the patterns of ``prompts/intents.yaml`` alone.
    """

    name = "offline"

    # -- the coach interface -----------------------------------------------------------------------
    def reply(self, turn: CoachTurn) -> CoachReply:
        return CoachReply(lambda extras: self.produce(turn, extras), ReplyExtras(coach=self.name))

    def produce(self, turn: CoachTurn, extras: ReplyExtras) -> Iterator[str]:
        """Fill ``extras`` and yield the reply paragraph by paragraph."""
        try:
            paragraphs = self.compose(turn, extras)
        except Exception as exc:  # never a traceback in the chat; what the writer typed is kept by the caller
            log.exception("offline coach failed")
            paragraphs = [f"抱歉，教练这次没能回答（{user_message(exc)}）。你的话已经保存，可以换个说法再问一次。"]
        for i, p in enumerate(paragraphs):
            yield p if i == len(paragraphs) - 1 else p + "\n\n"

    def compose(self, turn: CoachTurn, extras: ReplyExtras) -> list[str]:
        g = self.gather(turn)
        extras.intent = g.route.intent
        extras.focus = g.focus.target
        handler = {
            "examples": self._examples,
            "method": self._method,
            "check": self._check,
            "rule": self._rule,
            "next": self._next,
            "ghostwrite": self._ghostwrite,
            "rewrite": self._rewrite,
            "help": self._help,
        }.get(g.route.intent, self._unknown)
        return handler(turn, g, extras)
