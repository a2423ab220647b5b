"""How long the coach takes to answer, server side, on the seed corpus.

Offline coach: the whole reply (routing, retrieval, the step's checks, lint, question bank, rendering),
per intent and step, on a project built from seed speech 002 (outline = its headings, sections = its
text) and on an empty project. Target: p50 ≤ 200 ms.

LLM coach: the time from ``reply()`` to the first chunk reaching the caller, against the local
OpenAI-protocol test server answering at once — i.e. our own overhead before the provider's first
token (context gathering + prompt assembly + the LangChain/openai client round trip on localhost).

Run:  .venv/bin/python bench/bench_coach.py [--rounds 20]
The model and seed index come from COACH_HOME (built on first use, not timed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MESSAGES = {
    "examples": "给我看看例子",
    "check": "帮我检查",
    "rule": "截止和截至怎么区分？",
    "next": "下一步做什么",
    "method": "这一步要注意什么",
    "rewrite": "帮我改一下第二部分",
    "unknown": "今天天气不错",
}
THESIS = "办公室干部要提高认识、多维并重、严守纪律，做让县委县政府放心的行家里手"


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20, help="replies per (step, intent, project)")
    args = parser.parse_args()

    from coach import config
    from coach.coaching import CoachTurn, LLMCoach, LLMSettings, OfflineCoach
    from coach.coaching.samples import speech_project
    from coach.index import open_retriever
    from coach.project import Project
    from coach.steps import STEPS

    t0 = time.perf_counter()
    retriever = open_retriever()
    print(f"open_retriever: {time.perf_counter() - t0:.1f} s ({len(retriever.passages)} passages)")
    coach = OfflineCoach(retriever)
    seed = (config.seeds_dir() / "002_4cf813356daf6edd.txt").read_text(encoding="utf-8")
    projects = {"002": speech_project(seed, thesis=THESIS), "empty": Project()}

    # warm up: jieba's dictionary, the linter's rules, the embedder (once per process in the app too)
    t0 = time.perf_counter()
    for step in STEPS:
        for message in MESSAGES.values():
            coach.reply(CoachTurn(projects["002"], step.key, message)).finish()
    print(f"warm-up (first reply of each kind, cold caches): {time.perf_counter() - t0:.1f} s")

    # rows: each intent and each step on the 002 project, then everything per project
    rows: dict[str, list[float]] = {}
    base_body = projects["002"].sections[-1].body
    for n in range(args.rounds):
        # the writer keeps typing: a new sentence each round, so nothing keyed on the text can be reused
        projects["002"].sections[-1].body = base_body + f"\n第{n + 1}轮补充：要把培训成果转化为工作实效。"
        for name, project in projects.items():
            for step in STEPS:
                for intent, message in MESSAGES.items():
                    t0 = time.perf_counter()
                    coach.reply(CoachTurn(project, step.key, message)).finish()
                    ms = (time.perf_counter() - t0) * 1000
                    labels = [f"all, project {name}"]
                    if name == "002":
                        labels += [f"intent {intent} (002, {len(STEPS)} steps)", f"step {step.key} (002, {len(MESSAGES)} intents)"]
                    for label in labels:
                        rows.setdefault(label, []).append(ms)

    print("\nOffline coach, whole reply (ms)")
    print("| replies to | replies | p50 | p95 | max |")
    print("| --- | --- | --- | --- | --- |")
    for label, values in sorted(rows.items(), key=lambda kv: (not kv[0].startswith("intent"), not kv[0].startswith("step"), kv[0])):
        print(f"| {label} | {len(values)} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f} | {max(values):.1f} |")

    # the LLM path: our overhead before the first chunk, against a local server that answers at once
    sys.path.insert(0, str(ROOT / "tests"))
    from openai_server import Behaviour, OpenAIServer

    with OpenAIServer() as server:
        server.default = Behaviour(chunks=["好的，", "我们先看第二部分[1]。"])
        llm = LLMCoach(LLMSettings(base_url=server.base_url, api_key="bench", model="bench", timeout=10), offline=coach)
        firsts, totals = [], []
        for n in range(args.rounds * 5 + 3):
            step = STEPS[n % len(STEPS)].key
            t0 = time.perf_counter()
            stream = iter(llm.reply(CoachTurn(projects["002"], step, "给我看看例子")))
            next(stream)
            first = (time.perf_counter() - t0) * 1000
            for _ in stream:
                pass
            if n >= 3:  # the first requests open the HTTP client
                firsts.append(first)
                totals.append((time.perf_counter() - t0) * 1000)
    print("\nLLM coach against the local test server (ms)")
    print("| measure | replies | p50 | p95 |")
    print("| --- | --- | --- | --- |")
    print(f"| reply() → first chunk | {len(firsts)} | {statistics.median(firsts):.1f} | {percentile(firsts, 95):.1f} |")
    print(f"| reply() → last chunk | {len(totals)} | {statistics.median(totals):.1f} | {percentile(totals, 95):.1f} |")


if __name__ == "__main__":
    main()
