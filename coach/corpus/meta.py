"""What the corpus knows about a document besides its text: its 文种 and where it comes from.

The writer can set the genre of an uploaded file; it is kept beside the file in a small JSON sidecar
(``<file name>.meta.json``: ``{"genre": "请示"}``), never pickled, and ingestion prefers it to the genre
detected from the title and the closing formula. The origin is never taken from a sidecar: it follows from
the folder a file lies in, so nothing in the writer's folder can pass itself off as one of our model texts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coach import config

SIDECAR_SUFFIX = ".meta.json"
#: a sidecar is a few dozen bytes; anything much larger is not ours
MAX_SIDECAR_BYTES = 4096


def sidecar_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_meta(path: str | Path) -> dict[str, Any]:
    """The sidecar's contents ({} when there is none or it cannot be read: the genre is then detected)."""
    side = sidecar_path(path)
    try:
        if not side.is_file() or side.stat().st_size > MAX_SIDECAR_BYTES:
            return {}
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def write_meta(path: str | Path, genre: str | None) -> Path | None:
    """Keep (or, with no genre, remove) the writer's choice of genre for ``path``."""
    side = sidecar_path(path)
    if not genre:
        side.unlink(missing_ok=True)
        return None
    side.write_text(json.dumps({"genre": genre}, ensure_ascii=False), encoding="utf-8")
    return side


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def origin_of(path: str | Path) -> str:
    """"model" for our model texts, "seed" for the shipped speeches, "upload" for the writer's files."""
    path = Path(path)
    if _inside(path, config.model_texts_dir()):
        return "model"
    if _inside(path, config.seeds_dir()):
        return "seed"
    if _inside(path, config.data_dir() / "corpus"):
        return "upload"
    return ""


def resolve_genre(given: str | None, path: str | Path, title: str, text: str) -> tuple[str, str]:
    """(genre name, "given" | "detected" | ""): the genre passed in, else the sidecar's, else detected."""
    from coach.genres import detect_genre, get_genre

    for candidate in (given, read_meta(path).get("genre")):
        g = get_genre(candidate) if isinstance(candidate, str) else None
        if g is not None:
            return g.name, "given"
    g = detect_genre(title, text)
    return (g.name, "detected") if g is not None else ("", "")
