"""Speed of the 公文 linter on a 10,000-character document, side by side with naive alternatives.

- ``Linter`` (ours): rules loaded and compiled once, ``lint()`` called per document.
- naive A, "load per call": read the YAML rule files and compile every rule on each call — what a
  ``def check(text)`` that opens its rule file each time does.
- naive B, "no precompilation": the same engine, but every regex is compiled again on each call
  (``re.purge()`` and ``regex.purge()`` before each run empty the pattern caches).
pycorrector, the other candidate a user might pick, is not compared: its default corrector downloads a
multi-GB kenlm model at run time (impossible offline) and it pulls in transformers/datasets.

Also: cold start (first lint in a process, including the jieba dictionary), a 1 MB document, and
``--seeds`` prints every error/warning on the five seed speeches as a Markdown table for BENCHMARKS.md.

Run:  .venv/bin/python bench/bench_lint.py [--runs 200] [--seeds]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import re  # noqa: E402

import regex  # noqa: E402

from coach.lint import Linter, load_rules  # noqa: E402
from coach.lint.checkers import shared_tokenizer  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def document(chars: int = 10_000) -> str:
    """The five seeds back to back (004's half-width punctuation included), cut to ``chars``."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    while len(text) < chars:
        text += "\n" + text
    # take 000's start and 004's start so that both clean prose and many findings are in the sample
    half = chars // 2
    i004 = text.index("强调提升业务能力")
    return text[:half] + "\n" + text[i004 : i004 + chars - half - 1]


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def row(name: str, ms: list[float]) -> str:
    return f"| {name} | {len(ms)} | {statistics.median(ms):.2f} | {percentile(ms, 95):.2f} |"


def seeds_table(linter: Linter) -> None:
    print("| seed | rule | severity | found | count | excerpt (first) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        fs = [f for f in linter.lint(p.read_text(encoding="utf-8")) if f.severity in ("error", "warning")]
        groups: dict[tuple[str, str, str], list] = {}
        for f in fs:
            groups.setdefault((f.rule, f.severity, f.extra["found"]), []).append(f)
        for (rule, sev, found), items in groups.items():
            ex = items[0].extra["excerpt"].replace("|", "\\|")
            print(f"| {p.stem[:3]} | {rule} | {sev} | {found.replace('|', '/')} | {len(items)} | {ex} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seeds", action="store_true", help="print the seed findings table and exit")
    args = ap.parse_args()

    t = time.perf_counter()
    linter = Linter()
    build_ms = (time.perf_counter() - t) * 1000
    if args.seeds:
        seeds_table(linter)
        return
    doc = document()
    t = time.perf_counter()
    first = linter.lint(doc)
    cold_ms = (time.perf_counter() - t) * 1000 + build_ms

    ours = timed(lambda: linter.lint(doc), args.runs)
    naive_runs = max(10, args.runs // 10)
    naive_load = timed(lambda: Linter(load_rules()).lint(doc), naive_runs)

    def no_precompile() -> None:
        regex.purge()
        re.purge()
        Linter(linter.rules).lint(doc)

    naive_compile = timed(no_precompile, naive_runs)

    big = (doc + "\n") * 100
    big_ms = timed(lambda: linter.lint(big), 3)

    counts = Counter(f.severity for f in first)
    print(f"document: {len(doc)} characters, {len(first)} findings "
          f"(error {counts['error']}, warning {counts['warning']}, info {counts['info']}); "
          f"{len(linter.rules)} rules")
    print()
    print("| variant | runs | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- |")
    print(row("Linter, rules compiled once (ours)", ours))
    print(row("naive A: load + compile rule files per call", naive_load))
    print(row("naive B: recompile every regex per call", naive_compile))
    print(row(f"1 MB document ({len(big):,} chars), ours", big_ms))
    print()
    print(f"cold start (build Linter {build_ms:.0f} ms + first lint incl. jieba dictionary): {cold_ms:.0f} ms")
    shared_tokenizer.cache_clear()


if __name__ == "__main__":
    main()
