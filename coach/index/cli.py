"""``coach index build``, ``coach search`` and ``coach eval retrieval``."""

from __future__ import annotations

import argparse
import json
import sys

from coach.errors import CoachError
from coach.steps import STEPS


_PLACE = {"opening": "（开头）", "body": "（正文）", "closing": "（结尾）"}


class _StageBar:
    """One tqdm bar per build stage, on stderr so ``--json`` output stays clean."""

    def __init__(self) -> None:
        self.stage = None
        self.bar = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=max(total, 1), desc=stage, file=sys.stderr, leave=False, unit="项")
        self.bar.total = max(total, 1)
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _cmd_build(args: argparse.Namespace) -> int:
    from coach.index import build_index

    bar = _StageBar()
    try:
        result = build_index(
            corpus=args.corpus or None,
            out=args.out,
            model=args.model,
            include_seeds=not args.no_seeds,
            force=args.force,
            progress=bar,
        )
    finally:
        bar.close()
    m = result.manifest
    if result.skipped:
        print(f"语料和模型都没有变化，索引已是最新：{result.folder}（{m.passage_count} 个段落，模型 {m.model_id}）")
    else:
        print(
            f"索引已建好：{result.folder}\n"
            f"  文件 {len(m.corpus)} 个，段落 {m.passage_count} 个，向量维度 {m.dimension}，"
            f"向量索引 {m.dense_index}，用时 {m.build_seconds:.1f} 秒\n  模型 {m.model_id}"
        )
    for problem in result.problems:
        print(f"  跳过：{problem.message}", file=sys.stderr)
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    from coach.index import open_retriever
    from coach.corpus.types import ORIGIN_LABELS
    from coach.index.retriever import ABSENT_MESSAGE

    genre = None
    if args.genre:
        from coach.genres import genre_names, get_genre

        known = get_genre(args.genre)
        if known is None:
            raise CoachError(f"不认识的文种“{args.genre}”。可以用：{'、'.join(genre_names())}。")
        genre = known.name
    retriever = open_retriever(args.index, model=args.model, progress=_StageBar() if not args.json else None)
    if genre is not None and not retriever.genre_counts().get(genre):
        message = (f"语料库里还没有{genre}的范文。可以在 管理语料库 上传本单位的{genre}，"
                   "或用 coach index build --corpus 文件夹 把它加入语料。")
        if args.json:
            print(json.dumps([[] for _ in args.query], ensure_ascii=False))
            print(message, file=sys.stderr)
            return 0
        print(message)
        return 0
    genres = [genre] if genre else None
    results = [retriever.search(q, k=args.k, step=args.step, exclude_docs=args.exclude, genres=genres)
               for q in args.query]
    if args.json:
        print(json.dumps([[h.to_dict() for h in hits] for hits in results], ensure_ascii=False, indent=1))
        return 0
    for query, hits in zip(args.query, results):
        print(f"查询：{query}")
        if getattr(hits, "rewritten", ""):
            print(f"  （同时按大模型改写的说法检索：{hits.rewritten}）")
        if not query.strip():
            print("  （查询为空：请输入想找的内容，例如“怎样写好开头”）")
        elif getattr(hits, "absent", False):
            print(f"  （{ABSENT_MESSAGE}）")
        elif not hits:
            print("  （没有找到相关段落）")
        for h in hits:
            path = " › ".join(h.passage.heading_path) or _PLACE.get(h.passage.position, "")
            label = ORIGIN_LABELS.get(h.passage.origin, "")
            tag = f"〔{h.passage.genre}{'·' + label if label else ''}〕" if h.passage.genre or label else ""
            print(f"  {h.rank}. [{h.score:.4f}] 《{h.passage.title or h.passage.doc_id}》{tag} {path}")
            print(f"     {h.passage.text[:120]}{'…' if len(h.passage.text) > 120 else ''}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from coach.eval import evaluate, load_queries
    from coach.index import open_retriever

    retriever = open_retriever(args.index, model=args.model)
    try:
        queries = load_queries(args.queries)
    except (OSError, ValueError) as exc:
        raise CoachError(f"无法读取标注查询文件 {args.queries}：{exc}") from exc
    index_of = {p.id: n for n, p in enumerate(retriever.passages)}
    texts = retriever.answer_texts()
    depth = max(args.k, 20)  # deeper than k so MRR sees ranks past the cut
    rows = {}
    # ranking quality without the floor, then what the writer gets (hybrid with the relevance floor)
    runs = [("lexical", 0, False), ("dense", 0, False), ("hybrid", 0, False), ("hybrid+floor", None, False)]
    if retriever.rewriter is not None:  # an LLM is configured: the same two rows with its rewrite
        runs += [("hybrid+llm", 0, True), ("hybrid+llm+floor", None, True)]
    for name, floor, rewrite in runs:
        def rank(query: str, mode=name.split("+")[0], floor=floor, rewrite=rewrite) -> list[int]:
            hits = retriever.search(query, k=depth, mode=mode, floor=floor, rewrite=rewrite)
            return [index_of[h.passage.id] for h in hits]

        rows[name] = evaluate(rank, texts, queries, args.k)
    calibration = []
    if not args.queries:
        from coach.eval import floor_calibration, load_offtopic
        from coach.index.retriever import RELEVANCE_FLOOR

        def best(query: str, relevant=None):
            hits = retriever.search(query, k=depth, floor=1e-9, rewrite=False)
            vals = [h.relevance for h in hits
                    if h.relevance is not None
                    and (relevant is None or any(s in texts[index_of[h.passage.id]] for s in relevant))]
            return max(vals) if vals else None

        floors = sorted({round(0.30 + 0.02 * n, 2) for n in range(16)} | {RELEVANCE_FLOOR})
        # calibrated on dev + test only: the held-out splits stay unseen by every setting
        from coach.eval import is_tuning_split

        tuned = [q for q in queries if is_tuning_split(q.get("split"))]
        calibration = floor_calibration(best, tuned, load_offtopic(), floors)
    if args.json:
        print(json.dumps({**rows, "floor_calibration": calibration}, ensure_ascii=False, indent=1))
        return 0
    names = {"lexical": "BM25（jieba）", "dense": "向量", "hybrid": "混合（RRF）", "hybrid+floor": "混合+下限",
             "hybrid+llm": "混合+改写", "hybrid+llm+floor": "混合+改写+下限"}
    key = f"recall@{args.k}"
    print(f"{len(queries)} 条查询，k={args.k}，索引 {retriever.folder}，模型 {retriever.manifest.model_id}")
    cols = sorted(rows["hybrid"]["by_split_type"])
    print(f"{'方法':<12}{'全部 ' + key:>14}{'MRR':>7}" + "".join(f"{c:>20}" for c in cols))
    for mode, row in rows.items():
        cells = "".join(f"{row['by_split_type'][c][key]:>20.3f}" for c in cols)
        print(f"{names[mode]:<12}{row[key]:>14.3f}{row['mrr']:>7.3f}{cells}")
    print("（列：划分/类型 的 " + key + "；heldout、heldout2 是留出的改写查询，不用于调参）")
    if retriever.rewriter is not None:
        print(f"“改写”行：大模型 {retriever.rewriter.settings.describe()} 先把查询改写成公文说法，"
              f"与原查询的结果融合（请求失败 {retriever.rewriter.failures} 次，失败时按原查询检索）")
    if calibration:
        print("相关度下限校准，dev+test 与无关查询（kept：标注查询仍能找到答案的比例；"
              "absent：无关查询如实返回“没有相近范文”的比例）")
        for row in calibration:
            mark = "  ← 当前下限" if abs(row["floor"] - RELEVANCE_FLOOR) < 1e-9 else ""
            print(f"  下限 {row['floor']:.2f}  kept {row['kept']:.3f}  absent {row['absent']:.3f}{mark}")
    unmatched = rows["hybrid"].get("unmatched") or []
    if unmatched:
        print(f"注意：{len(unmatched)} 条查询的标注片段不在任何段落里（可能被切段切开）：{'；'.join(unmatched[:5])}")
    return 0


def register(subparsers) -> None:
    index = subparsers.add_parser("index", help="构建检索索引")
    index_sub = index.add_subparsers(dest="index_command", metavar="ACTION")
    build = index_sub.add_parser("build", help="读取语料、计算向量并写入索引（语料和模型未变时跳过）")
    build.add_argument("--corpus", action="append", metavar="DIR", help="再加入一个语料文件夹（可重复）")
    build.add_argument("--model", metavar="NAME_OR_PATH", help="sentence-transformers 模型名或本地路径")
    build.add_argument("--out", metavar="DIR", help="索引存放的文件夹（默认在数据目录下）")
    build.add_argument("--no-seeds", action="store_true", help="不包含自带的五篇范文和示范文本")
    build.add_argument("--force", action="store_true", help="即使没有变化也重新构建")
    build.set_defaults(func=_cmd_build)
    index.set_defaults(func=lambda args: (index.print_help(), 2)[1])

    search = subparsers.add_parser("search", help="在语料中检索范例段落")
    search.add_argument("--k", type=int, default=5, help="每个查询返回几个段落（默认 5）")
    search.add_argument("--json", action="store_true", help="输出 JSON：每个查询一个列表")
    search.add_argument("--step", choices=[s.name for s in STEPS] + [s.key for s in STEPS], help="按步骤筛选段落")
    search.add_argument("--index", metavar="DIR", help="索引文件夹（默认在数据目录下）")
    search.add_argument("--genre", metavar="文种", help="只返回这一文种的段落（如 请示、通知、讲话稿）")
    search.add_argument("--exclude", action="append", metavar="DOC", help="不返回这篇语料（文档编号或文件名，可重复）")
    search.add_argument("--model", metavar="NAME_OR_PATH", help="查询所用模型（须与建索引的模型一致）")
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.set_defaults(func=_cmd_search)

    evaluate = subparsers.add_parser("eval", help="评测")
    eval_sub = evaluate.add_subparsers(dest="eval_command", metavar="WHAT")
    retrieval = eval_sub.add_parser("retrieval", help="在标注查询集上比较 BM25、向量和混合检索")
    retrieval.add_argument("--queries", metavar="FILE", help="标注查询文件（JSONL，默认用项目自带的）")
    retrieval.add_argument("--k", type=int, default=5)
    retrieval.add_argument("--index", metavar="DIR")
    retrieval.add_argument("--model", metavar="NAME_OR_PATH")
    retrieval.add_argument("--json", action="store_true")
    retrieval.set_defaults(func=_cmd_evaluate)
    evaluate.set_defaults(func=lambda args: (evaluate.print_help(), 2)[1])
