"""Long work in a child process that reports as JSON lines (the index rebuild, 深度校对).

The child prints one JSON object per line; progress lines go to ``on_progress`` and the last other
line is the outcome. Lines that are not JSON (a library printing) are ignored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable

from coach import config


def run_reporting(module: str, args: list[str], on_progress: Callable[[dict], None], is_progress: Callable[[dict], bool],
                  stdin: str | None = None, env_extra: dict[str, str] | None = None) -> tuple[dict | None, str]:
    """Run ``python -m module *args``; returns (the final message or None, a failure hint for the writer).
    ``env_extra``: settings for the child only (an API key travels in its environment, never on its command
    line, where any user of the machine could read it)."""
    env = {**os.environ, **(env_extra or {}), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", module, *args], stdin=subprocess.PIPE if stdin is not None else None,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            env=env, cwd=str(config.PROJECT_ROOT))
    assert proc.stdout is not None
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    final: dict | None = None
    for line in proc.stdout:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if is_progress(msg):
            on_progress(msg)
        else:
            final = msg
    stderr = proc.stderr.read() if proc.stderr else ""
    code = proc.wait()
    hint = stderr.strip().splitlines()[-1] if stderr.strip() else f"退出码 {code}"
    return final, hint
