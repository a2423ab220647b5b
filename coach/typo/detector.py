"""Deep typo (错别字) check: a confusion-set candidate wins over the written character under the LM.

For each sentence:
1. one LM pass gives every token's surprisal; the Chinese characters of the most surprising tokens
   (and of the token before each, since a slip often makes the *next* token the surprising one)
   are the suspicious positions;
2. for each suspicious character, candidates are its same-sound / similar-shape characters
   (pycorrector's confusion sets) that, put in its place, make a jieba dictionary word more frequent
   than what is written there;
3. the original and every candidate are scored by the LM on a window around the position, all in
   one batch; a finding only when the best candidate beats the original by ``margin`` nats
   (calibrated on half of SIGHAN-15, see bench/bench_typo.py and BENCHMARKS.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
_HAN = re.compile(r"[\u4e00-\u9fff]")
# sentences end at these; long sentences are cut at commas so the LM windows stay short
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
MAX_SENTENCE_CHARS = 120

#: nats; the smallest margin with ≤ 1 % sentence false alarms on the calibration half of SIGHAN-15
#: (even lines), chosen by bench/bench_typo.py (BENCHMARKS.md)
DEFAULT_MARGIN = 7.71


@dataclass(frozen=True)
class TypoHit:
    start: int  # character offset of the suspicious character in the checked text
    end: int
    original: str
    replacement: str
    margin: float  # nats by which the replacement's window beats the original's
    word: str  # the dictionary word the replacement makes


@lru_cache(maxsize=1)
def confusion_sets() -> dict[str, frozenset[str]]:
    """char -> similar-sounding or similar-looking characters (pycorrector data, Apache-2.0)."""
    out: dict[str, set[str]] = {}
    with (DATA_DIR / "same_pinyin.txt").open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or len(parts[0]) != 1:
                continue
            out.setdefault(parts[0], set()).update(ch for p in parts[1:] for ch in p if _HAN.match(ch))
    with (DATA_DIR / "same_stroke.txt").open(encoding="utf-8") as f:
        for line in f:
            group = [ch for ch in line.strip().split("\t") if len(ch) == 1 and _HAN.match(ch)]
            for ch in group:
                out.setdefault(ch, set()).update(c for c in group if c != ch)
    return {k: frozenset(v - {k}) for k, v in out.items()}


@lru_cache(maxsize=1)
def word_freqs() -> dict[str, int]:
    """jieba's dictionary: Chinese words of 2–4 characters and their corpus frequencies."""
    import jieba

    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    out: dict[str, int] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and 2 <= len(parts[0]) <= 4:
                out[parts[0]] = int(parts[1])
    return out


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces with Chinese characters in them, at most MAX_SENTENCE_CHARS long."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in list(_SENTENCE_END.finditer(text)) + [None]:
        end = m.end() if m else len(text)
        piece = text[pos:end]
        start = pos
        while len(piece) > MAX_SENTENCE_CHARS:
            cut = max(piece.rfind("，", 0, MAX_SENTENCE_CHARS), piece.rfind(",", 0, MAX_SENTENCE_CHARS))
            cut = cut + 1 if cut > 0 else MAX_SENTENCE_CHARS
            out.append((start, piece[:cut]))
            start += cut
            piece = piece[cut:]
        if _HAN.search(piece):
            out.append((start, piece))
        pos = end
        if m is None:
            break
    return [(o, s) for o, s in out if _HAN.search(s)]


class TypoDetector:
    def __init__(
        self,
        lm,
        margin: float = DEFAULT_MARGIN,
        max_positions: int = 4,
        min_surprisal: float = 4.0,
        min_word_freq: int = 3,
        right: int = 4,
        lm_proposals: int = 2,
        max_candidates: int = 5,
        lm_lead: float = 0.0,
    ):
        self.lm = lm
        self.margin = margin
        self.max_positions = max_positions
        self.min_surprisal = min_surprisal
        self.min_word_freq = min_word_freq
        self.lm_proposals = lm_proposals
        self.lm_lead = lm_lead
        self.max_candidates = max_candidates
        self.right = right
        self.confusions = confusion_sets()
        self.words = word_freqs()

    # -- steps ---------------------------------------------------------------------------------

    def position_scores(self, sentence: str, logprobs: np.ndarray, offsets: list) -> dict[int, float]:
        """Surprisal evidence per Chinese character: its own token's surprisal plus the next token's
        (a slip often leaves its own token plausible and makes the following one surprising)."""
        surprisal = [-float(x) for x in logprobs]
        if surprisal:
            surprisal[0] = 0.0  # the first token is surprising for want of context, not of a slip
        out: dict[int, float] = {}
        for k, (a, b) in enumerate(offsets):
            s = surprisal[k] + (surprisal[k + 1] if k + 1 < len(surprisal) else 0.0)
            for i in range(a, min(b, len(sentence))):
                if sentence[i] in self.confusions:
                    out[i] = s
        return out

    def candidates(self, sentence: str, i: int) -> dict[str, str]:
        """replacement -> the dictionary word it makes at position i, when that word is more
        frequent than what is written in the same span."""
        words = self.words
        out: dict[str, tuple[int, str]] = {}
        n = len(sentence)
        for c in self.confusions.get(sentence[i], ()):
            best = (0, "")
            for length in (2, 3, 4):
                for a in range(max(0, i - length + 1), min(i, n - length) + 1):
                    b = a + length
                    cand = sentence[a:i] + c + sentence[i + 1 : b]
                    f = words.get(cand, 0)
                    if f >= self.min_word_freq and f > words.get(sentence[a:b], 0) and f > best[0]:
                        best = (f, cand)
            if best[0]:
                out[c] = best
        return {c: w for c, (f, w) in sorted(out.items(), key=lambda kv: -kv[1][0])}

    def lm_candidates(self, sentence: str, i: int, offsets: list, dist: np.ndarray) -> dict[str, str]:
        """Confusion characters the LM itself prefers to the written one where a token starts at i
        (from the distribution the first pass already computed: no extra cost)."""
        k = next((k for k, (a, _) in enumerate(offsets) if a == i), None)
        if k is None or self.lm_proposals <= 0:
            return {}
        row = dist[k]
        written = self.lm.token_id(sentence[i])
        floor = row[written] if written is not None else -np.inf
        scored = []
        for c in self.confusions.get(sentence[i], ()):
            t = self.lm.token_id(c)
            if t is not None and row[t] > floor + self.lm_lead:
                scored.append((row[t], c))
        scored.sort(reverse=True)
        return {c: "" for _, c in scored[: self.lm_proposals]}

    def check_sentence(self, sentence: str) -> list[TypoHit]:
        return self.check_sentences([sentence])[0]

    def check_sentences(self, sentences: list[str]) -> list[list[TypoHit]]:
        """Findings per sentence (offsets into that sentence)."""
        analysed = self.lm.analyse(sentences) if sentences else []
        jobs, meta = [], []
        for si, (sentence, a) in enumerate(zip(sentences, analysed)):
            for i, prefix_tokens, texts, cands in self._jobs(sentence, a):
                jobs.append((a, prefix_tokens, texts))
                meta.append((si, i, cands))
        out: list[list[TypoHit]] = [[] for _ in sentences]
        for (si, i, cands), scores in zip(meta, self.lm.continuation_scores(jobs)):
            j = int(np.argmax(scores[1:]))
            gain = float(scores[1 + j] - scores[0])
            if gain > self.margin:
                c, w = cands[j]
                out[si].append(TypoHit(i, i + 1, sentences[si][i], c, round(gain, 2), w))
        return [_non_overlapping(hits) for hits in out]

    def _jobs(self, sentence: str, analysed: dict):
        """(position, prefix tokens, [original continuation, candidate continuations…], candidates)."""
        lp, offsets, dist = analysed["logprobs"], analysed["offsets"], analysed["dist"]
        scores_at = self.position_scores(sentence, lp, offsets)
        options: dict[int, dict[str, str]] = {}
        for i, s in scores_at.items():
            if s < self.min_surprisal:
                continue
            cands = self.candidates(sentence, i)
            for c, w in self.lm_candidates(sentence, i, offsets, dist).items():
                cands.setdefault(c, w)
            if cands:
                options[i] = cands
        # a long sentence gets more tries: one position per 15 characters, at least max_positions
        budget = max(self.max_positions, -(-len(sentence) // 15))
        for i in sorted(options, key=lambda i: -scores_at[i])[:budget]:
            k = next(k for k, (a, b) in enumerate(offsets) if a <= i < b)
            # start one token early, so a candidate may merge with the token before it (贯+彻 → 贯彻)
            prefix_tokens = max(1, k)
            p = offsets[k - 1][0] if k >= 1 else 0
            q = next((b for a, b in offsets[k:] if b >= i + 1 + self.right), len(sentence))
            cands = list(options[i].items())[: self.max_candidates]
            texts = [sentence[p:q]] + [sentence[p:i] + c + sentence[i + 1 : q] for c, _ in cands]
            yield i, prefix_tokens, texts, cands

    def best_gains(self, sentences: list[str]) -> list[float]:
        """The best candidate's gain per sentence (−inf when none): for calibrating ``margin``."""
        saved = self.margin
        self.margin = -np.inf
        try:
            per = self.check_sentences(sentences)
        finally:
            self.margin = saved
        return [max((h.margin for h in hits), default=-np.inf) for hits in per]

    def check_text(self, text: str, batch_sentences: int = 8, progress=None) -> list[TypoHit]:
        """Findings for a whole text, offsets into ``text``."""
        pieces = split_sentences(text)
        out: list[TypoHit] = []
        for k in range(0, len(pieces), batch_sentences):
            chunk = pieces[k : k + batch_sentences]
            for (offset, _), hits in zip(chunk, self.check_sentences([s for _, s in chunk])):
                out.extend(TypoHit(h.start + offset, h.end + offset, h.original, h.replacement, h.margin, h.word)
                           for h in hits)
            if progress:
                progress(min(k + batch_sentences, len(pieces)), len(pieces))
        return out


def _non_overlapping(hits: list[TypoHit]) -> list[TypoHit]:
    """Adjacent suspicious characters usually explain the same slip: keep the stronger one."""
    kept: list[TypoHit] = []
    for h in sorted(hits, key=lambda h: -h.margin):
        if all(abs(h.start - k.start) > 1 for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)
