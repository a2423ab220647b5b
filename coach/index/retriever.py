"""Hybrid search over the corpus: dense (FAISS) + lexical (BM25), fused by reciprocal rank fusion.

Each writing step asks for the passages it needs through its ``RetrievalScope`` (openings for 立意,
headings for 搭骨, body paragraphs for 填肉 …), applied as a filter on both sides before fusion.

Four ranked lists are fused: the passage vectors (FAISS); BM25 over jieba tokens (with the query's words
the corpus never uses expanded into corpus words, see ``expansion``); the candidates of those two ranked
again by their best single sentence (a colloquial query usually restates one sentence of a passage, and a
passage's mean vector dilutes it); and BM25's candidates that hold every word of the query. When an LLM is configured the query is also rewritten
into official phrasing (``coach.index.rewrite``) and the rewritten query's lists join the fusion.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from coach import config
from coach.corpus.types import KINDS, ORIGIN_LABELS, POSITIONS, Passage
from coach.errors import IndexError_
from coach.index.dense import load_dense_index, omp_threads, search_dense
from coach.index.lexical import lexical_scores, load_lexical_index
from coach.index.manifest import Manifest
from coach.index.tokenize import lexical_tokens

log = logging.getLogger(__name__)

PASSAGES_NAME = "passages.jsonl"
DENSE_NAME = "dense.faiss"
LEXICAL_DIR = "bm25"

#: the usual RRF constant (Cormack et al. 2009): damps the weight of the very top ranks
RRF_K = 60
#: queries longer than this are cut before search; a 10,000-character "query" is a pasted draft,
#: and its first part says what it is about
MAX_QUERY_CHARS = 1000
MODES = ("hybrid", "dense", "lexical")

#: Relevance floor, calibrated with ``coach eval retrieval`` on the labeled dev+test queries (coach/eval/) and
#: the off-topic queries in coach/eval/offtopic_queries.jsonl (安全生产、请示、防汛 …): a passage is shown only
#: when cosine + COVERAGE_WEIGHT × (IDF-weighted share of the query's words it contains) reaches it.
#: At 0.42 on the seeds 88% of the labeled queries still reach their answer and 71% of the off-topic ones come
#: back empty (0.44: 82% / 82%); the static model cannot separate the two completely (see BENCHMARKS.md).
RELEVANCE_FLOOR = 0.42
COVERAGE_WEIGHT = 0.3
#: weights in the fusion (lexical 1.0): the passage vectors, and the sentence-level list — the dense and
#: lexical candidates ranked by the cosine of their best sentence (of ≥ SENTENCE_MIN_CHARS characters). Both
#: are the embedding model's opinion, so together they weigh what BM25 weighs: at 1.0 + 1.0 a passage that
#: only BM25 finds (an exact phrase) was outvoted by two dense lists. On the 65-query dev split the sentence
#: list took paraphrase recall@5 0.73 → 0.79 and lexical 0.94 → 0.97; 0.5 + 0.5 against 1.0 + 1.0: same
#: recall, MRR 0.61 → 0.63 (paraphrase) and 0.92 → 0.95 (lexical)
DENSE_WEIGHT = 0.5
SENTENCE_WEIGHT = 0.5
SENTENCE_MIN_CHARS = 4
#: weight of the list of BM25's candidates that contain every word of the query (two or more words; a query
#: word the corpus never uses rules this out): what the writer literally asked for. Without it an exact
#: match that the embedding model misses (参谋部 指挥部 后勤部: BM25 1st, both dense lists far down) fell to
#: 7th; with it dev lexical recall@5 0.97 → 1.00, MRR 0.95 → 1.00, paraphrases unchanged
ALL_WORDS_WEIGHT = 1.0
#: query expansion: a query word the corpus never uses (踢皮球) is looked up among the corpus's own words by
#: the embedding model's word vectors (→ 扯皮). Of its EXPAND_FETCH nearest words at cosine ≥
#: EXPAND_MIN_COSINE, the first EXPAND_NEIGHBOURS that co-occur in some passage with one of the query's
#: known words join the lexical query at EXPAND_WEIGHT. The static model's nearest words are often mere
#: look-alikes (shared characters); one the corpus never uses beside the query's other words is most likely
#: one of those, so with the corpus's own co-occurrence as a check more neighbours can be let in. Dev (65
#: queries), paraphrase recall@5 / MRR: no expansion 0.73 / 0.54, 2 neighbours unchecked (before) 0.76 / 0.61,
#: 4 unchecked 0.79 / 0.61, 4 checked 0.79 / 0.63, 8 checked 0.76 / 0.57
EXPAND_NEIGHBOURS = 4
#: before the embedding neighbours: up to EXPAND_SYNONYMS of the word's synonyms in 同义词词林 (coach.index.
#: synonyms) that the corpus uses, with the same co-occurrence check (踢皮球 → 推诿, which the static model
#: does not reach); the thesaurus's polysemy (对象 → 情人) is what the check is for
EXPAND_SYNONYMS = 3
EXPAND_FETCH = 20
EXPAND_MIN_COSINE = 0.4
EXPAND_WEIGHT = 1.0
#: weight in the fusion of each list of the LLM's rewritten query (the writer's own query keeps 1.0)
REWRITE_WEIGHT = 1.0
#: a 8-character run shared with the writer's text marks a passage as theirs (see own_documents)
SHINGLE = 8
#: share of a corpus document's shingles found in the writer's text from which the document is theirs
OWN_DOC_SHARE = 0.3


class Hits(list):
    """The hits of one search, best first, plus what the search knows about the answer as a whole:
    ``absent`` is True when nothing in the corpus reaches the relevance floor (the UI should say so and
    offer the upload, not show weak passages as “相近的”); ``dropped`` counts passages left out below the
    floor; ``excluded_docs`` are the documents left out as the writer's own."""

    def __init__(self, hits=(), *, absent: bool = False, dropped: int = 0, floor: float | None = None,
                 excluded_docs: tuple[str, ...] = (), rewritten: str = ""):
        super().__init__(hits)
        self.absent = absent
        self.dropped = dropped
        self.floor = floor
        self.excluded_docs = excluded_docs
        # the LLM's official rephrasing the search also used ("" when none: no LLM, or it failed)
        self.rewritten = rewritten

    def to_dict(self) -> dict[str, Any]:
        return {
            "hits": [h.to_dict() for h in self],
            "absent": self.absent,
            "message": ABSENT_MESSAGE if self.absent else "",
            "dropped": self.dropped,
            "floor": self.floor,
            "excluded_docs": list(self.excluded_docs),
            "rewritten": self.rewritten,
        }


ABSENT_MESSAGE = "语料库里没有相近的范文，可以在 管理语料库 上传"


def _shingles(text: str, n: int = SHINGLE) -> set[str]:
    text = "".join(text.split())
    return {text[i : i + n] for i in range(max(0, len(text) - n + 1))}


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused score (RRF) in hybrid mode, else the side's own score
    rank: int  # 1-based
    dense_score: float | None = None  # cosine similarity
    lexical_score: float | None = None  # BM25
    relevance: float | None = None  # cosine + weighted query-word coverage: what the floor is compared with
    # for a heading: the headings directly under it, so 搭骨 can show a skeleton, not a lone heading
    outline: tuple[str, ...] = ()
    # for an opening or closing passage: the speech's whole opening/closing, the unit 立意/成器 learn from
    # (greeting → background → purpose → “讲几点意见”); "" when the passage already is all of it
    unit: str = ""
    # for a passage of one of our model texts: the whole model text (title, 主送机关 … 落款), short enough to
    # show in full, since a 请示's lesson is its whole form
    whole: str = ""

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
            "relevance": None if self.relevance is None else round(float(self.relevance), 6),
            # the corpus's own errors in this text (offsets into "text"), for the UI to mark: 各各、十跟手指、全*
            "marks": [dict(m) for m in p.marks],
            "outline": list(self.outline),
            "unit": self.unit,
            # 修容's before/after: the passage with the corpus's own errors corrected (原文 → 修改)
            "corrected": corrected_text(p.text, p.marks),
            "genre": p.genre,
            # "model" passages are our own model texts: the UI must show source_label with them, never
            # present them as a real document
            "origin": p.origin,
            "source_label": ORIGIN_LABELS.get(p.origin, ""),
            "whole": self.whole,
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

    def __init__(self, folder: Path, manifest: Manifest, passages: list[Passage], dense, lexical, embedder,
                 rewriter=None):
        self.folder = folder
        # rewrites a query into official phrasing with the configured LLM (coach.index.rewrite); None offline
        self.rewriter = rewriter
        self.manifest = manifest
        self.passages = passages
        self.dense = dense
        self.lexical = lexical
        self.embedder = embedder
        self._positions = np.array([POSITIONS.index(p.position) for p in passages], dtype=np.int8)
        self._kinds = np.array([KINDS.index(p.kind) for p in passages], dtype=np.int8)
        self._genre_names = sorted({p.genre for p in passages})
        code = {g: n for n, g in enumerate(self._genre_names)}
        self._genres = np.array([code[p.genre] for p in passages], dtype=np.int16)
        self._docs: dict[str, list[int]] = {}
        for i, p in enumerate(passages):
            self._docs.setdefault(p.doc_id, []).append(i)
        self._body_of = self._heading_bodies()
        self._sub_headings = self._heading_children()
        self._units: dict[tuple[str, str], str] = {}
        for p in passages:
            if p.position in ("opening", "closing"):
                key = (p.doc_id, p.position)
                self._units[key] = self._units[key] + "\n" + p.text if key in self._units else p.text
        self._wholes: dict[str, str] = {}
        for doc, idx in self._docs.items():
            first = passages[idx[0]]
            if first.origin == "model":
                self._wholes[doc] = "\n".join([first.title, *(passages[i].text for i in idx)])
        self._own_cache: dict = {}  # writer's text -> own documents / its squashed form
        indptr = np.asarray(lexical.scores["indptr"])
        self._df = np.diff(indptr)
        self._indptr = indptr
        self._indices = _sorted_columns(np.asarray(lexical.scores["indices"]), indptr)
        self._vocab_words: list[str] | None = None
        self._vocab_vectors: np.ndarray | None = None
        self._sentence_vectors: np.ndarray | None = None
        self._sentence_starts: np.ndarray | None = None

    def _unit_of(self, p: Passage) -> str:
        whole = self._units.get((p.doc_id, p.position), "")
        return whole if whole and whole != p.text else ""

    def _heading_children(self) -> dict[int, tuple[str, ...]]:
        """heading passage -> the labels of the headings one level below it (its part of the skeleton)."""
        out: dict[int, list[str]] = {}
        open_by_path: dict[tuple[str, ...], int] = {}
        for i, p in enumerate(self.passages):
            if p.kind != "heading" or not p.heading_path:
                continue
            key = (p.doc_id, *p.heading_path)
            open_by_path[key] = i
            parent = open_by_path.get((p.doc_id, *p.heading_path[:-1]))
            if parent is not None and len(p.heading_path) > 1:
                out.setdefault(parent, []).append(p.heading_path[-1])
        return {i: tuple(v) for i, v in out.items()}

    def _heading_bodies(self) -> dict[int, int]:
        """heading passage -> the first paragraph under it (the body it introduces)."""
        out = {}
        for i, p in enumerate(self.passages):
            if p.kind != "heading":
                continue
            for j in range(i + 1, min(i + 40, len(self.passages))):
                q = self.passages[j]
                if q.doc_id != p.doc_id or q.heading_path[: len(p.heading_path)] != p.heading_path:
                    break
                if q.kind == "paragraph":
                    out[i] = j
                    break
        return out

    @classmethod
    def load(cls, folder: Path | str, model: str | None = None, embedder=None, rewriter="auto") -> "Retriever":
        """Open the index in ``folder``. ``model`` (name or path) must be the one that built it;
        None means the model the manifest names. ``rewriter``: "auto" rewrites queries with the LLM the
        environment configures (COACH_LLM_*, see ``coach.index.rewrite.rewriter_from_env``), None never."""
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
        if rewriter == "auto":
            from coach.index.rewrite import rewriter_from_env

            rewriter = rewriter_from_env()
        return cls(folder, manifest, passages, dense, lexical, embedder, rewriter=rewriter)

    # --- search -------------------------------------------------------------------------------

    def genre_counts(self) -> dict[str, int]:
        """文种 -> how many documents of it the corpus holds ("" = documents whose genre is unknown)."""
        out: dict[str, int] = {}
        for idx in self._docs.values():
            g = self.passages[idx[0]].genre
            out[g] = out.get(g, 0) + 1
        return out

    def _mask(self, positions, kinds, genres=None) -> np.ndarray | None:
        if positions is None and kinds is None and genres is None:
            return None
        mask = np.ones(len(self.passages), dtype=bool)
        if genres is not None:
            wanted = [n for n, g in enumerate(self._genre_names) if g in set(genres)]
            mask &= np.isin(self._genres, wanted)
        if positions is not None:
            mask &= np.isin(self._positions, [POSITIONS.index(p) for p in positions if p in POSITIONS])
        if kinds is not None:
            mask &= np.isin(self._kinds, [KINDS.index(k) for k in kinds if k in KINDS])
        return mask

    def embed_query(self, query: str) -> np.ndarray:
        """The query's vector, from its text without digits (``dense_query_text``)."""
        vec = self.embedder.encode([dense_query_text(query)], normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False)
        return np.asarray(vec[0], dtype=np.float32)

    def _sentences(self) -> tuple[np.ndarray, np.ndarray]:
        """Every passage's sentences embedded (float16: half the memory, ≈ 27 MB at 10k passages; the scores
        of a few hundred rows are computed in float32), with the first row of each passage. Built on the
        first hybrid search from the passages, not stored in the index: the static model embeds the seeds'
        ~1,000 sentences in a few tens of milliseconds (10k passages: see BENCHMARKS.md)."""
        if self._sentence_vectors is None:
            sentences: list[str] = []
            starts = [0]
            for p in self.passages:
                parts = [x.strip() for x in _SENTENCE.findall(p.text)]
                parts = [x for x in parts if len(x) >= SENTENCE_MIN_CHARS] or [p.text]
                sentences.extend(parts)
                starts.append(len(sentences))
            vectors = self.embedder.encode(sentences, batch_size=1024, normalize_embeddings=True,
                                           convert_to_numpy=True, show_progress_bar=False)
            self._sentence_vectors = np.asarray(vectors, dtype=np.float16)
            self._sentence_starts = np.asarray(starts, dtype=np.int64)
        return self._sentence_vectors, self._sentence_starts

    def sentence_scores(self, qvec: np.ndarray, ids) -> np.ndarray:
        """For each passage in ``ids``: the cosine of its sentence closest to the query vector."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids):
            return np.zeros(0, dtype=np.float32)
        vectors, starts = self._sentences()
        first, counts = starts[ids], starts[ids + 1] - starts[ids]
        offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
        rows = np.repeat(first - offsets, counts) + np.arange(int(counts.sum()))
        sims = vectors[rows].astype(np.float32) @ qvec
        return np.maximum.reduceat(sims, offsets)

    def answer_texts(self) -> list[str]:
        """Per passage, the text it answers for: its own, plus the heading it is the body of. A paragraph
        search returns a heading's first paragraph in the heading's place (see ``search``), so a query
        labeled with the heading's words is answered by it."""
        texts = [p.text for p in self.passages]
        for heading, body in self._body_of.items():
            texts[body] = self.passages[heading].text + "\n" + texts[body]
        return texts

    def _vocabulary(self):
        """The corpus's words (two characters or more) and a FAISS index of their vectors, built once on
        first use (FAISS with one thread, like the dense side: numpy's threaded BLAS spin-waits on a busy
        machine, 8 ms for this product instead of 0.1 ms, measured)."""
        if self._vocab_vectors is None:
            from coach.index.dense import build_dense_index

            words = [w for w in self.lexical.vocab_dict if len(w) >= 2 and w != "\u2205"]
            vectors = None
            if words:
                vectors = build_dense_index(np.asarray(
                    self.embedder.encode(words, normalize_embeddings=True, convert_to_numpy=True,
                                         show_progress_bar=False), dtype=np.float32), "flat")
            self._vocab_words, self._vocab_vectors = words, vectors
        return self._vocab_words, self._vocab_vectors

    def _postings(self, word: str) -> np.ndarray:
        """Sorted ids of the passages that contain ``word`` (empty when the corpus never uses it)."""
        t = self.lexical.vocab_dict.get(word)
        if t is None or t >= len(self._df):
            return self._indices[:0]
        return self._indices[self._indptr[t] : self._indptr[t + 1]]

    def expansion(self, query: str | list[str]) -> list[str]:
        """Corpus words standing in for the query's words the corpus never uses (see EXPAND_*).
        ``query``: the text, or its lexical tokens.

        Hand-written rather than taken from a library: the IR toolkits that do expansion (pyserini's RM3)
        need Java and an index of their own, and RM3 itself (pseudo-relevance feedback on BM25's top
        passages) lost queries on dev here: the top passages of a colloquial query are mostly off topic."""
        if not EXPAND_NEIGHBOURS:
            return []
        tokens = lexical_tokens(query) if isinstance(query, str) else query
        unknown = [t for t in dict.fromkeys(tokens) if len(t) >= 2 and t not in self.lexical.vocab_dict]
        if not unknown:
            return []
        words, index = self._vocabulary()
        if not words:
            return []
        known = [t for t in dict.fromkeys(tokens) if t in self.lexical.vocab_dict]
        # the passages holding one of the query's known words: a neighbour must occur in one of them
        context = None
        if known:
            context = np.zeros(len(self.passages), dtype=bool)
            for t in known:
                context[self._postings(t)] = True
        asked = np.asarray(self.embedder.encode(unknown, normalize_embeddings=True, convert_to_numpy=True,
                                                show_progress_bar=False), dtype=np.float32)
        fetch = min(EXPAND_FETCH if context is not None else EXPAND_NEIGHBOURS, index.ntotal)
        with omp_threads(1):  # all unknown words in one call; one thread, as in search_dense
            all_sims, all_ids = index.search(asked, fetch)
        out: list[str] = []

        def fits(word: str) -> bool:
            return context is None or bool(context[self._postings(word)].any())

        for word, ids, sims in zip(unknown, all_ids, all_sims):
            if EXPAND_SYNONYMS:
                from coach.index.synonyms import synonyms

                same = [w for w in synonyms(word) if len(w) >= 2 and w in self.lexical.vocab_dict and fits(w)]
                out.extend(same[:EXPAND_SYNONYMS])
            taken = 0
            for i, sim in zip(ids.tolist(), sims.tolist()):
                if i < 0:
                    break
                if sim < EXPAND_MIN_COSINE or taken >= EXPAND_NEIGHBOURS:
                    break
                if not fits(words[i]):
                    continue
                out.append(words[i])
                taken += 1
        return list(dict.fromkeys(out))

    # --- relevance, own documents ---------------------------------------------------------------

    def _coverage(self, tokens: list[str], candidates: list[int]) -> np.ndarray:
        """IDF-weighted share of the query's words (``tokens``) that each candidate passage (with its
        headings) contains. Words the corpus never uses weigh the most: a query about 防汛 matches nothing
        here, however many 工作/会议 it shares."""
        if not candidates:
            return np.zeros(0)
        vocab = self.lexical.vocab_dict
        n = len(self.passages)
        cand = np.asarray(candidates)
        got = np.zeros(len(cand))
        total = 0.0
        for token in dict.fromkeys(tokens):
            t = vocab.get(token)
            df = int(self._df[t]) if t is not None and t < len(self._df) else 0
            weight = float(np.log((n + 1) / (df + 0.5)))
            total += weight
            if df:
                docs = self._indices[self._indptr[t] : self._indptr[t + 1]]  # sorted passage ids
                pos = np.minimum(np.searchsorted(docs, cand), len(docs) - 1)
                got += weight * (docs[pos] == cand)
        return got / total if total > 0 else got

    def _dense_top(self, qvec: np.ndarray, depth: int, mask: np.ndarray | None, allowed: np.ndarray | None):
        """Dense top ``depth`` within ``mask``. When the mask keeps most passages (a step's scope, the writer's
        own speech left out) searching everything a little deeper and dropping the rest is cheaper than
        FAISS's id selector, whose set of ~10k ids is rebuilt for every query."""
        n = len(self.passages)
        if allowed is None or len(allowed) < n // 2:
            return search_dense(self.dense, qvec, depth, allowed)
        fetch = min(n, depth * n // len(allowed) + 16)
        ids, scores = search_dense(self.dense, qvec, fetch)
        keep = mask[ids]
        ids, scores = ids[keep][:depth], scores[keep][:depth]
        if len(ids) < min(depth, len(allowed)) and fetch < n:
            return search_dense(self.dense, qvec, depth, allowed)
        return ids, scores

    def _cosines(self, qvec: np.ndarray, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros(0, dtype=np.float32)
        vectors = self.dense.reconstruct_batch(np.asarray(ids, dtype=np.int64))
        return vectors @ qvec

    def own_documents(self, text: str) -> tuple[str, ...]:
        """Documents of the corpus that the writer's ``text`` is made of (the sample project's source speech,
        a draft the writer uploaded): those whose sampled passages share ≥ OWN_DOC_SHARE of their
        8-character runs with it. Quoting one passage does not make a speech the writer's own."""
        key = hash(text)
        if key in self._own_cache:
            return self._own_cache[key]
        mine = _shingles(text)
        own = []
        if mine:
            for doc, idx in self._docs.items():
                step = max(1, len(idx) // 12)  # a dozen passages per document are enough to tell
                sample = [s for i in idx[::step] for s in _shingles(self.passages[i].text)]
                if sample and sum(s in mine for s in sample) / len(sample) >= OWN_DOC_SHARE:
                    own.append(doc)
        if len(self._own_cache) > 64:
            self._own_cache.clear()
        self._own_cache[key] = tuple(own)
        return self._own_cache[key]

    def _squashed(self, text: str) -> str:
        key = ("squashed", hash(text))
        if key not in self._own_cache:
            self._own_cache[key] = "".join(text.split())
        return self._own_cache[key]

    def _excluded(self, exclude_docs, exclude_text) -> tuple[str, ...]:
        wanted = set()
        for item in exclude_docs or ():
            item = str(item)
            wanted.add(item)
            wanted.add(Path(item).name)
            wanted.add(Path(item).stem)
        docs = set()
        if wanted:
            for doc, idx in self._docs.items():
                source = self.passages[idx[0]].source
                if doc in wanted or (source and (source in wanted or Path(source).name in wanted
                                                 or str(Path(source).resolve()) in wanted)):
                    docs.add(doc)
        if exclude_text and exclude_text.strip():
            docs.update(self.own_documents(exclude_text))
        return tuple(sorted(docs))

    # --- search -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        step: str | None = None,
        positions: tuple[str, ...] | list[str] | None = None,
        kinds: tuple[str, ...] | list[str] | None = None,
        mode: str = "hybrid",
        *,
        exclude_docs: tuple[str, ...] | list[str] | None = None,
        exclude_text: str | None = None,
        floor: float | None = None,
        genres: tuple[str, ...] | list[str] | None = None,
        rewrite: bool | None = None,
    ) -> Hits:
        """The ``k`` best passages for ``query``; ``step`` (key or 立意/搭骨/…) applies that step's scope.

        - ``exclude_docs``: doc ids, source paths or file names never to return (the writer's own speech);
        - ``exclude_text``: the writer's text: corpus documents it is made of are left out (``own_documents``),
          and so is any passage it contains;
        - ``floor``: relevance floor (default RELEVANCE_FLOOR, 0 turns it off). Below it a passage is not
          returned; when nothing reaches it the result's ``absent`` is True;
        - ``genres``: only passages of documents of these 文种 (canonical names, see coach.genres);
        - ``rewrite``: False never asks the LLM to rephrase the query (the retriever's ``rewriter``, set when
          an LLM is configured); None/True use it when there is one. ``Hits.rewritten`` says what it gave.

        A heading-only passage is folded into the first paragraph under it (that paragraph is matched with
        its heading path, so it carries the heading's words) unless the scope asks for headings only.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        floor = RELEVANCE_FLOOR if floor is None else float(floor)
        query = (query or "").strip()[:MAX_QUERY_CHARS]
        if not query or k <= 0 or not self.passages:
            return Hits(floor=floor)
        if step is not None:
            from coach.steps import get_step

            scope = get_step(step).scope
            positions = positions if positions is not None else scope.positions
            kinds = kinds if kinds is not None else scope.kinds
        mask = self._mask(positions, kinds, genres)
        excluded = self._excluded(exclude_docs, exclude_text)
        if excluded:
            mask = np.ones(len(self.passages), dtype=bool) if mask is None else mask.copy()
            for doc in excluded:
                mask[self._docs[doc]] = False
        allowed = None if mask is None else np.flatnonzero(mask)
        if allowed is not None and len(allowed) == 0:
            return Hits(absent=True, floor=floor, excluded_docs=excluded)
        depth = max(50, 5 * k)
        tokens = lexical_tokens(query)  # once: jieba is the slowest part of a query

        qvec = self.embed_query(query) if mode in ("hybrid", "dense") or floor > 0 else None
        own = self._ranked(tokens, qvec, mode, depth, mask, allowed)
        dense_score, lex_score = own.dense_score, own.lex_score
        lists = [(own.dense_rank, DENSE_WEIGHT), (own.lex_rank, 1.0), (own.sentence_rank, SENTENCE_WEIGHT),
                 (own.all_words_rank, ALL_WORDS_WEIGHT)]
        # the LLM's official rephrasing (hybrid only; None when no LLM is configured, it failed or was slow):
        # its lists are added to the writer's query's, never put in their place, so whatever the writer's
        # own words find stays in the fusion
        rewritten, other = "", None
        if mode == "hybrid" and rewrite is not False and self.rewriter is not None:
            try:
                text = (self.rewriter.rewrite(query) or "").strip()[:MAX_QUERY_CHARS]
            except Exception as exc:  # noqa: BLE001 - a broken rewriter must not break the search
                log.warning("query rewrite failed (%s); searching with the query as typed", type(exc).__name__)
                text = ""
            if text and text != query:
                rewritten = text
                other_tokens = lexical_tokens(text)
                other_vec = self.embed_query(text)
                other = (other_tokens, other_vec,
                         self._ranked(other_tokens, other_vec, mode, depth, mask, allowed))
                lists += [(ranks, REWRITE_WEIGHT * weight) for ranks, weight in (
                    (other[2].dense_rank, DENSE_WEIGHT), (other[2].lex_rank, 1.0),
                    (other[2].sentence_rank, SENTENCE_WEIGHT), (other[2].all_words_rank, ALL_WORDS_WEIGHT))]

        if mode == "dense":
            fused = {i: dense_score[i] for i in own.dense_rank}
        elif mode == "lexical":
            fused = dict(lex_score)
        else:
            fused = {}
            for ranks, weight in lists:
                for i, r in ranks.items():
                    fused[i] = fused.get(i, 0.0) + weight / (RRF_K + r)

        heading_kind = KINDS.index("heading")
        if kinds is None or "paragraph" in kinds:
            for i in [i for i in fused if self._kinds[i] == heading_kind]:
                body = self._body_of.get(i)
                if body is not None and (mask is None or mask[body]):
                    score = fused.pop(i)
                    if score > fused.get(body, float("-inf")):
                        fused[body] = score

        # only the head can reach the top k, so the own-text check and the floor look at no more
        order = sorted(fused, key=lambda i: (-fused[i], -dense_score.get(i, -1.0), i))[: max(depth, k)]
        own_text = self._squashed(exclude_text) if exclude_text else ""
        if own_text:
            order = [i for i in order if not _is_inside("".join(self.passages[i].text.split()), own_text)]
        relevance: dict[int, float] = {}
        dropped = 0
        if floor > 0 and order:
            head = order[: max(depth, k)]
            relevance = self._relevance(tokens, qvec, head, dense_score)
            if other is not None:  # the rewritten query may vouch for a passage too
                for i, v in self._relevance(other[0], other[1], head, other[2].dense_score).items():
                    relevance[i] = max(relevance[i], v)
            kept = [i for i in head if relevance[i] >= floor]
            dropped = len(head) - len(kept)
            order = kept
        order = order[:k]
        hits = [
            Hit(
                passage=self.passages[i],
                score=fused[i],
                rank=n,
                dense_score=dense_score.get(i),
                lexical_score=lex_score.get(i),
                relevance=relevance.get(i),
                outline=self._sub_headings.get(i, ()),
                unit=self._unit_of(self.passages[i]),
                whole=self._wholes.get(self.passages[i].doc_id, ""),
            )
            for n, i in enumerate(order, start=1)
        ]
        return Hits(hits, absent=not hits, dropped=dropped, floor=floor, excluded_docs=excluded, rewritten=rewritten)

    def _relevance(self, tokens: list[str], qvec: np.ndarray, head: list[int], dense_score: dict[int, float]):
        """What the floor is compared with: cosine + COVERAGE_WEIGHT × the IDF-weighted share of the
        query's words in the passage (with its headings)."""
        missing = [i for i in head if i not in dense_score]
        cos = dict(zip(missing, self._cosines(qvec, missing).tolist()))
        cover = self._coverage(tokens, head)
        return {i: dense_score.get(i, cos.get(i, 0.0)) + COVERAGE_WEIGHT * c for i, c in zip(head, cover.tolist())}

    def _ranked(self, tokens: list[str], qvec: np.ndarray | None, mode: str, depth: int, mask, allowed) -> "_Lists":
        """The ranked lists of one query (its lexical ``tokens`` and vector): dense, lexical (expanded in
        hybrid mode) and, in hybrid mode, their candidates ranked by their best sentence."""
        out = _Lists()
        if mode in ("hybrid", "dense"):
            ids, scores = self._dense_top(qvec, depth, mask, allowed)
            for r, (i, s) in enumerate(zip(ids.tolist(), scores.tolist()), start=1):
                out.dense_rank[i] = r
                out.dense_score[i] = s
        if mode in ("hybrid", "lexical"):
            scores = lexical_scores(self.lexical, tokens, mask)
            extra = self.expansion(tokens) if mode == "hybrid" else []
            if extra:
                more = lexical_scores(self.lexical, extra, mask)
                if more is not None:
                    scores = EXPAND_WEIGHT * more if scores is None else scores + EXPAND_WEIGHT * more
            if scores is not None:
                top = np.argpartition(-scores, min(depth, len(scores) - 1))[:depth]
                top = top[np.argsort(-scores[top], kind="stable")]
                for r, i in enumerate(top.tolist(), start=1):
                    if scores[i] <= 0:
                        break
                    out.lex_rank[i] = r
                    out.lex_score[i] = float(scores[i])
        if mode == "hybrid" and ALL_WORDS_WEIGHT and out.lex_rank and len(set(tokens)) >= 2:
            lexical_top = list(out.lex_rank)
            cover = self._coverage(tokens, lexical_top)
            whole = [i for i, c in zip(lexical_top, cover.tolist()) if c >= 1 - 1e-9]
            out.all_words_rank = {i: r for r, i in enumerate(whole, start=1)}
        if mode == "hybrid" and SENTENCE_WEIGHT:
            candidates = sorted(set(out.dense_rank) | set(out.lex_rank))
            best = self.sentence_scores(qvec, candidates)
            for r, j in enumerate(np.argsort(-best, kind="stable").tolist(), start=1):
                out.sentence_rank[candidates[j]] = r
        return out


@dataclass
class _Lists:
    """One query's ranked lists: passage id -> 1-based rank (and the side's own score)."""

    dense_rank: dict[int, int] = field(default_factory=dict)
    dense_score: dict[int, float] = field(default_factory=dict)
    lex_rank: dict[int, int] = field(default_factory=dict)
    lex_score: dict[int, float] = field(default_factory=dict)
    sentence_rank: dict[int, int] = field(default_factory=dict)
    all_words_rank: dict[int, int] = field(default_factory=dict)


#: sentence ends, and line breaks (a heading path or a list line is a unit of its own)
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_DIGITS = re.compile(r"[0-9０-９]+")


def dense_query_text(query: str) -> str:
    """What the dense side embeds for ``query``: its text without digits, unless little else is left.

    The static model gives every digit a heavy token row (norm 0.92, against 0.3–0.8 for words), so
    “5＋2”“白加黑”是常态 or 全县26万人民 pointed at the number-heavy passages (收文1286件…, dates) instead
    of their topic. The digits still count on the lexical side, where an exact 1355 is what matters."""
    stripped = _DIGITS.sub("", query)
    return stripped if sum(ch.isalpha() for ch in stripped) >= 2 else query


def corrected_text(text: str, marks) -> str:
    """``text`` with every mark that has a replacement applied (non-overlapping, left to right)."""
    out, pos = [], 0
    for m in sorted((m for m in marks if m.get("replacement") is not None), key=lambda m: m["start"]):
        if m["start"] < pos:
            continue
        out.append(text[pos : m["start"]])
        out.append(m["replacement"])
        pos = m["end"]
    out.append(text[pos:])
    return "".join(out)


def _sorted_columns(indices: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """The passage ids of every token's column in ascending order (scipy usually keeps them so; the
    coverage lookup bisects them)."""
    if len(indices) < 2:
        return indices
    step_down = np.diff(indices) < 0
    boundaries = indptr[1:-1] - 1
    boundaries = boundaries[(boundaries >= 0) & (boundaries < len(step_down))]
    step_down[boundaries] = False
    if not step_down.any():
        return indices
    out = indices.copy()
    for a, b in zip(indptr[:-1], indptr[1:]):
        out[a:b].sort()
    return out


def _is_inside(passage_text: str, own_text: str) -> bool:
    """The passage is the writer's own words (their draft may be in the corpus too)."""
    return len(passage_text) >= 8 and passage_text in own_text
