"""The typo checker's language model: the converted Gemma 3 270M (``coach.typo.convert``) as a
causal scorer of token log-probabilities, batched, on CPU."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from coach import config
from coach.errors import ModelError

MODEL_NAME = "gemma3-270m-typo-lm"


def default_lm_path() -> Path:
    return config.models_dir() / MODEL_NAME


def ensure_typo_lm(folder: Path | None = None, progress: bool = True, force: bool = False) -> Path:
    """The converted model's folder, built from the installed GGUF package when it is missing."""
    from coach.typo.convert import build_typo_lm, is_built

    folder = Path(folder) if folder is not None else default_lm_path()
    if is_built(folder) and not force:
        return folder
    started = time.perf_counter()

    def step(stage: str) -> None:
        if progress:
            print(f"[{time.perf_counter() - started:5.1f}s] 构建校对语言模型：{stage}", file=sys.stderr, flush=True)

    try:
        build_typo_lm(folder, progress=step, work_dir=config.data_dir() / "cache")
    except ImportError as exc:  # the GGUF package or gguf reader is missing
        raise ModelError(f"无法构建校对语言模型：缺少 {exc.name}。") from exc
    return folder


class TypoLM:
    """Scores texts: per-token log-probabilities (natural log) under the model, with the character
    span each token covers. Padding is on the right, so a text's scores do not depend on the batch."""

    def __init__(self, folder: Path | None = None, dtype: str | None = None, threads: int | None = None):
        import torch
        from tokenizers import Tokenizer
        from transformers import Gemma3ForCausalLM
        from transformers.utils import logging as hf_logging

        folder = ensure_typo_lm(folder)
        started = time.perf_counter()
        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        # bfloat16 on CPUs with native bf16 matrix units (AVX512-BF16 / AMX): ~2.4× faster than float32
        # there, and the weights came from 4–6-bit quantization so bf16 loses nothing that matters. On
        # other CPUs (AVX2 only) bf16 is emulated and ~1.3–2× slower than float32, so float32 there.
        # (int8 dynamic quantization was 1.5× faster on AVX2 but moved sentence log-probs by 11–15 nats
        # against float32 — Gemma's activation outliers — far more than the margins: not used.)
        self.mode = dtype or os.environ.get("COACH_TYPO_DTYPE") or default_dtype()
        self.dtype = getattr(torch, self.mode)
        hf_logging.disable_progress_bar()  # no "Loading weights" bar in the CLI's output
        # the folder is the one `coach model build --typo` wrote from the packaged GGUF (never a file a user
        # hands us); safetensors only, so even a tampered folder cannot make this unpickle code
        self.model = Gemma3ForCausalLM.from_pretrained(str(folder), dtype=self.dtype, local_files_only=True,
                                                       use_safetensors=True).eval()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.pad_id = self.model.config.pad_token_id
        self.load_seconds = time.perf_counter() - started
        # the work done, hardware-independent: continuation rows the model ran and the tokens it ran in them
        self.stats = {"rows": 0, "tokens": 0}

    def encode(self, texts: list[str]):
        return self.tokenizer.encode_batch(texts)

    def token_logprobs(self, texts: list[str], batch_tokens: int = 2048,
                       distributions: bool = False) -> list[tuple]:
        """For each text: (log p of each token after <bos>, the tokens' (start, end) character offsets)
        and, with ``distributions``, the log-distribution over the vocabulary before each token
        (row k is what the model expected where token k stands)."""
        encodings = self.encode(texts)
        out: list[tuple[np.ndarray, list] | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        start = 0
        while start < len(order):
            longest = len(encodings[order[start]].ids)
            stop = start
            while stop < len(order) and (stop - start + 1) * len(encodings[order[stop]].ids) <= max(batch_tokens, longest):
                stop += 1
            chunk = order[start:stop]
            for i, res in zip(chunk, self._forward([encodings[i].ids for i in chunk], distributions)):
                out[i] = (res[0], encodings[i].offsets[1:], *res[1:])
            start = stop
        return out  # type: ignore[return-value]

    def scores(self, texts: list[str]) -> np.ndarray:
        """Total log-probability of each text."""
        return np.array([r[0].sum() for r in self.token_logprobs(texts)])

    def analyse(self, texts: list[str]) -> list[dict]:
        """One pass over each text keeping what the candidate scoring reuses: per-token log p, the
        tokens' character offsets, the log-distribution before each token and the attention keys and
        values (so a candidate only runs the tokens from its change on). Texts are run together."""
        torch = self.torch
        encodings = self.encode(texts)
        batch = [e.ids for e in encodings]
        width = max(len(ids) for ids in batch)
        ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = torch.tensor(seq)
            mask[row, : len(seq)] = 1
        with torch.inference_mode():
            res = self.model(input_ids=ids, attention_mask=mask, use_cache=True)
            dist = torch.log_softmax(res.logits[:, :-1].float(), dim=-1)
            lp = dist.gather(2, ids[:, 1:, None])[..., 0]
        cache = getattr(res, "cache", None) or res.past_key_values
        layers = [(layer.keys, layer.values) for layer in cache.layers]
        out = []
        for row, seq in enumerate(batch):
            n = len(seq) - 1
            out.append({"logprobs": lp[row, :n].numpy(), "offsets": encodings[row].offsets[1:],
                        "dist": dist[row, :n].numpy(), "kv": [(k[row : row + 1], v[row : row + 1]) for k, v in layers],
                        "ids": seq})
        return out

    def continuation_scores(self, jobs: list[tuple[dict, int, list[str]]], max_rows: int = 128,
                            floor: float | None = None) -> list[np.ndarray]:
        """For each job (analysed text, prefix length in tokens with ``<bos>`` counted, continuation
        texts): the total log p of each continuation right after that prefix.

        With ``floor``, a continuation that cannot beat the job's first text by more than ``floor``
        nats is not run: its log p so far, from the first pass, already bounds its total (every token
        still to come adds a log p ≤ 0), and that bound is its score. So a caller that only keeps what
        wins by more than ``floor`` gets the same answer for less work.

        Only what the first pass does not already know is run: the tokens a continuation shares with
        the analysed text (same tokens, same context) take their log p from that pass, and so does the
        first token after them (the pass kept the distribution there). So what is written usually costs
        nothing and a candidate only runs the tokens after its change, from the cached keys and values.
        All rows of all jobs run in few large batches — on CPU a matrix product over a few rows is many
        times less efficient than over hundreds — each row's prefix left-padded."""
        torch = self.torch
        flat = [t for _, _, texts in jobs for t in texts]
        encoded = [e.ids for e in self.tokenizer.encode_batch(flat, add_special_tokens=False)] if flat else []
        out = [np.zeros(len(texts)) for _, _, texts in jobs]
        rows = []  # (job index, text index, prefix tokens, ids still to score from the first one on)
        k = 0
        for j, (analysed, prefix, texts) in enumerate(jobs):
            written, logprobs, dist = analysed["ids"], analysed["logprobs"], analysed["dist"]
            for t in range(len(texts)):
                ids = encoded[k]
                k += 1
                shared = 0  # tokens equal to the analysed text's from the prefix on
                while (shared < len(ids) and prefix + shared < len(written)
                       and ids[shared] == written[prefix + shared]):
                    shared += 1
                # the analysed text's token at index n has log p logprobs[n - 1] (index 0 is <bos>)
                out[j][t] = float(logprobs[prefix - 1 : prefix - 1 + shared].sum())
                if shared < len(ids):
                    out[j][t] += float(dist[prefix + shared - 1][ids[shared]])
                    rows.append((j, t, prefix + shared, ids[shared:]))
        if floor is not None:
            runs_first = {j for j, t, _, ids in rows if t == 0 and len(ids) > 1}  # its total is not known yet
            rows = [r for r in rows if r[0] in runs_first or out[r[0]][r[1]] - out[r[0]][0] > floor]
        # grouped by length, so a batch pads few tokens (the MLP runs on every padded token; the prefix padding
        # only lengthens attention, which is cheap at these lengths): 37 % padded tokens before, measured
        rest = sorted((r for r in rows if len(r[3]) > 1), key=lambda r: (len(r[3]), r[2]))
        self.stats["rows"] += len(rest)
        self.stats["tokens"] += sum(len(r[3]) - 1 for r in rest)
        for start in range(0, len(rest), max_rows):
            chunk = rest[start : start + max_rows]
            b = len(chunk)
            pmax = max(r[2] for r in chunk)
            width = max(len(r[3]) for r in chunk) - 1
            ids = torch.full((b, width), self.pad_id, dtype=torch.long)
            mask = torch.zeros((b, pmax + width), dtype=torch.long)
            pos = torch.zeros((b, width), dtype=torch.long)
            for row, (_, _, prefix, seq) in enumerate(chunk):
                ids[row, : len(seq) - 1] = torch.tensor(seq[:-1])
                mask[row, pmax - prefix : pmax] = 1
                mask[row, pmax : pmax + len(seq) - 1] = 1
                pos[row] = prefix + torch.arange(width)
            kv = []
            for layer, (k0, v0) in enumerate(jobs[chunk[0][0]][0]["kv"]):
                keys = k0.new_zeros((b, k0.shape[1], pmax, k0.shape[3]))
                values = v0.new_zeros((b, v0.shape[1], pmax, v0.shape[3]))
                for row, (j, _, prefix, _) in enumerate(chunk):
                    k_src, v_src = jobs[j][0]["kv"][layer]
                    keys[row, :, pmax - prefix :] = k_src[0, :, :prefix]
                    values[row, :, pmax - prefix :] = v_src[0, :, :prefix]
                kv.append((keys, values))
            from transformers import DynamicCache

            cache = DynamicCache(ddp_cache_data=kv, config=self.model.config)
            with torch.inference_mode():
                logits = self.model(input_ids=ids, attention_mask=mask, position_ids=pos, cache=cache,
                                    use_cache=True).logits
                # log p = logit − logsumexp: no second vocabulary-sized tensor (peak memory)
                lse = torch.logsumexp(logits.float(), dim=-1)
            for row, (j, t, _, seq) in enumerate(chunk):
                n = len(seq) - 1
                picked = logits[row, torch.arange(n), torch.tensor(seq[1:])].float()
                out[j][t] += float((picked - lse[row, :n]).sum())
        return out

    def token_id(self, token: str) -> int | None:
        return self.tokenizer.token_to_id(token)

    def _forward(self, batch: list[list[int]], distributions: bool = False) -> list[tuple]:
        torch = self.torch
        width = max(len(ids) for ids in batch)
        ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = torch.tensor(seq)
            mask[row, : len(seq)] = 1
        with torch.inference_mode():
            logits = self.model(input_ids=ids, attention_mask=mask, use_cache=False).logits[:, :-1].float()
            dist = torch.log_softmax(logits, dim=-1)
            lp = dist.gather(2, ids[:, 1:, None])[..., 0]
        if distributions:
            return [(lp[row, : len(seq) - 1].numpy(), dist[row, : len(seq) - 1].numpy())
                    for row, seq in enumerate(batch)]
        return [(lp[row, : len(seq) - 1].numpy(),) for row, seq in enumerate(batch)]


def cpu_has_native_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def default_dtype() -> str:
    return "bfloat16" if cpu_has_native_bf16() else "float32"


def default_threads() -> int | None:
    value = os.environ.get("COACH_TYPO_THREADS")
    return int(value) if value else None
