"""`coach lint` through the real command-line entry point: output forms, exit codes, encodings."""

from __future__ import annotations

import io
import json
import sys

from coach.cli import main

TEXT = "截止5月15日,各各单位已上报。\n示政发[2026]05号\n"


def run(capsys, *argv):
    code = main(["lint", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_has_offsets_into_the_input(tmp_path, capsys):
    p = tmp_path / "draft.txt"
    p.write_text(TEXT, encoding="utf-8")
    code, out, _ = run(capsys, "--json", str(p))
    data = json.loads(out)
    assert code == 1  # there are error-severity findings
    rules = [d["rule"] for d in data]
    assert rules == ["jiezhi-before-time", "halfwidth-comma", "doubled-char", "docnumber-brackets"]
    for d in data:
        assert {"rule", "severity", "start", "end", "message", "suggestion"} <= set(d)
        assert TEXT[d["start"] : d["end"]] == d["extra"]["found"]


def test_human_output_has_line_col_and_excerpt(tmp_path, capsys):
    p = tmp_path / "draft.txt"
    p.write_text(TEXT, encoding="utf-8")
    code, out, _ = run(capsys, str(p))
    assert code == 1
    assert f"{p}:1:9: 提醒 [doubled-char]" in out and "【各各】" in out
    assert f"{p}:2:4: 错误 [docnumber-brackets]" in out
    assert "共 4 处：错误 3，提醒 1，建议 0" in out


def test_clean_text_exits_zero(tmp_path, capsys):
    p = tmp_path / "ok.txt"
    p.write_text("截至5月15日，各单位已上报。\n", encoding="utf-8")
    code, out, _ = run(capsys, str(p))
    assert code == 0 and "没有发现问题" in out


def test_warnings_only_exit_zero(tmp_path, capsys):
    p = tmp_path / "w.txt"
    p.write_text("召开XX县工作会议。\n", encoding="utf-8")
    code, out, _ = run(capsys, str(p))
    assert code == 0 and "placeholder-x" in out


def test_fix_writes_fixed_text_to_stdout_and_keeps_file(tmp_path, capsys):
    p = tmp_path / "draft.txt"
    p.write_text(TEXT, encoding="utf-8")
    code, out, err = run(capsys, "--fix", str(p))
    assert out == "截至5月15日，各各单位已上报。\n示政发〔2026〕5号\n"
    assert "已自动修改 4 处" in err and "doubled-char" in err
    assert code == 0  # only the (unsafe) doubled-char warning is left
    assert p.read_text(encoding="utf-8") == TEXT


def test_gbk_file_is_read(tmp_path, capsys):
    p = tmp_path / "gbk.txt"
    p.write_bytes("认真落实决策布署。".encode("gbk"))
    code, out, _ = run(capsys, "--json", str(p))
    assert code == 1 and [d["rule"] for d in json.loads(out)] == ["bushu"]


def test_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("其它工作。".encode())))
    code, out, _ = run(capsys, "--json", "-")
    assert code == 0 and json.loads(out)[0]["rule"] == "qita"


def test_unreadable_inputs_exit_two_with_chinese_message(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "missing.txt"))
    assert code == 2 and "找不到文件" in err
    b = tmp_path / "a.docx"
    b.write_bytes(b"PK\x03\x04\x00\x00binary")
    code, _, err = run(capsys, str(b))
    assert code == 2 and "二进制" in err
    u = tmp_path / "bad.txt"
    u.write_bytes(b"\xff\xfe\xff\xfe\x81")
    code, _, err = run(capsys, str(u))
    assert code == 2 and "编码" in err
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "文件夹" in err


def test_genre_option(tmp_path, capsys):
    p = tmp_path / "r.txt"
    p.write_text("现将上半年工作报告如下。以上报告妥否，请批示。\n", encoding="utf-8")
    assert run(capsys, str(p))[0] == 0
    code, out, _ = run(capsys, "--genre", "报告", str(p))
    assert code == 1 and "request-in-report" in out


def test_extra_rules_and_broken_rule_file(tmp_path, capsys):
    good = tmp_path / "house.yaml"
    good.write_text("""rules:
  - id: house-zhuashou
    severity: error
    family: house
    source: standard
    words: {抓手: 着力点}
    safe: true
    message: 本单位不用“抓手”
    suggestion: 改为“着力点”。
    explanation: 错误：找准抓手。正确：找准着力点。
    examples: {match: [找准抓手]}
""", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [\n", encoding="utf-8")
    p = tmp_path / "d.txt"
    p.write_text("找准抓手，认真落实决策布署。\n", encoding="utf-8")
    code, out, err = run(capsys, "--json", "--rules", str(good), "--rules", str(bad), str(p))
    assert code == 1
    assert [d["rule"] for d in json.loads(out)] == ["house-zhuashou", "bushu"]
    assert "bad.yaml" in err and "有问题" in err  # the broken file is named; built-in and good rules still ran


def test_many_findings_are_grouped_in_plain_output(seeds_dir, capsys):
    code, out, _ = run(capsys, str(seeds_dir / "004_4b4506e4ca38ae09.txt"))
    assert code == 1
    assert out.count("[halfwidth-comma]") == 6  # five shown + the "另有 228 处" line
    assert "[halfwidth-comma] 同类问题另有 228 处" in out
    code, out, _ = run(capsys, "--all", str(seeds_dir / "004_4b4506e4ca38ae09.txt"))
    assert out.count("[halfwidth-comma]") == 233


def test_check_rules_runs_the_examples_of_user_rules(tmp_path, capsys):
    code, out, _ = run(capsys, "--check-rules")
    assert code == 0 and "例句不符 0 处" in out
    p = tmp_path / "house.yaml"
    p.write_text("""rules:
  - id: house-zhuashou
    severity: warning
    family: house
    source: practice
    words: {抓手: 着力点}
    message: 本单位不用“抓手”
    suggestion: 改为“着力点”。
    explanation: 错误：找准抓手。正确：找准着力点。
    examples: {match: [找准抓手, 找准着力点]}
""", encoding="utf-8")
    code, out, _ = run(capsys, "--check-rules", "--rules", str(p))
    assert code == 1
    assert "house-zhuashou" in out and "找准着力点" in out and "例句不符 1 处" in out
    p.write_text("rules: [\n", encoding="utf-8")
    code, _, err = run(capsys, "--check-rules", "--rules", str(p))
    assert code == 2 and "house.yaml" in err


def test_missing_file_argument(capsys):
    code, _, err = run(capsys)
    assert code == 2 and "请给出要检查的文件" in err
