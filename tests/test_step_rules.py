"""立意 and 成器 rules are data: every rule id runs its own examples through its step's check, the 请示/报告 rules
exist once (read by 立意 on the card, 搭骨 on the outline, 修容/成器 on the draft) and their former ids still
name them; an office's own rule file reaches the 立意 check."""

from __future__ import annotations

from collections import Counter

import pytest

from coach.lint import Linter, load_builtin_rules, load_rule_file
from coach.lint.subjects import check_project_examples, example_project
from coach.steps import get_step
from coach.steps.chengqi import RULES_FILE as CHENGQI_RULES
from coach.steps.liyi import RULES_FILE as LIYI_RULES
from coach.steps.liyi import rules as liyi_rules

STEP_RULES = {"liyi": load_rule_file(LIYI_RULES), "chengqi": load_rule_file(CHENGQI_RULES)}


def _cases():
    for key, rules in STEP_RULES.items():
        for rule in rules:
            for kind in ("match", "no_match"):
                for i, ex in enumerate(rule.examples[kind]):
                    yield pytest.param(key, rule, kind, ex, id=f"{rule.id}-{kind}-{i}")


@pytest.mark.parametrize(("key", "rule", "kind", "example"), list(_cases()))
def test_each_step_rule_behaves_as_its_examples_say(key, rule, kind, example):
    assert isinstance(example, dict) and "project" in example
    found = [f for f in get_step(key).run_check(example_project(example["project"])) if f.rule == rule.id]
    if kind == "match":
        assert found, f"{rule.id} should report {example}"
        # every placeholder of the message is filled from the project's facts
        assert found[0].message and "{" not in found[0].message and "{" not in (found[0].suggestion or "")
    else:
        assert not found, f"{rule.id} should not report {example}: {[f.message for f in found]}"


def test_the_former_python_rule_ids_all_exist_as_data():
    ids = {r.id for rules in STEP_RULES.values() for r in rules}
    aliases = {a for r in liyi_rules() for a in r.aliases}
    expected = {"liyi.speech.audience", *(f"liyi.missing.{f}" for f in ("genre", "title", "leader_intent", "audience",
                "thesis", "expected_effect", "direction", "occasion", "length")), "liyi.genre.unknown",
                "liyi.genre.direction", "liyi.qingshi.one_matter", "liyi.qingshi.one_recipient", "liyi.baogao.request",
                "liyi.downward.request", "liyi.speech.minutes", "liyi.speech.pace", "liyi.title.punctuation",
                "liyi.title.genre", "liyi.thesis.one_sentence", "liyi.thesis.long", "liyi.length.invalid",
                "chengqi.no-text", "chengqi.no-version", "chengqi.length", "chengqi.signature", "chengqi.date-missing",
                "chengqi.date-format", *(f"chengqi.review.{i}" for i in range(4))}
    assert expected <= ids | aliases


def test_qingshi_and_baogao_rules_exist_once_and_their_old_ids_name_them():
    everything = Counter([r.id for r in STEP_RULES["liyi"]] + [r.id for r in load_builtin_rules()])
    for rule_id in ("qingshi-one-matter", "request-in-report", "qingshi-one-recipient"):
        assert everything[rule_id] == 1
    assert not set(everything) & {"liyi.qingshi.one_matter", "liyi.baogao.request", "liyi.qingshi.one_recipient"}
    linter = Linter(load_builtin_rules())
    assert linter.rule("liyi.qingshi.one_matter").id == "qingshi-one-matter"
    assert linter.rule("liyi.baogao.request").id == "request-in-report"


def test_one_rule_names_two_matters_in_the_thesis_and_in_the_outline_and_draft():
    thesis = "申请购置办公设备20台，另外申请增加两名编制"
    outline = "一、请示缘由\n二、请示事项\n（一）请批准购置办公设备20台\n（二）请批准增加2名编制\n三、结语"
    p = example_project({"brief": {"genre": "请示", "direction": "上行文", "thesis": thesis}, "outline": outline})
    at_liyi = [f for f in get_step("liyi").run_check(p) if f.rule == "qingshi-one-matter"]
    at_dagu = [f for f in get_step("dagu").run_check(p) if f.rule == "qingshi-one-matter"]
    assert at_liyi and at_liyi[0].extra["field"] == "thesis" and "增加两名编制" in at_liyi[0].message
    assert at_dagu and at_dagu[0].start is not None  # on the outline it points at the second request
    assert outline[at_dagu[0].start:at_dagu[0].end] == "请批准"


def test_project_examples_of_the_built_in_rules_hold_through_liyi():
    shared = [r for r in load_builtin_rules() if any(isinstance(e, dict) and "project" in e
                                                      for k in ("match", "no_match") for e in r.examples[k])]
    assert check_project_examples(shared, get_step("liyi").run_check) == []


def test_direction_is_an_error_for_qingshi_and_a_warning_for_a_letter():
    def level(genre):
        p = example_project({"brief": {"genre": genre, "direction": "下行文"}})
        return next((f.severity, f.source) for f in get_step("liyi").run_check(p) if f.rule == "liyi.genre.direction")
    assert level("请示") == ("error", "regulation") and level("函") == ("warning", "practice")


def test_an_empty_draft_gives_only_the_no_text_finding_at_chengqi():
    p = example_project({"brief": {"genre": "请示", "date": "2026年05月01日"}})
    assert [f.rule for f in get_step("chengqi").run_check(p)] == ["chengqi.no-text"]


def test_the_review_reminders_stay_beside_the_checklist():
    p = example_project({"brief": {"genre": "请示"}, "draft": "现申请购置办公设备。"})
    reminders = [f for f in get_step("chengqi").run_check(p) if f.rule.startswith("chengqi.review.")]
    assert len(reminders) == 4 and all(f.extra.get("checklist") for f in reminders)


def test_an_offices_own_rule_file_reaches_the_liyi_check(tmp_path, monkeypatch):
    own = tmp_path / "house.yaml"
    own.write_text("""rules:
  - id: house.title.bureau
    family: 立意卡
    severity: warning
    source: practice
    fields: [title]
    pattern: 市局
    message: 标题里写全称，不写“{found}”。
    suggestion: 改为“市教育局”。
    explanation: 本单位惯例：标题用全称。
    examples:
      match: [{text: 关于市局购置设备的请示, field: title}]
""", encoding="utf-8")
    monkeypatch.setenv("COACH_LINT_RULES", str(own))
    p = example_project({"brief": {"genre": "请示", "title": "关于市局购置设备的请示"}})
    found = [f for f in get_step("liyi").run_check(p) if f.rule == "house.title.bureau"]
    assert found and found[0].message == "标题里写全称，不写“市局”。" and found[0].extra["field"] == "title"
