"""The linter on the five real speeches (precision), offsets/lines, autofix, bad input, properties."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.findings import Finding
from coach.lint import Linter, apply_fix, apply_safe_fixes, lint
from coach.lint.engine import MAX_FINDINGS_PER_RULE

LINTER = Linter()

# Every error/warning the linter raises on a seed, checked by hand: each one is a real problem
# (or, for XX/××/*, a real anonymisation mark that would be an unfilled placeholder in a draft).
SEED_EXPECTED = {
    "000_98b3ff1cb049aa72": {("doubled-char", "各各"): 1, ("placeholder-star", "*"): 13},
    "001_a8823b4fadc8d13b": {("placeholder-x", "××"): 1, ("halfwidth-period", "."): 2, ("de-di", "的"): 1},
    "002_4cf813356daf6edd": {("placeholder-x", "XX"): 8},
    "003_e00d83e4667ee5ea": {
        ("placeholder-x", "XX"): 2, ("placeholder-x", "XXX"): 2, ("de-di", "的"): 6,
        ("idiom-typo", "十跟手指"): 1, ("idiom-typo", "万精油"): 2, ("idiom-typo", "琐啐"): 1,
        ("fanying-report", "反应"): 1, ("fanying-react", "反映"): 1,
    },
    "004_4b4506e4ca38ae09": {
        ("halfwidth-comma", ","): 233, ("halfwidth-colon", ":"): 14, ("halfwidth-semicolon", ";"): 7,
        ("halfwidth-question", "?"): 7, ("halfwidth-exclamation", "!"): 2,
        ("numbering-halfwidth", "(一)"): 1, ("numbering-halfwidth", "(二)"): 1, ("numbering-halfwidth", "(三)"): 1,
        ("halfwidth-parens", "(“截止”与“截至”)"): 1, ("placeholder-x", "X"): 1, ("placeholder-x", "XX"): 1,
    },
}


def _serious(findings: list[Finding]) -> Counter:
    return Counter((f.rule, f.extra["found"]) for f in findings if f.severity in ("error", "warning"))


@pytest.mark.parametrize("stem", sorted(SEED_EXPECTED))
def test_seed_findings_are_exactly_the_real_ones(stem, seed_texts):
    assert _serious(LINTER.lint(seed_texts[stem])) == Counter(SEED_EXPECTED[stem])


def test_seed_004_every_halfwidth_mark_is_reported_with_offsets(seed_texts):
    text = seed_texts["004_4b4506e4ca38ae09"]
    commas = [f for f in LINTER.lint(text) if f.rule == "halfwidth-comma"]
    assert len(commas) == text.count(",")
    assert all(text[f.start : f.end] == "," and f.fix.replacement == "，" for f in commas)


def test_seed_info_findings_include_the_doubtful_new_form(seed_texts):
    fs = LINTER.lint(seed_texts["003_e00d83e4667ee5ea"])
    xt = [f for f in fs if f.rule == "xin-xingtai"]
    assert len(xt) == 3 and all(f.severity == "info" for f in xt)
    assert all(seed_texts["003_e00d83e4667ee5ea"][f.start : f.end] == "新形态" for f in xt)


def test_offsets_lines_and_excerpt():
    text = "同志们：\n今天，我们把各各单位的骨干集中起来。\n截止5月15日,已完成。"
    fs = lint(text)
    by_rule = {f.rule: f for f in fs}
    d = by_rule["doubled-char"]
    assert text[d.start : d.end] == "各各" and d.line == 2 and d.extra["column"] == 7
    assert "【各各】" in d.extra["excerpt"]
    j = by_rule["jiezhi-before-time"]
    assert j.line == 3 and j.extra["column"] == 1 and j.fix.replacement == "截至" and j.fix.safe
    c = by_rule["halfwidth-comma"]
    assert text[c.start : c.end] == "," and c.family == "punctuation" and c.source == "standard"


def test_apply_fix_and_safe_fixes():
    text = "截止5月15日,各单位要高度重视，，认真落实决策布署。"
    fs = lint(text)
    j = next(f for f in fs if f.rule == "jiezhi-before-time")
    new, change = apply_fix(text, j)
    assert new.startswith("截至5月15日") and change == {
        "rule": "jiezhi-before-time", "start": 0, "end": 2, "before": "截止", "after": "截至"}
    fixed, changes = apply_safe_fixes(text)
    assert fixed == "截至5月15日，各单位要高度重视，认真落实决策部署。"
    assert {c["rule"] for c in changes} == {"jiezhi-before-time", "halfwidth-comma", "doubled-punct", "bushu"}
    assert not [f for f in lint(fixed) if f.fix and f.fix.safe]


def test_apply_fix_without_fix_says_so_in_chinese():
    f = next(f for f in lint("召开XX县会议") if f.rule == "placeholder-x")
    with pytest.raises(ValueError, match="手动修改"):
        apply_fix("召开XX县会议", f)


def test_unsafe_fixes_are_not_applied_automatically():
    text = "我们把各各单位的骨干集中起来。"
    fixed, changes = apply_safe_fixes(text)
    assert fixed == text and changes == []


def test_apply_safe_fixes_with_given_findings_is_one_pass():
    text = "示政发[2026]05号"
    fixed, changes = apply_safe_fixes(text, lint(text))
    assert fixed == "示政发〔2026〕05号" and len(changes) == 1  # the leading zero shows up on the next lint
    assert apply_safe_fixes(text)[0] == "示政发〔2026〕5号"


@pytest.mark.parametrize("stem", sorted(SEED_EXPECTED))
def test_fixing_a_seed_leaves_no_safe_fix_and_keeps_text(stem, seed_texts):
    text = seed_texts[stem]
    fixed, changes = apply_safe_fixes(text, linter=LINTER)
    assert not [f for f in LINTER.lint(fixed) if f.fix and f.fix.safe]
    # only punctuation, spaces and the listed words change: the text keeps its length within the changes made
    assert abs(len(fixed) - len(text)) <= sum(len(c["before"]) for c in changes)
    if stem == "004_4b4506e4ca38ae09":
        assert "," not in fixed and "（一）第一层面：为什么要学？" in fixed


def test_genre_rules_need_the_genre():
    text = "现将有关情况报告如下。以上报告妥否，请批示。"
    assert not [f for f in lint(text) if f.rule == "request-in-report"]
    assert [f for f in lint(text, genre="报告") if f.rule == "request-in-report"]
    assert [f.rule for f in lint("关于追加经费", genre="请示报告")] == ["genre-not-a-genre"]
    (g,) = [f for f in lint("", genre="请示报告")]
    assert (g.start, g.end, g.severity) == (0, 0, "error")


@pytest.mark.parametrize(
    "text",
    ["", "   ", "。，、；：！？……——", "，" * 500, "😀👍🎉" * 100, "\x00\x01\x02\x1b[31m\x7f", "\ud800abc",
     "Hello, 世界! 3.5% at 9:30, see https://x.org/a,b;c 和 a@b.cn.", "\r\n\r\n各各\r\n", "\u200b\ufeff截止5月"],
)
def test_bad_input_never_crashes(text):
    fs = lint(text)
    for f in fs:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.line >= 1
    apply_safe_fixes(text)


def test_one_megabyte_of_text():
    block = "截止5月15日,我们把各各单位的骨干集中起来,认真落实决策布署。" * 10
    text = (block + "\n") * (1_000_000 // (len(block) + 1))
    fs = lint(text)
    assert len(text) > 900_000
    counts = Counter(f.rule for f in fs)
    # every rule reports each hit, up to a cap per rule so garbage cannot produce millions of findings
    assert counts["bushu"] == min(text.count("布署"), MAX_FINDINGS_PER_RULE)
    assert counts["halfwidth-comma"] == min(text.count(","), MAX_FINDINGS_PER_RULE)
    assert all(0 <= f.start <= f.end <= len(text) for f in fs)


def test_a_megabyte_without_punctuation_is_one_long_sentence():
    text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(1_000_000))
    long = [f for f in lint(text) if f.rule.startswith("long-sentence")]
    assert [(f.rule, f.start, f.end) for f in long] == [("long-sentence-200", 0, len(text))]


_ALPHABET = st.sampled_from(list("截止至其它各的了常人,.;:?!()（）、，。；：“”\"《》XＸ×*某0123456789〇二年月日%—-\n \t😀ab请示报告")
                            + ["\x00", "\u3000", "https://a.b/c,d", "x@y.cn"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.sampled_from([None, "报告", "请示", "请示报告", " "]))
def test_property_offsets_inside_text_and_fixes_converge(text, genre):
    fs = LINTER.lint(text, genre=genre)
    for f in fs:
        assert 0 <= f.start <= f.end <= len(text)
        if f.fix is not None:
            assert 0 <= f.fix.start <= f.fix.end <= len(text)
    fixed, _ = apply_safe_fixes(text, genre=genre, linter=LINTER, max_passes=10)
    assert not [f for f in LINTER.lint(fixed, genre=genre) if f.fix and f.fix.safe]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_property_engine_never_raises_on_any_string(text):
    for f in LINTER.lint(text):
        assert 0 <= f.start <= f.end <= len(text)


def test_english_lines_quoting_chinese_terms_keep_their_punctuation():
    text = ("Speeches (讲话稿), 调研报告, 工作总结 are not legal genres; use 仿宋, not 宋体.\n"
            "讲话稿,调研报告都要用全角标点.")
    fs = lint(text)
    assert all(f.line == 2 for f in fs)
    assert {f.rule for f in fs} == {"halfwidth-comma", "halfwidth-period"}


def test_markup_in_a_chinese_line_does_not_hide_its_errors():
    from coach.lint import lint

    text = "</script>。截止5月15日，各单位已上报。"
    assert any(f.family == "confusable" and text[f.start:f.end].startswith("截止") for f in lint(text))
    # a line of English prose that quotes a Chinese term is still left alone
    assert lint("The term 截止 is not the same as the other one.") == []
