"""Intent routing: what the writer is asking for, decided from their message alone.

Patterns and weights are data (``prompts/intents.yaml``); this module scores them. Passages and the
writer's draft never take part, so a passage that says "ignore the above" cannot re-route a turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.coaching.resources import CoachingData, FaqEntry

# a question, however it is phrased: 吗/呢, 怎么/如何, 哪/啥/什么, “A还是B”, “有啥不一样”, “对不对”, 几个/多少
_QUESTION_CUE = re.compile(r"[?？吗呢]|怎么|如何|是否|能不能|可不可以|哪|什么|啥|还是|区别|不一样|对不对|行不行|多少|几[个部块种条点级]")
_PUNCT = re.compile(r"[\s，。！？、；：“”‘’（）《》【】,.!?;:()\[\]\"'…—-]+")


@dataclass(frozen=True)
class Route:
    intent: str  # an intent id from intents.yaml, or "unknown"
    scores: dict[str, float]
    topic: str  # the message minus intent words and stopwords: what it is about
    faq: tuple[tuple[FaqEntry, float], ...] = ()  # FAQ entries the message mentions, best first


def faq_matches(data: CoachingData, message: str) -> list[tuple[FaqEntry, float]]:
    """FAQ entries whose keywords occur in the message; a longer keyword counts more."""
    scored = []
    for entry in data.faq:
        score = sum(1.0 + 0.25 * (len(k) - 1) for k in entry.keywords if k and k.lower() in message.lower())
        if score:
            scored.append((entry, score))
    scored.sort(key=lambda es: -es[1])
    return scored


def topic_of(data: CoachingData, message: str, matched: list[re.Pattern[str]]) -> str:
    """What the message is about once the intent words and function words are gone ("开头", "纪律")."""
    import jieba  # loaded on first use: the retriever needs it anyway, routing alone often does not

    text = message
    for pattern in matched:
        text = pattern.sub(" ", text)
    text = _PUNCT.sub(" ", text)
    words = [w for w in jieba.lcut(text) if w.strip() and w not in data.stopwords]
    return "".join(words) if len(words) == 1 else " ".join(words)


#: a pasted page is not a question: route and find the topic on its beginning
MAX_ROUTED_CHARS = 500


def route(data: CoachingData, message: str) -> Route:
    message = (message or "").strip()[:MAX_ROUTED_CHARS]
    scores: dict[str, float] = {}
    matched: list[re.Pattern[str]] = []
    for intent in data.intents:
        weights = intent.pattern_weights or (None,) * len(intent.patterns)
        score = 0.0
        for pattern, weight in zip(intent.patterns, weights):
            if pattern.search(message):
                score += intent.weight if weight is None else weight
                matched.append(pattern)
        if score:
            scores[intent.id] = score
    faq = faq_matches(data, message)
    if faq and _QUESTION_CUE.search(message):
        scores["rule"] = scores.get("rule", 0.0) + data.faq_bonus * min(len(faq), 2)
    order = {intent.id: n for n, intent in enumerate(data.intents)}
    if scores:
        intent = min(scores, key=lambda i: (-scores[i], order.get(i, len(order))))
    else:
        intent = "unknown"
    return Route(intent=intent, scores=scores, topic=topic_of(data, message, matched), faq=tuple(faq))
