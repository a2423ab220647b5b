"""The one heading-marker lexer (coach.text.headings): every reader of headings — the 搭骨 check, the
coach, the 填肉 split, the export layout, the corpus structure — finds the same headings. The outline
"一 学习是立身之本 / 二 写作是看家本领" used to have two top-level headings in the app while the coach
answered "你的提纲还是空的。"."""

from __future__ import annotations

import pytest

from coach.checks.outline import check_outline, parse_outline
from coach.checks.sections import analyze_sections
from coach.coaching import CoachTurn, OfflineCoach
from coach.coaching.context import anchor, default_focus, outline_lines, top_headings
from coach.corpus.structure import parse_structure
from coach.export.draft import parse_draft
from coach.project import BriefCard, Project
from coach.text.headings import heading_level, match_marker, match_prose_marker, run_in_word, strip_marker

BARE = "一 学习是立身之本\n二 写作是看家本领"


class NoRetriever:
    """The coach's wiring without an index: no example passages."""

    def search(self, *args, **kwargs):
        return []


@pytest.mark.parametrize(
    ("line", "level", "number", "canonical"),
    [("一、总体要求", 1, 1, "一、"), ("一 学习是立身之本", 1, 1, "一、"), ("十二．其他", 1, 12, "十二、"),
     ("（一）充分认识", 2, 1, "（一）"), ("(二)半角", 2, 2, "（二）"), ("3.加强学习", 3, 3, "3."),
     ("3、加强学习", 3, 3, "3."), ("4)细化", 4, 4, "（4）"), ("（5）落实", 4, 5, "（5）"), ("②其次", 5, 2, "②")],
)
def test_line_markers(line, level, number, canonical):
    m = match_marker(line)
    assert (m.level, m.number, m.canonical) == (level, number, canonical)


@pytest.mark.parametrize("line", ["1.5亿元资金已经到位。", "2026年工作安排", "一是加强学习", "同志们：", "第一，", ""])
def test_not_markers(line):
    assert match_marker(line) is None or heading_level(line) == 0


def test_strip_marker_and_run_in_words():
    assert strip_marker("一 学习是立身之本") == "学习是立身之本"
    assert strip_marker("（一）、多了顿号") == "多了顿号"
    assert [run_in_word("是", 2), run_in_word("第", 3), run_in_word("首先", 2), run_in_word("第步", 2)] == [
        "二是", "第三，", "其次", "第二步"]


def test_bare_numbered_outline_has_two_top_headings_in_the_outline_check():
    assert [n.text for n in parse_outline(BARE).roots] == ["学习是立身之本", "写作是看家本领"]
    rules = {f.rule for f in check_outline(BARE)}
    assert "outline.empty" not in rules
    assert "outline.marker-punct" in rules  # "一 " is read as a heading and then reported: write "一、"


def test_bare_numbered_outline_is_not_empty_for_the_offline_coach():
    project = Project(name="t", brief=BriefCard(genre="讲话稿"), outline=BARE)
    assert top_headings(project) == ["一 学习是立身之本", "二 写作是看家本领"]
    assert [o.level for o in outline_lines(BARE)] == [1, 1]
    assert anchor(project, "dagu", default_focus(project, "dagu")).startswith("你的提纲有2个一级标题")
    reply = OfflineCoach(NoRetriever()).reply(CoachTurn(project, "dagu", "帮我看看提纲")).finish()
    assert "你的提纲还是空的" not in reply.text
    assert "学习是立身之本" in reply.text


def test_the_other_readers_agree_on_the_bare_form():
    draft = "关于加强学习的讲话\n" + BARE.replace("之本", "之本。学习是永恒的课题。")
    layout = parse_draft(draft)
    assert [b.text for b in layout.headings()] == ["一 学习是立身之本。", "二 写作是看家本领"]
    report = analyze_sections(draft)
    assert [s.heading for s in report.sections] == ["一 学习是立身之本", "二 写作是看家本领"]
    speech = "同志们：\n今天讲两点。\n" + BARE.replace("\n", "。学习是永恒的课题。\n") + "。写好材料是基本功。\n"
    headings = parse_structure(speech).headings
    assert [(h.level, h.text) for h in headings] == [(1, "学习是立身之本"), (1, "写作是看家本领")]


def test_prose_markers_inside_a_paragraph_stay_strict():
    text = "体会有三点：一是办公室的工作很重要。"
    fam, ordinal, _ = match_prose_marker(text, text.index("一"), after_colon=True)
    assert (fam.key, ordinal) == ("shi", 1)
    # the bare "一 " form only counts where a paragraph starts, never in the middle of a sentence
    assert match_prose_marker("我们 一 起努力", 3) is None
