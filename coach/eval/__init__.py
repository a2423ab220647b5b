"""Retrieval evaluation: a labeled query set over the seed speeches, and recall@k / MRR.

The query set (``retrieval_queries.jsonl``, one JSON object a line) names relevant passages by
*substrings* copied from the seed texts, not by passage ids, so it stays valid whatever chunker cut
the passages: a passage is relevant to a query when its text contains one of the query's substrings.

Fields of a query: ``query`` (str), ``relevant`` (list of substrings), ``type`` ("paraphrase" — few
words shared with the passage — or "lexical"), ``split`` ("dev" to tune on, "test" to report, "heldout": paraphrases written after the first tuning, never
tuned on; "heldout2": a second set of colloquial paraphrases — 背锅 ↔ 担责, 打回去重写 ↔ 退回重新拟稿 — written
before the query-expansion work of issue 11 and never looked at query by query while tuning it). Settings
(the relevance floor, expansion weights) are chosen on ``TUNING_SPLITS`` only; every other split, including
a split name this module does not know, is reported and never tuned on. ``offtopic_queries.jsonl`` holds queries the corpus has nothing for (安全生产、请示、防汛 …),
used with the labeled set to calibrate the relevance floor (``floor_calibration``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

DEFAULT_QUERIES_PATH = Path(__file__).resolve().parent / "retrieval_queries.jsonl"

QUERY_TYPES = ("paraphrase", "lexical")
SPLITS = ("dev", "test", "heldout", "heldout2")
#: the splits settings may be chosen on; the held-out ones (and any unknown split) only report
TUNING_SPLITS = ("dev", "test")
HELDOUT_SPLITS = ("heldout", "heldout2")


def is_tuning_split(split: str | None) -> bool:
    """True for the splits settings may be tuned on (a query without a split is dev, as in load_queries)."""
    return (split or "dev") in TUNING_SPLITS
OFFTOPIC_QUERIES_PATH = Path(__file__).resolve().parent / "offtopic_queries.jsonl"


def load_offtopic(path: str | Path | None = None) -> list[str]:
    path = Path(path) if path is not None else OFFTOPIC_QUERIES_PATH
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["query"] for line in f if line.strip()]


def floor_calibration(
    best_relevance: Callable[[str], float | None],
    queries: Sequence[dict[str, Any]],
    offtopic: Sequence[str],
    floors: Iterable[float],
) -> list[dict[str, Any]]:
    """For each candidate floor: the share of labeled queries whose best relevant passage reaches it
    (``kept``: they would still get their answer) and the share of off-topic queries whose best passage
    of any kind stays below it (``absent``: the UI says honestly that nothing fits).

    ``best_relevance(query, relevant=None)`` returns the highest relevance among the candidates (those
    containing one of ``relevant``'s substrings when given), or None when there is none."""
    on = [best_relevance(q["query"], q["relevant"]) for q in queries]
    off = [best_relevance(q, None) for q in offtopic]
    rows = []
    for floor in floors:
        rows.append({
            "floor": round(float(floor), 3),
            "kept": sum(1 for v in on if v is not None and v >= floor) / len(on) if on else 0.0,
            "absent": sum(1 for v in off if v is None or v < floor) / len(off) if off else 0.0,
        })
    return rows


def load_queries(
    path: str | Path | None = None, *, split: str | None = None, query_type: str | None = None
) -> list[dict[str, Any]]:
    """The labeled queries from ``path`` (default: the project's set), optionally one split/type only."""
    path = Path(path) if path is not None else DEFAULT_QUERIES_PATH
    queries: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            missing = {"query", "relevant"} - item.keys()
            if missing or not isinstance(item["relevant"], list) or not item["relevant"]:
                raise ValueError(f"{path}:{line_no}: 每条查询需要 query 和非空的 relevant 列表")
            item.setdefault("type", "lexical")
            item.setdefault("split", "dev")
            queries.append(item)
    if split is not None:
        queries = [q for q in queries if q["split"] == split]
    if query_type is not None:
        queries = [q for q in queries if q["type"] == query_type]
    return queries


def passage_text(passage: Any) -> str:
    """Text of a passage given as a ``Passage``, a dict with "text", or a plain string."""
    if isinstance(passage, str):
        return passage
    if isinstance(passage, dict):
        return passage["text"]
    return passage.text


def relevant_indices(passages: Sequence[Any], query: dict[str, Any]) -> set[int]:
    """Indices of the passages that contain one of the query's relevant substrings."""
    texts = [passage_text(p) for p in passages]
    return {i for i, text in enumerate(texts) if any(sub in text for sub in query["relevant"])}


def evaluate(
    rank_fn: Callable[[str], Iterable[int]],
    passages: Sequence[Any],
    queries: Sequence[dict[str, Any]],
    k: int = 5,
) -> dict[str, Any]:
    """Score a retriever on labeled queries.

    ``rank_fn(query_text)`` returns passage indices best first (at least ``k`` of them, more lets
    MRR see deeper). ``recall@k`` is the share of queries with at least one relevant passage in the
    top ``k`` (the labels mark the one place that answers a query, so hit rate is the recall that
    matters); ``mrr`` is the mean of 1/rank of the first relevant passage (0 when none is returned).
    Queries whose substrings sit in no passage count as misses and are listed under ``unmatched``,
    because that usually means a chunker cut through the labeled sentence.
    """
    texts = [passage_text(p) for p in passages]
    per_query: list[dict[str, Any]] = []
    for query in queries:
        relevant = {i for i, text in enumerate(texts) if any(sub in text for sub in query["relevant"])}
        ranking = list(rank_fn(query["query"]))
        first = next((rank for rank, idx in enumerate(ranking, 1) if idx in relevant), None)
        per_query.append(
            {
                "query": query["query"],
                "type": query.get("type", "lexical"),
                "split": query.get("split", "dev"),
                "n_relevant": len(relevant),
                "first_relevant_rank": first,
                "hit": first is not None and first <= k,
                "reciprocal_rank": 1.0 / first if first else 0.0,
            }
        )
    result = _summary(per_query, k)
    result["by_type"] = {
        t: _summary([r for r in per_query if r["type"] == t], k)
        for t in sorted({r["type"] for r in per_query})
    }
    result["by_split"] = {
        sp: _summary([r for r in per_query if r["split"] == sp], k)
        for sp in sorted({r["split"] for r in per_query})
    }
    result["by_split_type"] = {
        f"{sp}/{t}": _summary([r for r in per_query if r["split"] == sp and r["type"] == t], k)
        for sp in sorted({r["split"] for r in per_query})
        for t in sorted({r["type"] for r in per_query if r["split"] == sp})
    }
    result["unmatched"] = [r["query"] for r in per_query if r["n_relevant"] == 0]
    result["per_query"] = per_query
    return result


def _summary(rows: list[dict[str, Any]], k: int) -> dict[str, Any]:
    n = len(rows)
    return {
        "k": k,
        "n": n,
        f"recall@{k}": sum(r["hit"] for r in rows) / n if n else 0.0,
        "mrr": sum(r["reciprocal_rank"] for r in rows) / n if n else 0.0,
    }


__all__ = ["DEFAULT_QUERIES_PATH", "HELDOUT_SPLITS", "OFFTOPIC_QUERIES_PATH", "SPLITS", "TUNING_SPLITS", "evaluate",
           "is_tuning_split", "floor_calibration", "load_offtopic",
           "load_queries", "passage_text", "relevant_indices"]
