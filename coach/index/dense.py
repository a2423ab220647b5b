"""Dense side of search: FAISS inner product over L2-normalised vectors (= cosine similarity).

Small corpora get an exact flat index; past ``HNSW_THRESHOLD`` passages an HNSW graph is built instead
(the crossover was measured in bench/bench_retrieval_scale.py; see BENCHMARKS.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from coach.errors import IndexError_

#: passage count from which the approximate index pays off (flat search time grows linearly)
HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96


@contextmanager
def omp_threads(count: int) -> Iterator[None]:
    """Run FAISS with ``count`` OpenMP threads, then restore the previous setting.

    One query against a few thousand vectors is a fraction of a millisecond of work: OpenMP threads only
    add spin-waiting, and on a busy 2-core machine that took hybrid search at 10k passages from 1.3 ms
    to 9.8 ms p50 (measured). Building an HNSW graph, on the other hand, does use every core.
    """
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


def choose_index_type(count: int) -> str:
    return "hnsw" if count >= HNSW_THRESHOLD else "flat"


def build_dense_index(vectors: np.ndarray, index_type: str | None = None) -> faiss.Index:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    index_type = index_type or choose_index_type(len(vectors))
    if index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif index_type == "flat":
        index = faiss.IndexFlatIP(dim)
    else:
        raise ValueError(f"unknown dense index type {index_type!r}")
    if len(vectors):
        with omp_threads(os.cpu_count() or 1):
            index.add(vectors)
    return index


def index_type_of(index: faiss.Index) -> str:
    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


def save_dense_index(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_dense_index(path: Path) -> faiss.Index:
    try:
        return faiss.read_index(str(path))
    except RuntimeError as exc:  # FAISS reports truncated/garbled files as RuntimeError
        raise IndexError_(
            f"向量索引文件 {path} 无法读取（已损坏或不完整）。请运行 coach index build --force 重新构建索引。"
        ) from exc


def search_dense(
    index: faiss.Index, query: np.ndarray, depth: int, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top ``depth`` (ids, scores) for one normalised query vector, restricted to ``allowed`` ids if given."""
    depth = min(depth, index.ntotal)
    if depth <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    with omp_threads(1):
        return _search_one(index, query, depth, allowed)


def _search_one(index: faiss.Index, query: np.ndarray, depth: int, allowed: np.ndarray | None):
    if allowed is None:
        scores, ids = index.search(query, depth)
    else:
        if len(allowed) == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        if isinstance(index, faiss.IndexHNSW):
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, depth))
        else:
            params = faiss.SearchParameters(sel=selector)
        depth = min(depth, len(allowed))
        scores, ids = index.search(query, depth, params=params)
        if isinstance(index, faiss.IndexHNSW) and (ids[0] < 0).any():
            # A narrow filter can strand the graph walk; score the allowed rows exactly instead.
            vectors = index.reconstruct_batch(np.ascontiguousarray(allowed, dtype=np.int64))
            exact = vectors @ query[0]
            order = np.argsort(-exact)[:depth]
            return allowed[order].astype(np.int64), exact[order]
    keep = ids[0] >= 0
    return ids[0][keep], scores[0][keep]
