"""Typed text is saved within ~2 s of the last keystroke, without leaving the box.

Streamlit's text widgets hand their value to the server only on blur or Ctrl+Enter, so a refresh or
a closed tab lost whatever was typed since. ``static/autosave.js`` (a few lines, run once in the page)
commits a box after a pause in typing the same way Ctrl+Enter does, so the app's own ``on_change``
callbacks save it, and warns before the page is closed while a commit is pending. A script rather
than a custom text widget keeps Streamlit's own text areas (their look, their keyboard, AppTest).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

SCRIPT_PATH = Path(__file__).with_name("static") / "autosave.js"


@cache
def script_tag() -> str:
    return "<script>" + SCRIPT_PATH.read_text(encoding="utf-8") + "</script>"
