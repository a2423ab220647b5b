"""The writer's own speeches: check each uploaded file, keep the good ones in ``data_dir()/corpus``.

Each file is read with ``coach.corpus`` (encoding detection, cleaning, structure) before it is kept, so
a bad file is refused with a message naming it and the problem, and never stops the other files. Kept
files get a safe file name; an identical file is not stored twice.
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


@dataclass(frozen=True)
class CorpusFile:
    name: str
    path: Path
    size: int


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


def save_upload(name: str, data: bytes, folder: Path) -> UploadOutcome:
    """Check one uploaded file and keep it in ``folder`` if it can serve as examples."""
    from coach.corpus import IngestError, ingest_file
    from coach.errors import CoachError
    from coach.export import safe_filename

    shown = Path(name or "").name or "未命名文件"
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
            document = ingest_file(candidate)
        except IngestError as exc:
            return UploadOutcome(shown, False, str(exc).replace(safe, shown))
        except CoachError as exc:
            return UploadOutcome(shown, False, f"“{shown}”无法导入：{exc}")
        except Exception as exc:  # noqa: BLE001 - a damaged .docx can fail deep inside a parser
            return UploadOutcome(shown, False, f"“{shown}”无法读取（{type(exc).__name__}），文件可能已损坏，没有导入。")
        target = _free_name(folder, safe)
        os.replace(candidate, target)
        title = document.title or Path(shown).stem
        return UploadOutcome(shown, True, f"已导入《{title}》：{len(document.passages)}个段落（{document.encoding}编码）。",
                             target.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def save_uploads(files: list[tuple[str, bytes]], folder: Path) -> list[UploadOutcome]:
    return [save_upload(name, data, folder) for name, data in files]


def list_corpus_files(folder: Path) -> list[CorpusFile]:
    if not folder.is_dir():
        return []
    return [CorpusFile(p.name, p, p.stat().st_size) for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix.lower() in ALLOWED_SUFFIXES]


def remove_corpus_file(folder: Path, name: str) -> bool:
    """Delete one uploaded file (only a plain file directly inside ``folder``)."""
    target = (folder / Path(name).name)
    if target.parent.resolve() != folder.resolve() or not target.is_file():
        return False
    target.unlink()
    return True
