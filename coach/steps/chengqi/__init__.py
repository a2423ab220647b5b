"""成器: review the draft three times (三改三审), compare versions, and finish.

The checks look at the finished whole: is there a draft and a saved version, does its length fit the
plan from 立意, are the 署名 and 成文日期 in order, and has the writer gone through the 三改三审 list.
"""

from __future__ import annotations

from pathlib import Path

import re

from coach.findings import Finding
from coach.project import STATUTORY_GENRES, Project
from coach.steps.base import RetrievalScope, Step

FAMILY = "成器"
#: each 三改三审 pass ends with a version labelled "三改三审·<pass>", so the passes can be compared later
REVIEW_PREFIX = "三改三审·"
REVIEW_PASSES = ("改内容", "改篇幅", "改表述", "对比复盘")
#: a finished text within ±20% of the planned length counts as on target (practice)
LENGTH_TOLERANCE = 0.2
# GB/T 9704-2012 7.3.5: 成文日期 in Arabic numerals, year month day complete, no leading zeros
_DATE = re.compile(r"^(\d{4})年([1-9]|1[0-2])月([1-9]|[12]\d|3[01])日$")

CHECKLIST = (
    "改内容：观点是否提炼到位，材料是否支撑观点",
    "改篇幅：删去空话套话，各部分详略得当",
    "改表述：逻辑衔接是否顺畅，用词是否精准",
    "对比修改稿和原稿，弄清每一处修改的理由",
)


def review_label(index: int) -> str:
    return REVIEW_PREFIX + REVIEW_PASSES[index]


def reviewed(project: Project) -> set[int]:
    """The 三改三审 passes the writer has finished (each left a version with its label)."""
    labels = {v.label for v in project.versions}
    return {i for i in range(len(REVIEW_PASSES)) if review_label(i) in labels}


def _count(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _f(rule: str, severity: str, message: str, suggestion: str | None = None, source: str = "check",
       **extra) -> Finding:
    return Finding(rule=rule, severity=severity, message=message, suggestion=suggestion, family=FAMILY,
                   source=source, extra=extra)


def check(project: Project, embed=None) -> list[Finding]:
    text = project.current_text()
    out: list[Finding] = []
    if not text.strip():
        return [_f("chengqi.no-text", "warning", "还没有成稿：全文是空的。", "先在“填肉”写好各部分，或在“修容”里编辑全文。")]
    # the genre's rules on the final text: a second request in a 请示 must cost the score here too
    from coach.genres import structure

    out += structure.genre_rule_findings(project.brief.genre, text) + structure.check_closing(project.brief.genre, text)
    if not project.versions:
        out.append(_f("chengqi.no-version", "info", "还没有保存过版本。",
                      "在修改之前先存一个版本，改完才能对比修改稿和原稿。"))

    brief = project.brief
    chars = _count(text)
    if brief.target_chars:
        low, high = brief.target_chars * (1 - LENGTH_TOLERANCE), brief.target_chars * (1 + LENGTH_TOLERANCE)
        if not low <= chars <= high:
            direction = "超出" if chars > high else "不足"
            out.append(_f("chengqi.length", "warning",
                          f"全文{chars}字，比立意时定的{brief.target_chars}字{direction}较多。",
                          "改篇幅：删去空话套话，或补足单薄的部分。" if chars > high else "补充事实和数据，让单薄的部分丰满起来。",
                          source="practice", chars=chars, target=brief.target_chars))
    # speaking time against the plan is checked by 填肉 (coach.checks.sections: section.time-target)
    if brief.genre in STATUTORY_GENRES and brief.genre not in ("纪要", "公报"):
        if not brief.signature.strip():
            out.append(_f("chengqi.signature", "info", "还没有填写署名（发文机关）。",
                          "在立意卡里填写署名，导出的 Word 文件会按格式放在正文之后。"))
        if not brief.date.strip():
            out.append(_f("chengqi.date-missing", "info", "还没有填写成文日期。", "例如：2026年11月22日。"))
    if brief.date.strip() and not _DATE.match(brief.date.strip()):
        out.append(_f("chengqi.date-format", "warning", f"成文日期“{brief.date.strip()}”不规范。",
                      "用阿拉伯数字写全年、月、日，月和日不编虚位，例如“2026年5月1日”（GB/T 9704-2012）。",
                      source="standard"))

    done = reviewed(project)
    for i, item in enumerate(CHECKLIST):
        if i not in done:
            out.append(_f(f"chengqi.review.{i}", "info", f"三改三审还没有完成“{REVIEW_PASSES[i]}”这一遍。", item,
                          checklist=True))
    return out


def query(project: Project, focus: str | None = None) -> str:
    """Closings that gather the threads: search with the thesis and the expected effect."""
    brief = project.brief
    parts = [focus] if focus else [brief.thesis, brief.expected_effect, brief.title]
    return " ".join(p.strip() for p in parts if p and p.strip())


STEP = Step(
    key="chengqi",
    name="成器",
    order=5,
    goal="文章不厌百回改：自己先“三改三审”，再把修改稿和原稿对比，揣摩修改背后的深意。",
    checklist=CHECKLIST,
    # closings show how real speeches gather the threads and end
    scope=RetrievalScope(positions=("closing",), kinds=("paragraph",)),
    artifact="定稿与版本",
    check=check,
    query=query,
    folder=Path(__file__).parent,
    started=lambda p: bool(p.versions),
    context_blocks=("outline", "draft", "asked_part", "last_version"),
    example_hint="填写核心观点后，这里会显示真实讲话稿的结尾，看看怎样收束全文。",
    chat_hint="例如：“定稿前还要检查什么？”“这两个版本改得好不好？”",
    page="coach.steps.chengqi.page:render",
)
