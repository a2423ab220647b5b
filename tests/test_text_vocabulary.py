"""One vocabulary (coach.text.vocabulary): the same severity words and 立意卡 labels in the app, the
coach, the export and the command line, and one speaking pace for 立意 and 填肉."""

from __future__ import annotations

from coach.checks.sections import analyze_sections
from coach.cli import main
from coach.export.markdown import to_markdown
from coach.project import BriefCard, Project
from coach.steps import get_step
from coach.ui.highlight import SEVERITY_LABELS as APP_LABELS
from coach.ui.text import project_text


def test_command_line_says_what_the_app_says(tmp_path, capsys):
    p = tmp_path / "提纲.txt"
    p.write_text("一、甲\n三、乙\n", encoding="utf-8")  # a skipped number: a 提醒 or 错误, never 警告
    main(["outline", "check", str(p)])
    out = capsys.readouterr().out
    assert "警告" not in out and "提示" not in out
    assert any(word in out for word in (APP_LABELS["error"], APP_LABELS["warning"]))
    assert APP_LABELS == {"error": "错误", "warning": "提醒", "info": "建议"}


def test_brief_labels_are_the_same_in_the_app_text_and_the_export():
    project = Project(name="t", brief=BriefCard(genre="讲话稿", thesis="办公室要当好参谋助手", leader_intent="提振精气神"))
    md = to_markdown(project, [])
    text = project_text(project)
    for label, value in (("一句话核心观点", "办公室要当好参谋助手"), ("领导意图", "提振精气神")):
        assert f"- **{label}**：{value}" in md and f"{label}：{value}" in text


def test_one_speaking_pace():
    """填肉 estimates 220 字/分钟; 立意 accepts 180–260 and advises the same 220."""
    text = "一、甲\n" + "字" * 2197
    assert analyze_sections(text).speaking_minutes == 10.0
    liyi = get_step("liyi")
    no_minutes = Project(name="t", brief=BriefCard(genre="讲话稿", title="讲话"))
    advice = [f.suggestion for f in liyi.check(no_minutes) if f.rule == "liyi.speech.minutes"]
    assert advice and "每分钟约220字" in advice[0]
    at = lambda chars: {f.rule for f in liyi.check(Project(name="t", brief=BriefCard(  # noqa: E731
        genre="讲话稿", title="讲话", speaking_minutes=10, target_chars=chars)))}
    assert "liyi.speech.pace" not in at(1800) and "liyi.speech.pace" not in at(2600)
    assert "liyi.speech.pace" in at(1700) and "liyi.speech.pace" in at(2700)
