"""Deep typo (错别字) check: a confusion-set candidate wins over the written character under the LM.

For each sentence:
1. one LM pass gives every token's surprisal; the Chinese characters of the most surprising tokens
   (and of the token before each, since a slip often makes the *next* token the surprising one)
   are the suspicious positions — never next to an anonymisation mark (XX, ××, 全*), where the
   surprise is the mark's, not a slip's;
2. for each suspicious character, candidates (``coach.typo.candidates``: pycorrector's same-sound /
   similar-shape sets and pypinyin near sounds) that, put in its place, make a jieba dictionary word
   more frequent than what is written there; two adjacent characters may be replaced together by a
   same-sounding word (the IME picked the wrong word: 赤道 for 迟到); a rare character may be replaced
   by any common one that completes a frequent word (琐啐 → 琐碎); and the confusion characters the LM
   itself prefers at that spot;
3. the original and every candidate are scored by the LM on a window around the position, all in
   one batch; a finding only when the best candidate beats the original by the margin of its kind:
   "fills" — the written character stands alone in jieba's segmentation and the candidate makes a
   word (the strongest evidence of a slip), "replaces" — the written character is already part of a
   dictionary word (文种, 补台: a real word the LM merely finds rarer), "lm" — the LM's own proposal,
   with no dictionary word behind it, "pair" — two characters replaced by a same-sounding word. The margins are calibrated on a development set (half of
   SIGHAN-15 and the seeds, never the reported half; see bench/bench_typo.py and BENCHMARKS.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from coach.typo.protected import protected_mask

from coach.typo.candidates import common_chars, confusables, same_sound

_HAN = re.compile(r"[\u4e00-\u9fff]")
# sentences end at these; long sentences are cut at commas so the LM windows stay short
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
MAX_SENTENCE_CHARS = 120
# anonymisation marks: 来XX视察, ××局, 全*同志, ○○单位
_PLACEHOLDER = set("XxＸｘ×✕＊*○□■")

KINDS = ("fills", "replaces", "lm", "pair")
#: nats by which the best candidate must beat what is written, per kind of evidence. Calibrated by the full
#: run of bench/bench_typo.py (2026-12-04): the highest recall on the calibration half of SIGHAN-15 (even
#: lines) whose sentence false-alarm rate is ≤ 1 % there AND on the seeds (official text); reported on the
#: odd lines (BENCHMARKS.md). Re-run the bench and copy its margins here when the candidates change.
DEFAULT_MARGINS = {"fills": 7.0, "replaces": 11.0, "lm": 9.0, "pair": 7.0}
DEFAULT_MARGIN = DEFAULT_MARGINS["fills"]
#: with ``keep_all`` (calibration), gains above this many nats are exact; lower ones may be upper bounds
KEEP_ALL_FLOOR = 2.0


@dataclass(frozen=True)
class TypoHit:
    start: int  # character offset of the suspicious character(s) in the checked text
    end: int
    original: str
    replacement: str
    margin: float  # nats by which the replacement's window beats the original's
    word: str  # the dictionary word the replacement makes ("" for the LM's own proposal)
    kind: str = "fills"  # which evidence the candidate has: see KINDS


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


@lru_cache(maxsize=1)
def _words_by_edge() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The dictionary's words by their first and by their last character."""
    by_first: dict[str, list[str]] = {}
    by_last: dict[str, list[str]] = {}
    for w in word_freqs():
        by_first.setdefault(w[0], []).append(w)
        by_last.setdefault(w[-1], []).append(w)
    return by_first, by_last


@lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter in the CLI's output
    return jieba.dt  # the default tokenizer: the rest of the project has usually loaded it already


def in_words(sentence: str) -> list[bool]:
    """Per character: is it inside a multi-character word of jieba's dictionary segmentation?"""
    out = [False] * len(sentence)
    pos = 0
    for w in _tokenizer().lcut(sentence, HMM=False):
        if len(w) > 1 and _HAN.match(w[0]):
            for k in range(pos, pos + len(w)):
                out[k] = True
        pos += len(w)
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
        margin: float | dict[str, float] | None = None,
        max_positions: int = 4,
        chars_per_position: int = 15,
        min_surprisal: float = 4.0,
        min_word_freq: int = 3,
        pair_min_freq: int = 20,
        rare_min_freq: int = 20,
        right: int = 4,
        lm_proposals: int = 2,
        max_candidates: int = 5,
        lm_lead: float = 0.0,
    ):
        self.lm = lm
        self.margins = dict(DEFAULT_MARGINS)
        if isinstance(margin, dict):
            self.margins.update(margin)
        elif margin is not None:
            self.margins = {k: float(margin) for k in KINDS}
        self.max_positions = max_positions
        self.chars_per_position = chars_per_position
        self.min_surprisal = min_surprisal
        self.min_word_freq = min_word_freq
        self.pair_min_freq = pair_min_freq
        self.rare_min_freq = rare_min_freq
        self.lm_proposals = lm_proposals
        self.lm_lead = lm_lead
        self.max_candidates = max_candidates
        self.right = right
        self.words = word_freqs()
        self.common = common_chars()
        # the work done, hardware-independent: sentences checked and windows compared (what is written and
        # each candidate; the LM's own stats say how many of them it had to run, and how many tokens)
        self.stats = {"sentences": 0, "windows": 0}

    @property
    def margin(self) -> float:
        """The smallest of the margins (one number, for callers that want one)."""
        return min(self.margins.values())

    @margin.setter
    def margin(self, value: float) -> None:
        self.margins = {k: float(value) for k in KINDS}

    # -- steps ---------------------------------------------------------------------------------

    def position_scores(self, sentence: str, logprobs: np.ndarray, offsets: list) -> dict[int, float]:
        """Surprisal evidence per Chinese character: its own token's surprisal plus the next token's
        (a slip often leaves its own token plausible and makes the following one surprising).
        Characters beside an anonymisation mark are left out: the mark is what surprises the LM; so are the
        characters of a protected 公文 word (coach.typo.protected: 踔厉奋发、吃透上情 …)."""
        surprisal = [-float(x) for x in logprobs]
        if surprisal:
            surprisal[0] = 0.0  # the first token is surprising for want of context, not of a slip
        masked = [a or b for a, b in zip(_near_placeholder(sentence), protected_mask(sentence))]
        out: dict[int, float] = {}
        for k, (a, b) in enumerate(offsets):
            s = surprisal[k] + (surprisal[k + 1] if k + 1 < len(surprisal) else 0.0)
            for i in range(a, min(b, len(sentence))):
                if not masked[i] and _HAN.match(sentence[i]):
                    out[i] = s
        return out

    def _best_word(self, sentence: str, i: int, c: str, min_freq: int) -> tuple[int, str]:
        """The most frequent dictionary word (2–4 characters) that ``c`` at ``i`` makes, when it is more
        frequent than what is written in the same span; (0, "") when none."""
        words = self.words
        n = len(sentence)
        best = (0, "")
        for length in (2, 3, 4):
            for a in range(max(0, i - length + 1), min(i, n - length) + 1):
                b = a + length
                cand = sentence[a:i] + c + sentence[i + 1 : b]
                f = words.get(cand, 0)
                if f >= min_freq and f > words.get(sentence[a:b], 0) and f > best[0]:
                    best = (f, cand)
        return best

    def _completions(self, sentence: str, i: int) -> dict[str, tuple[int, str]]:
        """Common character -> the most frequent dictionary word it makes at i (as ``_best_word`` with
        ``rare_min_freq``). Looks only at words that share an edge character with the span, instead of
        trying all 3,500 common characters in every span: the same answer, ~20× fewer lookups."""
        by_first, by_last = _words_by_edge()
        words, n, written = self.words, len(sentence), sentence[i]
        best: dict[str, tuple[int, str]] = {}
        for length in (2, 3, 4):
            for a in range(max(0, i - length + 1), min(i, n - length) + 1):
                b = a + length
                left, right = sentence[a:i], sentence[i + 1 : b]
                pool = by_first.get(sentence[a], ()) if a < i else by_last.get(sentence[b - 1], ())
                floor = max(self.rare_min_freq - 1, words.get(sentence[a:b], 0))
                for w in pool:
                    if len(w) == length and w.startswith(left) and w.endswith(right):
                        c, f = w[i - a], words[w]
                        if f > floor and c != written and c in self.common and f > best.get(c, (0, ""))[0]:
                            best[c] = (f, w)
        return best

    def candidates(self, sentence: str, i: int) -> dict[str, str]:
        """replacement -> the dictionary word it makes at position i, most frequent word first."""
        out: dict[str, tuple[int, str]] = {}
        for c in confusables(sentence[i]):
            best = self._best_word(sentence, i, c, self.min_word_freq)
            if best[0]:
                out[c] = best
        ranked = {c: w for c, (f, w) in sorted(out.items(), key=lambda kv: -kv[1][0])}
        if sentence[i] not in self.common and _HAN.match(sentence[i]):
            # a rare character in an official text is suspicious in itself: its common look-/sound-alikes
            # even without a word (撘3点 → 搭), then the common characters that complete a frequent word
            # (形近 slips outside the confusion sets: 琐啐 → 琐碎), a few of each
            for c in sorted(confusables(sentence[i]) & self.common)[:3]:
                ranked.setdefault(c, "")
            completions = [(best, c) for c, best in self._completions(sentence, i).items() if c not in ranked]
            for (f, w), c in sorted(completions, reverse=True)[:3]:
                ranked[c] = w
        return ranked

    def pair_candidates(self, sentence: str, i: int) -> dict[str, str]:
        """Two-character replacements of sentence[i:i+2] by a same-sounding dictionary word (the IME
        offered the wrong word for the syllables typed: 赤道 for 迟到)."""
        if i + 2 > len(sentence) or not all(_HAN.match(ch) for ch in sentence[i : i + 2]):
            return {}
        words = self.words
        written = words.get(sentence[i : i + 2], 0)
        out = []
        for c1 in same_sound(sentence[i]):
            for c2 in same_sound(sentence[i + 1]):
                f = words.get(c1 + c2, 0)
                if f >= self.pair_min_freq and f > written:
                    out.append((f, c1 + c2))
        out.sort(reverse=True)
        return {w: w for _, w in out[:2]}

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
        for c in confusables(sentence[i]):
            t = self.lm.token_id(c)
            if t is not None and row[t] > floor + self.lm_lead:
                scored.append((row[t], c))
        scored.sort(reverse=True)
        return {c: "" for _, c in scored[: self.lm_proposals]}

    def check_sentence(self, sentence: str) -> list[TypoHit]:
        return self.check_sentences([sentence])[0]

    def check_sentences(self, sentences: list[str], keep_all: bool = False) -> list[list[TypoHit]]:
        """Findings per sentence (offsets into that sentence). With ``keep_all`` every position's best
        candidate is returned whatever its gain (for calibrating the margins)."""
        analysed = self.lm.analyse(sentences) if sentences else []
        jobs, meta = [], []
        for si, (sentence, a) in enumerate(zip(sentences, analysed)):
            words_at = in_words(sentence)
            for i, prefix_tokens, texts, cands in self._jobs(sentence, a):
                jobs.append((a, prefix_tokens, texts))
                meta.append((si, i, cands, words_at))
        self.stats["sentences"] += len(sentences)
        self.stats["windows"] += sum(len(texts) for _, _, texts in jobs)
        out: list[list[TypoHit]] = [[] for _ in sentences]
        # what cannot beat the smallest margin needs no exact score; keep_all (calibration) keeps every gain
        # above KEEP_ALL_FLOOR exact, below the smallest margin the bench tries
        floor = KEEP_ALL_FLOOR if keep_all else self.margin
        for (si, i, cands, words_at), scores in zip(meta, self.lm.continuation_scores(jobs, floor=floor)):
            j = int(np.argmax(scores[1:]))
            gain = float(scores[1 + j] - scores[0])
            c, w = cands[j]
            span = len(c)
            kind = ("pair" if span > 1 else "lm" if not w else "replaces" if words_at[i] else "fills")
            if keep_all or gain > self.margins[kind]:
                out[si].append(TypoHit(i, i + span, sentences[si][i : i + span], c, round(gain, 2), w, kind))
        return [_non_overlapping(hits) for hits in out]

    def _jobs(self, sentence: str, analysed: dict):
        """(position, prefix tokens, [original continuation, candidate continuations…], candidates)."""
        lp, offsets, dist = analysed["logprobs"], analysed["offsets"], analysed["dist"]
        scores_at = self.position_scores(sentence, lp, offsets)
        guarded = protected_mask(sentence)  # a pair may not reach into a protected word either
        options: dict[int, dict[str, str]] = {}
        for i, s in scores_at.items():
            if s < self.min_surprisal:
                continue
            cands = self.candidates(sentence, i)
            for c, w in self.lm_candidates(sentence, i, offsets, dist).items():
                cands.setdefault(c, w)
            # the word-level view: the written pair may be a wrong word for the same syllables
            for a in (i - 1, i):
                if a >= 0 and not any(guarded[a : a + 2]):
                    for c, w in self.pair_candidates(sentence, a).items():
                        cands.setdefault((a, c), w)
            if cands:
                options[i] = cands
        # a long sentence gets more tries: one position per chars_per_position characters
        budget = max(self.max_positions, -(-len(sentence) // self.chars_per_position))
        seen_pairs: set = set()  # a pair is proposed from both of its characters: score it once
        for i in sorted(options, key=lambda i: -scores_at[i])[:budget]:
            cap = self.max_candidates + (6 if sentence[i] not in self.common else 0)  # see candidates()
            singles = [(c, w) for c, w in options[i].items() if isinstance(c, str)][:cap]
            yield from self._windows(sentence, offsets, i, singles)
            by_start: dict[int, list] = {}
            for key, w in options[i].items():
                if not isinstance(key, str) and key not in seen_pairs:
                    seen_pairs.add(key)
                    by_start.setdefault(key[0], []).append((key[1], w))
            for a, cands in sorted(by_start.items()):
                yield from self._windows(sentence, offsets, a, cands)

    def _windows(self, sentence: str, offsets: list, i: int, cands: list):
        if not cands:
            return
        span = len(cands[0][0])
        k = next(k for k, (a, b) in enumerate(offsets) if a <= i < b)
        # start one token early, so a candidate may merge with the token before it (贯+彻 → 贯彻)
        prefix_tokens = max(1, k)
        p = offsets[k - 1][0] if k >= 1 else 0
        q = next((b for a, b in offsets[k:] if b >= i + span + self.right), len(sentence))
        texts = [sentence[p:q]] + [sentence[p:i] + c + sentence[i + span : q] for c, _ in cands]
        yield i, prefix_tokens, texts, cands

    def best_gains(self, sentences: list[str]) -> list[float]:
        """The best candidate's gain per sentence (−inf when none; exact above KEEP_ALL_FLOOR)."""
        per = self.check_sentences(sentences, keep_all=True)
        return [max((h.margin for h in hits), default=-np.inf) for hits in per]

    def check_text(self, text: str, batch_sentences: int = 8, progress=None, keep_all: bool = False) -> list[TypoHit]:
        """Findings for a whole text, offsets into ``text``. Sentences of about the same length are
        analysed together, so the first pass pads few tokens (consecutive sentences of a speech run from
        5 to 120 characters)."""
        pieces = sorted(split_sentences(text), key=lambda piece: len(piece[1]))
        out: list[TypoHit] = []
        for k in range(0, len(pieces), batch_sentences):
            chunk = pieces[k : k + batch_sentences]
            for (offset, _), hits in zip(chunk, self.check_sentences([s for _, s in chunk], keep_all)):
                out.extend(TypoHit(h.start + offset, h.end + offset, h.original, h.replacement, h.margin, h.word,
                                   h.kind) for h in hits)
            if progress:
                progress(min(k + batch_sentences, len(pieces)), len(pieces))
        return sorted(out, key=lambda h: h.start)


def _near_placeholder(sentence: str) -> list[bool]:
    """Per character: is it an anonymisation mark or right beside one?"""
    marks = [ch in _PLACEHOLDER for ch in sentence]
    n = len(sentence)
    return [marks[i] or (i > 0 and marks[i - 1]) or (i + 1 < n and marks[i + 1]) for i in range(n)]


def _non_overlapping(hits: list[TypoHit]) -> list[TypoHit]:
    """Adjacent suspicious characters usually explain the same slip: keep the stronger one."""
    kept: list[TypoHit] = []
    for h in sorted(hits, key=lambda h: -h.margin):
        if all(h.start > k.end or h.end < k.start for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)
