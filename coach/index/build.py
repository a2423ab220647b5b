"""Build (or skip rebuilding) the search index for a corpus with an embedding model.

The index is written to a temporary sibling folder and swapped in at the end, so an interrupted
build never leaves a half-written index where the app looks for one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from coach import config
from coach.corpus.reading import SUPPORTED_SUFFIXES, UNSUPPORTED_HINTS
from coach.corpus.types import IngestProblem, Passage
from coach.errors import IndexError_
from coach.index.dense import build_dense_index, index_type_of, save_dense_index
from coach.index.lexical import build_lexical_index, save_lexical_index
from coach.index.manifest import FORMAT_VERSION, Manifest, describe_files, sha256_file
from coach.index.retriever import DENSE_NAME, LEXICAL_DIR, PASSAGES_NAME, write_passages

# files ingestion reads, plus formats a writer plausibly meant to import (.doc, .pdf …) so that they get
# ingestion's "请另存为 .docx" message instead of silence
CORPUS_SUFFIXES = tuple(SUPPORTED_SUFFIXES) + tuple(UNSUPPORTED_HINTS)
ENCODE_BATCH = 256

#: progress(stage, done, total): stage is a short Chinese label such as "计算向量"
Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    folder: Path
    manifest: Manifest
    skipped: bool  # True when corpus and model were unchanged and nothing was rebuilt
    problems: list[IngestProblem] = field(default_factory=list)


def uploads_dir() -> Path:
    """Where the app keeps speeches the writer uploaded."""
    return config.data_dir() / "corpus"


def shipped_corpus_paths() -> list[Path]:
    """What every install starts with: the seed speeches and our model texts (one per main genre)."""
    return [p for p in (config.seeds_dir(), config.model_texts_dir()) if p.is_dir()] or [config.seeds_dir()]


def default_corpus_paths(include_seeds: bool = True) -> list[Path]:
    paths = shipped_corpus_paths() if include_seeds else []
    if uploads_dir().is_dir() and any(uploads_dir().iterdir()):
        paths.append(uploads_dir())
    return paths


def corpus_files(paths: Iterable[Path | str]) -> list[Path]:
    """Every file ingestion will look at, in a stable order (so the checksum list is stable)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES)
        elif path.exists():
            files.append(path)
    return files


def _fingerprint(files: list[Path]) -> list[dict]:
    """Checksums of the files and of their genre sidecars: changing a file's genre rebuilds the index."""
    from coach.corpus.meta import sidecar_path

    entries = []
    for path in files:
        try:
            entry = {"path": str(path.resolve()), "sha256": sha256_file(path), "bytes": path.stat().st_size}
        except OSError:
            entry = {"path": str(path.resolve()), "sha256": "unreadable", "bytes": -1}
        side = sidecar_path(path)
        if side.is_file():
            try:
                entry["meta_sha256"] = sha256_file(side)
            except OSError:
                entry["meta_sha256"] = "unreadable"
        entries.append(entry)
    return entries


def _unchanged(folder: Path, model_id: str, fingerprint: list[dict]) -> Manifest | None:
    try:
        manifest = Manifest.load(folder)
        manifest.verify_files(folder)
    except IndexError_:
        return None
    same_corpus = manifest.corpus_key() == sorted((e["path"], e["sha256"], e.get("meta_sha256", ""))
                                                  for e in fingerprint)
    return manifest if same_corpus and manifest.model_id == model_id else None


#: what a shown example marks: real errors and likely ones, not style notes (long sentences, trailing spaces)
MARK_SEVERITIES = ("error", "warning")


def mark_errors(doc) -> list[Passage]:
    """The document's passages, each carrying the quick lint's findings inside its own text.

    The whole document is linted once (rules that look at neighbouring lines see them) and each finding
    goes to the passage that holds it, with offsets made relative to the passage text."""
    from dataclasses import replace

    from coach.lint import lint

    try:
        findings = [f for f in lint(doc.text) if f.severity in MARK_SEVERITIES and f.start is not None]
    except Exception:  # a lint problem must not stop the index from being built
        findings = []
    out = []
    for p in doc.passages:
        marks = tuple(
            {
                "start": f.start - p.start,
                "end": f.end - p.start,
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "suggestion": f.suggestion or "",
                "replacement": f.fix.replacement if f.fix is not None else None,
            }
            for f in findings
            if p.start <= f.start and f.end <= p.end
        )
        out.append(replace(p, marks=marks) if marks else p)
    return out


def build_index(
    corpus: Iterable[Path | str] | None = None,
    out: Path | str | None = None,
    model: str | None = None,
    *,
    include_seeds: bool = True,
    force: bool = False,
    progress: Progress | None = None,
    embedder=None,
) -> BuildResult:
    """Ingest ``corpus`` (default: the seeds plus the writer's uploads), embed every passage and
    write FAISS + BM25 + passages + manifest into ``out`` (default: the app's index folder)."""
    from coach.corpus import ingest_paths
    from coach.embed import load_encoder, model_id

    report = progress or (lambda stage, done, total: None)
    folder = Path(out) if out is not None else config.default_index_dir()
    if corpus is None:
        paths = default_corpus_paths(include_seeds)
    else:
        paths = (shipped_corpus_paths() if include_seeds else []) + [Path(p) for p in corpus]
    paths = list(dict.fromkeys(Path(p).expanduser().resolve() for p in paths))
    files = corpus_files(paths)
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise IndexError_(f"找不到语料文件夹：{'、'.join(missing)}。请检查路径是否正确。")

    chosen = model or config.embed_model_setting()
    wanted_id = model_id(chosen)
    fingerprint = _fingerprint(files)
    if not force:
        existing = _unchanged(folder, wanted_id, fingerprint)
        if existing is not None:
            return BuildResult(folder, existing, skipped=True)

    started = time.perf_counter()
    report("读取语料", 0, len(files))
    documents, problems = ingest_paths(files, progress=lambda done, total, name: report("读取语料", done, total))
    report("检查语料", 0, len(documents))
    passages: list[Passage] = []
    for n, doc in enumerate(documents, start=1):
        passages.extend(mark_errors(doc))
        report("检查语料", n, len(documents))
    if not passages:
        detail = "；".join(p.message for p in problems) if problems else "文件夹里没有 .txt、.md 或 .docx 文件"
        raise IndexError_(f"语料里没有可以建立索引的内容（{detail}）。请放入至少一篇讲话稿后再构建。")

    embedder = embedder or load_encoder(chosen)
    vectors = []
    # both sides match a passage together with its heading path (see Passage.context_text)
    texts = [p.context_text() for p in passages]
    for start in range(0, len(texts), ENCODE_BATCH):
        batch = texts[start : start + ENCODE_BATCH]
        vectors.append(
            embedder.encode(batch, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        )
        report("计算向量", min(start + ENCODE_BATCH, len(texts)), len(texts))
    matrix = np.vstack(vectors).astype(np.float32)

    report("建立索引", 0, 2)
    dense = build_dense_index(matrix)
    report("建立索引", 1, 2)
    lexical = build_lexical_index(texts)
    report("建立索引", 2, 2)

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-building-", dir=folder.parent))
    try:
        write_passages(passages, staging / PASSAGES_NAME)
        save_dense_index(dense, staging / DENSE_NAME)
        (staging / LEXICAL_DIR).mkdir()
        save_lexical_index(lexical, staging / LEXICAL_DIR)
        by_path = {str(Path(d.source).resolve()): d for d in documents}
        corpus_entries = []
        for entry in fingerprint:
            doc = by_path.get(entry["path"])
            corpus_entries.append(
                {**entry, "doc_id": doc.doc_id if doc else None, "encoding": doc.encoding if doc else None,
                 "title": (doc.title or (doc.passages[0].title if doc.passages else "")) if doc else None,
                 "genre": doc.genre if doc else None, "genre_source": doc.genre_source if doc else None,
                 "origin": doc.origin if doc else None}
            )
        genres: dict[str, int] = {}
        for doc in documents:
            genres[doc.genre or ""] = genres.get(doc.genre or "", 0) + 1
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            model_id=wanted_id,
            model=str(chosen) if chosen else str(config.default_model_path()),
            dimension=int(matrix.shape[1]),
            dense_index=index_type_of(dense),
            passage_count=len(passages),
            corpus=corpus_entries,
            files=describe_files(staging),
            problems=[{"path": p.path, "message": p.message} for p in problems],
            genres=genres,
            lexical={"impl": "bm25s", "tokenizer": "jieba.lcut_for_search", "k1": 1.5, "b": 0.75},
            built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 3),
        )
        manifest.save(staging)
        if folder.exists():
            old = folder.with_name(f".{folder.name}-old-{os.getpid()}")
            folder.rename(old)
            staging.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report("完成", 1, 1)
    return BuildResult(folder, manifest, skipped=False, problems=problems)
