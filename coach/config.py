"""Where the coach keeps its files, and the few settings that choose models and corpora.

Nothing here is cached in module globals: every function reads the environment when called,
so tests can point ``COACH_HOME`` at a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: name of the default embedding model, built by ``coach model build`` into the data folder
DEFAULT_MODEL_NAME = "gemma-static-zh"


def data_dir() -> Path:
    """The app's data folder: models, indexes and the project database live here."""
    return Path(os.environ.get("COACH_HOME") or Path.home() / ".coach").expanduser()


def models_dir() -> Path:
    return data_dir() / "models"


def default_model_path() -> Path:
    return models_dir() / DEFAULT_MODEL_NAME


def default_index_dir() -> Path:
    return data_dir() / "index" / "default"


def seeds_dir() -> Path:
    """The default corpus: the five seed speeches shipped with the project."""
    return Path(os.environ.get("COACH_SEEDS") or PROJECT_ROOT / "seeds")


def model_texts_dir() -> Path:
    """Model texts in standard form, one per genre, written by the coach's authors (not real documents):
    indexed with the seeds so a fresh install has a 请示, a 通知 … to show."""
    return Path(os.environ.get("COACH_MODEL_TEXTS") or PROJECT_ROOT / "coach" / "genres" / "models")


def prompts_dir() -> Path:
    return Path(os.environ.get("COACH_PROMPTS") or PROJECT_ROOT / "prompts")


def embed_model_setting() -> str | None:
    """A user-chosen sentence-transformers model (name or local path), or None for the default."""
    return os.environ.get("COACH_EMBED_MODEL") or None
