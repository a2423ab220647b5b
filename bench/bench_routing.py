"""How well the offline coach understands natural questions: intent (and FAQ entry) accuracy on a labeled
set of questions we wrote (bench/data/routing_questions.yaml), for the coaching data as it was before the
genre work (git revision BEFORE, read with ``git show``) and as it is now, side by side in one run.

    .venv/bin/python bench/bench_routing.py [--before 46ddcc7] [--questions FILE] [--show-misses]

A held-out set exists; this one is ours, written before the FAQ was widened, and flatters us.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.coaching.resources import load_coaching_data  # noqa: E402
from coach.coaching.router import route  # noqa: E402


def prompts_at(revision: str, target: Path) -> Path:
    """The shared coaching files (intents, FAQ, rules, turn) at ``revision``, in ``target``; the step files
    come from the step folders as now (they do not take part in routing)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("intents.yaml", "faq.yaml", "_rules.md", "_turn.md"):
        text = subprocess.run(["git", "show", f"{revision}:prompts/{name}"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
        (target / name).write_text(text, encoding="utf-8")
    return target


def score(data, questions: list[dict]) -> tuple[float, float, list[tuple[dict, str, str]], Counter, Counter]:
    right_intent = right_faq = faq_total = 0
    misses = []
    per_total, per_right = Counter(), Counter()
    for q in questions:
        r = route(data, q["q"])
        top_faq = r.faq[0][0].id if r.faq else ""
        per_total[q["intent"]] += 1
        ok = r.intent == q["intent"]
        if q.get("faq"):
            faq_total += 1
            ok_faq = ok and top_faq == q["faq"]
            right_faq += ok_faq
            ok = ok_faq
        right_intent += r.intent == q["intent"]
        per_right[q["intent"]] += r.intent == q["intent"]
        if not ok:
            misses.append((q, r.intent, top_faq))
    return right_intent / len(questions), right_faq / max(faq_total, 1), misses, per_total, per_right


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default="46ddcc7", help="git revision of the coaching data to compare with")
    ap.add_argument("--questions", default=str(ROOT / "bench" / "data" / "routing_questions.yaml"))
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    questions = yaml.safe_load(Path(args.questions).read_text(encoding="utf-8"))["questions"]
    with tempfile.TemporaryDirectory() as tmp:
        before = load_coaching_data(prompts_at(args.before, Path(tmp) / "before"))
        now = load_coaching_data()
        rows = [("之前（" + args.before + "）", score(before, questions)), ("现在", score(now, questions))]
    faq_n = sum(1 for q in questions if q.get("faq"))
    print(f"{len(questions)} 个问题（其中 {faq_n} 个应答规范问答的某一条）")
    print(f"{'数据':<16}{'意图准确率':>10}{'规范问答条目准确率':>16}")
    for name, (intent_acc, faq_acc, misses, per_total, per_right) in rows:
        print(f"{name:<16}{intent_acc:>10.1%}{faq_acc:>16.1%}")
    print("\n各意图（现在）：" + "，".join(f"{k} {rows[1][1][4][k]}/{v}" for k, v in sorted(rows[1][1][3].items())))
    if args.show_misses:
        for name, (_i, _f, misses, _t, _r) in rows:
            print(f"\n{name} 答错的：")
            for q, intent, faq in misses:
                print(f"  {q['q']}  期望 {q['intent']}/{q.get('faq', '')}  得到 {intent}/{faq}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
