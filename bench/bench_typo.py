"""Deep typo check (``coach lint --deep``) on outside data: SIGHAN-15 test set and the seeds' real slips.

SIGHAN-15 test (707 sentences, pycorrector's ``sighan2015_test.tsv``, Apache-2.0, bench/data/) is
split deterministically: even lines are the calibration half, odd lines the report half. The margin
is chosen on the calibration half only (with two unlabeled slips there counted as errors,
see UNLABELED_SLIPS) — the smallest margin whose sentence false-alarm rate there is
at most the target — and every figure reported is on the report half.

    python bench/bench_typo.py                 # calibrate on half A, report on half B
    python bench/bench_typo.py --margin 6      # fixed margin, report on half B only
    python bench/bench_typo.py --limit 100     # quicker: the first 100 lines of each half

Speed is wall time and process CPU time (the machine is shared: the CPU time is the steadier
figure; on 2 cores it is up to twice the wall time when nothing else runs).

Detection at sentence level: an erroneous sentence counts as detected when the check reports any
finding in it ("any"), and as located when a finding is at one of its wrong characters ("located");
a correct sentence with any finding is a false alarm.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.typo.detector import TypoDetector  # noqa: E402
from coach.typo.lm import TypoLM  # noqa: E402

DATA = ROOT / "bench" / "data" / "sighan2015_test.tsv"
SEEDS = ROOT / "seeds"
# The seeds' real slips (found by reading them): wrong text -> what it should be.
SEED_SLIPS = {"各各": "各个", "十跟手指": "十根手指", "琐啐": "琐碎", "万精油": "万金油"}


# Two lines that SIGHAN gives as correct contain a plain slip (found reading the calibration half's
# false alarms); they are counted as erroneous, with this correction, in both halves.
UNLABELED_SLIPS = {"国几米兰": "国际米兰", "机官来举办": "机关来举办"}


def load_sighan() -> list[tuple[str, str]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        wrong, right = line.split("\t")[:2]
        if wrong == right:
            for slip, fixed in UNLABELED_SLIPS.items():
                right = right.replace(slip, fixed)
        rows.append((wrong, right))
    return rows


def error_positions(wrong: str, right: str) -> set[int]:
    if len(wrong) != len(right):
        return set()
    return {i for i, (a, b) in enumerate(zip(wrong, right)) if a != b}


def run_half(detector: TypoDetector, rows, batch: int = 8):
    """Per sentence: the hits found with margin −inf (so any margin can be applied afterwards)."""
    saved = detector.margin
    detector.margin = -math.inf
    out = []
    started, cpu = time.perf_counter(), time.process_time()
    try:
        for k in range(0, len(rows), batch):
            chunk = rows[k : k + batch]
            out.extend(detector.check_sentences([w for w, _ in chunk]))
    finally:
        detector.margin = saved
    return out, time.perf_counter() - started, time.process_time() - cpu


def evaluate(rows, hits_per_sentence, margin: float) -> dict:
    err = det = loc = cor = fa = 0
    for (wrong, right), hits in zip(rows, hits_per_sentence):
        kept = [h for h in hits if h.margin > margin]
        if wrong != right:
            err += 1
            det += bool(kept)
            wrong_at = error_positions(wrong, right)
            loc += any(h.start in wrong_at for h in kept)
        else:
            cor += 1
            fa += bool(kept)
    return {
        "margin": margin,
        "erroneous": err,
        "correct": cor,
        "recall_any": det / err if err else 0.0,
        "recall_located": loc / err if err else 0.0,
        "false_alarm": fa / cor if cor else 0.0,
        "false_alarms": fa,
    }


def calibrate(rows, hits, target_fa: float) -> float:
    gains = sorted({h.margin for hs in hits for h in hs})
    for m in [g for g in gains if g >= 0] + [max(gains, default=0.0) + 1]:
        if evaluate(rows, hits, m)["false_alarm"] <= target_fa:
            return round(m, 2)
    return max(gains, default=0.0)


def seeds_check(detector: TypoDetector) -> dict:
    """Each seed slip found? And how many findings there are in all (each is checked by hand)."""
    found = {}
    all_hits = []
    started = time.perf_counter()
    chars = 0
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        chars += len(text)
        hits = detector.check_text(text)
        for h in hits:
            all_hits.append({"file": path.name, "at": text[max(0, h.start - 6) : h.end + 6],
                             "original": h.original, "replacement": h.replacement, "margin": h.margin})
        for wrong, right in SEED_SLIPS.items():
            at = text.find(wrong)
            if at < 0:
                continue
            diff = [at + i for i, (a, b) in enumerate(zip(wrong, right)) if a != b]
            found[wrong] = any(h.start in diff and h.replacement == right[h.start - at] for h in hits)
    seconds = time.perf_counter() - started
    return {"slips_found": found, "findings": all_hits, "chars": chars, "seconds": round(seconds, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--margin", type=float, default=None, help="skip calibration, use this margin")
    ap.add_argument("--target-fa", type=float, default=0.01, help="sentence false-alarm target for calibration")
    ap.add_argument("--limit", type=int, default=None, help="only the first N lines of each half")
    ap.add_argument("--no-seeds", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)

    rows = load_sighan()
    half_a, half_b = rows[0::2], rows[1::2]
    if args.limit:
        half_a, half_b = half_a[: args.limit], half_b[: args.limit]
    t = time.perf_counter()
    lm = TypoLM()
    print(f"model load {time.perf_counter() - t:.1f} s (weights {lm.load_seconds:.2f} s)")
    detector = TypoDetector(lm)
    result: dict = {}
    if args.margin is None:
        hits_a, _, _ = run_half(detector, half_a)
        margin = calibrate(half_a, hits_a, args.target_fa)
        result["calibration"] = evaluate(half_a, hits_a, margin)
        print("calibration half:", json.dumps(result["calibration"]))
    else:
        margin = args.margin
    hits_b, seconds, cpu = run_half(detector, half_b)
    report = evaluate(half_b, hits_b, margin)
    chars = sum(len(w) for w, _ in half_b)
    report.update(seconds=round(seconds, 1), sentences=len(half_b), s_per_sentence=round(seconds / len(half_b), 3),
                  chars_per_s=round(chars / seconds, 1), cpu_seconds=round(cpu, 1),
                  cpu_s_per_sentence=round(cpu / len(half_b), 3), load_average=round(os.getloadavg()[0], 1))
    result["report"] = report
    print("report half:", json.dumps(report))
    curve = [evaluate(half_b, hits_b, m) for m in (2, 4, 6, 8, 10, 12, 15)]
    result["report_curve"] = [{k: round(v, 3) if isinstance(v, float) else v for k, v in c.items()} for c in curve]
    for c in result["report_curve"]:
        print(f"  margin {c['margin']:>4}: recall any {c['recall_any']:.3f} located {c['recall_located']:.3f}"
              f"  false alarm {c['false_alarm']:.3f}")
    if not args.no_seeds:
        detector.margin = margin
        seeds = seeds_check(detector)
        result["seeds"] = seeds
        print("seeds:", json.dumps(seeds["slips_found"], ensure_ascii=False),
              f"{len(seeds['findings'])} findings in {seeds['chars']} chars, {seeds['seconds']} s")
        for h in seeds["findings"]:
            print("   ", json.dumps(h, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
