"""Deep typo check (``coach lint --deep``) on outside data: SIGHAN-15 test set and the seeds' real slips.

SIGHAN-15 test (707 sentences, pycorrector's ``sighan2015_test.tsv``, Apache-2.0, bench/data/) is
split deterministically: even lines are the calibration half, odd lines the report half. The
margins (one per kind of evidence, see ``coach.typo.detector.KINDS``) are chosen on the development
set only — the calibration half (with two unlabeled slips there counted as errors, see
UNLABELED_SLIPS) and the seeds (official texts: their four known slips, every other finding counted
false) — as the margins with the highest calibration-half recall whose sentence false-alarm rate is
at most the target on both; every SIGHAN figure reported is on the report half (the seeds' figures
are development figures, said so in BENCHMARKS.md).

    python bench/bench_typo.py                 # calibrate on half A + seeds, report on half B
    python bench/bench_typo.py --margin 6      # fixed margin for every kind, report on half B only
    python bench/bench_typo.py --limit 100     # quicker: the first 100 lines of each half
    python bench/bench_typo.py --rescore full.json   # re-choose margins from a run's raw hits, no LM
    python bench/bench_typo.py --extra bench/data/official_typos.tsv   # another labeled set, margins in code

Speed is wall time and process CPU time (the machine is shared: the CPU time is the steadier
figure; on 2 cores it is up to twice the wall time when nothing else runs).

Detection at sentence level: an erroneous sentence counts as detected when the check reports any
finding in it ("any"), and as located when a finding is at one of its wrong characters ("located");
a correct sentence with any finding is a false alarm.
"""

from __future__ import annotations

import argparse
import json
import itertools
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.typo.detector import KINDS, TypoDetector, split_sentences  # noqa: E402
from coach.typo.lm import TypoLM  # noqa: E402

DATA = ROOT / "bench" / "data" / "sighan2015_test.tsv"
SEEDS = ROOT / "seeds"
# The seeds' real slips (found by reading them): wrong text -> what it should be.
SEED_SLIPS = {"各各": "各个", "十跟手指": "十根手指", "琐啐": "琐碎", "万精油": "万金油"}


# Three lines that SIGHAN gives as correct contain a plain slip (found reading the calibration half's
# false alarms); they are counted as erroneous, with this correction, in both halves.
UNLABELED_SLIPS = {"国几米兰": "国际米兰", "机官来举办": "机关来举办", "台北撘3点": "台北搭3点"}


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
    """Per sentence: every position's best hit whatever its gain (so any margins can be applied afterwards)."""
    out = []
    started, cpu = time.perf_counter(), time.process_time()
    for k in range(0, len(rows), batch):
        chunk = rows[k : k + batch]
        out.extend(detector.check_sentences([w for w, _ in chunk], keep_all=True))
    return out, time.perf_counter() - started, time.process_time() - cpu


def _kept(hits, margins: dict) -> list:
    return [h for h in hits if h.margin > margins[h.kind]]


def evaluate(rows, hits_per_sentence, margins: dict) -> dict:
    err = det = loc = cor = fa = 0
    for (wrong, right), hits in zip(rows, hits_per_sentence):
        kept = _kept(hits, margins)
        if wrong != right:
            err += 1
            det += bool(kept)
            wrong_at = error_positions(wrong, right)
            loc += any(set(range(h.start, h.end)) & wrong_at for h in kept)
        else:
            cor += 1
            fa += bool(kept)
    return {
        "margins": dict(margins),
        "erroneous": err,
        "correct": cor,
        "recall_any": det / err if err else 0.0,
        "recall_located": loc / err if err else 0.0,
        "false_alarm": fa / cor if cor else 0.0,
        "false_alarms": fa,
    }


def seeds_hits(detector: TypoDetector, max_chars: int | None = None) -> tuple[list[dict], dict, int, float]:
    """Every position's best hit in the seeds (keep_all), each marked true when it fixes a known slip;
    with ``max_chars``, only the seeds' first lines up to that many characters."""
    all_hits, sentences = [], 0
    slips_at: list[tuple[str, int, str]] = []  # (file, position of a wrong character, right character)
    started = time.perf_counter()
    chars = 0
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if max_chars is not None:
            if chars >= max_chars:
                break
            cut = text.rfind("\n", 0, max_chars - chars)
            text = text if len(text) <= max_chars - chars else text[: cut + 1 if cut > 0 else max_chars - chars]
        chars += len(text)
        sentences += len(split_sentences(text))
        for wrong, right in SEED_SLIPS.items():
            at = text.find(wrong)
            while at >= 0:
                slips_at += [(path.name, at + i, b) for i, (a, b) in enumerate(zip(wrong, right)) if a != b]
                at = text.find(wrong, at + 1)
        for h in detector.check_text(text, keep_all=True):
            true = any(f == path.name and h.start <= p < h.end and h.replacement[p - h.start] == b
                       for f, p, b in slips_at)
            all_hits.append({"file": path.name, "start": h.start, "at": text[max(0, h.start - 6) : h.end + 6],
                             "original": h.original, "replacement": h.replacement, "margin": h.margin,
                             "kind": h.kind, "true": true,
                             "sentence": next(k for k, (o, s_) in enumerate(split_sentences(text))
                                              if o <= h.start < o + len(s_))})
    return all_hits, {"sentences": sentences, "chars": chars}, len(slips_at), time.perf_counter() - started


def seeds_evaluate(hits: list[dict], info: dict, margins: dict) -> dict:
    kept = [h for h in hits if h["margin"] > margins[h["kind"]]]
    false = [h for h in kept if not h["true"]]
    found = {wrong: any(h["true"] and h["original"] in wrong for h in kept) for wrong in SEED_SLIPS}
    bad_sentences = {(h["file"], h["sentence"]) for h in false}
    return {"slips_found": found, "true_findings": len(kept) - len(false), "false_findings": len(false),
            "false_sentence_rate": len(bad_sentences) / max(1, info["sentences"]),
            "false_per_1000_chars": round(1000 * len(false) / max(1, info["chars"]), 2),
            "findings": kept}


GRID = [float(x) for x in range(3, 17)]  # nats; whole steps: 4 kinds, and the dev set is small


def calibrate(rows, hits, target_fa: float, seeds: tuple | None = None) -> dict:
    """The per-kind margins with the highest recall on ``rows`` whose sentence false-alarm rate is at
    most ``target_fa`` there and on the seeds; ties go to the larger margins (fewer findings)."""
    # per sentence and kind, the best gain: a sentence is flagged when any kind's best beats its margin
    def table(hit_lists, get):
        t = np.full((len(hit_lists), len(KINDS)), -np.inf)
        for r, hs in enumerate(hit_lists):
            for h in hs:
                k = KINDS.index(get(h, "kind"))
                t[r, k] = max(t[r, k], get(h, "margin"))
        return t

    attr = lambda h, name: getattr(h, name)  # noqa: E731
    t = table(hits, attr)
    is_err = np.array([w != r for w, r in rows])
    seed_t = seed_true = None
    if seeds is not None:
        seed_hits, info = seeds
        groups: dict = {}
        for h in seed_hits:
            groups.setdefault((h["file"], h["sentence"]), []).append(h)
        keys = list(groups)
        false_lists = [[h for h in groups[k] if not h["true"]] for k in keys]
        seed_t = table(false_lists, lambda h, name: h[name])
        seed_sentences = info["sentences"]
        seed_true = [h for h in seed_hits if h["true"]]
    best = None
    for m in itertools.product(GRID, repeat=len(KINDS)):
        m = np.array(m)
        flagged = (t > m).any(axis=1)
        fa = flagged[~is_err].mean() if (~is_err).any() else 0.0
        if fa > target_fa:
            continue
        score = (flagged[is_err].mean(),)
        if seed_t is not None:
            seed_fa = (seed_t > m).any(axis=1).sum() / seed_sentences
            if seed_fa > target_fa:
                continue
            found = sum(h["margin"] > m[KINDS.index(h["kind"])] for h in seed_true)
            score = (score[0], found)
        key = (*score, float(m.sum()))
        if best is None or key > best[0]:
            best = (key, m)
    if best is None:
        print(f"warning: no margins up to {GRID[-1]} nats meet a {target_fa:.1%} false-alarm rate on this "
              "development set; using the largest", file=sys.stderr)
    chosen = best[1] if best is not None else np.array([GRID[-1]] * len(KINDS))
    return {k: float(v) for k, v in zip(KINDS, chosen)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--margin", type=float, default=None, help="skip calibration, use this margin")
    ap.add_argument("--target-fa", type=float, default=0.01, help="sentence false-alarm target for calibration")
    ap.add_argument("--limit", type=int, default=None, help="only the first N lines of each half")
    ap.add_argument("--no-seeds", action="store_true")
    ap.add_argument("--seed-chars", type=int, default=None, help="only the seeds' first N characters")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--rescore", type=Path, default=None,
                    help="no LM: re-calibrate and report from the raw hits of an earlier --json run, leaving out "
                         "hits in today's protected words (an approximation: a re-run may try other positions)")
    ap.add_argument("--extra", type=Path, default=None,
                    help="only this labeled file (wrong<TAB>right per line, # comments), with the margins in code")
    args = ap.parse_args(argv)
    if args.rescore:
        return rescore(args.rescore, args.target_fa)
    if args.extra:
        return extra_set(args.extra)

    rows = load_sighan()
    half_a, half_b = rows[0::2], rows[1::2]
    if args.limit:
        half_a, half_b = half_a[: args.limit], half_b[: args.limit]
    t = time.perf_counter()
    lm = TypoLM()
    print(f"model load {time.perf_counter() - t:.1f} s (weights {lm.load_seconds:.2f} s, {lm.mode})", flush=True)
    detector = TypoDetector(lm)
    result: dict = {"mode": lm.mode, "threads": lm.torch.get_num_threads()}
    seeds = None
    if not args.no_seeds:
        seed_hits, info, n_slips, seed_seconds = seeds_hits(detector, args.seed_chars)
        seeds = (seed_hits, info)
        print(f"seeds: {info['chars']} chars, {info['sentences']} sentences, {seed_seconds:.1f} s", flush=True)
    if args.margin is None:
        hits_a, _, _ = run_half(detector, half_a)
        margins = calibrate(half_a, hits_a, args.target_fa, seeds)
        result["calibration"] = evaluate(half_a, hits_a, margins)
        print("calibration half:", json.dumps(result["calibration"]), flush=True)
    else:
        margins = {k: args.margin for k in KINDS}
    before, lm_before = dict(detector.stats), dict(detector.lm.stats)
    hits_b, seconds, cpu = run_half(detector, half_b)
    report = evaluate(half_b, hits_b, margins)
    per = max(1, len(half_b))
    report["windows_per_sentence"] = round((detector.stats["windows"] - before["windows"]) / per, 2)
    report["lm_rows_per_sentence"] = round((detector.lm.stats["rows"] - lm_before["rows"]) / per, 2)
    report["lm_tokens_per_sentence"] = round((detector.lm.stats["tokens"] - lm_before["tokens"]) / per, 2)
    chars = sum(len(w) for w, _ in half_b)
    report.update(seconds=round(seconds, 1), sentences=len(half_b), s_per_sentence=round(seconds / len(half_b), 3),
                  chars_per_s=round(chars / seconds, 1), cpu_seconds=round(cpu, 1),
                  cpu_s_per_sentence=round(cpu / len(half_b), 3), load_average=round(os.getloadavg()[0], 1))
    result["report"] = report
    print("report half:", json.dumps(report), flush=True)
    curve = [evaluate(half_b, hits_b, {k: m for k in KINDS}) for m in (2, 4, 6, 8, 10, 12, 15)]
    result["report_curve"] = [{k: round(v, 3) if isinstance(v, float) else v for k, v in c.items()} for c in curve]
    for c in result["report_curve"]:
        print(f"  margin {c['margins']['fills']:>4} (all kinds): recall any {c['recall_any']:.3f}"
              f" located {c['recall_located']:.3f}  false alarm {c['false_alarm']:.3f}")
    if seeds is not None:
        ev = seeds_evaluate(seed_hits, info, margins)
        ev.update(chars=info["chars"], sentences=info["sentences"], seconds=round(seed_seconds, 1))
        result["seeds"] = ev
        print("seeds:", json.dumps(ev["slips_found"], ensure_ascii=False),
              f"{ev['true_findings']} true, {ev['false_findings']} false findings in {info['chars']} chars"
              f" ({ev['false_sentence_rate']:.4f} of sentences), {seed_seconds:.1f} s")
        for h in ev["findings"]:
            print("   ", json.dumps(h, ensure_ascii=False))
    if args.json:
        # every position's best hit, so margins can be re-chosen later without re-running the LM
        result["raw"] = {
            "calibration": [[h.__dict__ for h in hs] for hs in hits_a] if args.margin is None else None,
            "report": [[h.__dict__ for h in hs] for hs in hits_b],
            "seeds": seeds[0] if seeds is not None else None,
        }
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def extra_set(path: Path) -> int:
    """Recall and false alarms on another labeled set (both columns: wrong sentences and their correct forms),
    with the margins now in code — no calibration on it."""
    pairs = [line.split("\t")[:2] for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    rows = [(w, r) for w, r in pairs] + [(r, r) for _, r in pairs]
    lm = TypoLM()
    detector = TypoDetector(lm)
    hits, seconds, cpu = run_half(detector, rows)
    result = evaluate(rows, hits, dict(detector.margins))
    result.update(seconds=round(seconds, 1), s_per_sentence=round(seconds / len(rows), 3))
    print(json.dumps(result, ensure_ascii=False))
    for (w, r), hs in zip(rows, hits):
        kept = _kept(hs, detector.margins)
        if kept or w != r:
            mark = ("found" if kept else "missed") if w != r else "FALSE ALARM"
            print(f"  {mark:11} {w}  " + " ".join(f"{h.original}→{h.replacement}({h.margin:.1f},{h.kind})" for h in kept))
    return 0


def _unprotected(text: str, start: int, end: int, masks: dict) -> bool:
    from coach.typo.protected import protected_mask

    if text not in masks:
        masks[text] = protected_mask(text)
    return not any(masks[text][start:end])


def rescore(path: Path, target_fa: float) -> int:
    """Margins and figures from an earlier run's raw hits, without hits inside protected words."""
    from coach.typo.detector import TypoHit

    raw = json.loads(path.read_text(encoding="utf-8"))["raw"]
    rows = load_sighan()
    half_a, half_b = rows[0::2][: len(raw["calibration"])], rows[1::2][: len(raw["report"])]
    masks: dict = {}

    def hits_of(half, lists):
        return [[TypoHit(**h) for h in hs if _unprotected(w, h["start"], h["end"], masks)]
                for (w, _), hs in zip(half, lists)]

    hits_a, hits_b = hits_of(half_a, raw["calibration"]), hits_of(half_b, raw["report"])
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    seed_hits = [h for h in raw["seeds"] or []
                 if _unprotected(texts[h["file"]], h["start"], h["start"] + len(h["original"]), masks)]
    sentences = sum(len(split_sentences(t)) for t in texts.values())
    info = {"sentences": sentences, "chars": sum(len(t) for t in texts.values())}
    margins = calibrate(half_a, hits_a, target_fa, (seed_hits, info))
    print("calibration half:", json.dumps(evaluate(half_a, hits_a, margins)))
    print("report half:", json.dumps(evaluate(half_b, hits_b, margins)))
    ev = seeds_evaluate(seed_hits, info, margins)
    print("seeds:", json.dumps(ev["slips_found"], ensure_ascii=False),
          f"{ev['true_findings']} true, {ev['false_findings']} false findings ({ev['false_sentence_rate']:.4f} of sentences)")
    for h in ev["findings"]:
        print("   ", json.dumps(h, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
