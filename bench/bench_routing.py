"""How often the offline coach understands what the writer asks: intent (and FAQ entry) accuracy.

Side by side, in one run, on a labeled set of natural questions (bench/data/routing_questions.yaml):

- ``patterns``: the pattern router (``coach.coaching.router.route``: regexes of prompts/intents.yaml and
  FAQ keywords) — what the coach uses when no embedding model is available;
- ``meaning``: the router by meaning (``coach.coaching.meaning.MeaningRouter``: the same patterns plus example
  phrasings compared through the product's embedding model and shared character bigrams, with the genre and
  the step) — what the coach uses when the index's model is loaded;
- with ``--baseline REV``, also the pattern router on the coaching data of git revision REV (what the coach
  answered before the FAQ was widened to the genres).

A question counts as right when the intent is right and, for a labeled FAQ id, the first FAQ entry the
route offers is that one.

Run:  .venv/bin/python bench/bench_routing.py [--set FILE] [--baseline REV] [--errors]
The embedding model comes from COACH_HOME (``coach model build``), as for the app.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SET = ROOT / "bench" / "data" / "routing_questions.yaml"


def load_set(path: Path) -> list[dict]:
    import yaml

    items = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    for item in items:
        item.setdefault("genre", "")
        item.setdefault("faq", None)
    return items


def step_key(name: str) -> str:
    from coach.steps import STEPS

    return next(s.key for s in STEPS if s.name == name or s.key == name)


def correct(item: dict, route) -> bool:
    if route.intent != item["intent"]:
        return False
    if item.get("faq"):
        return bool(route.faq) and route.faq[0][0].id == item["faq"]
    return True


def data_at(rev: str):
    """The coaching data (prompts/) of git revision ``rev``, with today's step banks."""
    from coach.coaching import load_coaching_data

    tmp = Path(tempfile.mkdtemp(prefix="routing-baseline-"))
    for name in ("intents.yaml", "faq.yaml", "_rules.md", "_turn.md"):
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:prompts/{name}"], check=True,
                              capture_output=True, text=True).stdout
        (tmp / name).write_text(text, encoding="utf-8")
    try:
        return load_coaching_data(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="labeled questions (YAML)")
    parser.add_argument("--baseline", default="", help="git revision whose prompts/ the old router also runs on")
    parser.add_argument("--errors", action="store_true", help="list the questions each router gets wrong")
    args = parser.parse_args()

    from coach.coaching import load_coaching_data
    from coach.coaching.meaning import MeaningRouter
    from coach.coaching.router import route
    from coach.embed import load_encoder

    items = load_set(args.set)
    data = load_coaching_data()
    t0 = time.perf_counter()
    encoder = load_encoder()
    router = MeaningRouter(data, encoder)
    setup = time.perf_counter() - t0

    routers = {}
    if args.baseline:
        old = data_at(args.baseline)
        routers[f"patterns@{args.baseline}"] = lambda it, d=old: route(d, it["q"])
    routers["patterns"] = lambda it: route(data, it["q"])
    routers["meaning"] = lambda it: router.route(it["q"], step=step_key(it["step"]), genre=it["genre"])

    results: dict[str, list[bool]] = {}
    wrong: dict[str, list[str]] = defaultdict(list)
    timing: dict[str, float] = {}
    for name, fn in routers.items():
        t = time.perf_counter()
        marks = []
        for it in items:
            r = fn(it)
            ok = correct(it, r)
            marks.append(ok)
            if not ok:
                got = r.intent + (f"/{r.faq[0][0].id}" if r.intent == "rule" and r.faq else "")
                want = it["intent"] + (f"/{it['faq']}" if it.get("faq") else "")
                wrong[name].append(f"{it['q']}  [{it['step']}·{it['genre'] or '未选文种'}]  want {want}  got {got}")
        timing[name] = (time.perf_counter() - t) / len(items) * 1000
        results[name] = marks

    names = list(routers)
    print(f"labeled questions: {len(items)} ({args.set.relative_to(ROOT) if args.set.is_relative_to(ROOT) else args.set})")
    print(f"meaning router setup (encoder + phrasings): {setup:.2f} s, {len(router.phrasings)} phrasings")
    print()
    header = f"{'intent':<12}{'n':>4}" + "".join(f"{n:>22}" for n in names)
    print(header)
    intents = sorted({it["intent"] for it in items}, key=lambda i: -sum(1 for it in items if it["intent"] == i))
    for intent in intents:
        idx = [i for i, it in enumerate(items) if it["intent"] == intent]
        row = f"{intent:<12}{len(idx):>4}"
        for n in names:
            right = sum(results[n][i] for i in idx)
            row += f"{right:>12}/{len(idx):<3}{right / len(idx):>6.0%} "
        print(row)
    faq_idx = [i for i, it in enumerate(items) if it.get("faq")]
    row = f"{'(faq id)':<12}{len(faq_idx):>4}"
    for n in names:
        right = sum(results[n][i] for i in faq_idx)
        row += f"{right:>12}/{len(faq_idx):<3}{right / len(faq_idx):>6.0%} "
    print(row)
    row = f"{'overall':<12}{len(items):>4}"
    for n in names:
        right = sum(results[n])
        row += f"{right:>12}/{len(items):<3}{right / len(items):>6.0%} "
    print(row)
    print(f"{'ms/question':<16}" + "".join(f"{timing[n]:>22.2f}" for n in names))
    if args.errors:
        for n in names:
            print(f"\n{n}: {len(wrong[n])} wrong")
            for line in wrong[n]:
                print("  " + line)


if __name__ == "__main__":
    main()
