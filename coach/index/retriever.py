"""Hybrid search over the corpus: dense (FAISS) + lexical (BM25), fused by reciprocal rank fusion.

Each writing step asks for the passages it needs through its ``RetrievalScope`` (openings for 立意,
headings for 搭骨, body paragraphs for 填肉 …), applied as a filter on both sides before fusion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coach import config
from coach.corpus.types import KINDS, POSITIONS, Passage
from coach.errors import IndexError_
from coach.index.dense import load_dense_index, search_dense
from coach.index.lexical import lexical_scores, load_lexical_index
from coach.index.manifest import Manifest

PASSAGES_NAME = "passages.jsonl"
DENSE_NAME = "dense.faiss"
LEXICAL_DIR = "bm25"

#: the usual RRF constant (Cormack et al. 2009): damps the weight of the very top ranks
RRF_K = 60
#: queries longer than this are cut before search; a 10,000-character "query" is a pasted draft,
#: and its first part says what it is about
MAX_QUERY_CHARS = 1000
MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused score (RRF) in hybrid mode, else the side's own score
    rank: int  # 1-based
    dense_score: float | None = None  # cosine similarity
    lexical_score: float | None = None  # BM25

    def to_dict(self) -> dict[str, Any]:
        p = self.passage
        return {
            "text": p.text,
            "score": round(float(self.score), 6),
            "rank": self.rank,
            "doc": p.doc_id,
            "title": p.title,
            "heading_path": list(p.heading_path),
            "position": p.position,
            "kind": p.kind,
            "id": p.id,
            "start": p.start,
            "end": p.end,
            "source": p.source,
            "dense_score": None if self.dense_score is None else round(float(self.dense_score), 6),
            "lexical_score": None if self.lexical_score is None else round(float(self.lexical_score), 6),
        }


def read_passages(path: Path) -> list[Passage]:
    try:
        with open(path, encoding="utf-8") as fh:
            return [Passage.from_dict(json.loads(line)) for line in fh if line.strip()]
    except (OSError, ValueError, TypeError) as exc:
        raise IndexError_(
            f"段落文件 {path} 无法读取（已损坏或不完整）。请运行 coach index build --force 重新构建索引。"
        ) from exc


def write_passages(passages: list[Passage], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")


class Retriever:
    """A loaded index: passages, their FAISS and BM25 indexes, and the model that embeds queries."""

    def __init__(self, folder: Path, manifest: Manifest, passages: list[Passage], dense, lexical, embedder):
        self.folder = folder
        self.manifest = manifest
        self.passages = passages
        self.dense = dense
        self.lexical = lexical
        self.embedder = embedder
        self._positions = np.array([POSITIONS.index(p.position) for p in passages], dtype=np.int8)
        self._kinds = np.array([KINDS.index(p.kind) for p in passages], dtype=np.int8)

    @classmethod
    def load(cls, folder: Path | str, model: str | None = None, embedder=None) -> "Retriever":
        """Open the index in ``folder``. ``model`` (name or path) must be the one that built it;
        None means the model the manifest names."""
        from coach.embed import load_encoder, model_id

        folder = Path(folder)
        manifest = Manifest.load(folder)
        chosen = model or config.embed_model_setting()
        if chosen is not None and model_id(chosen) != manifest.model_id:
            raise IndexError_(
                f"索引 {folder} 是用模型“{manifest.model_id}”构建的，而现在选择的是“{model_id(chosen)}”。"
                f"两者的向量不能混用：请运行 coach index build --model {chosen} 重新构建索引，"
                f"或改回模型 {manifest.model}。"
            )
        manifest.verify_files(folder)
        passages = read_passages(folder / PASSAGES_NAME)
        dense = load_dense_index(folder / DENSE_NAME)
        lexical = load_lexical_index(folder / LEXICAL_DIR)
        if len(passages) != manifest.passage_count or dense.ntotal != manifest.passage_count:
            raise IndexError_(
                f"索引 {folder} 的各个文件彼此不一致（段落 {len(passages)} 条，向量 {dense.ntotal} 条，"
                f"清单记录 {manifest.passage_count} 条）。请运行 coach index build --force 重新构建索引。"
            )
        if embedder is None:
            embedder = load_encoder(chosen or manifest.model)
        return cls(folder, manifest, passages, dense, lexical, embedder)

    # --- search -------------------------------------------------------------------------------

    def _mask(self, positions, kinds) -> np.ndarray | None:
        if positions is None and kinds is None:
            return None
        mask = np.ones(len(self.passages), dtype=bool)
        if positions is not None:
            mask &= np.isin(self._positions, [POSITIONS.index(p) for p in positions if p in POSITIONS])
        if kinds is not None:
            mask &= np.isin(self._kinds, [KINDS.index(k) for k in kinds if k in KINDS])
        return mask

    def embed_query(self, query: str) -> np.ndarray:
        vec = self.embedder.encode([query], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vec[0], dtype=np.float32)

    def search(
        self,
        query: str,
        k: int = 5,
        step: str | None = None,
        positions: tuple[str, ...] | list[str] | None = None,
        kinds: tuple[str, ...] | list[str] | None = None,
        mode: str = "hybrid",
    ) -> list[Hit]:
        """The ``k`` best passages for ``query``; ``step`` (key or 立意/搭骨/…) applies that step's scope."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        query = (query or "").strip()[:MAX_QUERY_CHARS]
        if not query or k <= 0 or not self.passages:
            return []
        if step is not None:
            from coach.steps import get_step

            scope = get_step(step).scope
            positions = positions if positions is not None else scope.positions
            kinds = kinds if kinds is not None else scope.kinds
        mask = self._mask(positions, kinds)
        allowed = None if mask is None else np.flatnonzero(mask)
        if allowed is not None and len(allowed) == 0:
            return []
        depth = max(50, 5 * k)

        dense_rank: dict[int, int] = {}
        dense_score: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            ids, scores = search_dense(self.dense, self.embed_query(query), depth, allowed)
            for r, (i, s) in enumerate(zip(ids.tolist(), scores.tolist()), start=1):
                dense_rank[i] = r
                dense_score[i] = s

        lex_rank: dict[int, int] = {}
        lex_score: dict[int, float] = {}
        if mode in ("hybrid", "lexical"):
            scores = lexical_scores(self.lexical, query, mask)
            if scores is not None:
                top = np.argpartition(-scores, min(depth, len(scores) - 1))[:depth]
                top = top[np.argsort(-scores[top], kind="stable")]
                for r, i in enumerate(top.tolist(), start=1):
                    if scores[i] <= 0:
                        break
                    lex_rank[i] = r
                    lex_score[i] = float(scores[i])

        if mode == "dense":
            fused = {i: dense_score[i] for i in dense_rank}
        elif mode == "lexical":
            fused = dict(lex_score)
        else:
            fused = {}
            for ranks in (dense_rank, lex_rank):
                for i, r in ranks.items():
                    fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + r)
        order = sorted(fused, key=lambda i: (-fused[i], -dense_score.get(i, -1.0), i))[:k]
        return [
            Hit(
                passage=self.passages[i],
                score=fused[i],
                rank=n,
                dense_score=dense_score.get(i),
                lexical_score=lex_score.get(i),
            )
            for n, i in enumerate(order, start=1)
        ]
