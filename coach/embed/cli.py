"""``coach model build`` and ``coach model info``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from coach import config


def register(subparsers) -> None:
    model = subparsers.add_parser("model", help="嵌入模型：构建默认的中文模型、查看当前模型")
    model_sub = model.add_subparsers(dest="model_command", metavar="ACTION")
    model.set_defaults(func=lambda args: (model.print_help(), 2)[1])

    build = model_sub.add_parser(
        "build",
        help="从随软件安装的 Gemma 3 270M 生成默认的中文嵌入模型（离线，约半分钟）",
        description="从随软件安装的 Gemma 3 270M 词向量生成默认的中文嵌入模型，保存为 sentence-transformers 模型文件夹。",
    )
    build.add_argument("--out", type=Path, default=None, help=f"保存到哪个文件夹（默认 {config.default_model_path()}）")
    build.add_argument("--force", action="store_true", help="已经存在时也重新生成")
    build.add_argument("--typo", action="store_true",
                       help="改为生成深度校对（coach lint --deep）用的语言模型（离线，约半分钟）")
    build.set_defaults(func=_build)

    info = model_sub.add_parser("info", help="显示当前使用的嵌入模型、标识和向量维度")
    info.add_argument("--model", default=None, help="模型名称或文件夹（默认：COACH_EMBED_MODEL 或默认模型）")
    info.set_defaults(func=_info)


def _build(args: argparse.Namespace) -> int:
    if args.typo:
        return _build_typo(args)
    from coach.embed import _default_model_ready, build_default_model, model_id
    from coach.embed.gemma_static import folder_size

    out = args.out.expanduser() if args.out else config.default_model_path()
    if _default_model_ready(out) and not args.force:
        print(f"默认模型已存在：{out}（{folder_size(out) / 1e6:.1f} MB，标识 {model_id(out)}）。如需重新生成请加 --force。")
        return 0
    started = time.perf_counter()
    folder = build_default_model(out, progress=True, force=args.force)
    seconds = time.perf_counter() - started
    print(f"默认模型已生成：{folder}")
    print(f"  大小 {folder_size(folder) / 1e6:.1f} MB，用时 {seconds:.0f} 秒，标识 {model_id(folder)}")
    return 0


def _build_typo(args: argparse.Namespace) -> int:
    from coach.embed.gemma_static import folder_size
    from coach.typo.convert import is_built
    from coach.typo.lm import default_lm_path, ensure_typo_lm

    out = args.out.expanduser() if args.out else default_lm_path()
    if is_built(out) and not args.force:
        print(f"校对语言模型已存在：{out}（{folder_size(out) / 1e6:.1f} MB）。如需重新生成请加 --force。")
        return 0
    started = time.perf_counter()
    folder = ensure_typo_lm(out, progress=True, force=True)
    print(f"校对语言模型已生成：{folder}")
    print(f"  大小 {folder_size(folder) / 1e6:.1f} MB，用时 {time.perf_counter() - started:.0f} 秒")
    return 0


def _info(args: argparse.Namespace) -> int:
    from coach.embed import build_info, embed_dimension, is_default_model, load_embedder, model_id

    model = load_embedder(args.model)
    chosen = args.model or config.embed_model_setting()
    where = chosen if chosen else str(config.default_model_path())
    print(f"模型：{where}{'（默认）' if is_default_model(args.model) else ''}")
    print(f"标识：{model_id(args.model)}")
    print(f"向量维度：{embed_dimension(model)}")
    info = build_info(Path(where)) if Path(where).exists() else None
    if info:
        print(f"词表：{info['vocab_size']} 个词元；构建配方 {info['options']}")
    return 0
