"""修容's 深度校对: the language-model typo check (``coach.typo``) in a child process, with progress.

Why a child process: the model needs torch and about 1.7 GB while it runs; the app server must stay
small (under 600 MB) and must not go down if the check fails. The child reads the text on stdin and
prints one JSON object per line: ``{"done", "total"}`` while working, then ``{"findings": [...]}`` or
``{"error": "…"}`` — the same protocol as ``coach.ui.rebuild``.

    python -m coach.ui.deepcheck < text.txt
    python -m coach.ui.deepcheck --llm < text.txt   # and the configured LLM's verified suggestions

With ``--llm`` the child also asks the configured LLM (COACH_LLM_* in its environment) and keeps the
suggestions ``coach.typo.llm_check`` verifies; a failing LLM only adds a note, the LM's findings stand.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from coach.findings import Finding, Fix
from coach.ui.childproc import run_reporting


@dataclass
class DeepResult:
    ok: bool
    message: str
    findings: list[Finding] = field(default_factory=list)


def _emit(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def main() -> int:
    from coach.errors import CoachError

    text = sys.stdin.read()
    note = None
    try:
        from coach.typo import deep_findings, default_detector, merge_findings

        found = deep_findings(text, progress=lambda done, total: _emit({"done": done, "total": total}))
        if "--llm" in sys.argv[1:]:
            from coach.typo.llm_check import llm_proofread

            checked = llm_proofread(text, lm=default_detector().lm)
            found = merge_findings(found, checked.findings)
            note = checked.message
    except CoachError as exc:
        _emit({"error": str(exc)})
        return 2
    _emit({"findings": [f.to_dict() for f in found], "note": note})
    return 0


def _finding(d: dict) -> Finding:
    fix = d.get("fix")
    return Finding(**{**d, "fix": Fix(**fix) if fix else None})


def llm_environment(settings) -> dict[str, str]:
    """The COACH_LLM_* variables that give the child the same LLM as the app (whose settings may come from
    its secrets file, which the child does not read)."""
    values = {"PROVIDER": settings.provider, "BASE_URL": settings.base_url, "API_KEY": settings.api_key,
              "MODEL": settings.model, "TIMEOUT": settings.timeout}
    return {f"COACH_LLM_{k}": str(v) for k, v in values.items() if v not in (None, "")}


def run_deep_check(text: str, on_progress: Callable[[int, int], None], llm: bool = False,
                   llm_settings=None) -> DeepResult:
    """The deep check in a child process; with ``llm`` also the LLM's verified suggestions — the LLM of
    ``llm_settings`` (the app's), else the one the environment configures."""
    if not text.strip():
        return DeepResult(False, "全文是空的，没有可校对的内容。")
    env = llm_environment(llm_settings) if llm and llm_settings is not None else None
    final, hint = run_reporting("coach.ui.deepcheck", ["--llm"] if llm else [],
                                lambda msg: on_progress(int(msg["done"]), int(msg.get("total", 0))),
                                lambda msg: "done" in msg, stdin=text, env_extra=env)
    if final and "findings" in final:
        found = [_finding(d) for d in final["findings"]]
        message = (f"深度校对完成：发现{len(found)}处疑似错别字，已加入问题清单，请逐条确认。" if found
                   else "深度校对完成：没有发现疑似错别字。")
        if final.get("note"):
            message += final["note"]
        return DeepResult(True, message, found)
    if final and "error" in final:
        return DeepResult(False, final["error"])
    return DeepResult(False, f"深度校对没有完成（{hint}）。你的文字没有改动，可以稍后重试。")


if __name__ == "__main__":
    raise SystemExit(main())
