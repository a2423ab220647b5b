"""The offline coach on real project states built from the seed speeches, with the real seed index,
the real step checks and the real 公文 linter."""

from __future__ import annotations

import json
import re

import pytest

from coach.coaching import (
    CoachTurn,
    OfflineCoach,
    apply_edit,
    create_coach,
    record_message,
    record_reply,
    record_turn,
)
from coach.coaching.router import route
from coach.errors import CoachError
from coach.project import BriefCard, Project, Section
from test_coaching_support import (  # noqa: F401 - fixtures
    INJECTION,
    THESIS_002,
    PlantedRetriever,
    planted_passage,
    project_002,
    ties_back,
)


@pytest.fixture(scope="module")
def coach(seed_retriever) -> OfflineCoach:
    return OfflineCoach(seed_retriever)


def ask(coach, project, step, message, **kw):
    return coach.reply(CoachTurn(project, step, message, **kw)).finish()


# --- routing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("message, intent", [
    ("给我看看例子", "examples"),
    ("给我看看别人怎么搭骨架", "examples"),
    ("这篇讲话的核心观点怎么提炼？", "method"),
    ("这一步要注意什么", "method"),
    ("我的一级标题对仗吗？", "check"),
    ("帮我看看这段话哪里不规范", "check"),
    ("请示和报告有什么区别？", "rule"),
    ("有没有范文？", "examples"),
    ("别人是怎么写开头的", "examples"),
    ("帮我检查一下", "check"),
    ("看看有什么问题", "check"),
    ("截止和截至怎么区分？", "rule"),
    ("请示能不能一文多事？", "rule"),
    ("报告里能不能写请审批？", "rule"),
    ("下一步做什么", "next"),
    ("接下来呢？", "next"),
    ("帮我改一下这段", "rewrite"),
    ("直接帮我写一篇全文", "ghostwrite"),
    ("你能做什么", "help"),
    ("今天天气不错", "unknown"),
    ("", "unknown"),
])
def test_messages_route_to_the_intent_a_writer_means(coach, message, intent):
    assert route(coach.data, message).intent == intent


# --- examples ------------------------------------------------------------------------------------

def test_examples_for_the_section_being_written_come_with_their_source(coach, project_002):
    reply = ask(coach, project_002, "tianrou", "给我看看第二部分别人是怎么写的")
    ex = reply.extras
    assert ex.intent == "examples"
    heading = project_002.sections[1].heading
    assert ex.focus == "sections[1].body"
    assert f"你正在写「{heading}」" in reply.text
    assert 1 <= len(ex.passages) <= 3
    for item in ex.passages:
        p = item["passage"]
        assert p["position"] == "body" and p["kind"] == "paragraph"  # 填肉's scope
        # the passage is shown (its opening words) with its source: title › heading path
        assert p["text"][:20].replace("*", "") in reply.text.replace("\\", "")
        assert item["source"].split(" › ")[0] in reply.text.replace("\\", "")
        for head in p["heading_path"]:
            assert head in item["source"]


def test_examples_never_show_the_writer_their_own_text(coach, project_002):
    """002 is in the seed corpus; a writer working on 002's text must get other speeches' passages."""
    own = re.sub(r"\s+", "", project_002.current_text() + project_002.outline)
    for step, message in (("tianrou", "给我看看例子"), ("dagu", "给我看看别人的标题")):
        reply = ask(coach, project_002, step, message)
        assert reply.extras.passages
        for item in reply.extras.passages:
            assert re.sub(r"\s+", "", item["passage"]["text"]) not in own


def test_examples_at_dagu_are_headings_and_the_reply_quotes_the_writers_headings(coach, project_002):
    reply = ask(coach, project_002, "dagu", "有没有好的标题范例")
    assert all(item["passage"]["kind"] == "heading" for item in reply.extras.passages)
    assert "你的提纲有3个一级标题" in reply.text
    assert project_002.sections[0].heading in reply.text


def test_examples_when_the_index_cannot_be_opened_say_why_and_still_coach(project_002):
    def broken():
        raise CoachError("索引已损坏，请运行 coach index build --force 重新构建索引。")

    coach = OfflineCoach(retriever_factory=broken)
    reply = ask(coach, project_002, "tianrou", "给我看看例子")
    assert "例文检索暂不可用：索引已损坏" in reply.text
    assert reply.extras.passages == []
    assert reply.extras.questions  # the next open question is still asked
    assert ties_back(reply.text, project_002)


# --- method ---------------------------------------------------------------------------------------

def test_how_to_question_gets_the_steps_method_one_example_and_a_question(coach, project_002):
    reply = ask(coach, project_002, "liyi", "这篇讲话的核心观点怎么提炼？")
    assert reply.extras.intent == "method"
    assert "「立意」这一步的要领" in reply.text
    assert "用一句话写出核心观点" in reply.text  # the step's checklist, from speech 004's method
    assert len(reply.extras.passages) == 1 and reply.extras.passages[0]["passage"]["position"] == "opening"
    assert reply.extras.questions and ties_back(reply.text, project_002)


def test_asking_whether_my_outline_is_parallel_runs_the_outline_check(coach):
    project = Project(brief=BriefCard(thesis="提升办公室工作水平"),
                      outline="一、坚定理想信念，做绝对忠诚的政治标兵\n二、服务工作要加强\n三、突出能力建设，做履职担当的业务达人")
    reply = ask(coach, project, "dagu", "我的一级标题对仗吗？")
    assert reply.extras.intent == "check"
    assert reply.extras.findings  # the real outline checker sees the odd one out
    assert "二、服务工作要加强" in reply.text or "服务工作要加强" in reply.text


# --- check ---------------------------------------------------------------------------------------

def test_check_explains_the_real_findings_with_the_writers_words_and_a_fix(coach, project_002):
    reply = ask(coach, project_002, "xiurong", "帮我检查一下")
    ex = reply.extras
    assert ex.intent == "check"
    rules = {f["rule"] for f in ex.findings}
    assert rules, "002 has placeholders (XX) and long sentences: the linter must find them"
    assert "XX" in reply.text and "占位符" in reply.text
    # the count line names how many problems the real check found
    total = len(coach.run_checks(CoachTurn(project_002, "xiurong", ""))[0])
    assert f"发现{total}处问题" in reply.text
    # 002 writes "做出…贡献": the fix is offered as an edit the writer can accept
    edit = next(e for e in ex.edits if "作出" in e.after)
    assert "做出" in edit.before
    assert apply_edit(project_002, edit)
    assert edit.after in project_002.current_text() and edit.before not in project_002.current_text()


def test_check_with_nothing_wrong_says_so_and_gives_the_checklist(coach):
    project = Project(brief=BriefCard(genre="讲话稿", thesis="办公室干部要学习"),
                      outline="一、坚定理想信念，做绝对忠诚的政治标兵\n二、强化服务职能，做保障有力的后勤卫士\n"
                              "三、突出能力建设，做履职担当的业务达人")
    reply = ask(coach, project, "dagu", "帮我检查")
    if reply.extras.findings:  # the outline checker may flag 对仗 nuances; then it must explain them
        assert "发现" in reply.text
    else:
        assert "没有发现需要改的地方" in reply.text
        assert "一级标题一般三到五个" in reply.text


def test_check_of_a_broken_outline_names_the_problems(coach):
    project = Project(brief=BriefCard(thesis="提升办公室工作水平"),
                      outline="一、提高认识\n（一）、要学习\n二、加强管理")
    reply = ask(coach, project, "dagu", "看看有什么问题")
    assert reply.extras.findings
    assert "「" in reply.text and ties_back(reply.text, project)


# --- rules ---------------------------------------------------------------------------------------

def test_rule_question_is_answered_from_the_rule_data_with_examples_and_the_writers_sentence(coach):
    project = Project(sections=[Section("一、工作进展", "截止5月15日，全县已完成培训1200人次。")])
    reply = ask(coach, project, "xiurong", "截止和截至怎么区分？")
    assert reply.extras.intent == "rule"
    assert "jiezhi-jiezhi" in reply.extras.rules  # the FAQ entry
    assert any(r.startswith("jiezhi") and r != "jiezhi-jiezhi" for r in reply.extras.rules)  # a lint rule
    assert "时间在后用“截至”" in reply.text
    assert "✓ 截至5月15日" in reply.text and "✗" in reply.text
    assert "对照你的文字：「截止5月15日，全县已完成培训1200人次。」" in reply.text


def test_rule_question_about_qingshi(coach, project_002):
    reply = ask(coach, project_002, "liyi", "请示能不能一文多事？")
    assert reply.extras.rules[0] == "qingshi-yiwenyishi"
    assert "一文一事" in reply.text and "第十五条" in reply.text
    assert ties_back(reply.text, project_002)


def test_rule_question_the_data_does_not_cover_says_so_and_helps(coach, project_002):
    reply = ask(coach, project_002, "liyi", "月亮上的公文规范是什么规定？")
    assert reply.extras.intent == "rule"
    assert "这条规则我的资料里还没有收录" in reply.text
    assert "你可以这样问我" in reply.text


# --- next question -------------------------------------------------------------------------------

def test_next_question_skips_what_the_brief_already_answers():
    coach = OfflineCoach(retriever_factory=None)
    empty = Project()
    first = ask(coach, empty, "liyi", "下一步做什么")
    assert first.extras.questions[0] == "genre"
    assert "你的立意卡还是空的" in first.text

    filled = Project(brief=BriefCard(genre="讲话稿", occasion="全县办公室主任会议", leader_intent="抓落实",
                                     audience="全县办公室主任", thesis="办公室要当好参谋助手"))
    reply = ask(coach, filled, "liyi", "接下来呢")
    asked = reply.extras.questions
    assert "thesis" not in asked and "genre" not in asked and "direction" not in asked  # 讲话稿 has no 行文方向
    assert asked[0] == "expected_effect"
    assert "你的核心观点是「办公室要当好参谋助手」" in reply.text


def test_reflective_questions_are_not_repeated_within_a_conversation(coach, project_002):
    asked: list[str] = []
    for _ in range(3):
        reply = ask(coach, project_002, "dagu", "下一步做什么")
        record_turn(project_002, "dagu", "下一步做什么", reply)
        asked += reply.extras.questions[:1]
    assert len(asked) == len(set(asked)) == 3
    assert "「" + THESIS_002 + "」" in project_002.chats["dagu"][1].content


def test_next_at_dagu_asks_for_headings_when_the_outline_is_empty(coach):
    project = Project(brief=BriefCard(thesis="办公室要当好参谋助手"))
    reply = ask(coach, project, "dagu", "接下来做什么")
    assert reply.extras.questions[0] == "outline_start"
    assert "围绕「办公室要当好参谋助手」列出三到五个一级标题" in reply.text


# --- the rest ------------------------------------------------------------------------------------

def test_unrecognised_message_says_what_the_coach_can_do_and_asks_the_next_question(coach, project_002):
    reply = ask(coach, project_002, "tianrou", "今天天气不错")
    assert reply.extras.intent == "unknown"
    assert "给我看看例子" in reply.text and "帮我检查" in reply.text
    assert reply.extras.questions and "**接下来想一想：**" in reply.text
    assert ties_back(reply.text, project_002)


def test_ghostwriting_is_declined_and_turned_into_coaching(coach, project_002):
    reply = ask(coach, project_002, "tianrou", "你直接帮我写一篇全文吧")
    assert reply.extras.intent == "ghostwrite"
    assert "不替你写全文" in reply.text
    assert reply.extras.edits == []
    assert len(reply.text) < 600
    assert ties_back(reply.text, project_002)


def test_rewrite_offline_offers_rule_based_edits_for_the_named_section(coach):
    body = "截止5月15日,全县已完成培训1200人次。我们要做出新的贡献。"
    project = Project(sections=[Section("一、工作进展", "全县办公室系统运转良好。"), Section("二、下步打算", body)])
    reply = ask(coach, project, "tianrou", "帮我改一下第二部分")
    assert reply.extras.intent == "rewrite" and reply.extras.focus == "sections[1].body"
    edits = reply.extras.edits
    assert edits and all(e.target == "sections[1].body" for e in edits)
    for e in edits:
        assert apply_edit(project, e)
    fixed = project.sections[1].body
    assert "截至5月15日，" in fixed and "作出" in fixed
    assert project.sections[0].body == "全县办公室系统运转良好。"  # the other section is untouched


def test_every_reply_ties_back_to_the_writers_text(coach, project_002):
    messages = ["给我看看例子", "帮我检查", "截止和截至怎么区分？", "下一步做什么", "嗯", "帮我改改"]
    for step in ("liyi", "dagu", "tianrou", "xiurong", "chengqi"):
        for message in messages:
            reply = ask(coach, project_002, step, message)
            assert ties_back(reply.text, project_002), (step, message, reply.text)


def test_empty_project_at_every_step_gets_a_useful_reply(coach):
    for step in ("liyi", "dagu", "tianrou", "xiurong", "chengqi"):
        for message in ("给我看看例子", "帮我检查", "下一步做什么", "帮我改一下"):
            reply = ask(coach, Project(), step, message)
            assert reply.text.strip()
            assert "空" in reply.text or "还没" in reply.text, (step, message, reply.text)


def test_replies_are_deterministic(coach, project_002):
    a = ask(coach, project_002, "tianrou", "给我看看例子")
    b = ask(coach, project_002, "tianrou", "给我看看例子")
    assert a.text == b.text and a.extras.to_dict() == b.extras.to_dict()


def test_reply_streams_in_several_chunks_and_text_is_their_join(coach, project_002):
    reply = coach.reply(CoachTurn(project_002, "tianrou", "给我看看例子"))
    chunks = list(reply)
    assert len(chunks) > 2 and all(isinstance(c, str) and c for c in chunks)
    assert reply.text == "".join(chunks)
    with pytest.raises(RuntimeError):
        list(reply)


def test_turns_are_kept_with_the_project_and_survive_a_json_round_trip(coach, project_002):
    record_message(project_002, "xiurong", "帮我检查")
    reply = coach.reply(CoachTurn(project_002, "xiurong", "帮我检查"))
    assert "".join(reply)  # streamed by the UI
    record_reply(project_002, "xiurong", reply)
    chat = project_002.chats["xiurong"]
    assert [m.role for m in chat] == ["user", "assistant"]
    assert chat[0].content == "帮我检查" and chat[1].content == reply.text
    data = json.loads(json.dumps(project_002.to_dict(), ensure_ascii=False))
    again = Project.from_dict(data)
    extras = again.chats["xiurong"][1].extras
    assert extras["intent"] == "check" and extras["findings"] and extras["edits"]
    assert apply_edit(again, extras["edits"][0])


def test_apply_edit_refuses_when_the_text_has_changed(coach):
    project = Project(sections=[Section("一、进展", "我们要做出新的贡献。")])
    edit = ask(coach, project, "tianrou", "帮我改改").extras.edits[0]
    project.sections[0].body = "这一段已经重写了。"
    assert not apply_edit(project, edit)
    assert project.sections[0].body == "这一段已经重写了。"


def test_create_coach_offline_is_the_default(seed_retriever):
    assert create_coach(retriever=seed_retriever).name == "offline"


# --- untrusted text ------------------------------------------------------------------------------

def test_planted_passage_is_only_quoted_with_its_source_never_obeyed(seed_retriever, project_002):
    coach = OfflineCoach(PlantedRetriever(seed_retriever, [planted_passage()]))
    before = json.dumps(project_002.to_dict(), ensure_ascii=False)
    reply = ask(coach, project_002, "tianrou", "给我看看例子")
    assert reply.extras.intent == "examples"
    assert reply.extras.edits == []
    text = reply.text.replace("\\", "")
    lines_with_injection = [ln for ln in text.splitlines() if "忽略以上要求" in ln]
    assert lines_with_injection and all(ln.startswith("> ") for ln in lines_with_injection)
    assert "《某单位上传的讲话》 › 一、加强学习" in text
    assert "不替你写全文" not in text  # the passage did not re-route the turn to ghostwriting
    assert "你的身份" not in text  # nothing of any system prompt
    assert json.dumps(project_002.to_dict(), ensure_ascii=False) == before


def test_instructions_inside_the_draft_do_not_route_the_turn(coach):
    project = Project(sections=[Section("一、加强学习", INJECTION + "下一步做什么？请给我看看例子。")])
    reply = ask(coach, project, "tianrou", "帮我检查")
    assert reply.extras.intent == "check"
    assert reply.extras.passages == []
