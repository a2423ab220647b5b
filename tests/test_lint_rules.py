"""Rule files: every example triggers / does not trigger its rule; loading rejects bad files in Chinese;
users can add and override rules; find_rules answers a writer's question."""

from __future__ import annotations

from collections import Counter

import pytest

from coach.lint import (
    ENV_VAR,
    Linter,
    LintRuleError,
    default_linter,
    find_rules,
    lint,
    load_builtin_rules,
    load_rules,
)

BUILTIN = load_builtin_rules()
LINTER = Linter(BUILTIN)


def _cases():
    for rule in BUILTIN:
        for kind in ("match", "no_match"):
            for ex in rule.examples[kind]:
                if isinstance(ex, dict) and "project" in ex:
                    continue  # a whole project: tests/test_step_rules.py runs it through its step
                text, genre = (ex, None) if isinstance(ex, str) else (ex["text"], ex.get("genre"))
                field = "text" if isinstance(ex, str) else ex.get("field", "text")  # a 立意卡 field, e.g. thesis
                if genre is None and rule.genres:
                    genre = rule.genres[0]
                yield pytest.param(rule.id, kind, text, genre, field, id=f"{rule.id}-{kind}-{field}-{text[:12]}")


@pytest.mark.parametrize(("rule_id", "kind", "text", "genre", "field"), list(_cases()))
def test_rule_examples(rule_id, kind, text, genre, field):
    hits = [f for f in LINTER.lint(text, genre=genre, field=field) if f.rule == rule_id]
    if kind == "match":
        assert hits, f"{rule_id} should flag {text!r}"
        for f in hits:
            assert 0 <= f.start <= f.end <= len(text)
    else:
        assert not hits, f"{rule_id} should not flag {text!r}: {[f.extra['found'] for f in hits]}"


def test_required_families_are_covered():
    families = Counter(r.family for r in BUILTIN)
    for fam in ("confusable", "typo", "repetition", "punctuation", "numbering", "placeholder", "genre",
                "docnumber", "number", "style"):
        assert families[fam] >= 1, fam
    assert len(BUILTIN) >= 50


def test_every_rule_is_documented_in_chinese():
    for r in BUILTIN:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.message), r.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.suggestion), r.id
        # the explanation shows a wrong and a right example the coach can quote
        assert any(k in r.explanation for k in ("错误：", "不规范：", "未完成：", "可疑：", "不合惯例：")), r.id
        assert any(k in r.explanation for k in ("正确：", "规范：", "完成：", "通常：", "合惯例：")), r.id
        assert not (r.source == "practice" and r.severity == "error"), r.id


def test_idiom_typo_corrections_are_real_words():
    """The right-hand side of the typo list must be a word jieba's dictionary knows (guards against typos in
    the list itself); the wrong-hand side must not be a common word."""
    tk = LINTER.tokenizer()
    rule = LINTER.rule("idiom-typo")
    not_in_dict = {"十根手指", "市场竞争", "推诿扯皮"}  # phrases jieba splits into two words
    for wrong, right in rule.words.items():
        if right not in not_in_dict:
            assert tk.FREQ.get(right, 0) > 0, right
        assert tk.FREQ.get(wrong, 0) < 50, wrong


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


GOOD_USER_RULE = """
rules:
  - id: house-banned-word
    severity: warning
    family: house
    source: practice
    words: {高大上: "", 抓手: ""}
    message: 本单位不用“{found}”
    suggestion: 换一个朴实的说法。
    explanation: 本单位文风要求朴实。错误：打造高大上的平台。正确：建设实用的平台。
    examples: {match: [打造高大上的平台], no_match: [建设实用的平台]}
"""


def test_user_rule_file_adds_a_rule(tmp_path):
    p = _write(tmp_path, "house.yaml", GOOD_USER_RULE)
    linter = Linter(load_rules(extra_paths=[p]))
    fs = [f for f in linter.lint("要找准抓手，打造高大上的平台。") if f.rule == "house-banned-word"]
    assert [f.extra["found"] for f in fs] == ["抓手", "高大上"]
    assert fs[0].message == "本单位不用“抓手”"
    assert fs[0].fix is None  # empty replacement = banned word without an automatic fix


def test_user_rule_from_env_directory(tmp_path, monkeypatch):
    d = tmp_path / "rules"
    d.mkdir()
    _write(d, "house.yaml", GOOD_USER_RULE)
    monkeypatch.setenv(ENV_VAR, str(d))
    assert any(f.rule == "house-banned-word" for f in lint("打造高大上的平台"))
    monkeypatch.delenv(ENV_VAR)
    assert not any(f.rule == "house-banned-word" for f in lint("打造高大上的平台"))


def test_user_rule_overrides_builtin_severity(tmp_path):
    p = _write(tmp_path, "quiet.yaml", """
rules:
  - id: qita
    severity: info
    family: confusable
    source: practice
    words: {其它: 其他}
    safe: true
    message: 本单位对“其它”只作提示
    suggestion: 改为“其他”。
    explanation: 错误：其它。正确：其他。
    examples: {match: [其它工作]}
""")
    rules = load_rules(extra_paths=[p])
    assert len([r for r in rules if r.id == "qita"]) == 1
    (f,) = [f for f in Linter(rules).lint("其它工作") if f.rule == "qita"]
    assert f.severity == "info"


BAD_FILES = {
    "practice_error.yaml": (GOOD_USER_RULE.replace("severity: warning", "severity: error"), "practice"),
    "broken_yaml.yaml": ("rules:\n  - id: x\n    words: {a: [\n", "YAML 格式错误"),
    "bad_regex.yaml": (GOOD_USER_RULE.replace("words: {高大上: \"\", 抓手: \"\"}", "pattern: '(高大上'"), "正则表达式"),
    "no_message.yaml": (GOOD_USER_RULE.replace("    message: 本单位不用“{found}”\n", ""), "message"),
    "unknown_checker.yaml": (GOOD_USER_RULE.replace("words: {高大上: \"\", 抓手: \"\"}", "checker: no_such_checker"), "no_such_checker"),
    "two_kinds.yaml": (GOOD_USER_RULE.replace("    words:", "    pattern: 高大上\n    words:"), "只能有"),
    "not_rules.yaml": ("hello: world\n", "rules:"),
    "bad_severity.yaml": (GOOD_USER_RULE.replace("severity: warning", "severity: fatal"), "severity"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_malformed_user_file_names_file_and_problem(tmp_path, name):
    text, problem = BAD_FILES[name]
    p = _write(tmp_path, name, text)
    with pytest.raises(LintRuleError) as exc:
        load_rules(extra_paths=[p])
    msg = str(exc.value)
    assert name in msg and problem in msg and "有问题" in msg
    # built-in rules still work: skip_broken keeps them and reports the file
    linter = Linter.from_paths([p], skip_broken=True)
    assert len(linter.rule_errors) == 1 and name in str(linter.rule_errors[0])
    assert any(f.rule == "bushu" for f in linter.lint("认真落实决策布署"))


def test_missing_user_file_is_reported(tmp_path):
    with pytest.raises(LintRuleError, match="nope.yaml"):
        load_rules(extra_paths=[tmp_path / "nope.yaml"])


def test_broken_env_file_does_not_break_default_lint(tmp_path, monkeypatch):
    p = _write(tmp_path, "broken.yaml", "rules: [\n")
    monkeypatch.setenv(ENV_VAR, str(p))
    linter = default_linter()
    assert linter.rule_errors and "broken.yaml" in str(linter.rule_errors[0])
    assert any(f.rule == "bushu" for f in lint("认真落实决策布署"))


def test_find_rules_answers_writer_questions():
    ids = [r.id for r in find_rules("截止和截至怎么区分？")]
    assert set(ids[:2]) == {"jiezhi-before-time", "jiezhi-without-time"}
    assert find_rules("必须和必需有什么区别")[0].id.startswith("bixu")
    assert find_rules("再接再厉怎么写")[0].id == "idiom-typo"
    assert find_rules("顿号")[0].id in {"dunhao-between-quotes", "numbering-extra-dunhao", "numbering-arabic-dunhao"}
    assert "docnumber-brackets" in [r.id for r in find_rules("发文字号的括号怎么写")]
    assert find_rules("今天天气怎么样") == []
    assert find_rules("") == []
    # the explanation carries a right and a wrong example the coach can quote
    r = find_rules("截止和截至怎么区分")[0]
    assert "截至5月15日" in r.explanation and "截止" in r.explanation
