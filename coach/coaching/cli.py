"""``coach ask``: the offline coach on the command line, through the app's own code path.

The coach is made by ``coach.ui.services.create_coach("offline", retriever)`` and the turn by
``coach.ui.services.coach_turn`` — exactly what the app's chat does — so a reply here is the reply the
writer gets in the browser for the same project, step and question.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from coach.errors import CoachError

_MD_ESCAPE = re.compile(r"\\([\\`*_#\[\]<>|~$])")


def _step_key(value: str | None, project) -> str:
    from coach.steps import STEPS

    if not value:
        current = getattr(project, "current_step", "") or ""
        return current if any(s.key == current for s in STEPS) else STEPS[0].key
    for s in STEPS:
        if value in (s.name, s.key):
            return s.key
    names = "、".join(s.name for s in STEPS)
    raise CoachError(f"没有“{value}”这一步。可以写：{names}。")


def _project(path: str | None):
    from coach.project import Project

    if not path:
        return Project()
    from coach.export.jsonio import project_from_json

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise CoachError(f"读不到项目文件 {path}：{exc.strerror or exc}。请确认路径正确"
                         "（项目文件是 coach export --format json 导出的 JSON）。") from exc
    return project_from_json(raw)


def _retriever():
    """The built index's retriever, or None (with a note on stderr) when there is none or it is broken."""
    from coach.ui import services

    if services.index_manifest() is None:
        print("提示：还没有构建范文索引，下面的回答不带例文。运行 coach index build 构建后再问，就能看到例文。",
              file=sys.stderr)
        return None
    try:
        return services.open_retriever()
    except CoachError as exc:
        print(f"提示：范文索引打不开（{exc}），下面的回答不带例文。", file=sys.stderr)
        return None


def ask(question: str, step: str | None = None, genre: str | None = None, project_file: str | None = None,
        retriever=None, use_index: bool = True):
    """The offline coach's reply to ``question`` (a finished ``CoachReply``), as the app would give it."""
    from coach.ui import services

    project = _project(project_file)
    if genre:
        from coach.genres import get_genre, genre_names

        if get_genre(genre) is None:
            raise CoachError(f"不认识文种“{genre}”。可以写：{'、'.join(genre_names())}。")
        project.brief.genre = get_genre(genre).name
    key = _step_key(step, project)
    if retriever is None and use_index:
        retriever = _retriever()
    coach = services.create_coach("offline", retriever)
    return coach.reply(services.coach_turn(project, key, question)).finish()


def run(args: argparse.Namespace) -> int:
    question = " ".join(args.question).strip()
    if not question:
        raise CoachError("请在命令后面写上要问的话，例如：coach ask --step 搭骨 --genre 请示 \"请示的提纲一般分几部分？\"")
    reply = ask(question, step=args.step, genre=args.genre, project_file=args.project)
    if args.json:
        out = {"text": reply.text, "intent": reply.extras.intent, "passages": reply.extras.passages,
               "findings": reply.extras.findings}
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print(_MD_ESCAPE.sub(r"\1", reply.text))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "ask", help="问离线教练一个问题（和应用里的教练对话相同）",
        description="把问题交给离线教练，打印它的回答。和应用里的教练走同一条路：同样的路由、例文、检查和问题库。",
    )
    p.add_argument("--step", help="在哪一步问：立意、搭骨、填肉、修容、成器（默认：项目当前的一步，或立意）")
    p.add_argument("--genre", help="文种（请示、通知、函、讲话稿……）；给了项目文件时覆盖其中的文种")
    p.add_argument("--project", metavar="FILE", help="项目 JSON（coach export --format json 导出的文件）")
    p.add_argument("--json", action="store_true", help="输出 JSON：{text, intent, passages, findings}")
    p.add_argument("question", nargs="*", metavar="QUESTION", help="要问的话")
    p.set_defaults(func=run)
