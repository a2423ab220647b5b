"""文种 through the steps: structure as data, 一文一事 at 搭骨/修容/成器, the 结语, our model texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coach.genres import detect_genre, genre_names, get_genre
from coach.genres import structure
from coach.lint import lint
from coach.project import BriefCard, Project
from coach.steps import STEPS, get_step
from coach.ui import status

ROOT = Path(__file__).resolve().parent.parent

TWO_REQUESTS = """关于申请购置办公设备的请示
××市××局：
我办现有办公电脑大多购于2016年，运行缓慢、故障频繁。特申请购置办公电脑10台，所需经费约6万元。同时申请增加2名工作人员编制，以缓解文秘岗位人手紧张的问题。
妥否，请批示。
××市××局办公室
2026年3月16日
"""
ONE_REQUEST = TWO_REQUESTS.replace("同时申请增加2名工作人员编制，以缓解文秘岗位人手紧张的问题。", "")


def _qingshi_project(outline: str, draft: str) -> Project:
    p = Project(brief=BriefCard(genre="请示", direction="上行文", title="关于申请购置办公设备的请示",
                                recipient="××市××局", leader_intent="尽快配齐办公电脑", audience="市局领导",
                                thesis="申请购置办公电脑10台", expected_effect="批准购置"))
    p.outline, p.draft = outline, draft
    return p


def _errors(findings) -> list[str]:
    return [f.rule for f in findings if f.severity == "error"]


def test_the_second_request_is_an_error_at_dagu_xiurong_and_chengqi_and_costs_the_score():
    two = _qingshi_project("一、申请缘由\n二、申请事项\n三、同时申请增加2名工作人员编制", TWO_REQUESTS)
    one = _qingshi_project("一、申请缘由\n二、申请事项", ONE_REQUEST)
    run_two, run_one = status.run_checks(two), status.run_checks(one)
    for name in ("搭骨", "修容", "成器"):
        key = get_step(name).key
        assert "qingshi-second-request" in _errors(run_two.findings[key]), name
        assert not _errors(run_one.findings[key]), (name, run_one.findings[key])
    score_two = status.overall_score(status.scorecard(two, run_two))
    score_one = status.overall_score(status.scorecard(one, run_one))
    assert score_two < score_one


def test_coach_lint_genre_qingshi_flags_two_requests_and_is_silent_on_one(tmp_path):
    for text, expected_errors in ((TWO_REQUESTS, 1), (ONE_REQUEST, 0)):
        path = tmp_path / "draft.txt"
        path.write_text(text, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "coach", "lint", "--genre", "请示", str(path)],
                              capture_output=True, text=True, cwd=ROOT)
        assert f"错误 {expected_errors}" in done.stdout, done.stdout
        assert ("一文一事" in done.stdout) == bool(expected_errors)


def test_a_title_with_two_matters_is_named_at_liyi():
    p = Project(brief=BriefCard(genre="请示", title="关于购置办公设备及增加编制的请示"))
    assert "qingshi-title-two-matters" in _errors(get_step("立意").run_check(p))
    p.brief.title = "关于申请购置办公电脑及配套软件的请示"  # one matter, two things bought
    assert "qingshi-title-two-matters" not in _errors(get_step("立意").run_check(p))


def test_a_notice_outline_is_not_held_to_a_speechs_three_to_five_points():
    p = Project(brief=BriefCard(genre="通知", title="关于举办业务培训班的通知"))
    p.outline = "一、培训时间\n二、培训地点\n三、培训对象\n四、培训内容\n五、食宿安排\n六、报名方式\n七、有关要求"
    rules = [f.rule for f in get_step("搭骨").run_check(p)]
    assert "outline.top-count" not in rules and not [r for r in rules if r.startswith("genre.")]
    p.brief.genre = "讲话稿"
    assert "outline.top-count" in [f.rule for f in get_step("搭骨").run_check(p)]


def test_structure_finds_a_missing_part_and_the_wrong_closing():
    missing = structure.check_outline("通知", "一、培训时间和地点\n二、培训对象")
    assert [f.extra["part"] for f in missing] == ["有关要求"]
    assert "有关要求" in missing[0].message
    wrong = structure.check_closing("请示", "关于X的请示\n××局：\n正文。\n特此报告。\n××局\n2026年3月1日")
    assert [f.rule for f in wrong] == ["genre.closing-wrong"] and "报告" in wrong[0].message
    missing_closing = structure.check_closing("请示", "关于X的请示\n××局：\n正文，特申请购置电脑。\n××局")
    assert [f.rule for f in missing_closing] == ["genre.closing-missing"] and "妥否，请批示" in missing_closing[0].message


@pytest.mark.parametrize("genre", ["请示", "报告", "通知", "函"])
def test_our_model_texts_pass_our_own_checks(genre):
    text = structure.model_text(genre)
    assert text.startswith("关于") and text.splitlines()[0].endswith(genre if genre != "函" else "函")
    errors = [f for f in lint(text, genre=genre) if f.severity == "error"]
    assert not errors, errors
    assert not structure.check_closing(genre, text)
    warnings = [f for f in lint(text, genre=genre) if f.severity == "warning" and f.family != "placeholder"]
    assert not warnings, warnings  # only the deliberate ××


def test_every_genre_with_a_structure_has_a_skeleton_that_passes_its_own_outline_check():
    for name in genre_names():
        s = structure.structure(name)
        if s is None:
            continue
        assert s.skeleton, name
        assert not structure.check_outline(name, s.skeleton), name


def test_detect_genre_reads_the_title_then_the_closing():
    assert detect_genre("关于申请购置办公设备的请示").name == "请示"
    assert detect_genre("在全市办公室系统业务培训会上的讲话").name == "讲话稿"
    assert detect_genre("", "……\n妥否，请批示。").name == "请示"
    assert get_genre("会议纪要").name == "纪要" and get_genre("不存在的文种") is None


def test_a_speech_is_never_asked_for_a_recipient_or_a_signature():
    p = Project(brief=BriefCard(genre="讲话稿", title="在全市办公室系统业务培训会上的讲话", occasion="培训会",
                                audience="业务骨干", thesis="学习是立身之本", leader_intent="讲透", expected_effect="明白",
                                speaking_minutes=30, target_chars=6000))
    p.draft = "同志们：\n今天我讲三点意见。\n谢谢大家！"
    messages = " ".join(f.message for s in STEPS for f in s.run_check(p))
    assert "主送机关" not in messages and "署名" not in messages and "落款" not in messages
