"""clean_text: line endings, padding spaces, invisible characters, HTML, web boilerplate — and
full-width punctuation kept exactly as written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.corpus import clean_text, load_boilerplate
from coach.corpus.cleaning import BoilerplatePattern


def test_line_endings_and_blank_lines():
    assert clean_text("甲。\r\n乙。\r丙。\n\n\n丁。\u2028戊。\f己。") == "甲。\n乙。\n丙。\n丁。\n戊。\n己。"


def test_padding_spaces_and_invisible_characters():
    raw = "\ufeff\u3000\u3000同志们：\u00a0 \n  今天\u200b开会，\u3000\u3000讨论 工作。\t\n"
    assert clean_text(raw) == "同志们：\n今天开会，讨论工作。"
    # next to Latin letters or digits a run of spaces becomes one ordinary space
    assert clean_text("使用 AI\u00a0\u00a0 技术和 2025 年的  GDP 数据") == "使用 AI 技术和 2025 年的 GDP 数据"


def test_full_width_and_half_width_punctuation_kept_exactly():
    raw = "“五个坚持”（一）：１２３，ＡＢＣ；“5＋2”“白加黑”。同志们:下午好!化解风险."
    assert clean_text(raw) == raw  # no NFKC: the 修容 checks must see what the writer wrote


def test_html_copied_from_a_web_page():
    raw = "<p>同志们：</p><p>今天&nbsp;开会。<br/>谢谢！</p><script>alert(1)</script>"
    assert clean_text(raw) == "同志们：\n今天开会。\n谢谢！"


def test_004_lead_removed(seed_texts):
    raw = next(t for k, t in seed_texts.items() if k.startswith("004"))
    cleaned = clean_text(raw)
    assert cleaned.startswith("在全市办公室系统业务培训会上的讲话同志们:下午好!")
    assert len(cleaned.splitlines()) == 1
    # the same lead glued onto the speech without a line break is removed too
    glued = clean_text(raw.replace("\n", "", 1))
    assert glued == cleaned


def test_seeds_other_than_004_lose_nothing_but_padding(seed_texts):
    for key, raw in seed_texts.items():
        if key.startswith("004"):
            continue
        expected = "\n".join(line.strip() for line in raw.splitlines() if line.strip())
        assert clean_text(raw) == expected, key


def test_typical_boilerplate_lines_and_sentences():
    speech = "同志们：\n今天我们召开会议，研究部署工作。\n一、统一思想\n大家要提高认识。\n二、狠抓落实\n大家要狠抓落实。"
    for junk in (
        "下面是小编为大家整理的讲话稿，欢迎阅读。",
        "本文由范文网整理发布。",
        "以下是网友分享的优秀范文，供大家参考借鉴。",
        "【免责声明】本站内容来源于网络，如有侵权请联系删除。",
        "（本文档为word格式，可任意修改编辑）",
    ):
        assert clean_text(junk + "\n" + speech) == speech, junk
    for tail in ("更多精彩内容，请关注本站公众号。", "文章来源：网络", "相关推荐：\n讲话稿范文十篇\n心得体会五篇"):
        assert clean_text(speech + "\n" + tail) == speech, tail
    # in the middle of a long paragraph only the boilerplate sentence goes
    para = "大家要提高认识，" * 40 + "做好工作。更多精彩内容请访问范文网。继续推进各项工作。"
    assert clean_text("同志们：\n开头。\n" + para + "\n中间。\n结尾。") == (
        "同志们：\n开头。\n" + "大家要提高认识，" * 40 + "做好工作。继续推进各项工作。\n中间。\n结尾。"
    )


def test_edge_only_patterns_do_not_touch_the_speech_body():
    body_line = "希望对大家有所帮助。这是讲话中的一句真话，它在正文中间。"
    text = "同志们：\n开头一句。\n第二句。\n第三句。\n" + body_line + "\n第五句。\n第六句。\n第七句。\n结尾。"
    assert clean_text(text) == text


def test_genuine_speech_phrases_are_not_boilerplate():
    text = "同志们：\n要供给侧改革。\n大家要分享经验、参考兄弟单位的做法。\n网络舆情要关注。\n谢谢大家！"
    assert clean_text(text) == text


def test_boilerplate_patterns_are_data():
    patterns = load_boilerplate()
    ids = {p.id for p in patterns}
    assert {"netizen-shared", "for-reference", "like-and-share", "compiled-by", "more-content", "disclaimer"} <= ids
    # a caller can pass its own list, or none at all
    raw = "广告：本店开业大酬宾。\n同志们：\n开会。"
    assert clean_text(raw, boilerplate=[r"本店开业"]) == "同志们：\n开会。"
    assert clean_text(raw, boilerplate=[]) == raw
    custom = BoilerplatePattern(id="ad", regex=__import__("re").compile("大酬宾"), where="edge")
    assert clean_text(raw, boilerplate=[custom]) == "同志们：\n开会。"


text_st = st.lists(
    st.sampled_from(
        list("同志们：，。！？下面是网友整理分享的供大家学习参考喜欢就分享吧更多精彩内容关注免责声明")
        + ["\n", "\r", " ", "\u3000", "\u00a0", "\u200b", "\ufeff", "\t", "<", ">", "p", "/", "&nbsp;", "<br>", "a", "1"]
    ),
    max_size=300,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(text_st)
def test_clean_text_is_idempotent_and_never_grows(raw):
    once = clean_text(raw)
    assert clean_text(once) == once
    assert len(once) <= len(raw)
    assert "\r" not in once and "\u200b" not in once and "\n\n" not in once
    assert all(line == line.strip() and line for line in once.split("\n")) or once == ""
