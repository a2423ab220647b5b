"""The coach coaches the writer's genre: a 请示 is asked 请示 questions (never 场合 or 讲话时长), a speech is
never asked for 主送机关 and 落款, natural questions get the answer they ask for, and the corpus's gaps are
said plainly."""

from __future__ import annotations

import pytest

from coach.coaching import CoachTurn, OfflineCoach, record_turn
from coach.project import BriefCard, Project, Section
from coach.steps import STEPS


def ask(coach, project, step, message):
    return coach.reply(CoachTurn(project, step, message)).finish()


def step_named(name: str) -> str:
    return next(s.key for s in STEPS if s.name == name)


def questions_over_turns(coach, project, step, turns=12):
    """Every question the coach asks over a conversation of "下一步做什么" turns (kept with the project)."""
    asked = []
    for _ in range(turns):
        reply = ask(coach, project, step, "下一步做什么")
        record_turn(project, step, "下一步做什么", reply)
        asked.append(reply.text)
    return "\n".join(asked)


@pytest.fixture(scope="module")
def plain_coach() -> OfflineCoach:
    return OfflineCoach(retriever_factory=None)  # no index, no model: routing by the patterns


@pytest.fixture(scope="module")
def coach(seed_retriever) -> OfflineCoach:
    return OfflineCoach(seed_retriever)  # routes by meaning with the index's model


QINGSHI_DRAFT = ("××市财政局：\n为保障新办公楼投入使用，我局拟购置办公设备一批，所需经费12万元。\n"
                 "妥否，请批示。\n\n××市××局\n2026年3月2日\n（联系人：张三，电话：1234567）")


def qingshi_project(**kw) -> Project:
    return Project(brief=BriefCard(genre="请示", title="关于申请购置办公设备的请示", **kw))


# --- questions per genre ------------------------------------------------------------------------

def test_a_qingshi_is_asked_qingshi_questions_and_never_the_occasion_or_speaking_time(plain_coach):
    project = qingshi_project()
    text = questions_over_turns(plain_coach, project, step_named("立意"))
    assert "场合" not in text and "讲20分钟" not in text and "讲话" not in text
    assert "主送机关是哪一个" in text
    assert "请示一文一事" in text  # one request only
    assert "依据和理由" in text and "联系人和电话" in text


def test_a_qingshi_outline_is_not_told_to_make_three_points(plain_coach):
    project = qingshi_project(thesis="申请购置办公设备")
    text = questions_over_turns(plain_coach, project, step_named("搭骨"), turns=6)
    assert "三到五个一级标题" not in text and "三点意见”。" not in text.replace("不必凑“三点意见”", "")
    assert "标准结构" in text


def test_a_qingshi_draft_is_asked_for_its_closing_formula_not_to_rally_the_audience(plain_coach):
    project = qingshi_project(thesis="申请购置办公设备")
    project.draft = QINGSHI_DRAFT
    text = questions_over_turns(plain_coach, project, step_named("成器"), turns=8)
    assert "听众" not in text
    assert "妥否，请批示" in text


def test_a_speech_is_never_asked_for_recipient_or_signature(plain_coach):
    project = Project(brief=BriefCard(genre="讲话稿", occasion="全县办公室主任会议", thesis="当好参谋助手"),
                      sections=[Section("一、提高认识", "同志们，办公室工作很重要。")])
    project.draft = "同志们：\n今天召开全县办公室主任会议。\n一、提高认识\n办公室工作很重要。\n谢谢大家！"
    seen = "\n".join(questions_over_turns(plain_coach, project, step_named(name), turns=8)
                     for name in ("立意", "修容", "成器"))
    assert "主送机关" not in seen and "落款" not in seen
    assert "称呼（“同志们：”）" in seen  # the speech's own format question


# --- natural questions --------------------------------------------------------------------------

ISSUE_QUESTIONS = [
    # question, step, genre, intent, FAQ entry, words the answer must carry
    ("数据应该怎么用？", "填肉", "讲话稿", "rule", "data-usage", "同比"),
    ("“认真的研究”对吗？", "修容", "讲话稿", "rule", "de-di", "认真地研究"),
    ("请示的结尾怎么写？", "成器", "请示", "rule", "tuofou", "妥否，请批示"),
    ("请示的提纲一般分几部分？", "搭骨", "请示", "rule", "qingshi-structure", "请示缘由"),
    ("安全生产讲话一般讲哪几块？", "搭骨", "讲话稿", "rule", "speech-topic-parts", "形势"),
]


@pytest.mark.parametrize("question, step, genre, intent, faq, words", ISSUE_QUESTIONS)
def test_the_issues_questions_get_the_answer_they_ask_for(coach, question, step, genre, intent, faq, words):
    reply = ask(coach, Project(brief=BriefCard(genre=genre)), step_named(step), question)
    assert reply.extras.intent == intent
    assert reply.extras.rules[0] == faq
    assert words in reply.text
    assert "没有收录" not in reply.text and "没能对上" not in reply.text


def test_different_questions_never_get_the_same_reply(coach):
    replies = {}
    for question, step, genre, *_ in ISSUE_QUESTIONS:
        replies[question] = ask(coach, Project(brief=BriefCard(genre=genre)), step_named(step), question).text
    for message in ("中午吃什么好", "明天会下雨吗"):
        replies[message] = ask(coach, Project(), step_named("立意"), message).text
    assert len(set(replies.values())) == len(replies)
    assert "「中午吃什么好」" in replies["中午吃什么好"]


def test_a_topic_the_corpus_lacks_is_said_plainly_with_no_passages(coach):
    reply = ask(coach, Project(brief=BriefCard(genre="讲话稿")), step_named("填肉"), "有没有安全生产方面的范文？")
    assert reply.extras.intent == "examples"
    assert reply.extras.passages == []
    assert "语料库里没有关于「安全生产」的范文" in reply.text
    assert "相近" not in reply.text
    assert "管理语料库" in reply.text


def test_a_topic_the_corpus_holds_shows_passages_about_it(coach):
    reply = ask(coach, Project(brief=BriefCard(genre="讲话稿")), step_named("填肉"), "有没有作风建设方面的范文？")
    assert reply.extras.passages
    assert all("作风" in p["passage"]["text"] or any("作风" in h for h in p["passage"]["heading_path"])
               for p in reply.extras.passages)


def test_a_genre_the_corpus_lacks_is_named_and_what_is_shown_is_labelled(coach):
    # the default corpus holds speeches and our model texts (请示、报告、通知、函、批复、纪要、意见、工作总结), no 通报
    project = Project(brief=BriefCard(genre="通报", title="关于2026年一季度公文质量情况的通报"))
    reply = ask(coach, project, step_named("搭骨"), "有通报的范本吗？")
    assert reply.extras.intent == "examples"
    assert "语料库里还没有通报的范文" in reply.text
    assert "“通报事实”→“分析评价”→“决定和要求”" in reply.text
    if reply.extras.passages:
        assert "只能借鉴写法" in reply.text and "不是范文" in reply.text


def test_a_qingshi_asking_for_examples_gets_qingshi_model_text_not_a_speech(coach):
    reply = ask(coach, qingshi_project(), step_named("搭骨"), "有请示的范本吗？")
    assert reply.extras.intent == "examples"
    assert reply.extras.passages, reply.text
    assert {item["passage"].get("genre") for item in reply.extras.passages} == {"请示"}


def test_closing_question_follows_the_genre(coach):
    speech = ask(coach, Project(brief=BriefCard(genre="讲话稿")), step_named("成器"), "结尾怎么写？")
    qingshi = ask(coach, qingshi_project(), step_named("成器"), "结尾怎么写？")
    assert speech.extras.intent == "examples"  # a speech's closing: real closings to learn from
    assert qingshi.extras.intent == "rule" and qingshi.extras.rules[0] == "tuofou"


def test_without_a_model_the_patterns_still_route(plain_coach):
    assert plain_coach.meaning is None
    for message, intent in (("帮我检查一下", "check"), ("给我看看例子", "examples"), ("下一步做什么", "next"),
                            ("截止和截至怎么区分？", "rule")):
        reply = ask(plain_coach, Project(), step_named("修容"), message)
        assert reply.extras.intent == intent
