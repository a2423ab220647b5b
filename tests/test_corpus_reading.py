"""Reading files: encodings (written to disk and read back), Word files made with python-docx and
opened back, Markdown."""

from __future__ import annotations

import re

import docx
import pytest

from coach.corpus import IngestError, ingest_paths, read_text_file
from coach.corpus.reading import decode_bytes
from coach.errors import CoachError

SPEECH = "同志们：\n今天召开全县办公室主任会议。“五个坚持”要牢记，（一）抓好信息报送。\n谢谢大家！\n"
TRADITIONAL = "同志們：\n今天召開全縣辦公室主任會議。“五個堅持”要牢記，（一）抓好信息報送。\n謝謝大家！\n"


@pytest.mark.parametrize(
    "encoding, expected_name",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("gb2312", "gb18030"),
        ("utf-16", "utf-16"),  # with BOM, as Windows Notepad writes "Unicode"
        ("utf-16-le", "utf-16"),  # without BOM: found by charset-normalizer
        ("big5", "big5"),
    ],
)
def test_encodings_read_back_equal(tmp_path, encoding, expected_name):
    text = TRADITIONAL if encoding == "big5" else SPEECH
    path = tmp_path / f"speech-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    got, enc = read_text_file(path)
    assert got == text
    assert enc.replace("_", "-").startswith(expected_name)


def test_gb18030_four_byte_characters(tmp_path):
    text = "同志们：𠀀字与€符号都要保留。"  # outside GBK: four-byte GB18030 sequences
    path = tmp_path / "four.txt"
    path.write_bytes(text.encode("gb18030"))
    assert read_text_file(path) == (text, "gb18030")


def test_short_gbk_sentences_from_the_seeds_decode_right(seed_texts):
    """Measured: charset-normalizer alone decodes only 17 of 477 four-character GBK snippets right;
    UTF-8 → GB18030 → detector decodes all of them, down to one character ("一要" is valid UTF-8!,
    "第一步:立意定向—" came back as Korean cp949 before "—" counted as GB2312 punctuation)."""
    sentences = [s.strip() for t in seed_texts.values() for s in re.findall(r"[^。！？!?\n]+[。！？!?]", t)]
    assert len(sentences) > 400
    for size in [*range(1, 33), 1000]:
        for s in sentences:
            snippet = s[:size]
            assert decode_bytes(snippet.encode("gbk"), "x.txt")[0] == snippet
            assert decode_bytes(snippet.encode("utf-8"), "x.txt")[0] == snippet


def test_short_european_utf8_is_not_mistaken_for_gbk():
    for word in ("café", "naïve", "Привет мир", "Ελλάδα", "São Paulo"):
        assert decode_bytes(word.encode("utf-8"), "x.txt") == (word, "utf-8")


def test_ingested_gbk_document_has_encoding_and_checksum(tmp_path, seed_texts):
    import hashlib

    raw = next(t for k, t in seed_texts.items() if k.startswith("002"))
    data = raw.encode("gbk")
    (tmp_path / "speech.txt").write_bytes(data)
    documents, problems = ingest_paths([tmp_path])
    assert problems == []
    doc = documents[0]
    assert doc.encoding == "gb18030" and doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.doc_id == "speech" and doc.source == str(tmp_path / "speech.txt")
    assert [h.label for h in doc.headings if h.level == 1][0] == "一、提高思想认识，增强学习的自觉性和主动性"


def test_ingest_error_is_a_coach_error(tmp_path):
    path = tmp_path / "missing.txt"
    with pytest.raises(IngestError) as info:
        read_text_file(path)
    assert isinstance(info.value, CoachError)
    assert "missing.txt" in str(info.value) and "找不到" in str(info.value)


# ------------------------------------------------------------------------------------------
# Word


def make_docx(path, paragraphs, table=None):
    document = docx.Document()
    for style, text in paragraphs:
        document.add_paragraph(text, style=style)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    document.save(str(path))


def test_docx_is_read_in_document_order_and_parsed(tmp_path):
    path = tmp_path / "讲话.docx"
    make_docx(
        path,
        [
            ("Title", "在全县工作会议上的讲话"),
            (None, "同志们："),
            (None, "　　今天召开会议，我讲两点意见。"),
            ("Heading 1", "一、统一思想"),
            (None, "　　思想是行动的先导。大家要统一思想。"),
            ("Heading 1", "二、狠抓落实"),
            (None, "　　落实是工作的生命。"),
            (None, ""),
            (None, "谢谢大家！"),
        ],
        table=[["任务", "责任单位"], ["信息报送", "县委办"]],
    )
    text, encoding = read_text_file(path)
    assert encoding == "docx"
    assert text.splitlines()[:3] == ["在全县工作会议上的讲话", "同志们：", "　　今天召开会议，我讲两点意见。"]
    assert "任务 责任单位\n信息报送 县委办" in text
    documents, problems = ingest_paths([path])
    assert problems == []
    doc = documents[0]
    assert doc.title == "在全县工作会议上的讲话" and doc.salutation == "同志们："
    assert [h.label for h in doc.headings] == ["一、统一思想", "二、狠抓落实"]
    assert doc.encoding == "docx" and doc.doc_id == "讲话"
    assert doc.passages[0].text.startswith("同志们：\n今天召开会议")  # ideographic indent removed


def test_markdown_markup_removed_words_kept(tmp_path):
    path = tmp_path / "speech.md"
    path.write_text(
        "# 在全*会议上的讲话\n\n同志们：\n\n今天**召开**会议，见[通知](http://example.com)。\n\n"
        "## 一、统一思想\n\n> 思想是行动的先导。\n\n## 二、狠抓落实\n\n落实是`生命`。\n",
        encoding="utf-8",
    )
    text, _ = read_text_file(path)
    assert "**" not in text and "#" not in text and "http" not in text and "`" not in text
    assert "全*会议" in text  # a single * is the seeds' anonymisation mark, not markup
    documents, problems = ingest_paths([path])
    assert problems == []
    doc = documents[0]
    assert doc.title == "在全*会议上的讲话"
    assert [h.label for h in doc.headings] == ["一、统一思想", "二、狠抓落实"]
    assert "今天召开会议，见通知。" in doc.text
