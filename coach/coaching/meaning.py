"""Routing by meaning: the writer's question compared with example phrasings of each intent and FAQ entry.

The pattern router (``router.route``) only knows the words its regexes list, so "数据应该怎么用？" or
"“认真的研究”对吗？" fell through. Here every intent in ``prompts/intents.yaml`` and every FAQ entry in
``prompts/faq.yaml`` carries example phrasings (``examples`` / ``asks``, plus the entry's own question);
a message is scored against them by

- the product's embedding model (cosine of ``coach.embed`` vectors — the same encoder the retriever uses), and
- shared character bigrams (Dice), which the static embedding model alone blurs for short questions,

then added to the pattern scores, so a pattern still counts and a phrasing no pattern lists still lands.
The genre the writer names ("请示的结尾怎么写？") or the project's genre, and the step, move FAQ entries that
are about that genre or step up and entries about another genre down.

Without an encoder the coach routes by the patterns alone (``router.route``); nothing here is needed.
Like the pattern router, only the writer's own message is read: passages and the draft never route a turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from coach.coaching.resources import CoachingData, FaqEntry
from coach.coaching.router import MAX_ROUTED_CHARS, QUESTION_CUE, Route, route

_STRIP = re.compile(r"[\s，。！？、；：“”‘’（）《》【】,.!?;:()\[\]\"'…—\-~～]+")

#: how much the meaning side weighs against one matched pattern (a pattern adds 1–4 points)
MEANING_WEIGHT = 4.0
#: share of the embedding cosine in a phrasing's similarity (the rest: character-bigram Dice)
COSINE_SHARE = 0.6
#: below this similarity to its nearest phrasing, with no pattern matched, a message is "unknown"
UNKNOWN_BELOW = 0.30
#: an FAQ entry is a candidate answer from this score on (similarity points + keyword points)
FAQ_MIN = 0.45
#: an FAQ entry's closeness counts for "rule" above FAQ_BASE, FAQ_WEIGHT points per unit
FAQ_BASE = 0.42
FAQ_WEIGHT = 10.0
#: a question this close to an FAQ entry is a rule question even when a pattern says "examples"
FAQ_STRONG = 0.55
#: genre: an entry about the genre the writer names / the project's genre gains, one about another loses
GENRE_NAMED_BONUS = 0.15
GENRE_PROJECT_BONUS = 0.06
STEP_BONUS = 0.04
#: pattern points from which the writer has named what they want (范文, 范本: weight 3 in intents.yaml)
EXPLICIT_EXAMPLES = 3.0
KEYWORD_POINT = 0.05  # per keyword point (1 + 0.25 per extra character), capped
KEYWORD_CAP = 0.25


def squash(text: str) -> str:
    return _STRIP.sub("", text or "")


def bigrams(text: str) -> frozenset[str]:
    t = squash(text)
    if len(t) < 2:
        return frozenset({t}) if t else frozenset()
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))


def dice(a: frozenset[str], b: frozenset[str], weight: dict[str, float] | None = None, default: float = 1.0) -> float:
    """Dice overlap of two bigram sets; with ``weight`` (IDF) a shared "怎么" counts less than a shared "结尾"."""
    if not a or not b:
        return 0.0
    if weight is None:
        return 2 * len(a & b) / (len(a) + len(b))
    w = lambda grams: sum(weight.get(g, default) for g in grams)  # noqa: E731
    return 2 * w(a & b) / (w(a) + w(b))


#: a question (not a request): only a question is answered from the FAQ
ASKING = re.compile(r"[?？吗呢]|怎么|怎样|如何|是否|能不能|能否|可不可以|可以不可以|哪|几|多少|什么|啥|要不要|"
                    r"是不是|对不对|还是|区别|区分|不一样|不同")


# one-character genre names (函, 令) only count where they stand as a word: "函的结语", "一份函", "函怎么写"
_SHORT_NAME = "(?:(?<=[的份封个写发这那])|^){n}|{n}(?=[的怎如要里中一结开用该写是吗呢，。？?]|$)"


def named_genre(message: str) -> str:
    """The genre the message names ("请示的结尾怎么写？" -> "请示"); "" when none. Longest name wins."""
    from coach.genres import load_genres

    message = message or ""
    names = sorted(((n, g.name) for g in load_genres() for n in (g.name, *g.aliases) if n),
                   key=lambda ng: -len(ng[0]))
    for n, genre in names:
        if len(n) >= 2 and n in message:
            return genre
        if len(n) == 1 and re.search(_SHORT_NAME.format(n=re.escape(n)), message):
            return genre
    return ""


@dataclass(frozen=True)
class _Phrasing:
    owner: str  # intent id, or "faq:<id>"
    text: str
    grams: frozenset[str]


class MeaningRouter:
    """Routes by example phrasings; built once per coach (the phrasings are embedded once)."""

    def __init__(self, data: CoachingData, encoder: Any) -> None:
        self.data = data
        self.encoder = encoder
        phrasings: list[_Phrasing] = []
        for intent in data.intents:
            phrasings += [_Phrasing(intent.id, t, bigrams(t)) for t in intent.examples]
        phrasings += [_Phrasing("unknown", t, bigrams(t)) for t in data.unknown_examples]
        for e in data.faq:
            phrasings += [_Phrasing(f"faq:{e.id}", t, bigrams(t)) for t in (e.question, *e.asks) if t]
        self.phrasings = phrasings
        # bigram IDF over the phrasings: words every question shares ("怎么", "一下") say little
        df: dict[str, int] = {}
        for p in phrasings:
            for g in p.grams:
                df[g] = df.get(g, 0) + 1
        n = max(1, len(phrasings))
        self.idf = {g: float(np.log(1 + n / c)) for g, c in df.items()}
        self.idf_unseen = float(np.log(1 + n))
        self.vectors = self._embed([p.text for p in phrasings])
        self.faq_by_id = {e.id: e for e in data.faq}

    def _embed(self, texts: list[str]) -> np.ndarray:
        vecs = self.encoder.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)

    def similarities(self, message: str) -> np.ndarray:
        qvec = self._embed([squash(message) or message])[0]
        cos = self.vectors @ qvec
        grams = bigrams(message)
        d = np.array([dice(grams, p.grams, self.idf, self.idf_unseen) for p in self.phrasings], dtype=np.float32)
        return COSINE_SHARE * cos + (1 - COSINE_SHARE) * d

    def route(self, message: str, step: str | None = None, genre: str = "") -> Route:
        """``step``: the step key the writer is at; ``genre``: the project's genre ("" when not chosen)."""
        message = (message or "").strip()[:MAX_ROUTED_CHARS]
        base = route(self.data, message, genre)  # pattern scores and the topic
        if not message:
            return replace(base, genre=genre, how="meaning")
        named = named_genre(message)
        sims = self.similarities(message)
        best: dict[str, list[float]] = {}
        for p, s in zip(self.phrasings, sims.tolist()):
            best.setdefault(p.owner, []).append(s)
        meaning = {owner: float(np.mean(sorted(v, reverse=True)[:2])) for owner, v in best.items()
                   if not owner.startswith("faq:")}

        faq = self._faq_scores(message, best, step, named, genre)
        scores: dict[str, float] = {}
        for intent in self.data.intents:
            pattern = base.scores.get(intent.id, 0.0)
            if intent.id == "rule":
                # the FAQ bonus of the pattern router is replaced by how close an FAQ entry is
                pattern = max(0.0, pattern - self._keyword_faq_bonus(base, message))
            score = pattern + MEANING_WEIGHT * meaning.get(intent.id, 0.0)
            scores[intent.id] = score
        if faq and ASKING.search(message):
            top = max(score for _, score in faq)
            # a near miss ("结尾怎么写" ~ "文号怎么写": only the question words shared) adds little,
            # a close entry a lot
            scores["rule"] = scores.get("rule", 0.0) + FAQ_WEIGHT * max(0.0, top - FAQ_BASE)
            # a writer who names 范文 / 范本 wants one, even about a genre the FAQ explains
            explicit = base.scores.get("examples", 0.0) >= EXPLICIT_EXAMPLES
            if top >= FAQ_STRONG and not explicit:
                scores["rule"] += MEANING_WEIGHT * (top - FAQ_STRONG) * 2
        unknown = MEANING_WEIGHT * meaning.get("unknown", 0.0)
        order = {intent.id: n for n, intent in enumerate(self.data.intents)}
        intent = min(scores, key=lambda i: (-scores[i], order.get(i, len(order))))
        nearest = max((v for k, v in meaning.items() if k != "unknown"), default=0.0)
        nearest = max(nearest, faq[0][1] if faq else 0.0)
        if not base.scores and (nearest < UNKNOWN_BELOW or unknown > scores[intent]):
            intent = "unknown"
        elif unknown > scores[intent] + 1.0:
            intent = "unknown"
        scores["unknown"] = unknown
        return Route(intent=intent, scores=scores, topic=base.topic, faq=tuple(faq), genre=named or genre,
                     named_genre=named, how="meaning")

    def _keyword_faq_bonus(self, base: Route, message: str) -> float:
        """What the pattern router added to "rule" for FAQ keywords (see ``router.route``)."""
        if base.faq and QUESTION_CUE.search(message):
            return self.data.faq_bonus * min(len(base.faq), 2)
        return 0.0

    def _faq_scores(self, message: str, best: dict[str, list[float]], step: str | None, named: str,
                    genre: str) -> list[tuple[FaqEntry, float]]:
        low = message.lower()
        out = []
        for e in self.data.faq:
            sim = max(best.get(f"faq:{e.id}", [0.0]))
            keyword = sum(1.0 + 0.25 * (len(k) - 1) for k in e.keywords if k and k.lower() in low)
            score = sim + min(KEYWORD_CAP, KEYWORD_POINT * keyword)
            if e.genres:
                # an entry about another genre is not this writer's answer ("结尾怎么写？" in a speech
                # project is not about 报告's 结语); with no genre at all it only steps back a little
                about = named or genre
                if about and about not in e.genres:
                    continue
                score += (GENRE_NAMED_BONUS if named else GENRE_PROJECT_BONUS) if about else -GENRE_PROJECT_BONUS
            if score < FAQ_MIN:
                continue
            # the step only orders the candidates (at 搭骨 the outline entry before the punctuation one);
            # it is no evidence that the writer asks a rule question at all
            out.append((e, round(score, 4), score + (STEP_BONUS if step and step in e.steps else 0.0)))
        out.sort(key=lambda es: -es[2])
        return [(e, raw) for e, raw, _ in out]


__all__ = ["MeaningRouter", "named_genre", "bigrams", "dice", "squash"]
