"""ingest_paths on bad input (issue §7): every bad file gets a clear Chinese message naming it,
and the good files next to it are still ingested."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest

from coach.corpus import MAX_TEXT_BYTES, ingest_paths

GOOD = "同志们：\n今天开会。\n一、统一思想\n思想是行动的先导，大家要统一思想。\n二、狠抓落实\n落实是工作的生命。\n谢谢大家！"


def with_good_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    good = folder / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    return good


def only_problem(problems, name):
    matching = [p for p in problems if Path(p.path).name == name]
    assert len(matching) == 1, problems
    message = matching[0].message
    assert name in message  # the message names the file
    return message


def assert_good_ingested(documents):
    assert [d.doc_id for d in documents] == ["good"]
    assert [h.label for h in documents[0].headings] == ["一、统一思想", "二、狠抓落实"]


def test_empty_corpus_folder(tmp_path):
    folder = tmp_path / "语料"
    folder.mkdir()
    (folder / "notes.jpg").write_bytes(b"\xff\xd8\xff\xe0")  # other formats are ignored silently
    documents, problems = ingest_paths([folder])
    assert documents == []
    assert len(problems) == 1 and "语料" in problems[0].message and ".txt" in problems[0].message


def test_no_paths_at_all():
    documents, problems = ingest_paths([])
    assert documents == [] and len(problems) == 1 and "没有指定" in problems[0].message


def test_missing_path(tmp_path):
    documents, problems = ingest_paths([tmp_path / "nowhere"])
    assert documents == [] and "找不到" in problems[0].message and "nowhere" in problems[0].message


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "是空的"),
        (b"   \n\r\n\t  ", "只有空白"),
        ("\u3000\u3000\n\u00a0".encode("utf-8"), "只有空白"),
        ("\u200b\u200b\ufeff\u200b".encode("utf-8"), "清理后没有正文"),
        ("下面是网友整理分享的讲话稿，供大家学习参考，喜欢就分享吧！".encode("utf-8"), "清理后没有正文"),
    ],
)
def test_empty_or_blank_files(tmp_path, content, expected):
    with_good_file(tmp_path)
    (tmp_path / "blank.txt").write_bytes(content)
    documents, problems = ingest_paths([tmp_path])
    assert expected in only_problem(problems, "blank.txt")
    assert_good_ingested(documents)


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(3000)


def random_bytes() -> bytes:
    return random.Random(2).randbytes(5000)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("同志们：")
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, expected",
    [
        (png_bytes, "PNG 图片"),
        (random_bytes, "不是文本文件"),
        (lambda: b"%PDF-1.7\n" + random_bytes(), "PDF"),
        (docx_bytes, "Word"),
        (lambda: b"\x00\x01\x02text\x00\x00" * 200, "不是文本文件"),
        (lambda: b"\x7fELF\x02\x01\x01" + bytes(500), "程序文件"),
        (lambda: b"\x1c\x1b\x02" * 2000, "不是文本文件"),  # valid UTF-8, but control characters
        (lambda: b"%PDF-1.4\n%ascii only\n", "PDF"),  # valid UTF-8 too
    ],
)
def test_binary_file_renamed_txt(tmp_path, content, expected):
    with_good_file(tmp_path)
    (tmp_path / "binary.txt").write_bytes(content())
    documents, problems = ingest_paths([tmp_path])
    message = only_problem(problems, "binary.txt")
    assert expected in message and ("另存为" in message or "复制" in message)
    assert_good_ingested(documents)


def test_gbk_file_is_ingested_not_a_problem(tmp_path):
    with_good_file(tmp_path)
    (tmp_path / "gbk.txt").write_bytes(GOOD.replace("今天开会", "今天召开全县会议").encode("gbk"))
    documents, problems = ingest_paths([tmp_path])
    assert problems == []
    gbk = next(d for d in documents if d.doc_id == "gbk")
    assert gbk.encoding == "gb18030" and "今天召开全县会议。" in gbk.text


def test_fifty_megabyte_file(tmp_path):
    with_good_file(tmp_path)
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:  # sparse: 50 MB on paper, no disk used, never read
        fh.truncate(50 * 1024 * 1024)
    documents, problems = ingest_paths([tmp_path])
    message = only_problem(problems, "big.txt")
    assert "文件过大（50.0 MB）" in message and "不超过 20 MB" in message and "拆分" in message
    assert MAX_TEXT_BYTES == 20 * 1024 * 1024
    assert_good_ingested(documents)


def truncated_docx() -> bytes:
    data = docx_bytes()
    return data[: len(data) // 2]


def zip_without_word_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "不是 Word 文件")
    return buffer.getvalue()


@pytest.mark.parametrize("content", [random_bytes, truncated_docx, zip_without_word_parts, lambda: "同志们：".encode()])
def test_malformed_docx(tmp_path, content):
    with_good_file(tmp_path)
    (tmp_path / "broken.docx").write_bytes(content())
    documents, problems = ingest_paths([tmp_path])
    message = only_problem(problems, "broken.docx")
    assert "无法打开 Word 文件" in message and "另存为" in message
    assert_good_ingested(documents)


def test_doc_and_other_formats_in_a_folder(tmp_path):
    with_good_file(tmp_path)
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "~$good.docx").write_bytes(b"lock")  # Word's lock file
    (tmp_path / ".hidden.txt").write_text("隐藏文件", encoding="utf-8")
    documents, problems = ingest_paths([tmp_path])
    assert len(problems) == 1
    message = only_problem(problems, "old.doc")
    assert "暂不支持 .doc" in message and ".docx" in message
    assert_good_ingested(documents)


def test_explicit_unsupported_file(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK\x03\x04")
    documents, problems = ingest_paths([path])
    assert documents == [] and "暂不支持" in problems[0].message and "table.xlsx" in problems[0].message


def _ingest_as_unprivileged_user(folder: Path) -> tuple[list[str], list[dict]]:
    """Run ingest_paths where file permissions apply. As root (CI containers) permission bits do
    not stop reads, so fork and drop to the 'nobody' user first; otherwise ingest in-process."""
    if os.geteuid() != 0:
        documents, problems = ingest_paths([folder])
        return [d.doc_id for d in documents], [{"path": p.path, "message": p.message} for p in problems]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            documents, problems = ingest_paths([folder])
            out = {"ids": [d.doc_id for d in documents], "problems": [{"path": p.path, "message": p.message} for p in problems]}
            os.write(write_end, json.dumps(out, ensure_ascii=False).encode("utf-8"))
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    out = json.loads(b"".join(chunks).decode("utf-8"))
    return out["ids"], out["problems"]


def test_unreadable_file(tmp_path):
    # a folder the unprivileged user can enter (pytest's own tmp folder is private to its owner)
    folder = Path(tempfile.mkdtemp(prefix="coach-perm-"))
    try:
        folder.chmod(0o755)
        good = with_good_file(folder)
        good.chmod(0o644)
        secret = folder / "secret.txt"
        secret.write_text(GOOD, encoding="utf-8")
        secret.chmod(0o000)
        secret_docx = folder / "secret.docx"
        secret_docx.write_bytes(docx_bytes())
        secret_docx.chmod(0o000)
        ids, problems = _ingest_as_unprivileged_user(folder)
        assert ids == ["good"]
        by_name = {Path(p["path"]).name: p["message"] for p in problems}
        assert set(by_name) == {"secret.txt", "secret.docx"}
        for name, message in by_name.items():
            assert "没有权限读取文件" in message and name in message
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_progress_duplicates_and_doc_ids(tmp_path):
    with_good_file(tmp_path / "a")
    with_good_file(tmp_path / "b")  # same bytes: skipped with a note
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "good.txt").write_text(GOOD + "\n最后，感谢大家。", encoding="utf-8")  # same stem
    calls = []
    documents, problems = ingest_paths([tmp_path], progress=lambda done, total, path: calls.append((done, total, Path(path).parent.name)))
    assert calls == [(1, 3, "a"), (2, 3, "b"), (3, 3, "c")]
    assert len(problems) == 1 and "内容完全相同" in problems[0].message and "已跳过" in problems[0].message
    ids = [d.doc_id for d in documents]
    assert ids[0] == "good" and ids[1].startswith("good~") and len(set(ids)) == 2
    assert all(p.doc_id == ids[1] and p.id.startswith(ids[1] + "#") for p in documents[1].passages)


def test_seeds_ingest_cleanly(seeds_dir):
    documents, problems = ingest_paths(seeds_dir)  # a single path is accepted too
    assert problems == []
    assert [d.doc_id[:3] for d in documents] == ["000", "001", "002", "003", "004"]
    assert all(d.encoding == "utf-8" and len(d.sha256) == 64 for d in documents)
    # passages are JSON-safe (the index saves them with to_dict/from_dict, never pickle)
    from coach.corpus import Passage

    for d in documents:
        for p in d.passages:
            assert Passage.from_dict(json.loads(json.dumps(p.to_dict(), ensure_ascii=False))) == p
