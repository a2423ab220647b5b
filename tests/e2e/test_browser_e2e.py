"""End to end in a real browser: a new project through all five steps, ending with a Word file.

The test starts ``streamlit run app.py`` on a free port (COACH_HOME in a temporary folder, the seed
index prebuilt) and drives Debian's chromium with Playwright (``scripts/browser-for-tests.sh`` installs
it; ``playwright install`` is never used). Screenshots of every step are kept in
``test-artifacts/e2e/`` for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from docx import Document as DocxDocument

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_server(tmp_path, seed_index_dir):
    home = tmp_path / "coach-home"
    (home / "index").mkdir(parents=True)
    shutil.copytree(seed_index_dir, home / "index" / "default")
    port = _free_port()
    env = {**os.environ, "COACH_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    for key in [k for k in env if k.startswith("COACH_LLM_")]:
        env.pop(key)  # the offline coach: no provider is reachable from here
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("streamlit did not answer its health check: " + (tmp_path / "streamlit.log").read_text())
        yield url, home
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "没有找到 /usr/bin/chromium：请先运行 scripts/browser-for-tests.sh"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1440, "height": 1400}, accept_downloads=True,
                                      locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        yield pg
        context.close()
        browser.close()


def settle(page) -> None:
    """Wait until Streamlit has finished the rerun the last action started."""
    page.wait_for_timeout(400)
    page.wait_for_function(
        """() => {
            const status = document.querySelector('[data-testid="stStatusWidget"]');
            const running = status && /Running|Stop/.test(status.innerText);
            return !running && !document.querySelector('[data-stale="true"]');
        }""",
        timeout=60_000,
    )
    page.wait_for_timeout(200)


def shot(page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own container, so the window is
    made as tall as the content first."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('section, div')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(max(height + 80, size["height"]), 8000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def fill_input(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    settle(page)


def fill_area(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Control+Enter")
    settle(page)


def choose(page, label: str, option: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    settle(page)


def go_step(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=False).first.click()
    settle(page)


def test_a_new_project_through_all_five_steps_to_a_word_file(app_server, page, monkeypatch):
    from coach.store import ProjectStore

    url, home = app_server
    page.goto(url)
    page.get_by_text("欢迎使用写作教练").wait_for()
    shot(page, "00-welcome")

    fill_input(page, "给新文稿起个名字", "在全市办公室系统业务培训会上的讲话")
    page.get_by_role("button", name="新建文稿").click()
    settle(page)
    page.get_by_text("第1步 · 立意").wait_for()

    # 立意
    choose(page, "文种", "讲话稿")
    fill_input(page, "标题", "在全市办公室系统业务培训会上的讲话")
    fill_input(page, "场合", "全市办公室系统业务培训会")
    fill_input(page, "受众", "全市办公室系统业务骨干")
    fill_area(page, "领导意图", "讲清学习和写材料的重要性，提出要求")
    fill_area(page, "一句话核心观点", "学习是立身之本，写材料是看家本领")
    fill_area(page, "预期效果", "大家回去后坚持学习，写好材料")
    page.get_by_label("讲话时长（分钟）", exact=True).fill("20")
    page.get_by_label("讲话时长（分钟）", exact=True).press("Enter")
    settle(page)
    page.get_by_text("范文示例").first.wait_for()
    page.get_by_role("button", name="收藏到本文稿").first.click()
    settle(page)
    shot(page, "01-liyi")

    # 搭骨
    go_step(page, "2. 搭骨")
    page.get_by_text("第2步 · 搭骨").wait_for()
    outline = page.locator("textarea").first
    outline.fill("一、学习是办公室干部的立身之本\n（一）为什么要学\n（二）怎么学\n二、写材料是办公室干部的看家本领\n三、工作方法是办公室干部的制胜法宝")
    outline.press("Control+Enter")
    settle(page)
    page.get_by_text("3个一级标题").wait_for()
    shot(page, "02-dagu")

    # 填肉
    go_step(page, "3. 填肉")
    page.get_by_text("第3步 · 填肉").wait_for()
    body = page.locator("textarea").first
    body.fill("学习是永恒的课题。截止2025年底,全市办公室系统共组织业务培训12次，参训1500人次。")
    body.press("Control+Enter")
    settle(page)
    shot(page, "03-tianrou")

    # 修容
    go_step(page, "4. 修容")
    page.get_by_text("第4步 · 修容").wait_for()
    page.locator("mark").first.wait_for()  # the findings are highlighted in the draft
    shot(page, "04-xiurong-findings")
    page.get_by_role("button", name="应用全部安全修改").click()
    settle(page)
    page.get_by_text("已自动修改").wait_for()
    shot(page, "04-xiurong")

    # 成器
    go_step(page, "5. 成器")
    page.get_by_text("第5步 · 成器").wait_for()
    fill_input(page, "版本名称", "送审稿")
    page.get_by_role("button", name="存为版本").click()
    settle(page)
    page.get_by_text("已保存版本“送审稿”").wait_for()
    shot(page, "05-chengqi")

    # ask the coach once
    chat = page.get_by_placeholder("问问教练", exact=False)
    chat.fill("定稿前还要检查什么？")
    chat.press("Enter")
    settle(page)
    page.locator('[data-testid="stChatMessage"]').nth(1).wait_for()
    shot(page, "06-chat")

    with page.expect_download() as info:
        page.locator('[data-testid="stMainBlockContainer"] [data-testid="stDownloadButton"]').filter(
            has_text="下载全文（Word）").click()
    download = info.value
    assert download.suggested_filename == "在全市办公室系统业务培训会上的讲话.docx"
    target = ARTIFACTS / download.suggested_filename
    download.save_as(target)
    doc = DocxDocument(str(target))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "在全市办公室系统业务培训会上的讲话"
    assert any("截至2025年底，全市办公室系统共组织业务培训12次" in p for p in paragraphs)
    assert any("二、写材料是办公室干部的看家本领" in p for p in paragraphs)

    # what the browser did was saved: a fresh store on the same folder sees it
    monkeypatch.setenv("COACH_HOME", str(home))
    store = ProjectStore()
    [summary] = store.list()
    project, _ = store.load(summary.id)
    assert project.brief.genre == "讲话稿" and project.brief.speaking_minutes == 20
    assert len(project.pins) == 1
    assert [v.label for v in project.versions][-1] == "送审稿"
    assert [m.role for m in project.chats["chengqi"]] == ["user", "assistant"]
