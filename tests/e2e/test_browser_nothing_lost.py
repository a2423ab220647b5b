"""Nothing a writer types is lost: in a real browser, text typed and never committed (no blur, no
Ctrl+Enter) survives a refresh after a short pause, and the page warns before closing while unsaved.
Same server and browser fixtures as the five-step walk (tests/e2e/test_browser_e2e.py)."""

from __future__ import annotations

from playwright.sync_api import expect

from coach.store import ProjectStore

from test_browser_e2e import app_server, fill_input, go_step, page, settle  # noqa: F401 - fixtures


def _new_project(page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_text("欢迎使用写作教练").wait_for()
    fill_input(page, "给新文稿起个名字", name)
    page.get_by_role("button", name="新建文稿").click()
    settle(page)
    page.get_by_text("第1步 · 立意").wait_for()


def test_typed_text_survives_a_refresh_without_leaving_the_box(app_server, page, monkeypatch):
    url, home = app_server
    _new_project(page, url, "关于申请购置办公设备的请示")

    intent = page.get_by_label("领导意图", exact=True)
    intent.click()
    intent.press_sequentially("尽快配齐办公电脑，保障业务正常开展", delay=20)
    page.wait_for_timeout(3000)  # a pause in typing; the caret never left the box
    assert page.evaluate("document.activeElement && document.activeElement.tagName") == "TEXTAREA"
    settle(page)
    page.reload()
    settle(page)
    expect(page.get_by_label("领导意图", exact=True)).to_have_value("尽快配齐办公电脑，保障业务正常开展", timeout=20_000)

    go_step(page, "2. 搭骨")
    outline = page.locator("textarea").first
    outline.click()
    outline.press_sequentially("一、申请缘由\n二、申请事项", delay=20)
    page.wait_for_timeout(3000)
    settle(page)
    page.reload()
    settle(page)
    page.get_by_text("第2步 · 搭骨").wait_for()
    expect(page.locator("textarea").first).to_have_value("一、申请缘由\n二、申请事项", timeout=20_000)

    monkeypatch.setenv("COACH_HOME", str(home))
    [summary] = ProjectStore().list()
    saved, _ = ProjectStore().load(summary.id)
    assert saved.brief.leader_intent == "尽快配齐办公电脑，保障业务正常开展"
    assert saved.outline == "一、申请缘由\n二、申请事项"


def test_closing_the_page_while_typing_asks_first(app_server, page):
    url, _home = app_server
    _new_project(page, url, "离开前提醒")
    box = page.get_by_label("领导意图", exact=True)
    box.click()
    box.press_sequentially("还没保存的字", delay=10)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    # run the page's beforeunload handlers right away, before the pause that would save the text
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


_MAIN_SCROLL = """() => { const m = document.querySelector('[data-testid="stMain"]')
    || document.querySelector('[data-testid="stAppScrollToBottomContainer"]'); return m ? m.scrollTop : -1; }"""


def test_every_step_opens_at_its_top_not_scrolled_to_the_chat(app_server, page):
    """The sample's steps are longer than the window; switching step must show the step's header and work
    area, not the chat at the bottom (a top-level chat_input made Streamlit scroll every page down)."""
    url, _home = app_server
    page.goto(url)
    page.get_by_text("欢迎使用写作教练").wait_for()
    page.get_by_role("button", name="打开示例文稿").click()
    settle(page)
    for nav, header in (("4. 修容", "第4步 · 修容"), ("3. 填肉", "第3步 · 填肉"), ("5. 成器", "第5步 · 成器")):
        go_step(page, nav)
        page.get_by_text(header).wait_for()
        page.wait_for_timeout(1500)  # Streamlit's scroll-to-bottom ran after the rerun, when it did
        assert page.evaluate(_MAIN_SCROLL) == 0, nav
        expect(page.get_by_text(header)).to_be_in_viewport()
