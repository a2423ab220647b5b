"""Outline model and structural checks (搭骨): parsing, rendering, every rule on good and bad outlines,
and the five seed outlines, which must come out clean except for flaws a careful editor agrees with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.checks.outline import (
    Outline,
    OutlineNode,
    check_outline,
    parallelism_report,
    parse_outline,
    render_outline,
)
from coach.checks.rules import load_rules
from coach.errors import CoachError

DATA = Path(__file__).parent / "data" / "outlines"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def rules_of(findings):
    return [(f.line, f.rule) for f in findings]


def apply_fix(text: str, fix) -> str:
    return text[: fix.start] + fix.replacement + text[fix.end :]


def shape(outline: Outline):
    return [(depth, node.text) for node, _parent, depth in outline.walk()]


# ---------------------------------------------------------------- parsing


def test_numbered_outline_builds_the_tree_with_levels_and_lines():
    o = parse_outline("一、总体要求\n（一）指导思想\n1.坚持党的领导\n（1）把方向\n二、重点任务\n")
    assert [(n.level, n.text, n.line) for n in o.nodes()] == [
        (1, "总体要求", 1),
        (2, "指导思想", 2),
        (3, "坚持党的领导", 3),
        (4, "把方向", 4),
        (1, "重点任务", 5),
    ]
    assert [r.text for r in o.roots] == ["总体要求", "重点任务"]
    assert o.roots[0].children[0].children[0].children[0].text == "把方向"
    assert o.style == "numbered"


def test_wrong_punctuation_markers_are_parsed_at_their_level():
    o = parse_outline("一.甲\n(一)乙\n（二）、丙\n1、丁\n(1)戊\n二，己")
    assert [(n.level, n.number, n.marker, n.text) for n in o.nodes()] == [
        (1, 1, "一.", "甲"),
        (2, 1, "(一)", "乙"),
        (2, 2, "（二）、", "丙"),
        (3, 1, "1、", "丁"),
        (4, 1, "(1)", "戊"),
        (1, 2, "二，", "己"),
    ]


def test_numbers_that_are_not_markers_stay_text():
    o = parse_outline("一、总体要求\n2024年是关键一年\n1.5亿元的投入\n一是加强领导")
    assert [n.text for n in o.nodes()] == ["总体要求"]
    assert "2024年" in o.roots[0].body and "1.5亿元" in o.roots[0].body and "一是" in o.roots[0].body


def test_run_in_heading_is_split_from_its_paragraph():
    o = parse_outline("（一）抓好信息报送。信息报送是让领导了解工作进展的重要手段。")
    node = o.roots[0]
    assert node.text == "抓好信息报送"
    assert node.run_in is True
    assert node.body.startswith("信息报送是")
    # a heading that merely ends in 。 is not run-in (the check reports the 。)
    alone = parse_outline("（一）充分认识办公室工作的重要性。").roots[0]
    assert alone.text == "充分认识办公室工作的重要性。" and not alone.run_in


def test_period_inside_quotes_does_not_split_a_heading():
    node = parse_outline("一、落实“马上就办。”的要求").roots[0]
    assert node.text == "落实“马上就办。”的要求"


@pytest.mark.parametrize(
    "text",
    [
        "总体要求\n  指导思想\n  基本原则\n重点任务\n  加强领导\n    建立机制",
        "总体要求\n    指导思想\n    基本原则\n重点任务\n    加强领导\n        建立机制",
        "总体要求\n\t指导思想\n\t基本原则\n重点任务\n\t加强领导\n\t\t建立机制",
        "- 总体要求\n  - 指导思想\n  - 基本原则\n- 重点任务\n  - 加强领导\n    - 建立机制",
    ],
    ids=["2-spaces", "4-spaces", "tabs", "bullets"],
)
def test_indented_outlines_give_the_same_tree(text):
    o = parse_outline(text)
    assert o.style == "indented"
    assert shape(o) == [(1, "总体要求"), (2, "指导思想"), (2, "基本原则"), (1, "重点任务"), (2, "加强领导"), (3, "建立机制")]


def test_bullets_under_a_plain_line_are_its_children():
    o = parse_outline("讲三点意见\n- 提高认识\n- 明确目标\n- 转变作风")
    assert shape(o) == [(1, "讲三点意见"), (2, "提高认识"), (2, "明确目标"), (2, "转变作风")]


def test_crlf_and_fullwidth_indentation():
    o = parse_outline("　　一、总体要求\r\n　　（一）指导思想\r\n")
    assert [(n.level, n.text, n.line) for n in o.nodes()] == [(1, "总体要求", 1), (2, "指导思想", 2)]


def test_from_corpus_headings_matches_the_hand_written_outline(seed_texts):
    from coach.corpus import outline_of, parse_document

    doc = parse_document(seed_texts["002_4cf813356daf6edd"], "002")
    from_corpus = Outline.from_headings(outline_of(doc), doc.text)
    by_hand = parse_outline((DATA / "002.txt").read_text(encoding="utf-8"))
    assert shape(from_corpus) == shape(by_hand)
    # lines point into the speech: 二、 is on line 8 of the seed
    assert from_corpus.roots[1].line == 8


def test_outline_of_a_project_from_its_outline_or_its_sections():
    from coach.checks.outline import outline_of_project
    from coach.project import Project, Section

    with_outline = Project(outline="一、提高认识\n（一）统一思想\n二、明确目标")
    assert shape(outline_of_project(with_outline)) == [(1, "提高认识"), (2, "统一思想"), (1, "明确目标")]
    from_sections = Project(sections=[Section("一、提高认识"), Section("三、明确目标"), Section("(三)转变作风")])
    outline = outline_of_project(from_sections)
    assert [(n.level, n.text, n.marker) for n in outline.roots] == [
        (1, "提高认识", "一、"), (1, "明确目标", "三、"), (1, "转变作风", "(三)")
    ]
    rules = {f.rule for f in check_outline(outline)}
    assert {"outline.sequence", "outline.marker-punct"} <= rules
    assert all(f.line is None for f in check_outline(outline))  # no text lines to point at


# ---------------------------------------------------------------- rendering


def test_render_renumbers_and_fixes_punctuation():
    o = parse_outline("一、甲\n三、乙\n(一)丙\n（三）丁\n1、戊\n")
    assert render_outline(o) == "一、甲\n二、乙\n（一）丙\n（二）丁\n1.戊"


def test_render_uses_the_depth_in_the_tree_so_a_skipped_level_is_filled():
    o = parse_outline("一、甲\n1.乙\n2.丙")
    assert render_outline(o) == "一、甲\n（一）乙\n（二）丙"


def test_render_indented_outline_and_deep_levels():
    text = "a\n  b\n    c\n      d\n        e\n          f\n        g"
    rendered = render_outline(parse_outline(text))
    assert rendered == "一、a\n（一）b\n1.c\n（1）d\n①e\n  ①f\n②g"
    assert shape(parse_outline(rendered)) == shape(parse_outline(text))


def test_render_counts_past_ten_in_chinese():
    o = Outline(roots=[OutlineNode(level=1, text=f"第{i}点") for i in range(1, 13)])
    lines = render_outline(o).splitlines()
    assert lines[9].startswith("十、") and lines[10].startswith("十一、") and lines[11].startswith("十二、")
    assert [n.number for n in parse_outline("\n".join(lines)).roots] == list(range(1, 13))


# ---------------------------------------------------------------- structural checks


def test_skipped_number_is_an_error_with_a_fix():
    text = "一、甲\n三、乙\n四、丙"
    findings = [f for f in check_outline(text) if f.rule == "outline.sequence"]
    assert len(findings) == 1
    f = findings[0]
    assert f.severity == "error" and f.line == 2
    assert "二、" in f.message and "三、" in f.message
    assert apply_fix(text, f.fix) == "一、甲\n二、乙\n四、丙"


def test_duplicate_and_reversed_numbers():
    dup = [f for f in check_outline("（一）甲\n（二）乙\n（二）丙") if f.rule == "outline.sequence"]
    assert [(f.line, "重复" in f.message) for f in dup] == [(3, True)]
    rev = [f for f in check_outline("1.甲\n3.乙\n2.丙") if f.rule == "outline.sequence"]
    assert [f.line for f in rev] == [2, 3]


def test_numbering_restarts_under_each_parent():
    text = "一、甲\n（一）a\n（二）b\n二、乙\n（一）c\n（二）d"
    assert [f for f in check_outline(text) if f.rule == "outline.sequence"] == []


def test_level_skip_is_reported():
    findings = [f for f in check_outline("一、甲\n1.乙\n2.丙\n二、丁\n（一）戊\n（二）己") if f.rule == "outline.level-skip"]
    assert [(f.line, f.severity) for f in findings] == [(2, "warning"), (3, "warning")]
    assert "（一）" in findings[0].message


def test_outline_that_starts_below_the_top_level_is_said_once():
    findings = [f for f in check_outline("（一）甲\n（二）乙\n（三）丙") if f.rule == "outline.level-skip"]
    assert [(f.line, f.severity) for f in findings] == [(1, "info")]


@pytest.mark.parametrize(
    "marker,expected",
    [("（一）、", "（一）"), ("(一)", "（一）"), ("1、", "1."), ("(1)", "（1）"), ("一.", "一、"), ("1)", "（1）")],
)
def test_wrong_numbering_punctuation_is_an_error_with_a_safe_fix(marker, expected):
    prefix = {"（一）、": "一、总\n", "(一)": "一、总\n", "1、": "一、总\n（一）分\n", "(1)": "一、总\n（一）分\n1.细\n",
              "一.": "", "1)": "一、总\n（一）分\n1.细\n"}[marker]
    text = prefix + marker + "加强学习"
    findings = [f for f in check_outline(text) if f.rule == "outline.marker-punct"]
    assert len(findings) == 1
    f = findings[0]
    assert f.severity == "error" and f.fix is not None and f.fix.safe
    assert apply_fix(text, f.fix).endswith(expected + "加强学习")


def test_fullwidth_dot_after_arabic_number_is_accepted():
    assert [f for f in check_outline("一、总\n（一）分\n1．细\n2．细") if f.rule == "outline.marker-punct"] == []


def test_more_than_four_levels():
    text = "一、a\n（一）b\n1.c\n（1）d\n①e"
    findings = [f for f in check_outline(text) if f.rule == "outline.depth"]
    assert [(f.line, f.severity) for f in findings] == [(5, "warning")]
    deep_indent = "a\n b\n  c\n   d\n    e\nf"
    assert [f.line for f in check_outline(deep_indent) if f.rule == "outline.depth"] == [5]


@pytest.mark.parametrize("count,flagged", [(1, True), (2, False), (3, False), (6, False), (7, True)])
def test_top_level_count(count, flagged):
    from coach.text.numerals import int_to_chinese

    text = "\n".join(f"{int_to_chinese(i)}、第{i}个方面" for i in range(1, count + 1))
    findings = [f for f in check_outline(text) if f.rule == "outline.top-count"]
    assert bool(findings) == flagged
    for f in findings:
        assert f.severity in ("warning", "info")
        assert str(count) in f.message


@pytest.mark.parametrize("punct", ["。", "；", "，", "："])
def test_heading_ending_in_punctuation(punct):
    text = f"一、加强学习{punct}\n二、改进作风"
    findings = [f for f in check_outline(text) if f.rule == "outline.trailing-punct"]
    assert [f.line for f in findings] == [1]
    assert findings[0].fix.safe and apply_fix(text, findings[0].fix) == "一、加强学习\n二、改进作风"


def test_question_heading_and_run_in_heading_are_not_flagged():
    text = "一、为什么要学？\n二、抓好信息报送。信息报送是重要手段。\n三、怎么学"
    assert [f for f in check_outline(text) if f.rule == "outline.trailing-punct"] == []


def test_empty_heading_and_empty_outline():
    assert rules_of([f for f in check_outline("一、\n二、乙\n三、丙") if f.rule == "outline.empty-heading"]) == [
        (1, "outline.empty-heading")
    ]
    empty = check_outline("")
    assert [(f.rule, f.severity) for f in empty] == [("outline.empty", "info")]


# ---------------------------------------------------------------- 对仗


def test_the_model_of_parallelism_in_002_passes():
    text = (
        "（一）坚定理想信念，做绝对忠诚的政治标兵\n（二）强化服务职能，做保障有力的后勤卫士\n"
        "（三）突出能力建设，做履职担当的业务达人\n（四）严守纪律界限，做作风建设的道德先锋"
    )
    assert [f for f in check_outline(text) if f.rule == "outline.parallel"] == []
    report = parallelism_report(parse_outline(text).roots)
    assert [r["half_lengths"] for r in report] == [[6, 10]] * 4
    assert not any(r["flag"] for r in report)


def test_one_overlong_sibling_is_flagged_with_the_model_to_follow():
    text = "（一）加强学习，提升素质\n（二）坚定信念，提振士气\n（三）严格管理，建立健全覆盖全面、运转高效、监督有力的工作机制\n（四）创新机制，促进发展"
    findings = [f for f in check_outline(text) if f.rule == "outline.parallel"]
    assert [f.line for f in findings] == [3]
    assert findings[0].severity == "warning"
    assert "字" in findings[0].message
    assert "加强学习，提升素质" in findings[0].suggestion or "坚定信念，提振士气" in findings[0].suggestion


def test_unbalanced_half_is_flagged():
    text = "一、提高认识，增强责任\n二、明确目标，抓好各项工作任务的贯彻落实和督促检查\n三、转变作风，提高质量"
    findings = [f for f in check_outline(text) if f.rule == "outline.parallel"]
    assert [f.line for f in findings] == [2]


def test_small_length_differences_are_not_flagged():
    # 003's second level: 6 and 7 characters, the natural variation of real outlines
    text = "（一）抓好信息报送\n（二）抓好贯彻落实\n（三）抓好公文办理\n（四）要做好沟通协调\n（五）当好参谋助手"
    assert [f for f in check_outline(text) if f.rule == "outline.parallel"] == []


def test_sibling_with_a_different_structure_and_wording():
    text = "（一）学理论，铸牢政治忠诚\n（二）学业务，练就过硬本领\n（三）学新知，增强适应能力\n（四）关于信息化"
    findings = [f for f in check_outline(text) if f.rule == "outline.parallel"]
    assert [f.line for f in findings] == [4]


# ---------------------------------------------------------------- lexical overlap (no embedder)


def test_siblings_with_the_same_content_words_overlap():
    text = "一、加强信息报送工作\n二、做好信息报送工作\n三、抓好督促检查"
    findings = [f for f in check_outline(text) if f.rule == "outline.overlap"]
    assert [f.line for f in findings] == [2]
    assert "信息" in findings[0].message and "第1行" in findings[0].message


def test_shared_frame_of_parallel_siblings_is_not_overlap():
    text = "（一）保持良好学习态度\n（二）树立良好学习思路\n（三）保证良好学习纪律"
    assert [f for f in check_outline(text) if f.rule == "outline.overlap"] == []


def test_thesis_without_embedder_says_nothing_rather_than_guess():
    text = "一、提高思想认识\n二、明确工作目标\n三、转变工作作风"
    assert [f for f in check_outline(text, thesis="推进乡村振兴") if f.rule == "outline.off-thesis"] == []


# ---------------------------------------------------------------- the seeds


SEED_FINDINGS = {
    # 一、 is 26 characters against 15 and 16 for 二、 三、 (first half 6 vs 4 chars too)
    "000": [(1, "outline.parallel")],
    "001": [],
    "002": [],
    # three standalone （一）-level headings end in 。; 一是 is a whole clause beside 保证质量 / 严格程序
    "003": [(2, "outline.trailing-punct"), (3, "outline.trailing-punct"), (7, "outline.trailing-punct"), (16, "outline.parallel")],
    # 004 writes its （一）（二）（三） with half-width brackets
    "004": [(2, "outline.marker-punct"), (3, "outline.marker-punct"), (7, "outline.marker-punct")],
}


@pytest.mark.parametrize("seed", sorted(SEED_FINDINGS))
def test_seed_outlines_come_out_clean_but_for_real_flaws(seed):
    text = (DATA / f"{seed}.txt").read_text(encoding="utf-8")
    outline = parse_outline(text)
    assert len(outline.roots) == 3
    assert rules_of(check_outline(outline)) == SEED_FINDINGS[seed]


def test_seed_outline_render_fixes_what_the_check_reports():
    text = (DATA / "004.txt").read_text(encoding="utf-8")
    fixed = render_outline(parse_outline(text))
    assert "(一)" not in fixed and "（一）第一层面" in fixed
    assert [f.rule for f in check_outline(fixed)] == []


def test_every_finding_has_the_required_fields_in_chinese():
    text = "一、甲。\n三、乙\n(一)丙\n1、丁\n（1）a\n①b"
    for f in check_outline(text):
        d = f.to_dict()
        assert d["rule"] and d["severity"] in ("error", "warning", "info")
        assert isinstance(d["line"], int) and 1 <= d["line"] <= 6
        assert any("\u4e00" <= ch <= "\u9fff" for ch in d["message"])
        assert "{" not in d["message"]


# ---------------------------------------------------------------- rules file


def test_rules_file_can_silence_and_reword_a_rule(tmp_path):
    custom = tmp_path / "mine.yaml"
    custom.write_text(
        "rules:\n"
        "  outline.sequence:\n    severity: 'off'\n"
        "  outline.trailing-punct:\n    severity: error\n    message: 标题末尾不要“{punct}”\n"
        "params:\n  outline:\n    top_count_min: 3\n",
        encoding="utf-8",
    )
    rules = load_rules(custom)
    findings = check_outline("一、甲。\n三、乙", rules=rules)
    by_rule = {f.rule: f for f in findings}
    assert "outline.sequence" not in by_rule
    assert by_rule["outline.trailing-punct"].severity == "error"
    assert by_rule["outline.trailing-punct"].message == "标题末尾不要“。”"
    assert "outline.top-count" in by_rule  # two points are now too few


def test_bad_rules_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  outline.sequence:\n    severity: loud\n", encoding="utf-8")
    with pytest.raises(CoachError, match="severity"):
        load_rules(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [", encoding="utf-8")
    with pytest.raises(CoachError, match="YAML"):
        load_rules(broken)


# ---------------------------------------------------------------- command line


def run_cli(*args, stdin: bytes | None = None):
    """The real ``coach`` command in a child process (exit code, stdout and stderr as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], input=stdin, capture_output=True, cwd=PROJECT_ROOT, timeout=120
    )


def cli(capsys, monkeypatch, *args, stdin: bytes | None = None):
    """``coach`` in this process (faster than a child process): (exit code, stdout, stderr)."""
    import io

    from coach.cli import main

    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_and_exit_codes_in_a_real_process():
    good = run_cli("outline", "check", "--json", "--no-embed", str(DATA / "002.txt"))
    assert good.returncode == 0, good.stderr.decode()
    assert json.loads(good.stdout) == []
    bad = run_cli("outline", "check", "--json", "--no-embed", str(DATA / "004.txt"))
    assert bad.returncode == 1
    items = json.loads(bad.stdout)
    assert [(i["line"], i["rule"], i["severity"]) for i in items] == [
        (2, "outline.marker-punct", "error"),
        (3, "outline.marker-punct", "error"),
        (7, "outline.marker-punct", "error"),
    ]
    assert all({"rule", "severity", "line", "message"} <= set(i) for i in items)


def test_cli_unreadable_input_exits_2_without_traceback(tmp_path, capsys, monkeypatch):
    code, _out, err = cli(capsys, monkeypatch, "outline", "check", str(tmp_path / "nope.txt"))
    assert code == 2 and "找不到文件" in err and "Traceback" not in err
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02" * 50)
    code, _out, err = cli(capsys, monkeypatch, "outline", "check", str(binary))
    assert code == 2 and "PDF" in err
    code, _out, err = cli(capsys, monkeypatch, "outline", "check", str(tmp_path))
    assert code == 2 and "文件夹" in err


def test_cli_reads_stdin_gbk_and_says_when_there_is_no_model(capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, "outline", "check", "-", stdin="一、甲\n三、乙\n".encode("gb18030"))
    assert code == 1
    assert "-:2:" in out and "outline.sequence" in out
    assert "coach model build" in err


def test_cli_empty_input_is_a_finding_not_a_failure(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    code, out, _err = cli(capsys, monkeypatch, "outline", "check", "--json", str(empty))
    assert code == 0
    assert [i["rule"] for i in json.loads(out)] == ["outline.empty"]


def test_cli_render(tmp_path, capsys, monkeypatch):
    f = tmp_path / "o.txt"
    f.write_text("一、甲\n三、乙\n(1)丙\n", encoding="utf-8")
    code, out, _err = cli(capsys, monkeypatch, "outline", "render", str(f))
    assert code == 0
    assert out.splitlines() == ["一、甲", "二、乙", "（一）丙"]
