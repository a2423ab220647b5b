"""The one place the app reaches the other parts of ``coach``.

Each capability is one small function, so the app never imports a subsystem directly and a test can
call exactly what the app calls. Heavy objects (store, retriever, coach) are created here and cached
by the app with ``st.cache_resource``, keyed by the data folder so tests with their own ``COACH_HOME``
never share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach import config
from coach.project import Project


# --- projects -----------------------------------------------------------------------------------

def open_store(url: str | None = None):
    from coach.store import ProjectStore

    return ProjectStore(url)


def stale_error() -> type[Exception]:
    from coach.store import StaleProjectError

    return StaleProjectError


def not_found_error() -> type[Exception]:
    from coach.store import ProjectNotFoundError

    return ProjectNotFoundError


# --- corpus and index ---------------------------------------------------------------------------

def index_dir() -> Path:
    return config.default_index_dir()


def uploads_dir() -> Path:
    from coach.index.build import uploads_dir as _uploads

    return _uploads()


def index_manifest(folder: Path | None = None):
    """The manifest of the built index, or None when there is none yet (cheap: no model is loaded)."""
    from coach.errors import CoachError
    from coach.index import Manifest

    try:
        return Manifest.load(Path(folder or index_dir()))
    except CoachError:
        return None


def open_retriever(folder: Path | None = None):
    """The retriever over the built index. Raises ``CoachError`` with a Chinese message when the index
    is missing or broken; the app shows it and offers to build the index."""
    from coach.index import open_retriever as _open

    return _open(folder or index_dir(), build_if_missing=False)


def build_index(progress=None, force: bool = False):
    """(Re)build the app's index from the seeds plus the writer's uploads."""
    from coach.index import build_index as _build

    return _build(out=index_dir(), force=force, progress=progress)


def search(retriever: Any, query: str, step: str, k: int = 4) -> list[dict[str, Any]]:
    """Example passages for ``query`` in ``step``'s scope, as plain dicts (Hit.to_dict())."""
    if not query.strip():
        return []
    return [hit.to_dict() for hit in retriever.search(query, k=k, step=step)]


def passage_pin(hit: dict[str, Any]) -> dict[str, Any]:
    """What a pin stores: the passage and where it came from (no scores)."""
    keys = ("id", "doc", "title", "text", "heading_path", "position", "kind", "source")
    return {k: hit.get(k) for k in keys}


def project_from_dict(data: dict[str, Any]) -> Project:
    return Project.from_dict(data)


# --- readiness of the parts built alongside the app ----------------------------------------------

_PARTS = {
    "lint": ("coach.lint", "lint"),
    "outline": ("coach.checks.outline", "parse_outline"),
    "sections": ("coach.checks.sections", "analyze_sections"),
    "diff": ("coach.checks.diff", "compare"),
    "export": ("coach.export", "to_markdown"),
    "coaching": ("coach.coaching", "CoachTurn"),
    "corpus": ("coach.corpus", "ingest_paths"),
}


def ready(part: str) -> bool:
    """Whether a part of ``coach`` the app relies on is installed and importable."""
    import importlib

    module_name, attribute = _PARTS[part]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    return hasattr(module, attribute)


# --- 修容 and 成器 --------------------------------------------------------------------------------

def apply_fix(text: str, finding):
    from coach.lint import apply_fix as _apply

    return _apply(text, finding)


def apply_safe_fixes(text: str, genre: str | None):
    from coach.lint import apply_safe_fixes as _apply

    return _apply(text, genre=genre)


def compare(old: str, new: str):
    from coach.checks.diff import compare as _compare

    return _compare(old, new)


# --- 搭骨: the seed speeches' outlines as skeletons -----------------------------------------------

@dataclass(frozen=True)
class Skeleton:
    doc_id: str
    title: str
    outline: str  # numbered outline text, ready for the editor
    top_count: int


def seed_skeletons(folder: str | Path) -> list[Skeleton]:
    """The outline of every speech in ``folder`` (default corpus: the seeds), for 搭骨 to start from."""
    from coach.checks.outline import parse_outline, render_outline
    from coach.corpus import ingest_paths, outline_of

    documents, _problems = ingest_paths([Path(folder)])
    out = []
    for doc in documents:
        outline = outline_of(doc)
        text = outline if isinstance(outline, str) else render_outline(outline)
        top = len(parse_outline(text).roots)
        if top:
            out.append(Skeleton(doc.doc_id, doc.title or doc.doc_id, text, top))
    return out
