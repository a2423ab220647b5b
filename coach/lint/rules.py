"""Lint rules are data: YAML files under ``coach/lint/rules/`` plus any file a user adds.

A rule file holds ``rules: [ {...}, ... ]``. Each rule has an id, severity (error/warning/info), family,
source (regulation/standard/practice), message and suggestion in Chinese, an explanation the coach can
quote, examples that must / must not trigger it (tested), and exactly one way to find problems:

- ``pattern``: a regular expression (the ``regex`` module: ``\\p{Han}``, variable-width look-behind);
  ``replacement`` is a template for ``match.expand`` (``\\1``, ``\\g<name>``);
- ``words``: a mapping wrong → right (a word list compiled into one alternation);
- ``checker``: the name of a Python function in the checker registry (``coach.lint.checkers``), with
  ``params``.

Optional context conditions (``before``/``not_before``/``after``/``not_after``: regexes that must or
must not match right before/after a hit, within ``window`` characters), ``genres`` (the rule runs only
for these 文种), ``protect`` (default true: skip hits inside URLs and e-mail addresses).

Rules that read a project, not only a text (the steps' ``rules.yaml``, the 请示/报告 rules): ``fields`` (what
the rule reads: "text", "outline", 立意卡 fields such as "title"/"thesis", or "facts"; default text and
outline), ``when``/``unless`` (facts about the project that must / must not hold: ``{family: speech}``,
``{has_title: false}``, ``{target_chars: {le: 0}}``; see coach.lint.subjects.project_facts), ``overrides``
(``[{when: …, severity: …, source: …}]``), ``aliases`` (former ids that still name the rule). Their examples
may be ``{text: …, field: thesis}`` or a whole ``{project: {brief: …, draft: …}}`` run through the step.

Users add their own files with ``load_rules(extra_paths=...)`` or the environment variable
``COACH_LINT_RULES`` (files or folders, separated by ``os.pathsep``). A broken user file raises
``LintRuleError`` naming the file and the problem; the built-in rules are never affected by it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import regex
import yaml

from coach.errors import CoachError
from coach.findings import SEVERITIES
from coach.lint.checkers import CHECKERS
from coach.lint.types import Rule
from coach.text.decode import DecodeError, decode_text

SOURCES = ("regulation", "standard", "practice", "check")  # check: a completeness check of ours (立意卡 …)
BUILTIN_RULES_DIR = Path(__file__).resolve().parent / "rules"
ENV_VAR = "COACH_LINT_RULES"

_REQUIRED = ("id", "severity", "family", "source", "message", "suggestion", "explanation", "examples")
_KNOWN_KEYS = set(_REQUIRED) | {
    "title", "keywords", "pattern", "words", "checker", "params", "replacement", "safe",
    "before", "not_before", "after", "not_after", "window", "genres", "protect", "flags", "skip_latin_lines",
    "fields", "when", "unless", "overrides", "aliases",
}
_EXAMPLE_TEXT_KEYS = {"text", "genre", "field"}
_EXAMPLE_PROJECT_KEYS = {"project", "note"}


class LintRuleError(CoachError):
    """A rule file cannot be used: the message names the file, the rule and the problem (Chinese)."""


def _fail(origin: str, rule_id: str | None, problem: str) -> LintRuleError:
    where = f"规则文件“{origin}”" + (f"中的规则“{rule_id}”" if rule_id else "")
    return LintRuleError(f"{where}有问题：{problem}。请修改该文件后重试（内置规则不受影响）。")


def _str_tuple(value: Any, origin: str, rule_id: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise _fail(origin, rule_id, f"“{key}”应当是字符串列表")


def _examples(value: Any, origin: str, rule_id: str, key: str) -> tuple[str | dict[str, str], ...]:
    """Example sentences: strings, ``{text: ..., genre: ..., field: ...}`` when the rule needs a 文种 or reads a
    立意卡 field, or ``{project: {...}, note: ...}`` — a whole project (立意卡, draft, versions) for the rules a
    step runs on a project (coach.lint.subjects)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    out: list[str | dict[str, str]] = []
    for item in value:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("text"), str) and set(item) <= _EXAMPLE_TEXT_KEYS:
            out.append({k: str(v) for k, v in item.items()})
        elif isinstance(item, dict) and isinstance(item.get("project"), dict) and set(item) <= _EXAMPLE_PROJECT_KEYS:
            out.append(dict(item))
        else:
            raise _fail(origin, rule_id, f"“{key}”中的例句应当是字符串、{{text: ..., genre: ...}} 或 {{project: ...}}")
    return tuple(out)


def _check_regex(pattern: Any, origin: str, rule_id: str, key: str) -> None:
    if not isinstance(pattern, str) or not pattern:
        raise _fail(origin, rule_id, f"“{key}”应当是非空的正则表达式字符串")
    try:
        regex.compile(pattern, regex.V0)
    except regex.error as exc:
        raise _fail(origin, rule_id, f"“{key}”不是合法的正则表达式（{exc}）") from None


def parse_rule(raw: Any, origin: str, checker_names: Iterable[str] | None = None) -> Rule:
    """Validate one rule mapping and build a ``Rule``; raise ``LintRuleError`` with a Chinese message."""
    if not isinstance(raw, dict):
        raise _fail(origin, None, "每条规则应当是一个键值映射（id、severity、message ……）")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise _fail(origin, None, "有一条规则缺少“id”")
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise _fail(origin, rule_id, "缺少必填项 " + "、".join(f"“{k}”" for k in missing))
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        raise _fail(origin, rule_id, "有不认识的键 " + "、".join(f"“{k}”" for k in unknown))
    severity, source = raw["severity"], raw["source"]
    if severity not in SEVERITIES:
        raise _fail(origin, rule_id, f"severity 应为 error、warning 或 info，而不是 {severity!r}")
    if source not in SOURCES:
        raise _fail(origin, rule_id, f"source 应为 regulation、standard 或 practice，而不是 {source!r}")
    if source == "practice" and severity == "error":
        raise _fail(origin, rule_id, "来源为 practice（惯例）的规则不能定为 error，请改为 warning 或 info")
    for key in ("message", "suggestion", "explanation", "family"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _fail(origin, rule_id, f"“{key}”应当是非空的中文说明")
    kinds = [k for k in ("pattern", "words", "checker") if raw.get(k) is not None]
    if len(kinds) != 1:
        raise _fail(origin, rule_id, "必须且只能有 pattern、words、checker 三者之一")
    if "pattern" in kinds:
        _check_regex(raw["pattern"], origin, rule_id, "pattern")
    words = raw.get("words")
    if words is not None:
        if not isinstance(words, dict) or not words or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in words.items()
        ):
            raise _fail(origin, rule_id, "“words”应当是“错误写法: 正确写法”的非空映射")
    checker = raw.get("checker")
    if checker is not None:
        if not isinstance(checker, str):
            raise _fail(origin, rule_id, "“checker”应当是检查函数的名字")
        if checker_names is not None and checker not in set(checker_names):
            raise _fail(origin, rule_id, f"没有名为 {checker!r} 的检查函数")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise _fail(origin, rule_id, "“params”应当是键值映射")
    for key in ("before", "not_before", "after", "not_after"):
        if raw.get(key) is not None:
            _check_regex(raw[key], origin, rule_id, key)
    replacement = raw.get("replacement")
    if replacement is not None and not isinstance(replacement, str):
        raise _fail(origin, rule_id, "“replacement”应当是字符串")
    safe = raw.get("safe", False)
    if not isinstance(safe, bool):
        raise _fail(origin, rule_id, "“safe”应当是 true 或 false")
    window = raw.get("window", 20)
    if not isinstance(window, int) or not 1 <= window <= 200:
        raise _fail(origin, rule_id, "“window”应当是 1 到 200 之间的整数")
    examples = raw["examples"]
    if not isinstance(examples, dict) or not set(examples) <= {"match", "no_match"}:
        raise _fail(origin, rule_id, "“examples”应当形如 {match: [...], no_match: [...]}")
    ex = {
        "match": _examples(examples.get("match"), origin, rule_id, "examples.match"),
        "no_match": _examples(examples.get("no_match"), origin, rule_id, "examples.no_match"),
    }
    if not ex["match"]:
        raise _fail(origin, rule_id, "“examples.match”至少要有一个会触发本规则的例句")
    flags = _str_tuple(raw.get("flags"), origin, rule_id, "flags")
    if not set(flags) <= {"IGNORECASE", "MULTILINE"}:
        raise _fail(origin, rule_id, "“flags”只支持 IGNORECASE、MULTILINE")
    conditions = {}
    for key in ("when", "unless"):
        value = raw.get(key) or {}
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise _fail(origin, rule_id, f"“{key}”应当是“事实名: 取值”的映射")
        conditions[key] = dict(value)
    overrides = raw.get("overrides") or []
    if not isinstance(overrides, list) or not all(
        isinstance(o, dict) and isinstance(o.get("when"), dict) and set(o) <= {"when", "severity", "source"}
        and o.get("severity", severity) in SEVERITIES and o.get("source", source) in SOURCES for o in overrides
    ):
        raise _fail(origin, rule_id, "“overrides”应当是 [{when: {...}, severity: ..., source: ...}] 列表")
    protect = raw.get("protect", True)
    skip_latin = raw.get("skip_latin_lines", True)
    if not isinstance(protect, bool) or not isinstance(skip_latin, bool):
        raise _fail(origin, rule_id, "“protect”“skip_latin_lines”应当是 true 或 false")
    return Rule(
        id=rule_id.strip(),
        severity=severity,
        family=raw["family"].strip(),
        source=source,
        message=raw["message"].strip(),
        suggestion=raw["suggestion"].strip(),
        explanation=raw["explanation"].strip(),
        examples=ex,
        title=str(raw.get("title") or "").strip(),
        keywords=_str_tuple(raw.get("keywords"), origin, rule_id, "keywords"),
        pattern=raw.get("pattern"),
        words=dict(words) if words is not None else None,
        checker=checker,
        params=dict(params),
        replacement=replacement,
        safe=safe,
        before=raw.get("before"),
        not_before=raw.get("not_before"),
        after=raw.get("after"),
        not_after=raw.get("not_after"),
        window=window,
        genres=_str_tuple(raw.get("genres"), origin, rule_id, "genres"),
        protect=protect,
        skip_latin_lines=skip_latin,
        flags=flags,
        origin=origin,
        fields=_str_tuple(raw.get("fields"), origin, rule_id, "fields"),
        when=conditions["when"],
        unless=conditions["unless"],
        overrides=tuple(dict(o) for o in overrides),
        aliases=_str_tuple(raw.get("aliases"), origin, rule_id, "aliases"),
    )


_COMPARISONS = {"lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b,
                "ge": lambda a, b: a >= b, "ne": lambda a, b: a != b}


def _fact_holds(actual: Any, expected: Any) -> bool:
    """One condition: a list = one of, a bool = truthiness, a mapping = comparisons ({le: 0}, {not: [...]})."""
    if isinstance(expected, dict):
        try:
            return all(
                (actual not in (v if isinstance(v, list) else [v])) if op == "not"
                else (actual is not None and _COMPARISONS[op](actual, v))
                for op, v in expected.items()
            )
        except (KeyError, TypeError):
            return False
    if isinstance(expected, list):
        return actual in expected
    if isinstance(expected, bool):
        return bool(actual) is expected
    return actual == expected


def conditions_hold(rule: Rule, facts: dict[str, Any]) -> bool:
    """All of ``when`` hold and none of ``unless``. A fact the caller does not know never holds."""
    if any(k not in facts or not _fact_holds(facts[k], v) for k, v in rule.when.items()):
        return False
    return not any(k in facts and _fact_holds(facts[k], v) for k, v in rule.unless.items())


def effective_level(rule: Rule, facts: dict[str, Any]) -> tuple[str, str]:
    """(severity, source) after the first override whose ``when`` holds (请示's wrong direction is an error)."""
    for o in rule.overrides:
        if all(k in facts and _fact_holds(facts[k], v) for k, v in o["when"].items()):
            return o.get("severity", rule.severity), o.get("source", rule.source)
    return rule.severity, rule.source


def load_rule_file(path: str | os.PathLike[str], checker_names: Iterable[str] | None = None) -> list[Rule]:
    """Read one YAML rule file. Any problem → ``LintRuleError`` naming the file."""
    p = Path(path)
    origin = str(p)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise _fail(origin, None, f"无法读取（{exc.strerror or exc}）") from None
    try:
        text = decode_text(data)[0]
    except DecodeError:
        raise _fail(origin, None, "不是能识别编码的文本文件（请存为 UTF-8）") from None
    try:
        # the C loader when PyYAML has it: the built-in rule files load in ~0.05 s instead of ~0.5 s
        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise _fail(origin, None, f"YAML 格式错误{where}（{getattr(exc, 'problem', None) or exc}）") from None
    if isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict) and isinstance(doc.get("rules"), list):
        items = doc["rules"]
    else:
        raise _fail(origin, None, "文件应当包含“rules:”列表")
    names = list(checker_names) if checker_names is not None else None
    rules = [parse_rule(item, origin, names) for item in items]
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise _fail(origin, r.id, "同一文件中规则 id 重复")
        seen.add(r.id)
    return rules


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        if not str(raw).strip():
            continue
        p = Path(raw).expanduser()
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() in (".yaml", ".yml")))
        else:
            out.append(p)  # a missing file is reported by load_rule_file, with its name
    return out


def user_rule_paths(extra_paths: Sequence[str | os.PathLike[str]] = ()) -> list[Path]:
    """User rule files: those named by ``COACH_LINT_RULES`` first, then ``extra_paths``."""
    env = os.environ.get(ENV_VAR, "")
    return _expand([*env.split(os.pathsep), *extra_paths])


def load_builtin_rules() -> list[Rule]:
    """The rules shipped in ``coach/lint/rules/*.yaml``."""
    names = list(CHECKERS)
    by_id: dict[str, Rule] = {}
    for path in sorted(BUILTIN_RULES_DIR.glob("*.yaml")):
        for r in load_rule_file(path, names):
            if r.id in by_id:
                raise _fail(str(path), r.id, f"规则 id 与 {by_id[r.id].origin} 中的重复")
            by_id[r.id] = r
    return list(by_id.values())


def load_rules(
    extra_paths: Sequence[str | os.PathLike[str]] = (), errors: list[LintRuleError] | None = None
) -> list[Rule]:
    """Built-in rules plus user rule files (``COACH_LINT_RULES``, then ``extra_paths``).

    A user rule with the same id as a built-in one replaces it (an office can retune a severity).
    A broken user file raises ``LintRuleError`` (Chinese, naming the file and the problem); when a list
    is passed as ``errors`` the file is skipped instead and its error appended, so the built-in rules
    and the other files still work.
    """
    names = list(CHECKERS)
    by_id = {r.id: r for r in load_builtin_rules()}
    for path in user_rule_paths(extra_paths):
        try:
            rules = load_rule_file(path, names)
        except LintRuleError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        for r in rules:
            by_id[r.id] = r
    return list(by_id.values())


