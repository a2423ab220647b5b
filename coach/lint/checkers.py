"""Named checkers: Python functions that rules refer to by name (``checker: doubled_char``).

The engine knows no rule by name; it looks the checker up here. A checker is registered as a *factory*:
``factory(rule) -> check`` where ``check(text, ctx) -> Iterable[Hit]``. The factory runs once when a
``Linter`` is built (precompile patterns, read ``rule.params``); ``check`` runs on every lint.

Why hand-written and not a library: pycorrector 1.1 needs transformers/datasets and a multi-GB kenlm
model downloaded at run time for its default corrector, and its offline confusion corrector ships no
confusion data of its own; autocorrect-py (Rust) formats whole lines for Markdown-style CJK spacing
(it inserts spaces between Chinese and Latin, which 公文 does not want) and reports line diffs, not
character offsets. jieba (already a dependency) gives us the dictionary and segmentation we need.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from coach.lint.patterns import compile_pattern
from coach.lint.types import Check, CheckerFactory, Hit, LintContext, Rule
from coach.text.numerals import YEAR_DIGITS, chinese_to_int, digits_value


CHECKERS: dict[str, CheckerFactory] = {}


def register_checker(name: str) -> Callable[[CheckerFactory], CheckerFactory]:
    """Decorator: make a checker factory available to rule files under ``name``."""

    def deco(factory: CheckerFactory) -> CheckerFactory:
        CHECKERS[name] = factory
        return factory

    return deco


_HAN = r"\p{Han}"


@functools.lru_cache(maxsize=1)
def shared_tokenizer() -> Any:
    """A jieba tokenizer with its default dictionary, built on first use (0.5–2 s) and then shared by all
    linters: the dictionary is read-only data, so one copy per process is enough. ``cache_clear()`` drops it."""
    import logging

    import jieba

    jieba.default_logger.setLevel(logging.WARNING)  # otherwise jieba prints "Building prefix dict …"
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def _is_han(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch == "\u3007")


# ---------------------------------------------------------------- repetition

# Characters that are commonly reduplicated (AA) in correct prose but may be missing from jieba's
# dictionary as a pair (件件, 说说 …), plus numerals (二〇〇八). Precision first: when in doubt, allow.
_REDUP_OK = set(
    "〇零一二三四五六七八九十百千万亿"
    "人天年月日时处家户村事件个条项门样点位次份句字篇本张片回场届代辈层步级环节面方"
    "说看想听问查管试走谈聊议学练做干写读改抓帮等找讲理算比量数摸跑转尝擦洗扫动歇笑哭"
    "好多大小高长慢快满稳早紧深牢轻静真实细远近白红亮常刚仅往渐偏明默久纷频悄匆"
)


@register_checker("doubled_char")
def doubled_char(rule: Rule) -> Check:
    """The same Chinese character twice (各各单位), when the pair is not a word and not AABB/ABB/AA.

    jieba decides: the pair must be absent from its dictionary, and segmenting the neighbourhood
    must leave both characters as one-character words (工作|作风, 为了|了解 are fine).
    """
    extra_ok = set(rule.params.get("allow", ""))
    # function words whose doubling is a slip even though jieba lists the pair (了了 as in 小时了了);
    # segmentation still spares 为了|了解 and 不了了之
    function_chars = set(rule.params.get("function_chars", ""))
    run = compile_pattern(rf"({_HAN})\1+")

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        n = len(text)
        for m in run.finditer(text):
            if m.end() - m.start() != 2:
                continue  # 哈哈哈, ……: three or more is deliberate or another problem
            c, i = m.group(1), m.start()
            if c in _REDUP_OK or c in extra_ok:
                continue
            if i + 3 < n and text[i + 2] == text[i + 3] and _is_han(text[i + 2]):
                continue  # AABB: 切切实实
            if i >= 2 and text[i - 2] == text[i - 1] and _is_han(text[i - 1]):
                continue  # AABB, second half
            if i >= 1 and text[i - 1] == "一":
                continue  # ABB: 一个个, 一步步
            tk = ctx.tokenizer()
            if c not in function_chars and tk.FREQ.get(c + c, 0) > 0:
                continue
            lo, hi = max(0, i - 8), min(n, i + 10)
            pos, singles = lo, set()
            for tok in tk.cut(text[lo:hi], HMM=False):
                if len(tok) == 1:
                    singles.add(pos)
                pos += len(tok)
            if i in singles and i + 1 in singles:
                yield Hit(i, i + 2, c, {"char": c})

    return check


@register_checker("repeated_word")
def repeated_word(rule: Rule) -> Check:
    """A word written twice in a row: 进一步进一步. Words of 3+ characters that are in the dictionary,
    or 2-character words listed in ``params.words`` (function words nobody doubles on purpose)."""
    two_char = set(rule.params.get("words", ()))
    pat = compile_pattern(rf"({_HAN}{{2,6}}?)\1")

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        for m in pat.finditer(text):
            unit = m.group(1)
            if len(unit) == 2:
                if unit not in two_char:
                    continue
            else:
                tk = ctx.tokenizer()
                if tk.FREQ.get(unit, 0) <= 0 or tk.FREQ.get(unit + unit, 0) > 0:
                    continue
            yield Hit(m.start(), m.end(), unit, {"word": unit})

    return check


# ---------------------------------------------------------------- punctuation

@register_checker("halfwidth_parens")
def halfwidth_parens(rule: Rule) -> Check:
    """Half-width ( ) around or beside Chinese → full-width （ ）; both of a pair at once."""
    pat = compile_pattern(r"\(([^()\n]{0,80})\)")
    skip = rule.params.get("skip_inner")
    skip_re = compile_pattern(skip) if skip else None

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        for m in pat.finditer(text):
            s, e = m.span()
            inner = m.group(1)
            if skip_re is not None and skip_re.search(inner):
                continue
            beside = (s > 0 and _is_han(text[s - 1])) or (e < len(text) and _is_han(text[e]))
            if beside or any(_is_han(ch) for ch in inner):
                yield Hit(s, e, f"（{inner}）")

    return check


@register_checker("straight_quotes")
def straight_quotes(rule: Rule) -> Check:
    """ASCII double quotes paired on one line around Chinese → “ ”. Lines with an odd count are left
    alone (we cannot tell which quote opens)."""

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        pos = 0
        for line in text.split("\n"):
            idx = [i for i, ch in enumerate(line) if ch == '"']
            if idx and len(idx) % 2 == 0:
                for a, b in zip(idx[0::2], idx[1::2], strict=True):
                    inner = line[a + 1 : b]
                    if inner and any(_is_han(ch) for ch in inner):
                        yield Hit(pos + a, pos + b + 1, f"“{inner}”")
            pos += len(line) + 1

    return check


# ---------------------------------------------------------------- sentences

@register_checker("long_sentence")
def long_sentence(rule: Rule) -> Check:
    """A sentence longer than ``params.min_chars`` (up to ``params.max_chars``) without 。！？； or a
    line break. Length counts non-space characters."""
    lo = int(rule.params.get("min_chars", 121))
    hi = int(rule.params.get("max_chars", 10**9))
    end_re = compile_pattern(r"[。！？；!?;\n]|……")
    space_re = compile_pattern(r"\s")

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        start = 0
        for m in [*end_re.finditer(text), None]:
            stop = m.start() if m is not None else len(text)
            seg = text[start:stop]
            n = len(seg) - len(space_re.findall(seg)) if len(seg) >= lo else 0
            if lo <= n <= hi:
                s = start + (len(seg) - len(seg.lstrip()))
                yield Hit(s, stop, None, {"length": n})
            start = m.end() if m is not None else len(text)

    return check


# ---------------------------------------------------------------- numbers

@register_checker("chinese_date")
def chinese_date(rule: Rule) -> Check:
    """二〇二六年五月一日 → 2026年5月1日. Only a four-digit year written with Chinese digits starts a
    hit, so 十三届四中全会, 一律, 七八十 never match."""
    d = YEAR_DIGITS
    pat = compile_pattern(
        rf"([{d}]{{4}})年(?:(十[一二]?|[一二三四五六七八九])月(?:([一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])日)?)?"
    )

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        for m in pat.finditer(text):
            if m.start() > 0 and text[m.start() - 1] in d + "十":
                continue
            year = f"{digits_value(m.group(1)):04d}"
            out = f"{year}年"
            month, day = chinese_to_int(m.group(2) or ""), chinese_to_int(m.group(3) or "")
            if m.group(2):
                if month is None or not 1 <= month <= 12:
                    continue
                out += f"{month}月"
            if m.group(3):
                if day is None or not 1 <= day <= 31:
                    continue
                out += f"{day}日"
            yield Hit(m.start(), m.end(), out, {"arabic": out})

    return check


# ---------------------------------------------------------------- 文种 (genre)

@register_checker("genre_name")
def genre_name(rule: Rule) -> Check:
    """The 文种 the writer chose is not a 文种 (e.g. 请示报告). Reported at the start of the text."""
    bad = set(rule.params.get("invalid", ("请示报告",)))

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        if ctx.genre and ctx.genre.strip() in bad:
            yield Hit(0, 0, None, {"genre": ctx.genre.strip()})

    return check
