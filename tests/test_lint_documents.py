"""Whole documents: three correct 公文 (通知, 请示, 报告, written for these tests in standard form) raise
nothing; injecting one typical error into them raises exactly the rule for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.lint import Linter, apply_safe_fixes

DATA = Path(__file__).parent / "data"
LINTER = Linter()
DOCS = {"tongzhi": "通知", "qingshi": "请示", "baogao": "报告"}


def _doc(name: str) -> str:
    return (DATA / f"lint_clean_{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(DOCS))
def test_correct_documents_raise_nothing(name):
    assert [(f.rule, f.extra["found"]) for f in LINTER.lint(_doc(name), genre=DOCS[name])] == []


# (document, correct text, erroneous text, rule expected)
MUTATIONS = [
    ("tongzhi", "示政办发〔2026〕12号", "示政办发[2026]12号", "docnumber-brackets"),
    ("tongzhi", "示政办发〔2026〕12号", "示政办发〔2026〕第12号", "docnumber-di"),
    ("tongzhi", "2026年4月28日", "二〇二六年四月二十八日", "chinese-numeral-date"),
    ("tongzhi", "截至4月30日", "截止4月30日", "jiezhi-before-time"),
    ("tongzhi", "15%—20%", "15—20%", "range-unit"),
    ("tongzhi", "3万—5万元", "3—5万元", "range-unit"),
    ("tongzhi", "（一）落实", "（一）、落实", "numbering-extra-dunhao"),
    ("tongzhi", "（二）细化", "(二)细化", "numbering-halfwidth"),
    ("tongzhi", "1.开展隐患排查", "1、开展隐患排查", "numbering-arabic-dunhao"),
    ("tongzhi", "亲自部署", "亲自布署", "bushu"),
    ("tongzhi", "确保信息畅通。", "确保信息畅通.", "halfwidth-period"),
    ("tongzhi", "各县（市、区）人民政府，", "各县（市、区）人民政府,", "halfwidth-comma"),
    ("tongzhi", "市政府各部门：", "市政府各部门:", "halfwidth-colon"),
    ("tongzhi", "示州市人民政府办公室关于", "XX市人民政府办公室关于", "placeholder-x"),
    ("tongzhi", "家喻户晓、人人皆知", "家喻户晓、、人人皆知", "doubled-punct"),
    ("tongzhi", "依法依规严肃追责问责", "依法依规严肃追追责问责", "doubled-char"),
    ("qingshi", "妥否，请批示。", "妥否，请批示。另请批准增加编制2名。", "qingshi-one-matter"),
    ("qingshi", "关于申请追加2026年教师培训经费的请示\n", "关于申请追加2026年教师培训经费的请示报告\n", "qingshi-baogao-title"),
    ("qingshi", "2026年7月至8月", "26年7月至8月", "short-year"),
    ("baogao", "特此报告。", "以上报告妥否，请批示。", "request-in-report"),
    ("baogao", "及时反映经济运行中", "及时反应经济运行中", None),  # 反应+经济: context does not decide
    ("baogao", "提供参考。", "提供参考。。", "doubled-punct"),
]


@pytest.mark.parametrize(("name", "right", "wrong", "rule"), MUTATIONS)
def test_one_injected_error_gives_exactly_its_rule(name, right, wrong, rule):
    text = _doc(name)
    assert right in text
    bad = text.replace(right, wrong, 1)
    serious = [f for f in LINTER.lint(bad, genre=DOCS[name]) if f.severity in ("error", "warning")]
    assert [f.rule for f in serious] == ([rule] if rule else [])
    if rule and serious[0].fix is not None and serious[0].fix.safe:
        fixed, _ = apply_safe_fixes(bad, genre=DOCS[name], linter=LINTER)
        assert fixed == text
