"""``coach ask``: the offline coach on the command line, through the same code path as the app
(``coach.ui.services.coach_turn`` → ``create_coach("offline", retriever)`` → ``reply``)."""

from __future__ import annotations

import argparse
import json
import sys

from coach.errors import CoachError


def register(subparsers: argparse._SubParsersAction) -> None:
    from coach.steps import STEPS

    p = subparsers.add_parser(
        "ask", help="向离线教练提问（和应用里的教练同一套回答）",
        description="向离线教练提一个问题，打印回答。例：coach ask --step 搭骨 --genre 请示 请示的提纲一般分几部分？")
    p.add_argument("question", nargs="+", help="问题（可以不加引号）")
    p.add_argument("--step", default=STEPS[0].name, choices=[s.name for s in STEPS] + [s.key for s in STEPS],
                   help=f"在哪一步提问（默认：{STEPS[0].name}）")
    p.add_argument("--genre", metavar="文种", default=None, help="文种，如 请示、通知、讲话稿（覆盖项目里的文种）")
    p.add_argument("--project", metavar="FILE", default=None, help="项目文件（coach export --format json 导出的 JSON）")
    p.add_argument("--json", action="store_true", help='输出 JSON：{"text", "intent", "passages", "findings"}')
    p.set_defaults(func=run)


def _project(path: str | None, genre: str | None):
    from coach.export.jsonio import project_from_json
    from coach.export.reading import read_input
    from coach.genres import get_genre
    from coach.project import Project

    project = Project()
    if path:
        source = read_input(path)
        if source.kind != "json":
            raise CoachError(f"“{path}”不是项目文件：请给出 coach export --format json 导出的 JSON。")
        project = project_from_json(source.text)
    if genre:
        g = get_genre(genre)
        if g is None:
            raise CoachError(f"“{genre}”不是可选的文种。可选：请示、报告、通知、函、纪要、意见、讲话稿等。")
        project.brief.genre = g.name
    return project


def _retriever():
    """The built index, or None with a note: the coach still answers, without examples."""
    from coach.ui import services

    if not services.index_key():
        print("提示：还没有构建语料索引（coach index build），这次回答不带例文。", file=sys.stderr)
        return None
    try:
        return services.open_retriever()
    except CoachError as exc:
        print(f"提示：{exc}（这次回答不带例文）", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:
    from coach.steps import get_step
    from coach.ui import services

    question = " ".join(args.question).strip()
    if not question:
        raise CoachError("问题是空的：请在 coach ask 后面写上要问的话。")
    step = get_step(args.step)
    project = _project(args.project, args.genre)
    coach = services.create_coach("offline", _retriever())
    findings = step.run_check(project)
    reply = coach.reply(services.coach_turn(project, step.key, question, findings))
    text = "".join(reply)
    extras = reply.extras.to_dict()
    if args.json:
        print(json.dumps({"text": text, "intent": extras["intent"], "passages": extras["passages"],
                          "findings": extras["findings"]}, ensure_ascii=False, indent=2))
    else:
        print(text)
    return 0
