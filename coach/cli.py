"""The ``coach`` command line. Each area of the package contributes its own subcommands:
a module listed in COMMAND_MODULES defines ``register(subparsers)`` and sets ``func`` on its parsers.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from coach.errors import CoachError

COMMAND_MODULES: tuple[str, ...] = (
    "coach.index.cli",
    "coach.embed.cli",
    "coach.export.cli",
    "coach.lint.cli",
    "coach.checks.cli",
    "coach.coaching.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach", description="写作教练：公文与讲话稿五步写作法（立意、搭骨、填肉、修容、成器）"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except CoachError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
