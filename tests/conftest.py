"""Shared fixtures. Every test runs with COACH_HOME in a temporary folder, never the user's own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "coach-home"))
    yield


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))}


@pytest.fixture(scope="session")
def built_model_path(tmp_path_factory) -> Path:
    """The default Chinese static embedding model, built once per test run (about half a minute)."""
    from coach.embed import build_default_model

    base = tmp_path_factory.mktemp("model")
    # the build's temporary .gguf goes under COACH_HOME/cache: keep it out of the user's home
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COACH_HOME", str(base / "build-home"))
        return build_default_model(out=base / "gemma-static-zh", progress=False)


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory, built_model_path) -> Path:
    """The seed corpus indexed once for the whole run with the default model."""
    from coach.index import build_index

    out = tmp_path_factory.mktemp("seed-index") / "index"
    build_index(corpus=[], out=out, model=str(built_model_path), include_seeds=True)
    return out


@pytest.fixture(scope="session")
def seed_retriever(seed_index_dir):
    from coach.index import Retriever

    return Retriever.load(seed_index_dir)
