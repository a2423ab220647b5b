"""The 请示 walk in the real app (AppTest): 请示 questions, the 请示 structure at 搭骨, honest examples, and
the second request named as an error at 搭骨, 修容 and 成器."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_helpers import assert_ok, create_project, go, install_index, new_app, texts, widget  # noqa: E402

from coach.steps import get_step  # noqa: E402


def _key(name: str) -> str:
    return get_step(name).key


def test_a_qingshi_is_coached_as_a_qingshi_through_the_steps(seed_index_dir):
    install_index(seed_index_dir)
    at = new_app()
    create_project(at, "关于申请购置办公设备的请示")
    widget(at, "selectbox", "brief.genre").set_value("请示").run()
    assert_ok(at)
    at.chat_input(key=f"chat.{_key('立意')}").set_value("下一步做什么？").run()
    reply = at.chat_message[-1].markdown[0].value
    assert "场合" not in reply and "讲话" not in reply
    assert "主送机关" in reply or "一件事" in reply

    go(at, _key("搭骨"))
    page = texts(at)
    assert "请示的结构" in page and "请示缘由" in page
    assert "一文一事" in page  # the step's checklist for a 请示, not "讲三点意见"
    assert "讲三点意见" not in page
    assert "语料库里还没有请示的范文" in page  # honest: the seed corpus holds speeches only
    at.button(key="use_genre_skeleton").click().run()
    assert_ok(at)
    outline = widget(at, "text_area", "outline")
    assert outline.value.startswith("一、请示缘由")
    outline.input("一、申请缘由\n二、申请事项：购置办公电脑10台\n三、同时申请增加2名工作人员编制").run()
    assert "请示应当一文一事" in texts(at)

    go(at, _key("修容"))
    draft = widget(at, "text_area", "draft")
    draft.input("关于申请购置办公设备的请示\n××市××局：\n我办电脑老化。特申请购置办公电脑10台。"
                "同时申请增加2名工作人员编制。\n妥否，请批示。\n××市××局办公室\n2026年3月16日").run()
    assert_ok(at)
    assert "请示应当一文一事，这里又提出了另一项请求" in texts(at)

    go(at, _key("成器"))
    page = texts(at)
    assert "请示应当一文一事" in page
    assert "还不能定稿" in page
