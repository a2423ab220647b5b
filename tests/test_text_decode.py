"""The one input decoder (coach.text.decode), through the three commands that read a writer's file:
`coach lint`, `coach export` and the corpus reader. Before, only the corpus reader got these right."""

from __future__ import annotations

import json

import pytest

from coach.cli import main
from coach.corpus.reading import IngestError, read_text_file
from coach.text.decode import DecodeError, decode_text

SPEECH = "关于报送材料的通知\n各单位：\n请于5月15日前报送其它有关材料，截止日期不再延长。\n"


def lint(capsys, *argv):
    code = main(["lint", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "gb18030"])
def test_coach_lint_reads_the_draft_in_any_common_encoding(tmp_path, capsys, encoding):
    p = tmp_path / "draft.txt"
    p.write_bytes(SPEECH.encode(encoding))
    code, out, err = lint(capsys, "--json", str(p))
    assert code in (0, 1), err
    findings = json.loads(out)
    qita = [f for f in findings if f["rule"] == "qita"]
    assert qita and SPEECH[qita[0]["start"] : qita[0]["end"]] == "其它"  # offsets into the decoded text


def test_big5_is_not_mojibake_in_lint(tmp_path, capsys):
    text = "各位同事：今天召開全縣辦公室主任會議，其它工作另行安排。我們要認真學習，不斷提高寫作水平。\n"
    p = tmp_path / "big5.txt"
    p.write_bytes(text.encode("big5"))
    assert decode_text(text.encode("big5"))[0] == text
    code, out, _ = lint(capsys, "--json", str(p))
    found = [text[f["start"] : f["end"]] for f in json.loads(out)]
    assert "其它" in found


def test_four_character_gbk_draft_comes_out_of_export_correctly(tmp_path, capsys):
    source = tmp_path / "草稿.txt"
    source.write_bytes("截止日期".encode("gbk"))  # 8 bytes: short enough to fool a detector
    out = tmp_path / "out.md"
    assert main(["export", "-f", "md", "-o", str(out), str(source)]) == 0
    assert "截止日期" in out.read_text(encoding="utf-8")


def test_binary_and_empty_input_get_clear_chinese_messages(tmp_path, capsys):
    png = tmp_path / "图.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, _, err = lint(capsys, str(png))
    assert code == 2 and "二进制" in err and "PNG 图片" in err
    assert main(["export", "-f", "md", "-o", str(tmp_path / "x.md"), str(png)]) == 2
    assert "PNG 图片" in capsys.readouterr().err
    with pytest.raises(IngestError, match="PNG 图片"):
        read_text_file(png)
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="是空的"):
        read_text_file(empty)
    assert main(["export", "-f", "md", "-o", str(tmp_path / "y.md"), str(empty)]) == 2
    assert "是空的" in capsys.readouterr().err


def test_a_byte_order_mark_with_bytes_that_do_not_fit_is_undecodable_not_cp1251():
    with pytest.raises(DecodeError) as caught:
        decode_text(b"\xff\xfe\xff\xfe\x81")
    assert caught.value.kind == "undecodable"


def test_decoder_results():
    assert decode_text(b"") == ("", "utf-8")
    assert decode_text("一要".encode("gbk")) == ("一要", "gb18030")  # valid UTF-8 too ("һҪ")
    assert decode_text("café".encode("utf-8")) == ("café", "utf-8")
    with pytest.raises(DecodeError) as caught:
        decode_text(b"%PDF-1.4\n%ascii only\n")
    assert caught.value.kind == "format" and caught.value.what == "PDF 文件"
    with pytest.raises(DecodeError) as caught:
        decode_text(b"PK\x03\x04\x00\x00binary")
    assert caught.value.word_like
