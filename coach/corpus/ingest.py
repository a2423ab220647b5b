"""Ingest files and folders into ``Document``s, collecting every problem instead of stopping."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Iterable

from coach.corpus.cleaning import clean_text
from coach.corpus.document import parse_clean_text
from coach.corpus.reading import SUPPORTED_SUFFIXES, UNSUPPORTED_HINTS, IngestError, load_file
from coach.corpus.types import Document, IngestProblem

Progress = Callable[[int, int, str], None]


def _is_hidden(path: Path) -> bool:
    # dot files and Word's "~$name.docx" lock files are never speeches
    return path.name.startswith((".", "~$"))


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[IngestProblem]]:
    """Files to ingest, in a stable order, and problems with the paths themselves."""
    files: list[Path] = []
    problems: list[IngestProblem] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            files.append(p)

    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = False
            try:
                children = sorted(path.rglob("*"))
            except PermissionError:
                problems.append(IngestProblem(str(path), f"没有权限打开文件夹“{path.name}”，请检查权限。"))
                continue
            for child in children:
                if not child.is_file() or _is_hidden(child) or any(part.startswith(".") for part in child.relative_to(path).parts[:-1]):
                    continue
                suffix = child.suffix.lower()
                if suffix in SUPPORTED_SUFFIXES:
                    add(child)
                    found = True
                elif suffix in UNSUPPORTED_HINTS:
                    problems.append(IngestProblem(str(child), f"文件“{child.name}”：{UNSUPPORTED_HINTS[suffix]}"))
                    found = True
            if not found:
                problems.append(
                    IngestProblem(str(path), f"文件夹“{path.name}”里没有可导入的 .txt、.md 或 .docx 文件。")
                )
        elif path.exists() or path.is_symlink():
            add(path)
        else:
            problems.append(IngestProblem(str(path), f"找不到文件或文件夹“{path}”，请检查路径是否正确。"))
    return files, problems


def ingest_file(path: str | Path, doc_id: str | None = None, *, genre: str | None = None) -> Document:
    """Read, clean and parse one file; raises ``IngestError``.

    The document and its passages carry a 文种: ``genre`` when given (a known genre name or alias), else the
    one kept in the file's sidecar (``coach.corpus.meta``), else the one its title or closing names; and an
    origin (our model text, a shipped seed, the writer's upload) from the folder the file lies in."""
    from dataclasses import replace

    from coach.corpus.meta import origin_of, resolve_genre

    path = Path(path)
    data, text, encoding = load_file(path)
    cleaned = clean_text(text)
    if not cleaned.strip():
        raise IngestError(f"文件“{path.name}”清理后没有正文（只有空白、网页套话或不可见字符）。", path)
    document = parse_clean_text(cleaned, doc_id or path.stem, source=str(path))
    if not document.passages:
        raise IngestError(f"文件“{path.name}”里没有可以作为范例的正文段落。", path)
    document.encoding = encoding
    document.sha256 = hashlib.sha256(data).hexdigest()
    shown_title = document.title or document.passages[0].title
    document.genre, document.genre_source = resolve_genre(genre, path, shown_title, cleaned)
    document.origin = origin_of(path)
    document.passages = [replace(p, genre=document.genre, origin=document.origin) for p in document.passages]
    return document


def ingest_paths(
    paths: Iterable[str | Path] | str | Path, progress: Progress | None = None
) -> tuple[list[Document], list[IngestProblem]]:
    """Ingest files and folders (recursively: .txt, .md, .docx).

    Every file that cannot be ingested becomes an ``IngestProblem`` with a Chinese message naming
    it; the other files are still ingested. ``progress(done, total, path)`` is called after each
    file. A file whose bytes equal an earlier file's is skipped with a note. Document ids are file
    stems; a stem seen before gets "~" and the first 8 hex digits of its checksum appended.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    files, problems = expand_paths(paths)
    if not paths:
        problems.append(IngestProblem("", "没有指定要导入的文件或文件夹。"))
    documents: list[Document] = []
    by_sha: dict[str, Document] = {}
    ids: set[str] = set()
    for done, path in enumerate(files, start=1):
        try:
            document = ingest_file(path)
            earlier = by_sha.get(document.sha256)
            if earlier is not None:
                problems.append(
                    IngestProblem(
                        str(path), f"文件“{path.name}”与“{Path(earlier.source).name}”内容完全相同，已跳过。"
                    )
                )
            else:
                if document.doc_id in ids:
                    _rename(document, f"{document.doc_id}~{document.sha256[:8]}")
                ids.add(document.doc_id)
                by_sha[document.sha256] = document
                documents.append(document)
        except IngestError as exc:
            problems.append(IngestProblem(str(path), str(exc)))
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the others
            problems.append(
                IngestProblem(str(path), f"导入文件“{path.name}”时出错（{type(exc).__name__}: {exc}），已跳过这个文件。")
            )
        if progress is not None:
            progress(done, len(files), str(path))
    return documents, problems


def _rename(document: Document, doc_id: str) -> None:
    from dataclasses import replace

    document.doc_id = doc_id
    document.passages = [
        replace(p, doc_id=doc_id, id=f"{doc_id}#{i}") for i, p in enumerate(document.passages)
    ]
