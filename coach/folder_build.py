"""Build a model folder atomically: work in a scratch folder (the ~250 MB GGUF) and a staging folder beside
the target, then swap the staging folder in. A build that fails or is interrupted leaves the previous model
untouched and no half-written folder behind — both model builders (the static embedder and the typo LM) use it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any


class FolderBuild:
    """``with FolderBuild(out, work_dir, "gemma-build-") as b:`` write into ``b.staging`` (``b.scratch`` for
    temporary files), then ``b.publish(info, name)``: the build info is written and ``out`` replaced."""

    def __init__(self, out: Path, work_dir: Path | None = None, scratch_prefix: str = "build-") -> None:
        self.out = Path(out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        work_root = Path(work_dir) if work_dir is not None else self.out.parent
        work_root.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix=scratch_prefix, dir=work_root))
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.out.name}-building-", dir=self.out.parent))
        self.staging.chmod(0o755)  # mkdtemp makes it private; a model folder is an ordinary one

    def publish(self, info: dict[str, Any], info_name: str) -> dict[str, Any]:
        (self.staging / info_name).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
        if self.out.exists():
            shutil.rmtree(self.out)
        self.staging.rename(self.out)
        return info

    def __enter__(self) -> FolderBuild:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
