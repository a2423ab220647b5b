"""Measures on an outline's headings: how parallel siblings are (对仗), how much two siblings overlap
(不重不漏), and how each top-level point relates to the thesis. The checks in ``checks`` compare these with
the thresholds in rules.yaml; the scores are exposed for calibration (bench/bench_checks.py --calibrate).
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import numpy as np

from coach.checks.outline.model import Embed, Outline, OutlineNode
from coach.checks.outline.words import GENERIC_WORDS, PUNCT, Tagger, clauses, heading_length
from coach.checks.rules import RuleSet, load_rules


def embed_with(model: Any) -> Embed:
    """The ``embed`` callable for a sentence-transformers model (e.g. ``coach.embed.load_embedder()``)."""

    def embed(texts: list[str]) -> np.ndarray:
        vectors = model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    return embed



# ---- 对仗


@dataclass
class _Shape:
    node: OutlineNode
    text: str
    length: int
    halves: list[str]
    half_lengths: list[int]
    words: list[str]
    pos: list[str]


def _shape(node: OutlineNode, tagger: Tagger) -> _Shape:
    text = node.text.rstrip(PUNCT)
    halves = clauses(text)
    return _Shape(
        node=node,
        text=text,
        length=heading_length(text),
        halves=halves,
        half_lengths=[heading_length(h) for h in halves],
        words=tagger.words(text),
        pos=tagger.pos_pattern(text),
    )


def parallel_entries(
    siblings: Sequence[OutlineNode], rules: RuleSet, tagger: Tagger
) -> list[tuple[OutlineNode, dict[str, Any]]]:
    p = rules.params["parallel"]
    if sum(1 for n in siblings if n.text.strip()) < 2:
        return []
    shapes = [_shape(n, tagger) for n in siblings if n.text.strip()]
    median_len = statistics.median(s.length for s in shapes) or 1
    half_counts = Counter(len(s.halves) for s in shapes)
    common_halves, common_count = half_counts.most_common(1)[0]
    same_structure = len(half_counts) == 1
    half_medians = (
        [statistics.median(s.half_lengths[i] for s in shapes) for i in range(common_halves)] if same_structure else []
    )
    entries = []
    for s in shapes:
        others = [o for o in shapes if o is not s]
        pos_sim = max(SequenceMatcher(None, s.pos, o.pos).ratio() for o in others)
        shares_frame = any(
            s.words and o.words and (s.words[0] == o.words[0] or s.words[-1] == o.words[-1]) for o in others
        )
        reasons = []
        diff = s.length - median_len
        if abs(diff) >= p["length_min_diff"] and abs(diff) / median_len >= p["length_ratio"]:
            reasons.append(f"本条{s.length}字，同级标题一般{int(median_len)}字")
        elif same_structure and common_halves > 1:
            for i, (h_len, h_med) in enumerate(zip(s.half_lengths, half_medians)):
                h_diff = h_len - h_med
                if abs(h_diff) >= p["half_min_diff"] and abs(h_diff) / max(h_med, 1) >= p["half_ratio"]:
                    part = "前半句" if i == 0 else ("后半句" if i == common_halves - 1 else f"第{i + 1}个分句")
                    reasons.append(f"{part}{h_len}字，同级标题的{part}一般{int(h_med)}字")
                    break
        if (
            not reasons
            and len(shapes) >= 3
            and len(s.halves) != common_halves
            and common_count >= 2
            and common_count > len(shapes) / 2
            and pos_sim < p["pos_similarity"]
            and not shares_frame
        ):
            shape_word = "一个分句" if len(s.halves) == 1 else f"{len(s.halves)}个分句"
            common_word = "一个分句" if common_halves == 1 else f"用“，”分成{common_halves}个分句"
            reasons.append(f"本条是{shape_word}，其他同级标题多为{common_word}，句式也不同")
        entries.append(
            (
                s.node,
                {
                    "line": s.node.line,
                    "text": s.node.text,
                    "length": s.length,
                    "half_lengths": s.half_lengths,
                    "pos_similarity": round(pos_sim, 3),
                    "shares_frame": shares_frame,
                    "flag": bool(reasons),
                    "reason": "；".join(reasons),
                },
            )
        )
    return entries


def parallelism_report(siblings: Sequence[OutlineNode], rules: RuleSet | None = None) -> list[dict[str, Any]]:
    """For each sibling: its length and halves, how alike its wording is to the others (part-of-speech
    pattern, shared lead/end word), and whether it is clearly unbalanced (``flag``) with the reason."""
    return [entry for _node, entry in parallel_entries(siblings, rules or load_rules(), Tagger())]


# ---- 不重不漏: sibling overlap


def _weights(texts: Sequence[str], tagger: Tagger) -> tuple[list[list[str]], dict[str, float]]:
    """Content words of each heading and an IDF-like weight over the outline: a word in every heading
    (办公室, 工作) weighs little, and the generic 公文 verbs weigh a third."""
    words = [tagger.content_words(t) for t in texts]
    df: Counter[str] = Counter()
    for ws in words:
        df.update(set(ws))
    n = len(texts)
    weights = {}
    for word, count in df.items():
        w = math.log((n + 1) / count) + 0.1 if n > 2 else 1.0
        if word in GENERIC_WORDS:
            w /= 3
        weights[word] = w
    return words, weights


def lexical_overlap(a_words: Sequence[str], b_words: Sequence[str], weights: dict[str, float]) -> float:
    """Weighted Jaccard of two headings' content words (0 = nothing shared, 1 = the same words)."""
    a, b = set(a_words), set(b_words)
    union = sum(weights.get(w, 1.0) for w in a | b)
    if not union:
        return 0.0
    return sum(weights.get(w, 1.0) for w in a & b) / union


def sibling_pairs(
    outline: Outline, max_group: int | None = None
) -> list[tuple[OutlineNode, OutlineNode, list[OutlineNode]]]:
    """Every pair of named siblings, with their whole sibling group (groups larger than ``max_group``
    are left out: thousands of "siblings" are a list, not an outline)."""
    pairs = []
    for _parent, siblings in outline.sibling_groups():
        if max_group is not None and len(siblings) > max_group:
            continue
        named = [n for n in siblings if n.text.strip()]
        for i, a in enumerate(named):
            for b in named[i + 1 :]:
                pairs.append((a, b, named))
    return pairs


@dataclass(frozen=True)
class OverlapScore:
    a: OutlineNode
    b: OutlineNode
    lexical: float  # weighted Jaccard of content words, the group's frame words left out
    cosine: float | None  # embedding cosine (None without an embedder)
    relative: float | None  # cosine minus the typical cosine of the other sibling pairs around it
    shared: list[str]  # the shared content words, most telling first

    def score(self, lexical_weight: float) -> float | None:
        """The combined score that is compared with ``params.overlap.combined``."""
        if self.relative is None:
            return None
        return self.relative + lexical_weight * self.lexical


def overlap_scores(
    outline: Outline,
    embed: Embed | None = None,
    *,
    baseline: float = 0.31,
    max_group: int | None = None,
    tagger: Tagger | None = None,
) -> list[OverlapScore]:
    """Scores for every pair of siblings. Exposed for calibration (bench/bench_checks.py --calibrate).

    Parallel siblings share a frame (“要不断提高政治判断力 / 领悟力 / 执行力”), so their raw embedding
    cosine is high whether or not they overlap. What tells an overlap is a pair *more* alike than the
    other pairs of the same group: ``relative`` = cosine − median cosine of the group's other pairs
    (for a group of two, of all other sibling pairs in the outline, or ``baseline`` when there are none).
    The lexical score likewise leaves out the frame words every sibling of a group of three or more shares
    (“保持良好学习态度 / 树立良好学习思路 / 保证良好学习纪律”)."""
    pairs = sibling_pairs(outline, max_group)
    if not pairs:
        return []
    nodes = [n for n in outline.nodes() if n.text.strip()]
    words, weights = _weights([n.text for n in nodes], tagger or Tagger())
    words_of = {id(n): ws for n, ws in zip(nodes, words)}
    frames: dict[int, set[str]] = {}
    for _a, _b, group in pairs:
        key = id(group[0])
        if key not in frames:
            sets = [set(words_of.get(id(n), [])) for n in group]
            frames[key] = set.intersection(*sets) if len(group) >= 3 else set()
    cosines: dict[tuple[int, int], float] = {}
    if embed is not None:
        embedded = list({id(n): n for a, b, _g in pairs for n in (a, b)}.values())
        vectors = np.asarray(embed([n.text for n in embedded]), dtype=np.float32)
        index = {id(n): i for i, n in enumerate(embedded)}
        for a, b, _g in pairs:
            cosines[(id(a), id(b))] = float(vectors[index[id(a)]] @ vectors[index[id(b)]])
    by_group: dict[int, list[float]] = {}
    for a, b, group in pairs:
        if (id(a), id(b)) in cosines:
            by_group.setdefault(id(group[0]), []).append(cosines[(id(a), id(b))])
    for values in by_group.values():
        values.sort()
    everywhere = sorted(cosines.values())
    out = []
    for a, b, group in pairs:
        frame = frames[id(group[0])]
        wa = [w for w in words_of.get(id(a), []) if w not in frame]
        wb = [w for w in words_of.get(id(b), []) if w not in frame]
        lex = lexical_overlap(wa, wb, weights)
        shared = sorted(set(wa) & set(wb), key=lambda w: -weights.get(w, 1.0))
        cos = cosines.get((id(a), id(b)))
        relative = None
        if cos is not None:
            same_group = by_group[id(group[0])]
            reference = same_group if len(same_group) >= 3 else everywhere
            typical = _median_without(reference, cos) if len(reference) >= 3 else baseline
            relative = cos - typical
        out.append(OverlapScore(a, b, lex, cos, relative, shared))
    return out


def _median_without(sorted_values: list[float], value: float) -> float:
    """Median of ``sorted_values`` with one occurrence of ``value`` left out, without copying the list."""
    k = bisect.bisect_left(sorted_values, value)
    m = len(sorted_values) - 1

    def at(i: int) -> float:
        return sorted_values[i if i < k else i + 1]

    return (at((m - 1) // 2) + at(m // 2)) / 2


# ---- relation to the thesis


def thesis_scores(
    outline: Outline, thesis: str, embed: Embed | None = None, tagger: Tagger | None = None
) -> list[tuple[OutlineNode, float, float | None]]:
    """(top-level node, shared-word score, cosine or None) of each top-level point against the thesis."""
    roots = [n for n in outline.roots if n.text.strip()]
    if not roots:
        return []
    subtree = [n.subtree_text() for n in roots]
    tagger = tagger or Tagger()
    thesis_words = set(tagger.content_words(thesis)) - GENERIC_WORDS
    lexical = []
    for text in subtree:
        words = set(tagger.content_words(text)) - GENERIC_WORDS
        lexical.append(len(words & thesis_words) / len(thesis_words) if thesis_words else 0.0)
    cosines: list[float | None] = [None] * len(roots)
    if embed is not None:
        vectors = np.asarray(embed([thesis] + subtree), dtype=np.float32)
        cosines = [float(vectors[0] @ v) for v in vectors[1:]]
    return list(zip(roots, lexical, cosines))
