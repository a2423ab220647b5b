"""The index manifest: what an index was built from and with, written as JSON next to the index files.

It lets us skip a rebuild when nothing changed, refuse a query with a different model, and detect a
corrupted or truncated file before FAISS or numpy reads garbage.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import IndexError_

#: 2: passages carry lint marks, both sides index the heading path with the text
#: 3: documents and passages carry a 文种 (genre) and an origin (model text / seed / upload)
FORMAT_VERSION = 3
MANIFEST_NAME = "manifest.json"


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Manifest:
    format_version: int
    model_id: str
    model: str  # the name or path the model was loaded from
    dimension: int
    dense_index: str  # "flat" | "hnsw"
    passage_count: int
    corpus: list[dict[str, Any]]  # [{path, sha256, bytes, encoding, doc_id}]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {bytes, sha256}
    problems: list[dict[str, str]] = field(default_factory=list)  # files that could not be ingested
    lexical: dict[str, Any] = field(default_factory=dict)
    genres: dict[str, int] = field(default_factory=dict)  # 文种 -> documents ("" = not recognised)
    built_at: str = ""
    build_seconds: float = 0.0

    def corpus_key(self) -> list[tuple[str, str, str]]:
        return sorted((c["path"], c["sha256"], c.get("meta_sha256", "")) for c in self.corpus)

    def save(self, folder: Path) -> None:
        (folder / MANIFEST_NAME).write_text(
            json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST_NAME
        if not path.exists():
            raise IndexError_(f"在 {folder} 没有找到索引（缺少 {MANIFEST_NAME}）。请先运行 coach index build。")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(**data)
        except (ValueError, TypeError) as exc:
            raise IndexError_(
                f"索引清单 {path} 已损坏或格式不对（{exc.__class__.__name__}）。"
                "请运行 coach index build --force 重新构建索引。"
            ) from exc
        if manifest.format_version != FORMAT_VERSION:
            raise IndexError_(
                f"索引 {folder} 的格式版本是 {manifest.format_version}，当前程序需要版本 {FORMAT_VERSION}。"
                "请运行 coach index build --force 重新构建索引。"
            )
        return manifest

    def verify_files(self, folder: Path) -> None:
        """Raise a clear error when an index file is missing, truncated or altered."""
        for name, meta in self.files.items():
            path = folder / name
            if not path.exists():
                raise IndexError_(
                    f"索引文件 {path} 不见了。请运行 coach index build --force 重新构建索引。"
                )
            size = path.stat().st_size
            if size != meta["bytes"] or sha256_file(path) != meta["sha256"]:
                raise IndexError_(
                    f"索引文件 {path} 已损坏或不完整（大小 {size} 字节，应为 {meta['bytes']} 字节，或校验和不符）。"
                    "请运行 coach index build --force 重新构建索引。"
                )


def describe_files(folder: Path) -> dict[str, dict[str, Any]]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST_NAME:
            files[path.relative_to(folder).as_posix()] = {
                "bytes": path.stat().st_size,
                "sha256": sha256_file(path),
            }
    return files
