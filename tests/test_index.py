"""The search index: build, round trip, skip, step filters, mismatch and corruption, bad corpus files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from coach.cli import main as cli_main
from coach.errors import IndexError_
from coach.index import Retriever, build_index, open_retriever
from coach.index.dense import build_dense_index, search_dense
from coach.index.langchain import CoachRetriever
from coach.index.manifest import Manifest


def test_manifest_records_model_corpus_and_files(seed_index_dir, built_model_path, seeds_dir):
    manifest = Manifest.load(seed_index_dir)
    assert manifest.model == str(built_model_path)
    assert manifest.model_id.startswith("gemma-static-zh")
    assert manifest.dimension > 0
    assert manifest.dense_index == "flat"  # five speeches are far below the HNSW threshold
    from coach import config

    shipped = [*seeds_dir.glob("*.txt"), *config.model_texts_dir().glob("*.txt")]
    assert sorted(Path(c["path"]).name for c in manifest.corpus) == sorted(p.name for p in shipped)
    # every shipped file says what it is: the seeds are speeches, our model texts are labelled as ours
    by_name = {Path(c["path"]).name: c for c in manifest.corpus}
    assert {by_name[p.name]["origin"] for p in seeds_dir.glob("*.txt")} == {"seed"}
    assert {by_name[p.name]["genre"] for p in seeds_dir.glob("*.txt")} == {"讲话稿"}
    assert all(by_name[p.name]["origin"] == "model" and by_name[p.name]["genre"] == p.stem
               for p in config.model_texts_dir().glob("*.txt"))
    assert manifest.genres["讲话稿"] == 5 and manifest.genres["请示"] == 1
    assert all(len(c["sha256"]) == 64 for c in manifest.corpus)
    assert {"passages.jsonl", "dense.faiss"} <= set(manifest.files)
    assert manifest.passage_count > 50


def test_round_trip_search_finds_the_method_passage(seed_retriever):
    hits = seed_retriever.search("材料的生命力在于思想、事实和数据", k=3)
    assert hits and "材料的生命力在于思想、事实和数据" in hits[0].passage.text
    assert hits[0].passage.doc_id.startswith("004")
    assert [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].score >= hits[-1].score


def test_paraphrase_found_by_hybrid_search(seed_retriever):
    # shares almost no words with the passage "数据是最好的佐证。要善于运用数据说话"
    hits = seed_retriever.search("怎样用数字让讲话更有说服力", k=5)
    assert any("数据" in h.passage.text for h in hits)


@pytest.mark.parametrize(
    "step, positions, kinds",
    [
        ("立意", {"opening"}, {"paragraph"}),
        ("搭骨", None, {"heading"}),
        ("填肉", {"body"}, {"paragraph"}),
        ("成器", {"closing"}, {"paragraph"}),
    ],
)
def test_step_scope_filters_passages(seed_retriever, step, positions, kinds):
    hits = seed_retriever.search("做好办公室工作", k=8, step=step)
    assert hits, f"{step} should find something in the seed corpus"
    for h in hits:
        if positions is not None:
            assert h.passage.position in positions
        assert h.passage.kind in kinds


def test_empty_and_huge_queries(seed_retriever):
    assert seed_retriever.search("", k=5) == []
    assert seed_retriever.search("   \n ", k=5) == []
    huge = ("办公室工作要提高站位、服务大局。" * 700)[:10_000]
    hits = seed_retriever.search(huge, k=5)
    assert 0 < len(hits) <= 5


def test_build_skips_when_nothing_changed_and_rebuilds_when_corpus_changes(tmp_path, built_model_path, seeds_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    out = tmp_path / "index"
    first = build_index(corpus=[corpus], out=out, model=str(built_model_path), include_seeds=False)
    assert not first.skipped
    again = build_index(corpus=[corpus], out=out, model=str(built_model_path), include_seeds=False)
    assert again.skipped and again.manifest.built_at == first.manifest.built_at
    extra = corpus / "new.txt"
    extra.write_text("同志们：\n今天我们召开全县信息化工作会议，部署数字政府建设任务。\n", encoding="utf-8")
    third = build_index(corpus=[corpus], out=out, model=str(built_model_path), include_seeds=False)
    assert not third.skipped
    assert third.manifest.passage_count > first.manifest.passage_count


def test_querying_with_another_model_names_the_fix(seed_index_dir, tmp_path):
    other = tmp_path / "other-model"
    other.mkdir()
    with pytest.raises(IndexError_) as err:
        Retriever.load(seed_index_dir, model=str(other))
    assert "coach index build --model" in str(err.value)


@pytest.mark.parametrize("victim", ["dense.faiss", "passages.jsonl", "manifest.json"])
def test_corrupted_index_gives_clear_message(seed_index_dir, tmp_path, victim):
    broken = tmp_path / "broken"
    shutil.copytree(seed_index_dir, broken)
    path = broken / victim
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # truncated, as after a full disk or a killed copy
    with pytest.raises(IndexError_) as err:
        Retriever.load(broken)
    message = str(err.value)
    assert "coach index build --force" in message
    assert "损坏" in message


def test_bad_corpus_files_are_reported_and_others_indexed(tmp_path, built_model_path, seeds_dir):
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    shutil.copy(seeds_dir / "002_4cf813356daf6edd.txt", corpus / "good.txt")
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (corpus / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    gbk = "同志们：\n今天召开全县办公室主任会议，我讲三点意见。\n一、提高认识\n办公室是单位的神经中枢，要高效协调运转。\n"
    (corpus / "gbk.txt").write_bytes(gbk.encode("gbk"))
    result = build_index(corpus=[corpus], out=tmp_path / "index", model=str(built_model_path), include_seeds=False)
    named = " ".join(p.path + p.message for p in result.problems)
    assert "empty.txt" in named and "binary.txt" in named
    assert "old.doc" in named and ".docx" in named  # told how to convert, not silently ignored
    docs = {c["doc_id"] for c in result.manifest.corpus if c["doc_id"]}
    assert {"good", "gbk"} <= docs
    retriever = Retriever.load(tmp_path / "index")
    assert any("神经中枢" in h.passage.text for h in retriever.search("神经中枢", k=3))


def test_empty_corpus_folder_is_a_clear_error(tmp_path, built_model_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IndexError_) as err:
        build_index(corpus=[empty], out=tmp_path / "index", model=str(built_model_path), include_seeds=False)
    assert "没有" in str(err.value)


def test_cli_search_json_shape(seed_index_dir, capsys):
    code = cli_main(["search", "--json", "--k", "3", "--index", str(seed_index_dir), "怎样写好开头", "请示和报告的区别"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert isinstance(result, list) and len(result) == 2
    for hits in result:
        assert 0 < len(hits) <= 3
        for hit in hits:
            assert {"text", "score", "doc", "title", "heading_path", "position", "kind"} <= set(hit)
            assert isinstance(hit["heading_path"], list)


def test_cli_search_with_step_returns_only_headings(seed_index_dir, capsys):
    assert cli_main(["search", "--json", "--step", "搭骨", "--index", str(seed_index_dir), "加强学习"]) == 0
    (hits,) = json.loads(capsys.readouterr().out)
    assert hits and all(h["kind"] == "heading" for h in hits)


def test_cli_search_builds_default_index_when_missing(built_model_path, monkeypatch, capsys):
    # COACH_HOME is a fresh tmp folder: no index yet. Point the default model at the one already built.
    monkeypatch.setenv("COACH_EMBED_MODEL", str(built_model_path))
    assert cli_main(["search", "--json", "--k", "2", "三服务"]) == 0
    (hits,) = json.loads(capsys.readouterr().out)
    assert hits and any("三服务" in h["text"] for h in hits)


def test_langchain_retriever_adapter(seed_retriever):
    from langchain_core.runnables import RunnableLambda

    retriever = CoachRetriever(retriever=seed_retriever, k=3, step="填肉")
    docs = retriever.invoke("数据是最好的佐证")
    assert 0 < len(docs) <= 3
    assert all(d.metadata["position"] == "body" and d.metadata["kind"] == "paragraph" for d in docs)
    chain = retriever | RunnableLambda(lambda ds: "\n".join(f"[{n}] {d.page_content}" for n, d in enumerate(ds, 1)))
    assert chain.invoke("数据是最好的佐证").startswith("[1] ")


def test_hnsw_index_agrees_with_flat():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    flat, hnsw = build_dense_index(vectors, "flat"), build_dense_index(vectors, "hnsw")
    overlap = []
    for v in vectors[:50]:
        exact, _ = search_dense(flat, v, 10)
        approx, _ = search_dense(hnsw, v, 10)
        overlap.append(len(set(exact) & set(approx)) / 10)
    assert np.mean(overlap) > 0.9
    allowed = np.arange(0, 3000, 100)  # a narrow filter: HNSW must still return only allowed ids
    ids, _ = search_dense(hnsw, vectors[5], 10, allowed)
    assert len(ids) == 10 and set(ids.tolist()) <= set(allowed.tolist())


def test_open_retriever_on_missing_folder_names_the_fix(tmp_path):
    with pytest.raises(IndexError_) as err:
        open_retriever(tmp_path / "nowhere")
    assert "coach index build" in str(err.value)
