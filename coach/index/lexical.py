"""Lexical side of search: BM25 over jieba tokens, with bm25s.

bm25s was chosen over rank-bm25 because it precomputes a sparse score matrix, so a query costs a few
sparse row sums instead of a pass over every document (measured in bench/bench_retrieval.py), and it
saves as .npy/.json files, not pickles.
"""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from coach.errors import IndexError_
from coach.index.tokenize import lexical_tokens


def build_lexical_index(texts: list[str]) -> bm25s.BM25:
    retriever = bm25s.BM25()
    # An empty token list breaks bm25s' vocabulary; a placeholder keeps the document countable.
    corpus_tokens = [lexical_tokens(t) or ["\u2205"] for t in texts]
    retriever.index(corpus_tokens, show_progress=False)
    return retriever


def save_lexical_index(index: bm25s.BM25, folder: Path) -> None:
    index.save(str(folder), show_progress=False, allow_pickle=False)


def load_lexical_index(folder: Path) -> bm25s.BM25:
    try:
        return bm25s.BM25.load(str(folder), show_progress=False, allow_pickle=False, mmap=False)
    except Exception as exc:  # bm25s raises a mix of ValueError/OSError/JSONDecodeError on bad files
        raise IndexError_(
            f"词法索引 {folder} 无法读取（已损坏或不完整）。请运行 coach index build --force 重新构建索引。"
        ) from exc


def lexical_scores(index: bm25s.BM25, query: str | list[str], mask: np.ndarray | None = None) -> np.ndarray | None:
    """BM25 score of every passage for ``query`` (text, or its lexical tokens; masked passages get 0), or None
    if no query word is known."""
    ids = index.get_tokens_ids(lexical_tokens(query) if isinstance(query, str) else list(query))
    if not ids:
        return None
    weights = None if mask is None else mask.astype(np.float32)
    return index.get_scores(ids, weight_mask=weights)
