"""Benchmarks and calibration of the outline, section and revision checks (coach/checks/).

    .venv/bin/python bench/bench_checks.py                   # speed: outline / sections / diff
    .venv/bin/python bench/bench_checks.py --calibrate       # overlap and thesis thresholds (needs the model)
    .venv/bin/python bench/bench_checks.py --seeds           # findings on the five seed outlines and speeches

``--model PATH`` picks the embedding model (default: the one ``coach model build`` made). Output is
Markdown, pasted into BENCHMARKS.md ("## Outline and section checks").
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from coach.checks.diff import compare  # noqa: E402
from coach.checks.outline import (  # noqa: E402
    Outline,
    OutlineNode,
    check_outline,
    embed_with,
    overlap_scores,
    parse_outline,
    render_outline,
    thesis_scores,
)
from coach.checks.rules import load_rules  # noqa: E402
from coach.checks.sections import analyze_sections  # noqa: E402

OUTLINES = ROOT / "tests" / "data" / "outlines"
SEEDS = ROOT / "seeds"
SEED_IDS = ("000", "001", "002", "003", "004")


def seed_outline_text(seed: str) -> str:
    return (OUTLINES / f"{seed}.txt").read_text(encoding="utf-8")


def seed_speech(seed: str) -> str:
    return next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")


def timed(fn, runs: int, warmup: int = 2) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


# ------------------------------------------------------------------------------------------ inputs


def outline_of_100_headings() -> str:
    """The five seed outlines side by side (97 headings), then 000's again, cut to exactly 100 headings."""
    roots = []
    for seed in SEED_IDS + ("000",):
        roots.extend(parse_outline(seed_outline_text(seed)).roots)
    lines = render_outline(Outline(roots=roots)).splitlines()
    return "\n".join(lines[:100])


def draft_of(chars: int) -> str:
    text = "\n".join(seed_speech(s) for s in ("002", "003", "000", "001"))
    return text[:chars]


def revised(text: str) -> str:
    """A deterministic second version: reworded phrases, a deleted and an added sentence every so often,
    and one paragraph moved to the end."""
    swaps = [("加强", "强化"), ("提高", "提升"), ("重要", "关键"), ("工作", "事务"), ("认真", "切实")]
    sentences = re.findall(r"[^。！？\n]*[。！？]|\n|[^。！？\n]+", text)
    out = []
    for i, s in enumerate(sentences):
        if i % 23 == 7 and s != "\n":
            continue  # deleted
        if i % 11 == 3:
            a, b = swaps[i % len(swaps)]
            s = s.replace(a, b, 1)
        out.append(s)
        if i % 29 == 13:
            out.append("要把各项要求落到实处，确保取得实效。")
    paragraphs = "".join(out).split("\n")
    if len(paragraphs) > 4:
        moved = paragraphs.pop(2)
        paragraphs.append(moved)
    return "\n".join(paragraphs)


# ------------------------------------------------------------------------------------------ speed


def bench_speed(runs: int, model: str | None) -> None:
    rules = load_rules()
    outline_text = outline_of_100_headings()
    n_headings = len(parse_outline(outline_text).nodes())
    draft = draft_of(10_000)
    draft2 = revised(draft)
    big = draft_of(10_000) * 100

    rows = []
    p50, p95 = timed(lambda: check_outline(outline_text), runs)
    rows.append((f"outline check, {n_headings} headings, no embedding (parse + rules file + all structural checks)", runs, p50, p95))
    p50, p95 = timed(lambda: check_outline(outline_text, rules=rules), runs)
    rows.append((f"outline check, {n_headings} headings, rules loaded once", runs, p50, p95))
    p50, p95 = timed(lambda: analyze_sections(draft), runs)
    rows.append((f"section analysis, {len(draft):,}-char draft", runs, p50, p95))
    p50, p95 = timed(lambda: compare(draft, draft2, lint=False), runs)
    rows.append((f"diff of two {len(draft):,}/{len(draft2):,}-char versions, no lint", runs, p50, p95))
    p50, p95 = timed(lambda: compare(draft, draft2), max(3, runs // 5))
    rows.append(("same diff with lint + outline attribution (both versions linted)", max(3, runs // 5), p50, p95))
    p50, p95 = timed(lambda: analyze_sections(big), 3, warmup=1)
    rows.append((f"section analysis, 1 MB draft ({len(big):,} chars)", 3, p50, p95))
    if model is not None:
        from coach.embed import load_embedder

        embed = embed_with(load_embedder(model))
        thesis = "提升办公室干部的业务能力与服务水平"
        p50, p95 = timed(lambda: check_outline(outline_text, thesis=thesis, embed=embed, rules=rules), runs)
        rows.append((f"outline check, {n_headings} headings, with embedding and thesis", runs, p50, p95))

    revision = compare(draft, draft2)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"Diff input: {revision.stats.changes} changes, similarity {revision.stats.similarity}, "
          f"{revision.stats.fixed_findings} fixed findings attributed")
    print()
    print("| what | runs | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- |")
    for what, n, p50, p95 in rows:
        print(f"| {what} | {n} | {p50:.1f} | {p95:.1f} |")


# ------------------------------------------------------------------------------------------ calibration


def _quantiles(values: list[float]) -> str:
    values = sorted(values)
    qs = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]
    picks = [values[min(len(values) - 1, int(round(q * (len(values) - 1))))] for q in qs]
    return " / ".join(f"{v:.2f}" for v in picks)


def constructed_overlaps(embed, rules) -> list[tuple[str, object]]:
    p = rules.params["overlap"]
    out = []
    for row in (OUTLINES / "overlap_pairs.tsv").read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        seed, existing, inserted = row.split("\t")
        outline = parse_outline(seed_outline_text(seed))
        for node, parent, _depth in outline.walk():
            if node.text == existing:
                siblings = parent.children if parent else outline.roots
                siblings.insert(siblings.index(node) + 1, OutlineNode(level=node.level, text=inserted))
                break
        else:
            raise SystemExit(f"{existing!r} is not in {seed}.txt")
        scores = overlap_scores(outline, embed, baseline=float(p["baseline_cosine"]))
        out.extend((seed, s) for s in scores if {s.a.text, s.b.text} == {existing, inserted})
    return out


def flags(s, p, with_embedding: bool) -> bool:
    if s.lexical >= p["lexical"]:
        return True
    if not with_embedding:
        return False
    combined = s.score(float(p["lexical_weight"]))
    return s.cosine >= p["cosine_min"] and combined >= p["combined"]


def bench_calibrate(model: str | None) -> None:
    from coach.embed import load_embedder

    rules = load_rules()
    p = rules.params["overlap"]
    embed = embed_with(load_embedder(model))
    distinct = [
        (seed, s)
        for seed in SEED_IDS
        for s in overlap_scores(parse_outline(seed_outline_text(seed)), embed, baseline=float(p["baseline_cosine"]))
    ]
    overlapping = constructed_overlaps(embed, rules)
    w = float(p["lexical_weight"])
    print("### Sibling overlap (outline.overlap)\n")
    print(f"Distinct: every pair of siblings in the five seed outlines ({len(distinct)} pairs). Overlapping: "
          f"{len(overlapping)} constructed pairs, each a seed heading plus a sibling inserted beside it that says the "
          "same thing in other words (tests/data/outlines/overlap_pairs.tsv).\n")
    print("| score | distinct: min / p10 / p25 / median / p75 / p90 / max | overlapping: min / p10 / p25 / median / p75 / p90 / max |")
    print("| --- | --- | --- |")
    for name, get in (
        ("lexical (weighted Jaccard, frame words out)", lambda s: s.lexical),
        ("cosine", lambda s: s.cosine),
        ("relative cosine (minus the group's typical cosine)", lambda s: s.relative),
        (f"combined = relative + {w} × lexical", lambda s: s.score(w)),
    ):
        print(f"| {name} | {_quantiles([get(s) for _, s in distinct])} | {_quantiles([get(s) for _, s in overlapping])} |")
    print()
    print("| rule (rules.yaml `params.overlap`) | seed pairs flagged (false positives) | constructed pairs flagged (recall) |")
    print("| --- | --- | --- |")
    for label, with_emb in ((f"lexical ≥ {p['lexical']} (no embedder)", False),
                            (f"lexical ≥ {p['lexical']} or (cosine ≥ {p['cosine_min']} and combined ≥ {p['combined']})", True)):
        fp = sum(flags(s, p, with_emb) for _, s in distinct)
        tp = sum(flags(s, p, with_emb) for _, s in overlapping)
        print(f"| {label} | {fp} / {len(distinct)} | {tp} / {len(overlapping)} ({tp / len(overlapping):.0%}) |")
    print()
    print("Per seed (with the embedder): flagged distinct pairs / flagged constructed pairs")
    for seed in SEED_IDS:
        fp = sum(flags(s, p, True) for sd, s in distinct if sd == seed)
        tp = [flags(s, p, True) for sd, s in overlapping if sd == seed]
        print(f"- {seed}: {fp} / {sum(tp)} of {len(tp)}")
    missed = sorted((s.score(w), s) for _, s in overlapping if not flags(s, p, True))
    print("\nMissed constructed pairs, lowest combined score first: " + "; ".join(
        f"{s.a.text} / {s.b.text} ({sc:.2f})" for sc, s in missed[:8]))
    top = sorted(((s.score(w), s) for _, s in distinct), key=lambda x: -x[0])[:3]
    print("\nHighest-scoring distinct seed pairs: " + "; ".join(
        f"{s.a.text} / {s.b.text} (cos {s.cosine:.2f}, combined {sc:.2f})" for sc, s in top))

    print("\n### Relation to the thesis (outline.off-thesis)\n")
    t = float(rules.param("thesis", "semantic"))
    own, other = [], []
    outlines = {seed: parse_outline(seed_outline_text(seed)) for seed in SEED_IDS}
    for row in (OUTLINES / "theses.tsv").read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        kind, seed, thesis = row.split("\t")
        for target in [seed] if kind == "own" else SEED_IDS:
            for node, lex, cos in thesis_scores(outlines[target], thesis, embed):
                (own if kind == "own" else other).append((lex, cos))
    print("| pairs | n | cosine min / p10 / p25 / median / p75 / p90 / max | share a content word | flagged |")
    print("| --- | --- | --- | --- | --- |")
    for name, rows in (("seed top-level point × its own thesis", own), ("seed top-level point × an unrelated thesis", other)):
        flagged = sum(1 for lex, cos in rows if lex == 0 and cos < t)
        print(f"| {name} | {len(rows)} | {_quantiles([c for _, c in rows])} | {sum(1 for lex, _ in rows if lex > 0)} | {flagged} |")


# ------------------------------------------------------------------------------------------ seeds


def bench_seeds() -> None:
    print("| seed | line | rule | severity | message |")
    print("| --- | --- | --- | --- | --- |")
    for seed in SEED_IDS:
        for f in check_outline(seed_outline_text(seed)):
            print(f"| {seed} outline | {f.line} | {f.rule} | {f.severity} | {f.message} |")
    for seed in SEED_IDS:
        report = analyze_sections(seed_speech(seed))
        for f in report.findings:
            print(f"| {seed} speech | {f.line} | {f.rule} | {f.severity} | {f.message} |")
    print()
    for seed in SEED_IDS:
        report = analyze_sections(seed_speech(seed))
        parts = ", ".join(
            f"{s.chars}字/数据{len(s.data_points)}/事实{len(s.facts)}/引语{len(s.quotations)}" for s in report.sections
        )
        print(f"- {seed}: {len(report.sections)} sections ({parts}); {report.total_chars} 字 ≈ {report.speaking_minutes} 分钟")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--model", default=None, help="embedding model folder (default: the built default model)")
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--seeds", action="store_true")
    ap.add_argument("--with-embedding", action="store_true", help="also time the outline check with the embedder")
    args = ap.parse_args()
    if args.calibrate:
        bench_calibrate(args.model)
    elif args.seeds:
        bench_seeds()
    else:
        bench_speed(args.runs, args.model if (args.with_embedding or args.model) else None)


if __name__ == "__main__":
    main()
