"""``coach export`` end to end through the real command-line entry point."""

from __future__ import annotations

import json

import pytest
from docx import Document
from docx.oxml.ns import qn

from coach.cli import main
from coach.export import project_from_json, to_json
from coach.findings import Finding
from coach.project import BriefCard, Project

DRAFT = (
    "关于做好2026年元旦春节期间安全工作的通知\n"
    "各乡镇人民政府，县直各单位：\n"
    "为切实做好元旦春节期间安全工作，现将有关事项通知如下。\n"
    "一、提高思想认识\n"
    "（一）加强组织领导。各单位主要负责同志要亲自研究部署。\n"
    "1.明确责任分工。\n"
    "（1）细化工作方案\n"
    "请各单位认真贯彻落实。\n"
)


def east_asia(run) -> str:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def run_cli(*argv: str) -> int:
    return main(["export", *argv])


def test_plain_text_draft_to_docx_detects_title_recipient_and_headings(tmp_path, capsys):
    source = tmp_path / "草稿.txt"
    source.write_text(DRAFT, encoding="utf-8")
    out = tmp_path / "通知.docx"
    assert run_cli("--format", "docx", "--out", str(out), str(source)) == 0
    assert "已导出" in capsys.readouterr().err

    paragraphs = [p for p in Document(str(out)).paragraphs if p.text.strip()]
    assert [p.text for p in paragraphs] == [line for line in DRAFT.splitlines() if line]
    title, recipient, body, h1, h2, h3, h4, _ = paragraphs
    assert east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    assert recipient.style.name == "公文主送机关"
    assert east_asia(body.runs[0]) == "仿宋_GB2312"
    assert east_asia(h1.runs[0]) == "黑体"
    assert [east_asia(r) for r in h2.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    assert east_asia(h3.runs[0]) == "仿宋_GB2312" and east_asia(h4.runs[0]) == "仿宋_GB2312"


def test_plain_text_draft_to_markdown_on_stdout(tmp_path, capsys):
    source = tmp_path / "草稿.md"
    source.write_text(DRAFT, encoding="utf-8")
    assert run_cli("--format", "md", "--out", "-", str(source)) == 0
    md = capsys.readouterr().out
    assert md.startswith("# 关于做好2026年元旦春节期间安全工作的通知")
    assert "- **主送机关**：各乡镇人民政府，县直各单位" in md
    assert "```text\n一、提高思想认识\n（一）加强组织领导。\n1.明确责任分工。\n（1）细化工作方案\n```" in md


def test_gbk_encoded_draft_is_read(tmp_path):
    source = tmp_path / "gbk.txt"
    source.write_bytes(DRAFT.encode("gbk"))
    out = tmp_path / "out.json"
    assert run_cli("--out", str(out), str(source)) == 0  # format taken from the .json extension
    project = project_from_json(out.read_text(encoding="utf-8"))
    assert project.brief.title == "关于做好2026年元旦春节期间安全工作的通知"
    assert project.draft == DRAFT


def test_json_export_to_markdown_includes_its_findings(tmp_path):
    project = Project(name="请示", brief=BriefCard(genre="请示", title="关于购置办公设备的请示"), draft="关于购置办公设备的请示\n妥否，请批示。")
    finding = Finding("genre.qingshi", "warning", "请示应当一文一事", suggestion="拆成两份请示", line=2)
    source = tmp_path / "project.json"
    source.write_text(to_json(project, [finding]), encoding="utf-8")
    out = tmp_path / "out.md"
    assert run_cli("--format", "md", "-o", str(out), str(source)) == 0
    md = out.read_text(encoding="utf-8")
    assert "# 关于购置办公设备的请示" in md and "请示应当一文一事" in md and "拆成两份请示" in md

    again = tmp_path / "again.json"
    assert run_cli("-f", "json", "-o", str(again), str(source)) == 0
    assert project_from_json(again.read_text(encoding="utf-8")) == project


def test_default_output_name_comes_from_the_title(tmp_path, monkeypatch):
    source = tmp_path / "草稿.txt"
    source.write_text("关于“两会”期间值班安排的通知/补充\n各科室：\n请按时值班。", encoding="utf-8")
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    assert run_cli("-f", "docx", str(source)) == 0
    assert [p.name for p in workdir.iterdir()] == ["关于“两会”期间值班安排的通知_补充.docx"]


def test_placeholders_are_pointed_out(tmp_path, capsys):
    source = tmp_path / "草稿.txt"
    source.write_text("关于XX县调研的报告\n市政府：\n××同志带队到全*乡调研。", encoding="utf-8")
    assert run_cli("-f", "md", "-o", str(tmp_path / "a.md"), str(source)) == 0
    err = capsys.readouterr().err
    assert "占位符" in err and "XX" in err and "××" in err


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.txt", None, "找不到文件"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG 图片"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Word"),
        ("noise.txt", bytes(range(1, 256)) * 20, "不是文本文件"),
        ("bad.json", '{"project": {"name": "x",'.encode(), "不是有效的 JSON"),
        ("empty.txt", b"  \n\n", "是空的"),
        ("hand-edited.json", b'{"project": {"draft": 42}}', "draft 应为文本"),
    ],
)
def test_bad_input_is_a_chinese_message_and_exit_code_2(tmp_path, capsys, name, content, expected):
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "out.docx"
    assert run_cli("-f", "docx", "-o", str(out), str(source)) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and expected in err
    assert "Traceback" not in err
    assert not out.exists()


def test_refuses_to_overwrite_the_input(tmp_path, capsys):
    source = tmp_path / "draft.json"
    source.write_text(to_json(Project(draft="正文")), encoding="utf-8")
    before = source.read_bytes()
    assert run_cli("-f", "json", "-o", str(source), str(source)) == 2
    assert "同一个" in capsys.readouterr().err
    assert source.read_bytes() == before


def test_format_is_required_when_it_cannot_be_guessed(tmp_path, capsys):
    source = tmp_path / "d.txt"
    source.write_text(DRAFT, encoding="utf-8")
    assert run_cli("-o", str(tmp_path / "out.bin"), str(source)) == 2
    assert "--format" in capsys.readouterr().err
    assert run_cli("-f", "docx", "-o", "-", str(source)) == 2
    assert "不能输出到屏幕" in capsys.readouterr().err


def test_missing_output_folder_is_reported(tmp_path, capsys):
    source = tmp_path / "d.txt"
    source.write_text(DRAFT, encoding="utf-8")
    assert run_cli("-f", "md", "-o", str(tmp_path / "nope" / "a.md"), str(source)) == 2
    assert "不存在" in capsys.readouterr().err


def test_json_written_by_the_cli_is_valid_utf8_json(tmp_path):
    source = tmp_path / "d.txt"
    source.write_text(DRAFT, encoding="utf-8")
    out = tmp_path / "d.json"
    assert run_cli("-f", "json", "-o", str(out), str(source)) == 0
    data = json.loads(out.read_bytes().decode("utf-8"))
    assert data["project"]["brief"]["recipient"] == "各乡镇人民政府，县直各单位"
