"""The app's speed and size (BENCHMARKS.md, "## App").

    .venv/bin/python bench/bench_app.py [--home DIR] [--runs 3]

Three figures, each against the targets of the app's issue:

- start: seconds from launching ``streamlit run app.py`` until ``/_stcore/health`` answers "ok", with the
  index already built (target ≤ 5 s);
- rerun: server time of a rerun after the writer types, per step, on a project written from the seed
  corpus (speech 004's outline and sections) with the seed index: the change callback (autosave) plus
  the script run, measured inside the process with AppTest (target ≤ 300 ms);
- memory: peak resident memory (VmHWM) of the server process after a real browser session through all
  five steps, examples and a coach reply (target ≤ 600 MB).

``--home`` reuses a data folder that already holds the default model and the index (they are built there
when missing: about two minutes the first time).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"


def prepare_home(home: Path) -> None:
    os.environ["COACH_HOME"] = str(home)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from coach.embed import build_default_model
    from coach.index import build_index

    build_default_model(progress=False)
    build_index()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    env = {**os.environ, "COACH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("COACH_LLM_")}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - started < 60:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    return proc, url, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not answer its health check within 60 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def bench_start(home: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        proc, _url, seconds = start_server(home)
        times.append(seconds)
        stop(proc)
    return times


# --- reruns -------------------------------------------------------------------------------------------

def seed_project_text() -> tuple[str, list[tuple[str, str]]]:
    """Speech 004's outline (first two levels) and its three top-level sections' text."""
    from coach.checks.outline import Outline, render_outline
    from coach.config import seeds_dir
    from coach.corpus import ingest_file, outline_of

    doc = ingest_file(next(seeds_dir().glob("004_*.txt")))
    headings = [h for h in outline_of(doc) if h.level <= 2]
    outline = render_outline(Outline.from_headings(headings, doc.text))
    tops = [h for h in headings if h.level == 1]
    bodies = []
    for i, h in enumerate(tops):
        end = tops[i + 1].start if i + 1 < len(tops) else len(doc.text)
        bodies.append((h.text, doc.text[h.end:end].strip()))
    return outline, bodies


def bench_reruns(home: Path, runs: int) -> dict[str, list[float]]:
    os.environ["COACH_HOME"] = str(home)
    from streamlit.testing.v1 import AppTest

    from coach.steps import get_step
    from coach.ui import workspace

    timings: dict[str, list[float]] = {}
    change_ms: list[float] = []
    original = workspace.Workspace.change

    def timed_change(self, *args, **kwargs):
        t = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            change_ms.append((time.perf_counter() - t) * 1000)

    workspace.Workspace.change = timed_change
    outline, bodies = seed_project_text()

    def run(at, step: str, action) -> None:
        change_ms.clear()
        action()
        assert not at.exception, [e.value for e in at.exception]
        timings.setdefault(step, []).append(at.session_state["_script_ms"] + sum(change_ms))

    def widget(at, kind, name):
        return next(w for w in getattr(at, kind) if w.key and w.key.split(".", 1)[-1] == name)

    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        at.text_input(key="welcome_name").input("基准测试：在全市办公室系统业务培训会上的讲话")
        at.button(key="welcome_new").click().run()
        # the first search loads the index and jieba: once per server process, reported on its own
        run(at, "首次检索（载入索引，每个服务进程一次）",
            lambda: widget(at, "text_area", "brief.thesis").input("学习是立身之本，写材料是看家本领").run())
        at.sidebar.radio(key="nav_step").set_value(get_step("搭骨").key).run()
        widget(at, "text_area", "outline").input(outline).run()
        at.sidebar.radio(key="nav_step").set_value(get_step("填肉").key).run()
        options = at.selectbox(key="tianrou_pick").options
        for label, (_heading, body) in zip(options[1:], bodies):
            at.selectbox(key="tianrou_pick").select(label).run()
            next(t for t in at.text_area if ".part." in t.key).input(body).run()
        at.sidebar.radio(key="nav_step").set_value(get_step("立意").key).run()

        for n in range(runs):
            run(at, "立意（改标题）", lambda: widget(at, "text_input", "brief.title").input(f"在全市办公室系统业务培训会上的讲话（第{n}稿）").run())
        theses = ["办公室干部要把学习作为一种生活方式", "写材料要立意高远、结构严谨、材料扎实", "为人处事要以诚待人、换位思考",
                  "办文办会办事都要精益求精", "信息报送要及时准确全面"]
        for n in range(runs):
            # a new thesis is a new search for examples: query embedding + FAISS + BM25, not cached
            run(at, "立意（改核心观点，重新检索范文）",
                lambda: widget(at, "text_area", "brief.thesis").input(theses[n % len(theses)] + f"（{n}）").run())
        at.sidebar.radio(key="nav_step").set_value(get_step("搭骨").key).run()
        for n in range(runs):
            run(at, "搭骨（改提纲）", lambda: widget(at, "text_area", "outline").input(outline + f"\n四、第{n}个新标题").run())
        widget(at, "text_area", "outline").input(outline).run()
        at.sidebar.radio(key="nav_step").set_value(get_step("填肉").key).run()
        at.selectbox(key="tianrou_pick").select(at.selectbox(key="tianrou_pick").options[2]).run()
        for n in range(runs):
            area = next(t for t in at.text_area if ".part." in t.key)
            run(at, "填肉（改一个部分）", lambda: area.input(bodies[1][1] + f"第{n}次补充一句。").run())
        at.sidebar.radio(key="nav_step").set_value(get_step("修容").key).run()
        for n in range(runs):
            draft = widget(at, "text_area", "draft")
            run(at, "修容（改全文）", lambda: draft.input(draft.value + f"第{n}次修改。").run())
        at.sidebar.radio(key="nav_step").set_value(get_step("成器").key).run()
        for n in range(runs):
            run(at, "成器（改版本名）", lambda: at.text_input(key="version_label").input(f"第{n}稿").run())
        chars = len(at.session_state["ws"].project.current_text())
    finally:
        workspace.Workspace.change = original
    timings["_chars"] = [chars]
    return timings


# --- memory ------------------------------------------------------------------------------------------

def vm(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_memory(home: Path) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    outline, bodies = seed_project_text()
    proc, url, _ = start_server(home)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)

            def settle():
                page.wait_for_timeout(400)
                page.wait_for_function("""() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
                    return !(s && /Running|Stop/.test(s.innerText)) && !document.querySelector('[data-stale="true"]'); }""")

            page.goto(url)
            page.get_by_label("给新文稿起个名字").fill("内存测试")
            page.get_by_label("给新文稿起个名字").press("Enter")
            page.get_by_role("button", name="新建文稿").click()
            settle()
            box = page.get_by_label("一句话核心观点", exact=True)
            box.fill("学习是立身之本，写材料是看家本领")
            box.press("Control+Enter")
            settle()
            for step, text in (("2. 搭骨", outline), ("3. 填肉", bodies[0][1]), ("4. 修容", None), ("5. 成器", None)):
                page.locator('[data-testid="stSidebar"]').get_by_text(step).first.click()
                settle()
                if text:
                    area = page.locator("textarea").first
                    area.fill(text)
                    area.press("Control+Enter")
                    settle()
            chat = page.get_by_placeholder("问问教练", exact=False)
            chat.fill("定稿前还要检查什么？")
            chat.press("Enter")
            settle()
            browser.close()
        return vm(proc.pid, "VmRSS"), vm(proc.pid, "VmHWM")
    finally:
        stop(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data folder with (or for) the default model and index")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="coach-bench-app-"))
    prepare_home(home)

    starts = bench_start(home, args.runs)
    print(f"start → health ok: {', '.join(f'{s:.2f}' for s in starts)} s (median {statistics.median(starts):.2f} s)")
    reruns = bench_reruns(home, args.runs)
    chars = reruns.pop("_chars")[0]
    print(f"rerun server time (callback + script), project of {chars} characters:")
    print("| step | runs | median ms | max ms |\n| --- | --- | --- | --- |")
    for step, values in reruns.items():
        print(f"| {step} | {len(values)} | {statistics.median(values):.0f} | {max(values):.0f} |")
    rss, peak = bench_memory(home)
    print(f"server memory after a browser session through all five steps: RSS {rss:.0f} MB, peak {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
