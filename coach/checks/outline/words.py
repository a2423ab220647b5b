"""Words of outline headings (jieba part-of-speech tags), shared by the 对仗 and overlap measures."""

from __future__ import annotations

import logging
import re

import jieba
import jieba.posseg

jieba.setLogLevel(logging.WARNING)

_FUNCTION_FLAGS = ("u", "p", "c", "d", "r", "x", "w", "e", "y", "o", "h", "k", "q", "m", "f")
# verbs and nouns that frame almost every 公文 heading; shared, they do not make two points the same
GENERIC_WORDS = frozenset(
    """
    加强 提升 提高 增强 强化 推进 推动 坚持 做好 抓好 切实 全面 深入 进一步 不断 努力 积极 着力 扎实 持续 坚定
    工作 建设 能力 水平 方面 问题 要求 实效 质量 意识 作用 发展 做 要 是 把 有 好 抓 当好 确保 注重 突出 聚焦
    """.split()
)
PUNCT = "。；，、：.;,:！？!?“”‘’\"'（）()《》 \t"


class Tagger:
    """jieba part-of-speech tags of each heading, computed once per check call (the 对仗 and overlap checks
    both need them; tagging is most of the time a check takes). Not a module-level cache on purpose."""

    def __init__(self) -> None:
        self._tags: dict[str, list[tuple[str, str]]] = {}

    def tags(self, text: str) -> list[tuple[str, str]]:
        found = self._tags.get(text)
        if found is None:
            found = [(p.word, p.flag) for p in jieba.posseg.lcut(text, HMM=False)]
            self._tags[text] = found
        return found

    def content_words(self, text: str) -> list[str]:
        words = []
        for word, flag in self.tags(text):
            word = word.strip()
            if not word or not any(ch.isalnum() for ch in word):
                continue
            if flag.startswith(_FUNCTION_FLAGS) and flag not in ("vn", "an"):
                continue
            words.append(word)
        return words

    def pos_pattern(self, text: str) -> list[str]:
        return [flag[:1] for word, flag in self.tags(text) if word.strip() and word not in PUNCT]

    def words(self, text: str) -> list[str]:
        return [word for word, _flag in self.tags(text) if word.strip() and word not in PUNCT]


def clauses(text: str) -> list[str]:
    return [h for h in re.split(r"[，,；;]", text.rstrip(PUNCT)) if h.strip()]


def heading_length(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace() and ch not in PUNCT)

