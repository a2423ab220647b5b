"""The lint engine: compiles rules once (``Linter``), runs them over a text, reports ``Finding``s.

The engine knows no rule by name. It understands three rule kinds (pattern, words, checker), context
conditions, 文种 filters and protected spans (URLs, e-mail addresses), and turns hits into findings
with character offsets, 1-based lines and, where the rule has one, a ``Fix``.
"""

from __future__ import annotations

import bisect
import functools
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import re


from coach.findings import Finding, Fix
from coach.lint.checkers import CHECKERS, shared_tokenizer
from coach.lint.patterns import compile_pattern
from coach.lint.rules import ENV_VAR, LintRuleError, conditions_hold, effective_level, load_rules
from coach.lint.types import Check, Hit, LintContext, Rule

# URLs and e-mail addresses keep their half-width punctuation.
_PROTECTED = re.compile(
    r"(?:https?|ftp)://[!-~]+|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[!-~]*|[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    re.ASCII,
)
_FIELD = re.compile(r"\{(\w+)\}")
_NEWLINE = re.compile("\n")
# A line is English prose when it has more Latin letters than Chinese characters AND at least three Latin words:
# "</script>。截止5月15日。" has more letters but one word (Chinese prose with a tag in it, still checked).
_LATIN = re.compile("[A-Za-z]")
_LATIN_WORD = re.compile("[A-Za-z]+")
_MIN_LATIN_WORDS = 3
_HAN = compile_pattern(r"\p{Han}")
# A cap per rule so that a megabyte of garbage cannot produce a million findings.
MAX_FINDINGS_PER_RULE = 5000


@dataclass
class _Compiled:
    rule: Rule
    order: int
    check: Check
    before: Any = None
    not_before: Any = None
    after: Any = None
    not_after: Any = None
    genres: frozenset[str] = field(default_factory=frozenset)


def _pattern_check(rule: Rule) -> Check:
    pat = compile_pattern(rule.pattern or "", rule.flags)
    repl = rule.replacement

    template = repl is not None and "\\" in repl  # expand() parses its template each call: only when needed

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        for m in pat.finditer(text):
            yield Hit(m.start(), m.end(), m.expand(repl) if template else repl)

    return check


def _words_check(rule: Rule) -> Check:
    words = rule.words or {}
    # longest first, so 默守陈规 wins over any shorter entry it contains
    alts = sorted(words, key=len, reverse=True)
    pat = re.compile("|".join(re.escape(w) for w in alts))

    def check(text: str, ctx: LintContext) -> Iterator[Hit]:
        for m in pat.finditer(text):
            right = words.get(m.group())
            yield Hit(m.start(), m.end(), right or None, {"right": right or ""})

    return check


def _compile(rule: Rule, order: int) -> _Compiled:
    if rule.kind == "pattern":
        check = _pattern_check(rule)
    elif rule.kind == "words":
        check = _words_check(rule)
    else:
        factory = CHECKERS.get(rule.checker or "")
        if factory is None:
            raise LintRuleError(f"规则文件 {rule.origin} 中的规则 “{rule.id}”有问题：没有名为 {rule.checker!r} 的检查函数。")
        check = factory(rule)
    c = _Compiled(rule=rule, order=order, check=check, genres=frozenset(g.strip() for g in rule.genres))
    if rule.before:
        c.before = compile_pattern(f"(?:{rule.before})\\Z")
    if rule.not_before:
        c.not_before = compile_pattern(f"(?:{rule.not_before})\\Z")
    if rule.after:
        c.after = compile_pattern(rule.after)
    if rule.not_after:
        c.not_after = compile_pattern(rule.not_after)
    return c


def _format(template: str, values: dict[str, Any]) -> str:
    return _FIELD.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


class Linter:
    """Holds compiled rules. Build once, call ``lint`` many times.

    ``rules``: the rules to use (default: ``load_rules()`` — built-in plus ``COACH_LINT_RULES``).
    """

    def __init__(self, rules: Sequence[Rule] | None = None) -> None:
        self.rules: list[Rule] = list(load_rules() if rules is None else rules)
        self._compiled = [_compile(r, i) for i, r in enumerate(self.rules)]
        self._by_id = {a: r for r in self.rules for a in r.aliases}  # a former id still names its rule
        self._by_id.update({r.id: r for r in self.rules})
        self.rule_errors: list[LintRuleError] = []  # user rule files that were skipped (see from_paths)

    @classmethod
    def from_paths(cls, extra_paths: Sequence[str | os.PathLike[str]] = (), *, skip_broken: bool = True) -> Linter:
        """Built-in rules plus user files (``COACH_LINT_RULES`` and ``extra_paths``). With ``skip_broken``
        a broken user file is left out and its Chinese error kept in ``rule_errors`` (the built-in rules
        still work); otherwise ``LintRuleError`` is raised."""
        errors: list[LintRuleError] | None = [] if skip_broken else None
        linter = cls(load_rules(extra_paths, errors=errors))
        linter.rule_errors = list(errors or [])
        return linter

    def rule(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def tokenizer(self) -> Any:
        """The jieba tokenizer (see ``coach.lint.checkers.shared_tokenizer``)."""
        return shared_tokenizer()

    def lint(self, text: str, genre: str | None = None, *, field: str = "text",
             facts: dict[str, Any] | None = None) -> list[Finding]:
        """All findings for ``text`` (offsets are ``str`` indices into ``text``), sorted by position.

        ``field``: what ``text`` is — a document ("text", the default; "outline") or a 立意卡 field ("title" …);
        only the rules that read it run (``Rule.reads``). ``facts``: what rules' ``when``/``unless`` test and
        messages may quote (see coach.lint.subjects.project_facts); the 文种 is always among them.
        """
        if not isinstance(text, str):
            raise TypeError("lint() 需要字符串文本")
        genre = genre.strip() if isinstance(genre, str) and genre.strip() else None
        facts = {"genre": genre, **(facts or {})}
        ctx = LintContext(text=text, genre=genre, _tokenizer=self.tokenizer, facts=facts, where=field)
        protected = [m.span() for m in _PROTECTED.finditer(text)] if ("/" in text or "@" in text or "www." in text) else []
        p_starts = [s for s, _ in protected]
        line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        out: list[tuple[int, int, int, Finding]] = []
        n = len(text)
        latin_line: dict[int, bool] = {}

        def is_latin_line(pos: int) -> bool:
            i = bisect.bisect_right(line_starts, pos) - 1
            if i not in latin_line:
                a = line_starts[i]
                b = line_starts[i + 1] - 1 if i + 1 < len(line_starts) else n
                seg = text[a:b]
                latin_line[i] = (len(_LATIN.findall(seg)) > len(_HAN.findall(seg))
                                 and len(_LATIN_WORD.findall(seg)) >= _MIN_LATIN_WORDS)
            return latin_line[i]

        for c in self._compiled:
            if c.genres and genre not in c.genres:
                continue
            if not c.rule.reads(field):
                continue
            if (c.rule.when or c.rule.unless) and not conditions_hold(c.rule, facts):
                continue
            count = 0
            for hit in c.check(text, ctx):
                s, e = hit.start, hit.end
                if not (0 <= s <= e <= n):
                    continue  # a checker bug must not produce offsets outside the text
                if c.rule.protect and protected and _overlaps(protected, p_starts, s, e):
                    continue
                if not _context_ok(c, text, s, e):
                    continue
                if c.rule.skip_latin_lines and is_latin_line(s):
                    continue
                out.append((s, c.order, e, self._finding(c.rule, text, hit, line_starts, facts)))
                count += 1
                if count >= MAX_FINDINGS_PER_RULE:
                    break
        out.sort(key=lambda t: (t[0], t[1], t[2]))
        return [f for *_, f in out]

    def _finding(self, rule: Rule, text: str, hit: Hit, line_starts: list[int],
                 facts: dict[str, Any]) -> Finding:
        found = text[hit.start : hit.end]
        values = {**{k: v for k, v in facts.items() if v is not None}, "found": found,
                  "replacement": hit.replacement or "", **hit.fields}
        severity, source = effective_level(rule, facts) if rule.overrides else (rule.severity, rule.source)
        fix = None
        if hit.replacement is not None and hit.replacement != found:
            fix = Fix(hit.start, hit.end, hit.replacement, rule.safe)
        line = bisect.bisect_right(line_starts, hit.start)
        col = hit.start - line_starts[line - 1] + 1
        extra: dict[str, Any] = {"found": found, "column": col, "excerpt": excerpt(text, hit.start, hit.end)}
        if rule.title:
            extra["title"] = rule.title
        return Finding(
            rule=rule.id,
            severity=severity,
            message=_format(rule.message, values),
            suggestion=_format(rule.suggestion, values),
            start=hit.start,
            end=hit.end,
            line=line,
            family=rule.family,
            source=source,
            fix=fix,
            extra=extra,
        )


def _overlaps(spans: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    i = bisect.bisect_right(starts, max(s, e - 1)) - 1
    return i >= 0 and spans[i][1] > s and spans[i][0] < max(e, s + 1)


def _context_ok(c: _Compiled, text: str, s: int, e: int) -> bool:
    w = c.rule.window
    if c.before is not None or c.not_before is not None:
        left = text[max(0, s - w) : s]
        if c.before is not None and not c.before.search(left):
            return False
        if c.not_before is not None and c.not_before.search(left):
            return False
    if c.after is not None or c.not_after is not None:
        right = text[e : e + w]
        if c.after is not None and not c.after.match(right):
            return False
        if c.not_after is not None and c.not_after.match(right):
            return False
    return True


def excerpt(text: str, start: int, end: int, width: int = 12) -> str:
    """The finding in its neighbourhood, on one line: ``…前文【问题】后文…``."""
    nl = text.rfind("\n", max(0, start - width), start)
    a = nl + 1 if nl >= 0 else max(0, start - width)
    nr = text.find("\n", end, end + width)
    b = nr if nr >= 0 else min(len(text), end + width)
    head = "…" if a > 0 and text[a - 1] != "\n" else ""
    tail = "…" if b < len(text) and text[b] != "\n" else ""
    mid = text[start:end].replace("\n", "⏎")
    return f"{head}{text[a:start]}【{mid}】{text[end:b]}{tail}"


def check_examples(linter: Linter, rules: Iterable[Rule] | None = None) -> list[str]:
    """Run every rule's ``examples`` (match / no_match) through ``linter``; return the failures as Chinese
    sentences naming file, rule and example. An empty list means every example behaves as documented —
    what a house-style author runs after writing a rule file (``coach lint --check-rules``)."""
    problems: list[str] = []
    for rule in linter.rules if rules is None else rules:
        for kind in ("match", "no_match"):
            for ex in rule.examples.get(kind, ()):
                if isinstance(ex, dict) and "project" in ex:
                    continue  # a whole project: its step runs it (coach.lint.subjects.check_project_examples)
                text, genre = (ex, None) if isinstance(ex, str) else (ex["text"], ex.get("genre"))
                field = "text" if isinstance(ex, str) else ex.get("field", "text")
                if field == "text" and rule.fields and not rule.reads("text"):
                    field = rule.fields[0]  # a rule on 立意卡 fields only: its examples are such a field
                if genre is None and rule.genres:
                    genre = rule.genres[0]
                hit = any(f.rule == rule.id for f in linter.lint(text, genre=genre, field=field))
                if kind == "match" and not hit:
                    problems.append(f"{rule.origin}：规则“{rule.id}”应当报告例句“{text}”，但没有报告。")
                elif kind == "no_match" and hit:
                    problems.append(f"{rule.origin}：规则“{rule.id}”不应报告例句“{text}”，但报告了。")
    return problems


@functools.lru_cache(maxsize=4)
def _cached_linter(env_value: str) -> Linter:
    return Linter.from_paths((), skip_broken=True)


def default_linter() -> Linter:
    """The shared linter for ``lint()`` and ``find_rules()``: built-in rules plus ``COACH_LINT_RULES``.

    Cached (functools.lru_cache) per value of ``COACH_LINT_RULES``, so changing the variable gives a
    fresh linter; ``default_linter.cache_clear()`` drops the cache (e.g. after editing a rule file).
    """
    return _cached_linter(os.environ.get(ENV_VAR, ""))


default_linter.cache_clear = _cached_linter.cache_clear  # type: ignore[attr-defined]


def lint(text: str, genre: str | None = None) -> list[Finding]:
    """Lint ``text`` with the default linter (see ``default_linter``)."""
    return default_linter().lint(text, genre=genre)


_QUESTION_NOISE = re.compile(r"怎么区分|如何区分|区别|怎么用|怎么写|是什么|什么|哪个|对吗|吗|呢|和|与|还是|[？?，,。！!\s]")


def find_rules(query: str, rules: Iterable[Rule] | None = None) -> list[Rule]:
    """Rules a writer's question is about, best first: “截止和截至怎么区分？” → the 截止/截至 rules.

    A rule scores by the length of its id, title, keywords and listed words that occur in the question;
    failing that, by question words (question noise removed) that occur in its title or explanation.
    """
    pool = list(default_linter().rules if rules is None else rules)
    q = (query or "").strip()
    if not q:
        return []
    scored: list[tuple[int, int, Rule]] = []
    for i, r in enumerate(pool):
        score = sum(len(t) for t in set(r.terms()) if len(t) >= 2 and t in q)
        if score:
            scored.append((score, -i, r))
    if not scored:
        parts = [p for p in _QUESTION_NOISE.split(q) if len(p) >= 2]
        for i, r in enumerate(pool):
            hay = f"{r.title} {r.message} {r.explanation}"
            score = sum(len(p) for p in parts if p in hay)
            if score:
                scored.append((score, -i, r))
    scored.sort(key=lambda t: (-t[0], -t[1]))
    return [r for *_, r in scored]
