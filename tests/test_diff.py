"""Revision diff (成器): Chinese-aware changes (jieba words, not characters), their kinds (wording, addition,
deletion, move), statistics, what each change fixed (real coach.lint and the outline checks), and an HTML
rendering that stays safe whatever the drafts contain."""

from __future__ import annotations

import html
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.checks.diff import _default_checker, compare
from coach.findings import Finding


def summary(revision):
    return [(c.kind, c.old_text, c.new_text) for c in revision.changes]


def new_text_from_segments(revision) -> str:
    return "".join(s.text for s in revision.segments if s.op in ("equal", "ins", "move-to"))


def check_spans(revision):
    for c in revision.changes:
        assert revision.old[c.old_span[0] : c.old_span[1]] == c.old_text
        assert revision.new[c.new_span[0] : c.new_span[1]] == c.new_text
        assert c.kind in ("wording", "addition", "deletion", "move")
        assert 1 <= c.old_line <= revision.old.count("\n") + 1
        assert 1 <= c.new_line <= revision.new.count("\n") + 1
    assert new_text_from_segments(revision) == revision.new


# ---------------------------------------------------------------- kinds of change


def test_identical_versions_have_no_changes():
    text = "同志们：\n今天召开会议。我讲三点意见。"
    r = compare(text, text, lint=False)
    assert r.changes == [] and r.stats.similarity == 1.0
    assert r.stats.chars_added == r.stats.chars_removed == 0


def test_a_reworded_phrase_is_one_wording_change_of_whole_words():
    r = compare("要进一步加强学习，提升素质。", "要进一步强化学习，提高能力。", lint=False)
    assert summary(r) == [("wording", "加强", "强化"), ("wording", "提升素质", "提高能力")]
    check_spans(r)


def test_added_and_deleted_sentences():
    old = "第一句话在这里。第二句话要删掉。第三句话留着。"
    new = "第一句话在这里。第三句话留着。新加的一句话在最后。"
    r = compare(old, new, lint=False)
    assert summary(r) == [("deletion", "第二句话要删掉。", ""), ("addition", "", "新加的一句话在最后。")]
    assert r.stats.changes == {"wording": 0, "addition": 1, "deletion": 1, "move": 0}
    assert r.stats.chars_removed == 8 and r.stats.chars_added == 10
    check_spans(r)


def test_a_moved_sentence_is_a_move_not_a_deletion_and_an_addition():
    old = "办公室工作要高标准。信息报送要及时准确。档案管理要规范有序。"
    new = "信息报送要及时准确。办公室工作要高标准。档案管理要规范有序。"
    r = compare(old, new, lint=False)
    assert [c.kind for c in r.changes] == ["move"]
    assert r.changes[0].old_text == r.changes[0].new_text and not r.changes[0].edited
    assert r.stats.similarity == 1.0
    check_spans(r)


def test_a_moved_paragraph_is_one_move_and_may_be_lightly_edited():
    p1 = "一、提高认识\n办公室是党委的参谋部。办公室工作如何影响全局。"
    p2 = "二、明确目标\n要抓好信息报送。要抓好督促检查。"
    p3 = "三、转变作风\n要加强学习，提升素质。要严格管理，实干苦干。"
    old = "\n".join([p1, p2, p3])
    new = "\n".join([p1, p3.replace("提升素质", "提高素质"), p2])
    r = compare(old, new, lint=False)
    moves = [c for c in r.changes if c.kind == "move"]
    assert len(moves) == 1
    assert "要抓好信息报送。要抓好督促检查。" in moves[0].new_text or "要加强学习" in moves[0].new_text
    assert any(c.kind == "wording" and c.old_text == "提升" for c in r.changes) or moves[0].edited
    check_spans(r)


def test_whitespace_only_change_is_reported():
    r = compare("同志们： \n谢谢大家！", "同志们：\n谢谢大家！", lint=False)
    assert summary(r) == [("deletion", " ", "")]


def test_empty_versions():
    assert summary(compare("", "", lint=False)) == []
    r = compare("", "新写的第一句话。", lint=False)
    assert summary(r) == [("addition", "", "新写的第一句话。")] and r.stats.similarity == 0.0
    assert summary(compare("原来的话。", "", lint=False)) == [("deletion", "原来的话。", "")]


# ---------------------------------------------------------------- what each change fixed


def test_changes_say_which_lint_rule_they_fixed():
    old = "各各单位要加强学习,提高能力。截止5月15日，完成布署。"
    new = "各单位要加强学习，提高能力。截至5月15日，完成部署。"
    r = compare(old, new)  # the default: coach.lint plus the outline checks
    fixed = {c.old_text: [f.rule for f in c.fixed] for c in r.changes}
    assert fixed == {"各": ["doubled-char"], ",": ["halfwidth-comma"], "截止": ["jiezhi-before-time"], "布署": ["bushu"]}
    note = r.changes[0].explain()[0]
    assert note == "修正了：“各”字重复了"  # the writer reads the message, not the rule id
    assert r.stats.fixed_findings == 4


def test_a_change_that_leaves_the_problem_in_place_fixed_nothing():
    old = "截止5月15日，各单位要完成任务。"
    new = "截止5月15日，各单位务必完成任务。"  # reworded elsewhere; 截止 is still wrong
    r = compare(old, new)
    assert summary(r) == [("wording", "要", "务必")]
    assert r.changes[0].fixed == []


def test_outline_numbering_fix_is_attributed():
    old = "一、提高认识\n三、明确目标\n四、转变作风"
    new = "一、提高认识\n二、明确目标\n三、转变作风"
    r = compare(old, new)
    rules = {f.rule for c in r.changes for f in c.fixed}
    assert "outline.sequence" in rules


def test_an_injected_checker_is_used_and_offsets_without_spans_fall_back_to_lines():
    def checker(text: str) -> list[Finding]:
        found = []
        for m in re.finditer("差不多", text):
            found.append(Finding("no-chabuduo", "warning", "不要说“差不多”", start=m.start(), end=m.end()))
        for i, line in enumerate(text.split("\n"), 1):
            if line.endswith("。。"):
                found.append(Finding("double-stop", "error", "句号重复", line=i))
        return found

    r = compare("工作差不多就行。\n要认真。。", "工作要精益求精。\n要认真。", lint=checker)
    assert {f.rule for c in r.changes for f in c.fixed} == {"no-chabuduo", "double-stop"}


# a 请示 as a writer types it in 修容: prose, no numbered headings
QINGSHI_PROSE = """关于申请拨付2024年农村道路维修资金的请示

县人民政府：
今年汛期以来，我县连续遭受强降雨袭击，全县共有32条农村道路出现不同程度的路基塌方和路面损毁，严重影响群众出行和农产品运输，部分村组交通一度中断，群众反映强烈，亟需尽快修复。
为尽快恢复道路通行，保障群众生产生活，我局拟对受损道路进行集中维修，经测算共需资金480万元，其中路基修复210万元，路面硬化190万元，排水设施80万元，我局自筹资金确有困难。
特申请县财政拨付农村道路维修资金480万元，我局将严格资金管理，确保专款专用，并在资金到位后三个月内完成全部维修任务，按时向县政府报告资金使用情况和工程进展。
妥否，请批示。

县交通运输局
2024年7月15日
"""

# the same kind of 请示 with numbered headings, the third one far longer than its siblings
QINGSHI_NUMBERED = """关于申请拨付农村道路维修资金的请示
县人民政府：
今年汛期以来，我县农村道路受损严重，现将有关事项请示如下。
一、维修范围
全县受损的32条农村道路，总长约56公里。
二、资金用途
主要用于路基修复、路面硬化和排水设施建设，共需资金480万元。
三、保障措施的具体安排和落实情况以及今后一段时期的工作打算
我局将严格资金管理，确保专款专用。
妥否，请批示。
县交通运输局
2024年7月15日
"""
LONG_HEADING = "三、保障措施的具体安排和落实情况以及今后一段时期的工作打算"


def without_line(text: str, line: str) -> str:
    assert line + "\n" in text
    return text.replace(line + "\n", "", 1)


def named(revision) -> list[str]:
    return [f.rule for c in revision.changes for f in c.fixed]


@pytest.mark.parametrize("n", range(QINGSHI_PROSE.count("\n")))
def test_deleting_a_paragraph_of_a_prose_draft_fixes_no_heading_problem(n):
    # read as an indented outline every line of a 请示 was a "heading": deleting a paragraph was said to fix
    # 同级标题不对仗 or 标题末尾有标点
    line = QINGSHI_PROSE.split("\n")[n]
    if not line:
        return
    r = compare(QINGSHI_PROSE, without_line(QINGSHI_PROSE, line))
    assert [rule for rule in named(r) if rule.startswith("outline.")] == []
    assert r.stats.fixed_findings == len(named(r))


@pytest.mark.parametrize("date", ["2024年7月16日", "二〇二四年七月十五日", "2024年7月"])
def test_a_date_line_change_carries_no_reason(date):
    for text in (QINGSHI_PROSE, QINGSHI_NUMBERED):
        r = compare(text, text.replace("2024年7月15日", date))
        assert r.changes and all(c.fixed == [] for c in r.changes)
        assert r.stats.fixed_findings == 0
        assert "修正了" not in r.to_html()


def test_deleting_a_section_does_not_claim_to_balance_the_headings():
    old = QINGSHI_NUMBERED
    assert "outline.parallel" in [f.rule for f in _default_checker()(old)]  # the premise
    for new in (
        without_line(old, LONG_HEADING),  # the unbalanced heading deleted
        without_line(without_line(old, LONG_HEADING), "我局将严格资金管理，确保专款专用。"),  # its whole section
        without_line(old, "我局将严格资金管理，确保专款专用。"),  # the paragraph under it
        without_line(old, "全县受损的32条农村道路，总长约56公里。"),  # a paragraph elsewhere
    ):
        r = compare(old, new)
        assert "outline.parallel" not in named(r)
        assert r.stats.fixed_findings == len(named(r))


def test_rewording_the_unbalanced_heading_is_named_without_its_rule_id():
    r = compare(QINGSHI_NUMBERED, QINGSHI_NUMBERED.replace(LONG_HEADING, "三、保障措施"))
    assert named(r) == ["outline.parallel"] and r.stats.fixed_findings == 1
    (note,) = [n for c in r.changes for n in c.explain()]
    assert note.startswith("修正了：同级标题不对仗") and "outline" not in note and "（" not in note
    page = r.to_html()
    assert "修正了：同级标题不对仗" in page and "outline.parallel" not in page
    assert r.to_dict()["changes"][0]["fixed"][0]["rule"] == "outline.parallel"  # tools still get the id


def test_a_heading_balanced_only_by_other_changes_is_not_named():
    # the long heading's group loses its siblings, so 同级标题不对仗 goes away; the one word changed in the
    # long heading did not fix it
    old = "\n".join(["一、加强学习", "二、严格管理", "三、转变作风", "四、保障措施的具体安排和落实情况以及今后的工作打算", ""])
    for new in (
        "\n".join(["一、保障措施的具体安排和落实情况以及今后的工作计划", ""]),
        "\n".join(["一、加强学习", "四、保障措施的具体安排和落实情况以及今后的工作计划", ""]),
    ):
        r = compare(old, new)
        assert "outline.parallel" not in named(r)
        assert r.stats.fixed_findings == len(named(r))


def test_deleting_a_paragraph_that_held_an_error_may_say_the_error_went_with_it():
    old = "各单位要认真落实。截止5月15日，完成布署。\n谢谢大家。"
    r = compare(old, "各单位要认真落实。\n谢谢大家。")
    assert [c.kind for c in r.changes] == ["deletion"]
    assert sorted(named(r)) == ["bushu", "jiezhi-before-time"] and r.stats.fixed_findings == 2


def test_a_finding_wider_than_the_changed_sentences_is_not_named():
    # a finding over a whole line of three sentences; only one sentence is reworded
    def checker(text: str) -> list[Finding]:
        lines = text.split("\n")
        return [Finding("line-rule", "warning", "这一行有问题", line=1)] if "提升素质" in lines[0] else []

    old = "要加强学习，提升素质。要严格管理。要实干苦干。\n谢谢。"
    r = compare(old, old.replace("提升素质", "提高能力"), lint=checker)
    assert r.changes and named(r) == [] and r.stats.fixed_findings == 0
    # the same finding over one sentence that was reworded is named
    r = compare("要加强学习，提升素质。\n谢谢。", "要加强学习，提高能力。\n谢谢。", lint=checker)
    assert named(r) == ["line-rule"]


# ---------------------------------------------------------------- HTML


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;"\'><b>'


def test_html_marks_changes_and_escapes_every_piece():
    old = f"第一句话。{HOSTILE}要删除。第三句话。"
    new = f"第一句话。第三句话，加一点。{HOSTILE}新加的。"
    page = compare(old, new, lint=False).to_html()
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "onerror" in page  # shown as text, not run
    assert "<del" in page and "<ins" in page
    # what is left after removing our own tags is the escaped text only
    stripped = re.sub(r"</?(div|style|del|ins|small)[^>]*>", "", page.split("</style>", 1)[1])
    assert "<" not in stripped and ">" not in stripped
    assert HOSTILE in html.unescape(stripped)


def test_html_shows_what_a_change_fixed():
    page = compare("截止5月1日，完成布署。", "截至5月1日，完成部署。").to_html()
    assert page.count("修正了：") >= 2
    assert "<del class=\"wording\"" in page and "截至</ins>" in page


def test_html_escapes_hostile_finding_messages_in_attributes():
    def checker(text: str) -> list[Finding]:
        i = text.find("旧")
        return [Finding("evil", "error", '"><script>alert(1)</script>', start=i, end=i + 1)] if i >= 0 else []

    page = compare("旧的话。", "新的话。", lint=checker).to_html()
    assert "<script>" not in page
    assert 'title="改写；修正了：&quot;&gt;&lt;script&gt;' in page


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "old,new",
    [
        ("。，、；：？！", "？！。。"),
        ("\x00\x01控制\x1b[31m字符", "控制字符\x7f"),
        ("表情😀🚀很好。", "表情🎉很好！"),
        ("English text. 中文。Русский текст.", "English text! 中文。Русский."),
        ("\r\n\r\n一、甲\r\n", "\n一、甲\n"),
    ],
)
def test_odd_inputs(old, new):
    r = compare(old, new)
    check_spans(r)
    json.dumps(r.to_dict(), ensure_ascii=False)
    assert "<" not in re.sub(r"</?(div|style|del|ins|small)[^>]*>", "", r.to_html().split("</style>", 1)[1])


def test_large_versions(seed_texts):
    old = "\n".join(seed_texts.values()) * 4
    new = old.replace("加强", "强化").replace("同志们，", "同志们！", 3)
    r = compare(old, new, lint=False)
    check_spans(r)
    assert r.stats.changes["wording"] > 10 and r.stats.similarity > 0.95


def test_one_megabyte(seed_texts):
    old = ("\n".join(seed_texts.values()) * 12)[:1_000_000]
    new = old.replace("加强", "强化")
    r = compare(old, new, lint=False)
    assert {c.kind for c in r.changes} == {"wording"}
    assert all((c.old_text, c.new_text) == ("加强", "强化") for c in r.changes)
    # one 1 MB "sentence" with no break: trimmed to the changed end, not a quadratic search
    r = compare("😀" * 1_000_000, "😀" * 999_999 + "x", lint=False)
    assert summary(r) == [("wording", "😀", "x")]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_never_raises_and_spans_are_right(old, new):
    check_spans(compare(old, new, lint=False))


_SENTENCES = st.lists(
    st.sampled_from(["加强学习，提升素质。", "严格管理，实干苦干。", "创新机制，促进发展。", "甘于寂寞，淡泊名利。", "\n", "谢谢大家！"]),
    max_size=10,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(_SENTENCES, _SENTENCES)
def test_shuffled_sentences(old, new):
    r = compare(old, new, lint=False)
    check_spans(r)
    assert 0.0 <= r.stats.similarity <= 1.0


def test_cli_diff(tmp_path, capsys):
    from coach.cli import main

    a, b, out = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "diff.html"
    a.write_text("各各单位要加强学习。<b>粗体</b>", encoding="utf-8")
    b.write_text("各单位要强化学习。<b>粗体</b>", encoding="gb18030")
    assert main(["diff", "--html", str(out), str(a), str(b)]) == 0
    text = capsys.readouterr().out
    assert "修正了：“各”字重复了" in text and "doubled-char" not in text  # the writer reads no rule ids
    page = out.read_text(encoding="utf-8")
    assert "&lt;b&gt;" in page and "<b>" not in page
    assert main(["diff", "--json", str(a), str(b)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["rule"] for c in data["changes"] for f in c["fixed"]] == ["doubled-char"]
    assert main(["diff", "--json", "--no-lint", str(a), str(b)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stats"]["changes"]["wording"] >= 1 and all(c["fixed"] == [] for c in data["changes"])
    assert main(["diff", str(a), str(tmp_path / "missing.txt")]) == 2
