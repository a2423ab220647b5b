"""Tokens for the lexical (BM25) side of search.

jieba's search mode also emits the shorter words inside long compounds (办公室工作 → 办公, 公室, 办公室, 工作),
which is what lets a query word match a longer word in a passage.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import jieba

jieba.setLogLevel(logging.WARNING)

# Function words that carry no topic: dropping them keeps BM25 scores about content.
_STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 等 也 都 就 要 把 被 对 为 以 从 这 那 其 之 而 并 或 有 个 中 上 下 我们 你们 他们 一个 一些 这个 那个 什么 怎么 如何 怎样".split()
)
_WORDLIKE = re.compile(r"\w", re.UNICODE)


def lexical_tokens(text: str) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without punctuation, spaces and stopwords."""
    tokens = []
    for token in jieba.lcut_for_search(text):
        token = token.strip().lower()
        if not token or token in _STOPWORDS or not _WORDLIKE.search(token):
            continue
        if all(unicodedata.category(ch).startswith("P") for ch in token):
            continue
        tokens.append(token)
    return tokens
