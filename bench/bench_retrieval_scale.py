"""Scaling table: build time, memory, hybrid query latency and approximate-vs-exact recall at
1k / 10k / 100k / 1M synthetic passages, plus the flat-vs-HNSW crossover that sets HNSW_THRESHOLD.

Synthetic passages are 2–4 sentences drawn at random from the seed speeches (fixed seed), so their
vocabulary and length look like the real corpus. jieba tokenizes each distinct sentence once and the
passage's tokens are the concatenation (exactly what tokenizing the passage gives, minus tokens that
would straddle a sentence boundary, which there are none of after 。！？); the table reports that
tokenization time separately.

Run:  .venv/bin/python bench/bench_retrieval_scale.py [--sizes 1000 10000 100000 1000000] [--queries 200]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    import bm25s
    import faiss

    from coach.config import seeds_dir
    from coach.corpus.types import Passage
    from coach.embed import ensure_default_model, load_encoder
    from coach.index.dense import HNSW_THRESHOLD, build_dense_index, search_dense
    from coach.index.retriever import Retriever
    from coach.index.tokenize import lexical_tokens

    with tempfile.TemporaryDirectory() as tmp:
        model_path = ensure_default_model()
        embedder = load_encoder(str(model_path))  # what `coach` itself embeds with (numpy for the default model)

        sentences = []
        for path in sorted(seeds_dir().glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            sentences += [s for s in re.findall(r"[^。！？!?\n]+[。！？!?]?", text) if len(s.strip()) >= 8]
        lexical_tokens("预热分词词典")  # jieba loads its dictionary on first use; keep that out of the rate
        t0 = time.perf_counter()
        sent_tokens = [lexical_tokens(s) for s in sentences]
        sent_vecs = None  # passages are embedded whole, below
        tok_per_sentence_ms = (time.perf_counter() - t0) * 1000 / len(sentences)
        print(f"{len(sentences)} distinct seed sentences; jieba {tok_per_sentence_ms:.3f} ms per sentence")

        rng = random.Random(7)
        queries_text = [rng.choice(sentences)[:30] for _ in range(args.queries)]
        print("| passages | embed s | FAISS build s | BM25 build s | jieba s (est.) | index type | memory MB | "
              "hybrid p50 ms | hybrid p99 ms | dense flat p50 ms | dense HNSW p50 ms | HNSW recall@10 vs flat |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        extras = []
        for size in args.sizes:
            rss0 = rss_mb()
            picks = [[rng.randrange(len(sentences)) for _ in range(rng.randint(2, 4))] for _ in range(size)]
            texts = ["".join(sentences[i] for i in pick) for pick in picks]
            t0 = time.perf_counter()
            vecs = embedder.encode(texts, batch_size=1024, normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False).astype(np.float32)
            embed_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            flat = build_dense_index(vecs, "flat")
            flat_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            hnsw = build_dense_index(vecs, "hnsw")
            hnsw_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            lexical = bm25s.BM25()
            lexical.index([[t for i in pick for t in sent_tokens[i]] or ["\u2205"] for pick in picks],
                          show_progress=False)
            bm25_s = time.perf_counter() - t0
            jieba_est = tok_per_sentence_ms * sum(len(p) for p in picks) / 1000
            chosen = "hnsw" if size >= HNSW_THRESHOLD else "flat"
            dense = hnsw if chosen == "hnsw" else flat
            # 60 passages a "speech", so excluding the writer's own document has documents to look through
            passages = [Passage(id=f"s{n // 60}#{n}", doc_id=f"s{n // 60}", title="synthetic", text=t,
                                heading_path=(), position="body", kind="paragraph", start=0, end=len(t))
                        for n, t in enumerate(texts)]
            retriever = Retriever(None, None, passages, dense, lexical, embedder)
            mem = rss_mb() - rss0

            # the first hybrid query also embeds every passage's sentences (the sentence-level list; once)
            t0 = time.perf_counter()
            retriever.search(queries_text[0], k=5)
            first_s = time.perf_counter() - t0
            for q in queries_text[:5]:
                retriever.search(q, k=5)
            hybrid = []
            for q in queries_text:
                t0 = time.perf_counter()
                retriever.search(q, k=5)
                hybrid.append((time.perf_counter() - t0) * 1000)
            qv = embedder.encode(queries_text, normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False).astype(np.float32)
            flat_ms, hnsw_ms, overlap = [], [], []
            for v in qv:
                t0 = time.perf_counter()
                exact, _ = search_dense(flat, v, 10)
                flat_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                approx, _ = search_dense(hnsw, v, 10)
                hnsw_ms.append((time.perf_counter() - t0) * 1000)
                overlap.append(len(set(exact.tolist()) & set(approx.tolist())) / max(1, len(exact)))
            # the product's extra work per query: a query word the corpus never uses (expansion; the corpus
            # vocabulary is embedded once, on the first such query) and leaving out the writer's own speech
            # (own_documents, cached per text)
            t0 = time.perf_counter()
            retriever.search(queries_text[0] + "踢皮球", k=5)
            vocab_s = time.perf_counter() - t0
            expanded = []
            for q in queries_text:
                t0 = time.perf_counter()
                retriever.search(q + "踢皮球", k=5)
                expanded.append((time.perf_counter() - t0) * 1000)
            own_text = "".join(texts[:60])  # the writer's draft is the first synthetic speech
            t0 = time.perf_counter()
            retriever.search(queries_text[0], k=5, exclude_text=own_text)
            own_first_ms = (time.perf_counter() - t0) * 1000
            excluding = []
            for q in queries_text:
                t0 = time.perf_counter()
                retriever.search(q, k=5, exclude_text=own_text)
                excluding.append((time.perf_counter() - t0) * 1000)
            extras.append(f"| {size:,} | {statistics.median(hybrid):.2f} | {statistics.median(expanded):.2f} | "
                          f"{vocab_s:.2f} | {statistics.median(excluding):.2f} | {own_first_ms:.1f} | {first_s:.2f} |")
            build_s = flat_s if chosen == "flat" else hnsw_s
            print(f"| {size:,} | {embed_s:.1f} | {build_s:.2f} ({chosen}; flat {flat_s:.2f}, hnsw {hnsw_s:.1f}) | "
                  f"{bm25_s:.1f} | {jieba_est:.1f} | {chosen} | {mem:.0f} | {statistics.median(hybrid):.2f} | "
                  f"{percentile(hybrid, 99):.2f} | {statistics.median(flat_ms):.2f} | {statistics.median(hnsw_ms):.2f} | "
                  f"{statistics.mean(overlap):.3f} |", flush=True)
            del retriever, flat, hnsw, lexical, vecs, texts, passages, picks
        print()
        print("| passages | hybrid p50 ms (floor on) | + unknown query word (expansion) p50 ms | vocabulary embed s (once) | "
              "excluding the writer's speech p50 ms | its first call ms (uncached) | first hybrid query s "
              "(sentence vectors, once) |")
        print("|---|---|---|---|---|---|---|")
        print("\n".join(extras))


if __name__ == "__main__":
    main()
