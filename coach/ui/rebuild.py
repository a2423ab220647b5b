"""Rebuild the app's search index in a child process and report progress line by line.

Why a child process: building embeds every passage with sentence-transformers (torch), which the
server otherwise never imports (see ``coach.embed.static_numpy``); doing it in a child keeps the server's memory
small and a crash during a build cannot take the writer's session down. The child prints one JSON object
per line: ``{"stage", "done", "total"}`` while working, then ``{"result": …}`` or ``{"error": "…"}``.

    python -m coach.ui.rebuild [--force]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from coach import config
from coach.ui.childproc import run_reporting


@dataclass
class RebuildResult:
    ok: bool
    message: str
    passages: int = 0
    documents: int = 0
    skipped: bool = False
    problems: list[str] = field(default_factory=list)


def _emit(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def main(argv: list[str] | None = None) -> int:
    from coach.errors import CoachError

    args = sys.argv[1:] if argv is None else argv
    force = "--force" in args
    try:
        from coach.embed import ensure_default_model, is_default_model
        from coach.index import build_index

        if is_default_model(None):
            _emit({"stage": "准备嵌入模型", "done": 0, "total": 1})
            ensure_default_model(progress=False)
            _emit({"stage": "准备嵌入模型", "done": 1, "total": 1})
        result = build_index(out=config.default_index_dir(), force=force,
                             progress=lambda stage, done, total: _emit({"stage": stage, "done": done, "total": total}))
    except CoachError as exc:
        _emit({"error": str(exc)})
        return 2
    _emit({"result": {
        "passages": result.manifest.passage_count,
        "documents": len(result.manifest.corpus),
        "skipped": result.skipped,
        "problems": [p.message for p in result.problems] + [p.get("message", "") for p in result.manifest.problems],
    }})
    return 0


def run_rebuild(on_progress: Callable[[str, int, int], None], force: bool = False) -> RebuildResult:
    """Run the build in a child process with the same environment (COACH_HOME, models …)."""
    final, hint = run_reporting(
        "coach.ui.rebuild", ["--force"] if force else [],
        lambda msg: on_progress(str(msg["stage"]), int(msg.get("done", 0)), int(msg.get("total", 0))),
        lambda msg: "stage" in msg)
    if final and "result" in final:
        r = final["result"]
        problems = [p for p in dict.fromkeys(r.get("problems") or []) if p]
        if r.get("skipped"):
            message = f"语料没有变化，索引已是最新（{r['documents']}篇，{r['passages']}个段落）。"
        else:
            message = f"索引已重建：{r['documents']}篇文稿，{r['passages']}个段落。"
        return RebuildResult(True, message, r["passages"], r["documents"], bool(r.get("skipped")), problems)
    if final and "error" in final:
        return RebuildResult(False, final["error"])
    return RebuildResult(False, f"重建索引时出错（{hint}）。语料文件都还在，可以稍后重试。")


if __name__ == "__main__":
    raise SystemExit(main())
