"""Helpers for driving app.py with Streamlit's AppTest (shared by tests/test_app_*.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from coach import config

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def new_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def create_project(at: AppTest, name: str = "在全市办公室系统业务培训会上的讲话") -> str:
    at.text_input(key="welcome_name").input(name)
    at.button(key="welcome_new").click().run()
    assert_ok(at)
    return at.query_params["p"]


def widget(at: AppTest, kind: str, name: str):
    """The widget whose key ends with ``name`` (keys carry a generation prefix: "g0.brief.title")."""
    for w in getattr(at, kind):
        if w.key and w.key.split(".", 1)[-1] == name:
            return w
    raise LookupError(f"no {kind} with key *{name}; have {[w.key for w in getattr(at, kind)]}")


def go(at: AppTest, step_key: str) -> None:
    at.sidebar.radio(key="nav_step").set_value(step_key).run()
    assert_ok(at)


_MD_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~:$])")


def texts(at: AppTest) -> str:
    """Everything written on the page as the writer reads it (Markdown escapes removed)."""
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    for kind in ("success", "info", "warning", "error"):
        parts += [m.value for m in getattr(at, kind)]
    return _MD_ESCAPED.sub(r"\1", "\n".join(parts))


def html_of(at: AppTest) -> str:
    return "\n".join(h.value for h in at.get("html"))


def install_index(index_dir: Path) -> Path:
    """Put a prebuilt index where the app looks for it (COACH_HOME/index/default)."""
    target = config.default_index_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(index_dir, target)
    return target
