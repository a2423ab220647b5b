"""`coach ask`: the offline coach's reply on the command line — the same reply the app's chat gives."""

from __future__ import annotations

import json
import shutil

import pytest

from coach import config
from coach.cli import main
from coach.export.jsonio import to_json
from coach.project import BriefCard, Project
from coach.ui import services


def run(capsys, *argv):
    code = main(["ask", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def app_reply(project, step_key, question, retriever=None):
    """What the app's chat answers: coach.ui.services.create_coach + coach_turn."""
    coach = services.create_coach("offline", retriever)
    return coach.reply(services.coach_turn(project, step_key, question)).finish()


def test_json_output_without_an_index_says_so_and_still_answers(capsys):
    code, out, err = run(capsys, "--json", "--step", "成器", "--genre", "请示", "请示的结尾怎么写？")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"text", "intent", "passages", "findings"}
    assert data["intent"] == "rule" and "妥否，请批示" in data["text"]
    assert data["passages"] == [] and data["findings"] == []
    assert "还没有构建范文索引" in err


def test_a_project_file_is_coached_as_in_the_app(capsys, tmp_path):
    project = Project(name="请示", brief=BriefCard(genre="请示", title="关于申请购置办公设备的请示"))
    path = tmp_path / "project.json"
    path.write_text(to_json(project), encoding="utf-8")
    code, out, _ = run(capsys, "--json", "--project", str(path), "--step", "立意", "下一步做什么")
    assert code == 0
    data = json.loads(out)
    expected = app_reply(project, "liyi", "下一步做什么")
    assert data["text"] == expected.text and data["intent"] == "next"
    assert "场合" not in data["text"]


def test_with_the_index_built_the_reply_carries_examples_like_the_app(capsys, seed_index_dir):
    shutil.copytree(seed_index_dir, config.default_index_dir())
    code, out, err = run(capsys, "--json", "--step", "填肉", "--genre", "讲话稿", "有没有作风建设方面的范文？")
    assert code == 0 and "索引" not in err
    data = json.loads(out)
    assert data["intent"] == "examples" and data["passages"]
    expected = app_reply(Project(brief=BriefCard(genre="讲话稿")), "tianrou", "有没有作风建设方面的范文？",
                         services.open_retriever())
    assert data["text"] == expected.text


def test_plain_output_is_readable_text(capsys):
    code, out, _ = run(capsys, "--step", "修容", "发文字号怎么写？")
    assert code == 0
    assert "示政发〔2026〕5号" in out and "\\[" not in out  # markdown escapes are for the app, not the terminal


@pytest.mark.parametrize("argv, words", [
    (["--step", "开会", "下一步"], "没有“开会”这一步"),
    (["--genre", "公函报告", "下一步"], "不认识文种“公函报告”"),
    (["--project", "/nonexistent/p.json", "下一步"], "读不到项目文件"),
    ([], "请在命令后面写上要问的话"),
])
def test_bad_input_gets_a_clear_chinese_message(capsys, argv, words):
    code, _, err = run(capsys, *argv)
    assert code != 0 and words in err
