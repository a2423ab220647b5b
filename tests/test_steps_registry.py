"""The steps are one list of folders: the app, coach.ui and coach.coaching ask the step, never name it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from coach.steps import STEPS

ROOT = Path(__file__).resolve().parent.parent
SIXTH = Path(__file__).resolve().parent / "data" / "sixth_step"


def test_no_step_key_is_named_outside_the_steps_folders():
    keys = "|".join(s.key for s in STEPS)
    pattern = re.compile(rf"[\"']({keys})[\"'.]")
    offenders = []
    for path in [ROOT / "app.py", *sorted((ROOT / "coach").rglob("*.py"))]:
        if (ROOT / "coach" / "steps") in path.parents:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_every_step_folder_holds_its_prompt_questions_and_page():
    for step in STEPS:
        assert step.folder == ROOT / "coach" / "steps" / step.key
        assert step.prompt_path.is_file() and step.question_bank_path.is_file()
        module, _, function = step.page.partition(":")
        assert (step.folder / "page.py").is_file() and module == f"coach.steps.{step.key}.page" and function


_SIXTH_STEP_RUN = r"""
import sys
sys.path.insert(0, "tests")
from app_helpers import assert_ok, create_project, go, new_app, texts
at = new_app()
create_project(at)
print("NAV", at.sidebar.radio(key="nav_step").options)
go(at, "songshen")
page = texts(at)
print("HEADER", "第6步 · 送审" in page)
print("CHECK", "送审前要写明署名（发文机关）。" in page)
print("GENERIC", "这一步还没有专门的编辑区" in page)
at.chat_input(key="chat.songshen").set_value("送审前还要做什么？").run()
assert_ok(at)
# the offline coach asks the new step's own questions (its questions.yaml)
print("COACH", "起草说明里写了依据和起草过程吗" in at.chat_message[-1].markdown[0].value)
"""


def test_a_sixth_step_is_one_folder_and_the_app_walks_it(tmp_path):
    """Copy the project, drop one folder into coach/steps, run the real app on the copy: the new step is in
    the navigation, has the generic page with its own check, and the offline coach asks its own questions there."""
    copy = tmp_path / "repo"
    copy.mkdir()
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.pyc", ".pytest_cache")
    for name in ("app.py", "coach", "prompts", "seeds", "tests", ".streamlit"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, copy / name)
    shutil.copytree(SIXTH, copy / "coach" / "steps" / "songshen")
    env = {**os.environ, "PYTHONPATH": str(copy), "COACH_HOME": str(tmp_path / "home"),
           "COACH_SEEDS": str(copy / "seeds"), "COACH_PROMPTS": str(copy / "prompts")}
    done = subprocess.run([sys.executable, "-c", _SIXTH_STEP_RUN], cwd=copy, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "NAV ['1. 立意', '2. 搭骨', '3. 填肉', '4. 修容', '5. 成器', '6. 送审']" in out, out
    for line in ("HEADER True", "CHECK True", "GENERIC True", "COACH True"):
        assert line in out, out
