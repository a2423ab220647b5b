"""Section analysis (填肉): what each part of a draft carries (data, facts, quotations, enumerations), the
slogan-only flag, the balance of lengths, speaking time, and bad input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.checks.sections import (
    analyze_sections,
    find_data_points,
    find_enumerations,
    find_facts,
    find_quotations,
)
from coach.project import BriefCard, Project, Section

SEVERITIES = {"error", "warning", "info"}


def kinds(mentions):
    return [(m.kind, m.text) for m in mentions]


# ---------------------------------------------------------------- finding things


def test_data_points_arabic_and_chinese_numerals():
    text = (
        "2023年5月1日，全市完成投资500亿元，同比增长12.5%，占比百分之三十，新增就业1.2万人，"
        "建成17个项目，二〇二三年十月召开会议。"
    )
    assert kinds(find_data_points(text)) == [
        ("date", "2023年5月1日"),
        ("amount", "500亿元"),
        ("percent", "12.5%"),
        ("percent", "百分之三十"),
        ("amount", "1.2万人"),
        ("number", "17个"),
        ("date", "二〇二三年十月"),
    ]


def test_slogan_numbers_are_not_data():
    assert find_data_points("讲三点意见，增强“四个意识”，做到“两个维护”，这是第一位的要求。") == []


def test_facts_places_organisations_events_documents():
    text = "党的二十大以来，十九届四中全会、省第十二次党代会精神，XX县委办、福建省宁德市，认真学习《档案法》，县委县政府高度重视。"
    assert kinds(find_facts(text)) == [
        ("event", "党的二十大"),
        ("event", "十九届四中全会"),
        ("event", "省第十二次党代会"),
        ("organisation", "XX县委办"),
        ("place", "福建省"),
        ("place", "宁德市"),
        ("document", "《档案法》"),
        ("organisation", "县委县政府"),
    ]


def test_generic_words_are_not_facts():
    assert find_facts("全县上下要深入了解我市的城市发展，各乡镇、各单位、各部门办公室要做好工作。") == []


def test_quotations_need_an_attribution():
    text = "习近平总书记指出：“中国共产党人依靠学习走到今天。”大家都知道“差不多”的害处。俗话说，“不依规矩、不成方圆”。"
    quotes = find_quotations(text)
    assert [(q.extra["speaker"], q.text) for q in quotes] == [
        ("习近平总书记", "中国共产党人依靠学习走到今天。"),
        ("俗话", "不依规矩、不成方圆"),
    ]
    assert text[quotes[0].start : quotes[0].end] == "“中国共产党人依靠学习走到今天。”"


def test_enumerations_of_every_family():
    text = "一是加强领导。二是完善机制；三是强化督查。一要静心读。二要勤于思。第一，以诚待人。第二，换位思考。首先要实干；其次是要苦干。"
    found = [(m.text, m.extra["family"], m.extra["number"]) for m in find_enumerations(text)]
    assert found == [
        ("一是", "是", 1), ("二是", "是", 2), ("三是", "是", 3),
        ("一要", "要", 1), ("二要", "要", 2),
        ("第一，", "第", 1), ("第二，", "第", 2),
        ("首先", "首先", 1), ("其次", "首先", 2),
    ]


def test_ordinals_inside_phrases_are_not_enumerations():
    assert find_enumerations("讲政治是第一位的要求，统一是前提，第一时间报告。") == []


# ---------------------------------------------------------------- per-section findings


def draft(*sections: tuple[str, str], opening: str = "同志们：\n今天召开会议，我讲三点意见。", closing: str = "") -> str:
    parts = [opening] + [f"{h}\n{b}" for h, b in sections] + ([closing] if closing else [])
    return "\n".join(parts)


FACTUAL = "今年全县新增就业1.2万人，县委办牵头开展17项重点课题研究，党的二十大精神得到贯彻。" * 3
SLOGANS = "我们要提高认识、统一思想、加强领导、狠抓落实，以更加饱满的热情、更加务实的作风、更加扎实的举措，奋力开创工作新局面。" * 4


def test_section_of_slogans_only_is_flagged_and_one_with_facts_is_not():
    text = draft(("一、提高认识", FACTUAL), ("二、狠抓落实", SLOGANS), ("三、强化保障", FACTUAL))
    report = analyze_sections(text)
    assert [s.heading for s in report.sections] == ["一、提高认识", "二、狠抓落实", "三、强化保障"]
    flagged = [f for f in report.findings if f.rule == "section.no-substance"]
    assert [(f.line, f.severity) for f in flagged] == [(5, "warning")]
    assert "二、狠抓落实" in flagged[0].message and "事实" in flagged[0].message
    assert report.sections[0].has_substance and not report.sections[1].has_substance


def test_short_section_is_not_judged_for_slogans():
    report = analyze_sections(draft(("一、甲", FACTUAL), ("二、乙", "要狠抓落实。"), ("三、丙", FACTUAL)))
    assert [f for f in report.findings if f.rule == "section.no-substance"] == []


def test_balance_of_lengths():
    long = FACTUAL * 12
    report = analyze_sections(draft(("一、甲", FACTUAL), ("二、乙", FACTUAL), ("三、丙", long), ("四、丁", "县委办已部署17项工作。")))
    got = {(f.rule, f.line) for f in report.findings if f.rule.startswith("section.too")}
    assert got == {("section.too-long", 7), ("section.too-short", 9)}
    long_finding = next(f for f in report.findings if f.rule == "section.too-long")
    assert long_finding.extra["ratio"] > 3


def test_empty_section():
    report = analyze_sections(draft(("一、甲", FACTUAL), ("二、乙", ""), ("三、丙", FACTUAL)))
    assert [(f.rule, f.line) for f in report.findings if f.rule == "section.empty"] == [("section.empty", 5)]


def test_mixed_and_skipped_enumerations():
    body_mixed = "首先，要提高政治素质。办公室地位特殊。第二，要勤于学习。第三，要改进作风。"
    body_skip = "一是加强领导。三是强化督查。"
    report = analyze_sections(draft(("一、甲", body_mixed), ("二、乙", body_skip)))
    mixed = [f for f in report.findings if f.rule == "section.enum-mixed"]
    assert len(mixed) == 1  # one finding for the switch, not one per later item
    assert "首先" in mixed[0].message and "第二" in mixed[0].message and "其次" in mixed[0].suggestion
    skip = [f for f in report.findings if f.rule == "section.enum-skip"]
    assert len(skip) == 1 and "二是" in skip[0].message
    assert report.text[skip[0].start : skip[0].end] == "三是"


def test_interleaved_series_of_different_kinds_are_not_mixed():
    # 004: 第一步 … (一是 二是 三是) … 第二步: two series, both consistent
    body = "第一步：立意。一是明确文种。二是吃透意图。第二步：谋篇。一要搭骨架。二要理逻辑。第三步：填肉。"
    report = analyze_sections(draft(("一、甲", body)))
    assert [f for f in report.findings if f.rule.startswith("section.enum")] == []


def test_opening_and_closing_are_separated_from_the_last_section():
    text = draft(("一、甲", FACTUAL), ("二、乙", FACTUAL), closing="同志们，让我们团结一心，再创佳绩！\n谢谢大家！")
    report = analyze_sections(text)
    assert report.opening is not None and report.opening.body.startswith("同志们：")
    assert report.closing is not None and report.closing.body.startswith("同志们，让我们")
    assert "谢谢大家" not in report.sections[-1].body


def test_draft_without_numbered_headings_splits_at_run_in_points(seed_texts):
    report = analyze_sections(seed_texts["001_a8823b4fadc8d13b"])
    assert [s.heading[:6] for s in report.sections] == ["一要进一步增", "二要全面提升", "三要努力造就"]
    # 001 opens its third point's list with 首先 and goes on with 第二、第三: a real slip
    assert [(f.rule, f.line) for f in report.findings] == [("section.enum-mixed", 8)]


# ---------------------------------------------------------------- speaking time


def test_speaking_time_at_220_characters_a_minute():
    """220 字/分钟, the middle of the 180–260 the 立意 check holds a brief to (one pace everywhere)."""
    text = "一、甲\n" + "字" * 2197  # 2 + 1 (甲) + 2197 characters are spoken; the 、 is not
    report = analyze_sections(text)
    assert report.total_chars == 2199
    assert report.chars_per_minute == 220
    assert report.speaking_minutes == 10.0
    assert analyze_sections(text, genre="讲话稿").speaking_minutes == 10.0
    assert analyze_sections(text, genre="通知").speaking_minutes is None


def test_time_target_from_the_project_brief():
    project = Project(
        brief=BriefCard(genre="讲话稿", speaking_minutes=30),
        opening="同志们：",
        sections=[Section("一、提高认识", FACTUAL), Section("二、狠抓落实", FACTUAL)],
        closing="谢谢大家！",
    )
    report = analyze_sections(project)
    assert [s.heading for s in report.sections] == ["一、提高认识", "二、狠抓落实"]
    assert report.opening.body == "同志们：" and report.closing.body == "谢谢大家！"
    target = [f for f in report.findings if f.rule == "section.time-target"]
    assert len(target) == 1 and target[0].severity == "info" and "30" in target[0].message


def test_a_list_of_sections_is_accepted_and_lines_point_into_the_joined_text():
    report = analyze_sections([Section("一、甲", FACTUAL), Section("二、乙", ""), Section("三、丙", FACTUAL)])
    empty = next(f for f in report.findings if f.rule == "section.empty")
    assert report.text.splitlines()[empty.line - 1] == "二、乙"


# ---------------------------------------------------------------- the seeds


SEED_SECTION_FINDINGS = {
    "000_98b3ff1cb049aa72": [("section.no-substance", 11)],
    "001_a8823b4fadc8d13b": [("section.enum-mixed", 8)],
    "002_4cf813356daf6edd": [("section.no-substance", 18), ("section.too-short", 18)],
    "003_e00d83e4667ee5ea": [],
    "004_4b4506e4ca38ae09": [],
}


@pytest.mark.parametrize("seed", sorted(SEED_SECTION_FINDINGS))
def test_seed_speeches(seed_texts, seed):
    report = analyze_sections(seed_texts[seed])
    assert [(f.rule, f.line) for f in report.findings] == SEED_SECTION_FINDINGS[seed]
    assert 9 <= report.speaking_minutes <= 30  # the seeds are 2,100–5,800 spoken characters, at 220 字/分钟


def test_seed_002_section_contents(seed_texts):
    report = analyze_sections(seed_texts["002_4cf813356daf6edd"])
    first, second, third = report.sections
    assert ("amount", "500亿元") in kinds(first.data_points)
    assert ("event", "县委十四届二次全会") in kinds(first.facts)
    assert {"17项", "4项", "40项"} <= {m.text for m in second.data_points}
    assert [q.extra["speaker"] for q in second.quotations] == ["习近平总书记"]
    assert len(second.enumerations) == 12
    assert third.data_points == [] and third.facts == [] and third.quotations == []


# ---------------------------------------------------------------- bad input


def _sane(report):
    lines = report.text.count("\n") + 1
    for f in report.findings:
        assert f.severity in SEVERITIES and f.message and "{" not in f.message
        assert f.line is None or 1 <= f.line <= lines
        if f.start is not None:
            assert 0 <= f.start <= f.end <= len(report.text)
    for s in report.sections:
        assert 0 <= s.start <= s.end <= len(report.text)
        for m in s.data_points + s.facts + s.quotations + s.enumerations:
            assert 0 <= m.start < m.end <= len(report.text)
            assert report.text[m.start : m.end].strip() == m.text.strip() or m.kind == "quotation"


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "。，、；：？！……——", "\x00\x01\x1b[0m一、控制字符\n正文", "一、😀🚀\n🎉" * 10,
     "一、English\nSome text 2024 and 50% growth.\n二、Русский\nТекст", "<script>alert(1)</script>"],
)
def test_odd_inputs(text):
    report = analyze_sections(text)
    _sane(report)
    assert report.speaking_minutes is not None and report.speaking_minutes >= 0


def test_one_megabyte(seed_texts):
    text = (seed_texts["002_4cf813356daf6edd"] * 80)[:1_000_000]
    report = analyze_sections(text)
    _sane(report)
    assert len(report.sections) > 100


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_never_raises(text):
    _sane(analyze_sections(text))


def test_cli_sections_json(tmp_path, capsys, seed_texts):
    from coach.cli import main

    f = tmp_path / "d.txt"
    f.write_text(seed_texts["002_4cf813356daf6edd"], encoding="utf-8")
    code = main(["sections", "--json", str(f)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(data["sections"]) == 3 and data["chars_per_minute"] == 220
    assert [x["rule"] for x in data["findings"]] == ["section.no-substance", "section.too-short"]
    code = main(["sections", "--genre", "讲话稿", "--minutes", "5", str(f)])
    out = capsys.readouterr().out
    assert code == 0 and "分钟" in out and "section.time-target" in out
    assert main(["sections", str(tmp_path / "missing.txt")]) == 2
    assert "找不到" in capsys.readouterr().err
