"""Embeddings without torch: a saved sentence-transformers static model, evaluated with numpy.

The default embedding model (``gemma-static-zh``) is a sentence-transformers ``StaticEmbedding`` followed
by ``Normalize``: tokenise without special tokens, average the token rows, scale to unit length. That is
a table lookup and a mean, so search and indexing do it with ``tokenizers`` + ``safetensors`` + numpy
instead of importing torch and sentence-transformers, which alone take about 450 MB of the app server's
memory budget (600 MB, see BENCHMARKS.md) and ~5 s of every command's start. The model on disk is still a
plain sentence-transformers model. Any other model (a transformer chosen with ``COACH_EMBED_MODEL``) is not
a static table, so ``load_static_encoder`` returns None and ``coach.embed.load_encoder`` falls back to
sentence-transformers.

tests/test_embed.py checks that this gives the same vectors as sentence-transformers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

_STATIC = "sentence_transformers.sentence_transformer.modules.static_embedding.StaticEmbedding"
_STATIC_OLD = "sentence_transformers.models.StaticEmbedding"
_NORMALIZE_SUFFIX = "Normalize"


class StaticEncoder:
    """``encode`` with the signature the retriever uses from ``SentenceTransformer.encode``."""

    def __init__(self, folder: Path, tokenizer, weights: np.ndarray, normalize: bool):
        self.folder = folder
        self.tokenizer = tokenizer
        self.weights = weights
        self.normalize = normalize

    def get_sentence_embedding_dimension(self) -> int:
        return int(self.weights.shape[1])

    def encode(self, sentences, batch_size: int = 256, normalize_embeddings: bool = False,
               convert_to_numpy: bool = True, show_progress_bar: bool = False, **_ignored) -> np.ndarray:
        single = isinstance(sentences, str)
        texts = [sentences] if single else list(sentences)
        out = np.zeros((len(texts), self.weights.shape[1]), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            for row, encoding in enumerate(self.tokenizer.encode_batch(batch, add_special_tokens=False)):
                ids = encoding.ids
                if ids:  # an empty bag stays a zero vector, as in torch's EmbeddingBag
                    out[start + row] = self.weights[ids].mean(axis=0)
        if self.normalize or normalize_embeddings:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out = out / np.maximum(norms, 1e-12)  # the eps of torch.nn.functional.normalize
        return out[0] if single else out


def load_static_encoder(folder: str | Path) -> StaticEncoder | None:
    """The numpy encoder for the model in ``folder``, or None when it is not a static-embedding model."""
    folder = Path(folder).expanduser()
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    types = [m.get("type", "") for m in modules]
    if not types or types[0] not in (_STATIC, _STATIC_OLD):
        return None
    if any(not t.endswith(_NORMALIZE_SUFFIX) for t in types[1:]):
        return None  # a dense layer or pooling we do not reproduce
    weights_path, tokenizer_path = folder / "model.safetensors", folder / "tokenizer.json"
    if not (weights_path.is_file() and tokenizer_path.is_file()):
        return None
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    tensors = load_file(str(weights_path))
    weights = tensors.get("embedding.weight")
    if weights is None:
        return None  # model2vec layouts (mapping/weights) are left to sentence-transformers
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return StaticEncoder(folder, tokenizer, np.ascontiguousarray(weights, dtype=np.float32),
                         normalize=len(types) > 1)
