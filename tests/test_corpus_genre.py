"""A 文种 per corpus document: detected from title and 结语, chosen by the writer on upload, and our own
model texts, which must be correct under our own checks and never pass for real documents."""

from __future__ import annotations

import json

import pytest

from coach import config
from coach.cli import main as cli_main
from coach.corpus import ingest_file, ingest_paths
from coach.corpus.meta import read_meta, sidecar_path
from coach.genres import detect_genre
from coach.ui import uploads

MODEL_GENRES = ("请示", "报告", "通知", "函", "批复", "纪要", "意见", "工作总结")


def _name(g):
    return g.name if g is not None else None


@pytest.mark.parametrize("title, text, genre", [
    ("关于申请购置办公设备的请示", "", "请示"),
    ("关于加强机关公文管理的意见（试行）", "", "意见"),  # a trailer after the genre word
    ("《关于举办2026年业务培训班的通知》", "", "通知"),  # a title quoted in 书名号
    ("××局2025年工作总结", "", "工作总结"),
    ("××局2026年第3次局务会议纪要", "", "纪要"),
    ("", "……\n经研究，同意你单位的意见。\n此复。\n××局", "批复"),
    ("", "……请贵院支持。\n特此复函。\n××局", "函"),  # holds "此复", still a 函
    ("", "……\n妥否，请批示。\n××局\n2026年3月1日", "请示"),
    ("", "同志们：\n今天召开这次会议，主要是……", "讲话稿"),
    ("在全县办公室主任会议上的讲话", "", "讲话稿"),
])
def test_detect_genre_reads_title_then_closing(title, text, genre):
    assert _name(detect_genre(title, text)) == genre


def test_a_document_with_no_sign_of_its_genre_is_left_unknown():
    assert detect_genre("学习心得", "这段时间我认真学习了有关文件，收获很大。") is None


def test_the_seed_speeches_are_speeches_and_real(seeds_dir):
    documents, problems = ingest_paths([seeds_dir])
    assert not problems and len(documents) == 5
    for doc in documents:
        assert doc.genre == "讲话稿" and doc.genre_source == "detected"
        assert {(p.genre, p.origin) for p in doc.passages} == {("讲话稿", "seed")}


@pytest.mark.parametrize("genre", MODEL_GENRES)
def test_every_model_text_is_ours_labelled_and_of_its_genre(genre):
    doc = ingest_file(config.model_texts_dir() / f"{genre}.txt")
    assert doc.genre == genre and doc.genre_source == "detected"  # its title names it
    assert {p.origin for p in doc.passages} == {"model"}


@pytest.mark.parametrize("genre", MODEL_GENRES)
def test_every_model_text_passes_coach_lint_for_its_genre(genre, capsys):
    path = config.model_texts_dir() / f"{genre}.txt"
    assert cli_main(["lint", "--json", "--genre", genre, str(path)]) == 0
    findings = json.loads(capsys.readouterr().out)
    assert not [f for f in findings if f["severity"] == "error"]
    # the only warnings are the deliberate ×× of anonymised names
    assert {f["rule"] for f in findings if f["severity"] == "warning"} <= {"placeholder-x"}


def test_a_qingshi_model_is_cut_into_its_parts():
    """缘由 with the 主送机关 is the opening, 事项 the body, 结语 with the 落款 and 附注 the closing."""
    doc = ingest_file(config.model_texts_dir() / "请示.txt")
    by_position = {p.position: p.text for p in doc.passages}
    assert by_position["opening"].startswith("××市××局：\n我办现有办公电脑")
    assert "特申请购置办公电脑10台" in by_position["body"]
    assert by_position["closing"].startswith("妥否，请批示。") and "联系人" in by_position["closing"]


def test_a_notice_ends_with_its_closing_and_signature():
    doc = ingest_file(config.model_texts_dir() / "通知.txt")
    closing = [p for p in doc.passages if p.position == "closing"]
    assert [p.text.splitlines()[0] for p in closing] == ["特此通知。"]
    assert doc.passages[0].position == "opening" and doc.passages[0].text.startswith("各区县政府办公室")


SPEECH = "同志们：\n今天召开全县安全生产工作会议，主要任务是部署今年的安全生产工作。\n一、认清形势\n安全生产事关群众生命财产安全，必须常抓不懈。\n谢谢大家！"


def test_the_writers_genre_beats_detection_and_survives_in_a_sidecar(tmp_path):
    folder = tmp_path / "corpus"
    (out,) = uploads.save_uploads([("安全讲话.txt", SPEECH.encode("utf-8"), "报告")], folder)
    assert out.ok and out.genre == "报告" and out.genre_source == "given" and "报告" in out.message
    stored = folder / out.stored_as
    assert read_meta(stored) == {"genre": "报告"}
    assert ingest_file(stored).genre == "报告"
    # listed with the writer's choice; changed later; back to detection
    assert [(f.name, f.genre, f.genre_source) for f in uploads.list_corpus_files(folder)] == [
        ("安全讲话.txt", "报告", "given")]
    assert "讲话稿" in uploads.set_corpus_file_genre(folder, "安全讲话.txt", "讲话")  # an alias is fine
    assert ingest_file(stored).genre == "讲话稿"
    uploads.set_corpus_file_genre(folder, "安全讲话.txt", None)
    assert not sidecar_path(stored).exists()
    doc = ingest_file(stored)
    assert doc.genre == "讲话稿" and doc.genre_source == "detected"


def test_without_a_choice_the_upload_says_what_was_detected(tmp_path):
    (out,) = uploads.save_uploads([("安全讲话.txt", SPEECH.encode("utf-8"))], tmp_path / "corpus")
    assert out.ok and out.genre == "讲话稿" and out.genre_source == "detected"
    assert "识别为讲话稿" in out.message and "修改" in out.message
    assert not sidecar_path(tmp_path / "corpus" / out.stored_as).exists()


def test_an_unknown_genre_is_refused_with_the_list(tmp_path):
    folder = tmp_path / "corpus"
    (out,) = uploads.save_uploads([("安全讲话.txt", SPEECH.encode("utf-8"), "心得体会")], folder)
    assert out.ok and out.genre == "讲话稿" and "心得体会" in out.message  # imported, the odd name said
    message = uploads.set_corpus_file_genre(folder, out.stored_as, "心得体会")
    assert "不认识的文种“心得体会”" in message and "请示" in message
    assert not sidecar_path(folder / out.stored_as).exists()


def test_removing_a_file_removes_its_genre(tmp_path):
    folder = tmp_path / "corpus"
    (out,) = uploads.save_uploads([("安全讲话.txt", SPEECH.encode("utf-8"), "讲话稿")], folder)
    assert uploads.remove_corpus_file(folder, out.stored_as)
    assert list(folder.iterdir()) == []


def test_a_broken_sidecar_falls_back_to_detection_and_cannot_claim_to_be_ours(tmp_path):
    path = tmp_path / "讲话.txt"
    path.write_text(SPEECH, encoding="utf-8")
    sidecar_path(path).write_text("{not json", encoding="utf-8")
    assert ingest_file(path).genre == "讲话稿"
    sidecar_path(path).write_text(json.dumps({"genre": "请示", "origin": "model"}), encoding="utf-8")
    doc = ingest_file(path)
    assert doc.genre == "请示" and {p.origin for p in doc.passages} == {""}  # origin follows the folder only
