"""The search index: FAISS (dense) + BM25 over jieba tokens (lexical), fused by reciprocal rank fusion.

Typical use::

    retriever = open_retriever()            # builds the default index on first use
    hits = retriever.search("怎样让稿子有说服力", k=5, step="填肉")
"""

from __future__ import annotations

from pathlib import Path

from coach import config
from coach.index.build import BuildResult, build_index, default_corpus_paths
from coach.index.manifest import Manifest
from coach.index.retriever import Hit, Retriever


def open_retriever(index_dir: Path | str | None = None, model: str | None = None, *, build_if_missing: bool = True,
                   progress=None) -> Retriever:
    """Load the index in ``index_dir`` (default: the app's own). The default index is built first
    when it does not exist yet; any other folder must have been built with ``coach index build``."""
    folder = Path(index_dir) if index_dir is not None else config.default_index_dir()
    if build_if_missing and index_dir is None and not (folder / "manifest.json").exists():
        build_index(out=folder, model=model, progress=progress)
    return Retriever.load(folder, model=model)


__all__ = ["BuildResult", "Hit", "Manifest", "Retriever", "build_index", "default_corpus_paths", "open_retriever"]
