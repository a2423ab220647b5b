"""The writer's own speeches: check each uploaded file, keep the good ones in ``data_dir()/corpus``.

Each file is read with ``coach.corpus`` (encoding detection, cleaning, structure) before it is kept, so
a bad file is refused with a message naming it and the problem, and never stops the other files. Kept
files get a safe file name; an identical file is not stored twice.

Each file has a 文种: detected from its title and closing formula, or chosen by the writer (on upload or
later with ``set_corpus_file_genre``) and then kept beside the file in a JSON sidecar (coach.corpus.meta),
which the index build reads instead of detecting again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

ALLOWED_SUFFIXES = (".txt", ".md", ".docx")


@dataclass(frozen=True)
class UploadOutcome:
    name: str  # the file name as uploaded
    ok: bool
    message: str
    stored_as: str | None = None
    genre: str = ""  # the 文种 the file is indexed under ("" not recognised: the writer should choose one)
    genre_source: str = ""  # "given" (the writer's choice) | "detected" (from title/结语) | ""


@dataclass(frozen=True)
class CorpusFile:
    name: str
    path: Path
    size: int
    genre: str = ""  # the writer's choice (sidecar), else what the last index build detected, else ""
    genre_source: str = ""  # "given" | "detected" | ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def _known_genre(genre: str | None) -> str | None:
    from coach.genres import get_genre

    g = get_genre(genre) if genre else None
    return g.name if g else None


def save_upload(name: str, data: bytes, folder: Path, genre: str | None = None) -> UploadOutcome:
    """Check one uploaded file and keep it in ``folder`` if it can serve as examples. ``genre``: the 文种
    the writer chose ("请示"); None (or a name the coach does not know) detects it from title and 结语."""
    from coach.corpus import IngestError, ingest_file
    from coach.corpus.meta import write_meta
    from coach.errors import CoachError
    from coach.export import safe_filename

    shown = Path(name or "").name or "未命名文件"
    chosen = _known_genre(genre)
    suffix = Path(shown).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return UploadOutcome(shown, False, f"“{shown}”不是 .txt、.md 或 .docx 文件，没有导入。"
                                           "PDF、.doc 等格式请先在 Word 里另存为 .docx 或纯文本。")
    if not data:
        return UploadOutcome(shown, False, f"“{shown}”是空文件，没有导入。")
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    for existing in folder.iterdir():
        if existing.is_file() and existing.stat().st_size == len(data) and _sha256(existing) == digest:
            return UploadOutcome(shown, False, f"“{shown}”已经在语料库里（{existing.name}），没有重复导入。")
    safe = safe_filename(Path(shown).stem, suffix.lstrip("."))
    work = Path(tempfile.mkdtemp(prefix=".incoming-", dir=folder))
    try:
        candidate = work / safe
        candidate.write_bytes(data)
        try:
            document = ingest_file(candidate, genre=chosen)
        except IngestError as exc:
            return UploadOutcome(shown, False, str(exc).replace(safe, shown))
        except CoachError as exc:
            return UploadOutcome(shown, False, f"“{shown}”无法导入：{exc}")
        except Exception as exc:  # noqa: BLE001 - a damaged .docx can fail deep inside a parser
            return UploadOutcome(shown, False, f"“{shown}”无法读取（{type(exc).__name__}），文件可能已损坏，没有导入。")
        target = _free_name(folder, safe)
        os.replace(candidate, target)
        if chosen:
            write_meta(target, chosen)
        title = document.title or Path(shown).stem
        if document.genre_source == "given":
            kind = f"文种：{document.genre}"
        elif document.genre:
            kind = f"识别为{document.genre}，不对可以修改"
        else:
            kind = "没能识别文种，请选择"
        unknown = f"（不认识的文种“{genre}”，已忽略）" if genre and not chosen else ""
        return UploadOutcome(shown, True, f"已导入《{title}》（{kind}）：{len(document.passages)}个段落"
                                          f"（{document.encoding}编码）。{unknown}",
                             target.name, document.genre, document.genre_source)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def save_uploads(files: list[tuple], folder: Path) -> list[UploadOutcome]:
    """``files``: (name, bytes) or (name, bytes, genre) each."""
    return [save_upload(f[0], f[1], folder, f[2] if len(f) > 2 else None) for f in files]


def list_corpus_files(folder: Path, manifest=None) -> list[CorpusFile]:
    """The uploaded files with their 文种: the writer's choice, else the one the index build (``manifest``,
    e.g. ``services.index_manifest()``) detected."""
    from coach.corpus.meta import read_meta

    if not folder.is_dir():
        return []
    detected = {}
    for entry in getattr(manifest, "corpus", None) or []:
        if entry.get("genre"):
            detected[entry["path"]] = entry["genre"]
    out = []
    for p in sorted(folder.iterdir()):
        if not (p.is_file() and p.suffix.lower() in ALLOWED_SUFFIXES):
            continue
        given = _known_genre(read_meta(p).get("genre"))
        if given:
            out.append(CorpusFile(p.name, p, p.stat().st_size, given, "given"))
        else:
            found = detected.get(str(p.resolve()), "")
            out.append(CorpusFile(p.name, p, p.stat().st_size, found, "detected" if found else ""))
    return out


def _own_file(folder: Path, name: str) -> Path | None:
    target = folder / Path(name).name
    if target.parent.resolve() != folder.resolve() or not target.is_file():
        return None
    return target


def set_corpus_file_genre(folder: Path, name: str, genre: str | None) -> str:
    """Keep the writer's 文种 for one uploaded file (None or "" goes back to detection). Returns the
    message to show; the index must be rebuilt for the examples to follow (the build sees the change)."""
    from coach.corpus.meta import write_meta
    from coach.genres import genre_names

    target = _own_file(folder, name)
    if target is None:
        return f"语料库里没有“{Path(name).name}”。"
    if genre and not _known_genre(genre):
        return f"不认识的文种“{genre}”。可以选：{'、'.join(genre_names())}。"
    chosen = _known_genre(genre)
    write_meta(target, chosen)
    if chosen:
        return f"“{target.name}”的文种已改为{chosen}，重建索引后生效。"
    return f"“{target.name}”的文种改回自动识别，重建索引后生效。"


def remove_corpus_file(folder: Path, name: str) -> bool:
    """Delete one uploaded file (only a plain file directly inside ``folder``) and its genre sidecar."""
    from coach.corpus.meta import sidecar_path

    target = _own_file(folder, name)
    if target is None:
        return False
    target.unlink()
    sidecar_path(target).unlink(missing_ok=True)
    return True
