"""Corpus ingestion: speed on the seeds and on a large file, encoding detection on short GBK text,
and our sentence-aware chunker vs LangChain's RecursiveCharacterTextSplitter.

Run:  .venv/bin/python bench/bench_corpus.py [--runs 50]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TERMINATORS = "。！？!?"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def bench_seeds(runs: int) -> None:
    t0 = time.perf_counter()
    from coach.corpus import ingest_paths

    t_import = time.perf_counter() - t0
    seeds = ROOT / "seeds"
    t0 = time.perf_counter()
    documents, problems = ingest_paths([seeds])
    first = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        ingest_paths([seeds])
        times.append(time.perf_counter() - t0)
    chars = sum(len(d.text) for d in documents)
    passages = sum(len(d.passages) for d in documents)
    headings = sum(len(d.headings) for d in documents)
    print("## seeds")
    print(f"import coach.corpus: {ms(t_import)} ms")
    print(f"5 seeds ({chars} chars after cleaning, {passages} passages, {headings} headings, {len(problems)} problems)")
    print(f"first ingest_paths: {ms(first)} ms; then p50 {ms(statistics.median(times))} ms, "
          f"max {ms(max(times))} ms over {runs} runs")


def bench_large() -> None:
    from coach.corpus import ingest_paths

    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    with tempfile.TemporaryDirectory() as folder:
        for target_mb in (2, 20):
            text = ""
            while len(text.encode("utf-8")) < target_mb * 1024 * 1024 * 0.95:
                text += "\n".join(seeds) + "\n"
            path = Path(folder) / f"large-{target_mb}.txt"
            path.write_text(text, encoding="utf-8")
            t0 = time.perf_counter()
            documents, problems = ingest_paths([path])
            elapsed = time.perf_counter() - t0
            path.unlink()
            size = len(text.encode("utf-8")) / (1024 * 1024)
            print(f"{size:.1f} MB file ({len(text):,} chars): {elapsed:.2f} s, "
                  f"{len(documents[0].passages):,} passages, {len(documents[0].headings):,} headings")


def bench_encodings() -> None:
    from charset_normalizer import from_bytes

    from coach.corpus.reading import decode_bytes

    sentences = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        sentences += [s.strip() for s in re.findall(r"[^。！？!?\n]+[。！？!?]", p.read_text(encoding="utf-8"))]
    print("## GBK detection on seed sentences (first N characters of each)")
    print("| N | sentences | charset-normalizer alone | ours (UTF-8 → GB18030 → charset-normalizer) |")
    print("| --- | --- | --- | --- |")
    for n in (2, 4, 8, 16, 1000):
        alone = ours = 0
        for s in sentences:
            snippet = s[:n]
            data = snippet.encode("gbk")
            best = from_bytes(data).best()
            alone += best is not None and str(best) == snippet
            ours += decode_bytes(data, "x.txt")[0] == snippet
        print(f"| {n} | {len(sentences)} | {alone} | {ours} |")


def cuts_and_mixes(doc_text: str, chunks: list[tuple[int, int]], heading_starts: list[int]) -> tuple[int, int]:
    """(chunks ending inside a sentence, chunks containing a heading after their start).
    Our heading passages are left out of the first count: 004's headings end without punctuation."""
    cut = 0
    mixed = 0
    for s, e in chunks:
        tail = doc_text[e - 1] if e > 0 else ""
        nxt = doc_text[e] if e < len(doc_text) else "\n"
        if tail not in TERMINATORS + "”’\"）)" and nxt != "\n" and e not in heading_starts:
            cut += 1
        if any(s < h < e for h in heading_starts):
            mixed += 1
    return cut, mixed


def bench_chunking() -> None:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from coach.corpus import ingest_paths

    documents, _ = ingest_paths([ROOT / "seeds"])
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=300, chunk_overlap=0, separators=["\n", "。", "！", "？", "；", "，", ""],
        keep_separator="end", add_start_index=True, strip_whitespace=True,
    )
    ours = [0, 0, 0]
    theirs = [0, 0, 0]
    for d in documents:
        starts = [h.start for h in d.headings]
        spans = [(p.start, p.end) for p in d.passages if p.kind == "paragraph"]
        c, m = cuts_and_mixes(d.text, spans, starts)
        ours = [ours[0] + len(d.passages), ours[1] + c, ours[2] + m]
        lc = splitter.create_documents([d.text[d.front_matter_end :]])
        lspans = [(x.metadata["start_index"] + d.front_matter_end,
                   x.metadata["start_index"] + d.front_matter_end + len(x.page_content)) for x in lc]
        c, m = cuts_and_mixes(d.text, lspans, starts)
        theirs = [theirs[0] + len(lspans), theirs[1] + c, theirs[2] + m]
    print("## chunking the 5 seeds (≤ 300 characters)")
    print("| chunker | chunks | ending inside a sentence | spanning a heading |")
    print("| --- | --- | --- | --- |")
    print(f"| ours (coach.corpus) | {ours[0]} | {ours[1]} | {ours[2]} |")
    print(f"| RecursiveCharacterTextSplitter (separators \\n 。！？；，) | {theirs[0]} | {theirs[1]} | {theirs[2]} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    bench_seeds(args.runs)
    bench_large()
    bench_encodings()
    bench_chunking()


if __name__ == "__main__":
    main()
