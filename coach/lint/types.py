"""The types the lint modules share — a rule, a checker's hit, what a checker may use — in a leaf module,
so that ``rules`` (loading), ``checkers`` (the named checkers) and ``engine`` (running them) import it
and not each other: types ← checkers ← rules ← engine, no cycle and no import inside a function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    family: str
    source: str
    message: str
    suggestion: str
    explanation: str
    examples: dict[str, tuple[str | dict[str, str], ...]]  # strings or {text, genre}
    title: str = ""
    keywords: tuple[str, ...] = ()
    pattern: str | None = None
    words: dict[str, str] | None = None
    checker: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    replacement: str | None = None
    safe: bool = False
    before: str | None = None
    not_before: str | None = None
    after: str | None = None
    not_after: str | None = None
    window: int = 20
    genres: tuple[str, ...] = ()
    protect: bool = True
    skip_latin_lines: bool = True  # a line of English prose (more Latin letters than Chinese characters, 3+ words) is not checked
    flags: tuple[str, ...] = ()
    origin: str = ""  # the file the rule came from
    # where the rule looks: "text" (a document: draft, outline) and/or named fields of a project ("title",
    # "thesis" … of the 立意卡, "facts" for rules that judge facts only); () = the text only. One rule can
    # read several, so the 请示 一文一事 rule is written once and found at 立意, 搭骨 and 修容 alike.
    fields: tuple[str, ...] = ()
    when: dict[str, Any] = field(default_factory=dict)  # facts that must all hold (coach.lint.rules.conditions_hold)
    unless: dict[str, Any] = field(default_factory=dict)  # the rule is skipped when any of these holds
    overrides: tuple[dict[str, Any], ...] = ()  # [{when: {...}, severity, source}]: louder in some cases
    aliases: tuple[str, ...] = ()  # former ids (a rule that was written in two places keeps both names)

    def reads(self, name: str) -> bool:
        """Does the rule look at ``name`` ("text", "outline", a 立意卡 field, "facts")?"""
        if not self.fields:
            return name in ("text", "outline")
        return name in self.fields

    @property
    def kind(self) -> str:
        return "pattern" if self.pattern is not None else "words" if self.words is not None else "checker"

    @property
    def fixable(self) -> bool:
        return self.replacement is not None or self.words is not None or bool(self.params.get("fixable"))

    def terms(self) -> tuple[str, ...]:
        """Words a writer might use when asking about this rule (for ``find_rules``)."""
        out = [self.id, *self.aliases, self.title, *self.keywords]
        if self.words:
            out.extend(self.words.keys())
            out.extend(v for v in self.words.values() if v)
        return tuple(t for t in out if t)


@dataclass(frozen=True)
class Hit:
    """What a checker found: ``text[start:end]``, an optional replacement, values for the message."""

    start: int
    end: int
    replacement: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class LintContext:
    """What a checker may use besides the text: the 文种, the jieba tokenizer (built on first use), what the
    caller knows about the document (``facts``: 文种 family, direction, 立意卡 … see coach.lint.subjects) and
    what ``text`` is (``where``: "text", "outline" or a 立意卡 field such as "title")."""

    text: str
    genre: str | None
    _tokenizer: Callable[[], Any]  # the linter's tokenizer, built on first use
    facts: dict[str, Any] = field(default_factory=dict)
    where: str = "text"

    def tokenizer(self) -> Any:
        return self._tokenizer()


Check = Callable[[str, LintContext], Iterable[Hit]]
CheckerFactory = Callable[[Rule], Check]
