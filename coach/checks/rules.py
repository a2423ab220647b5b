"""The rules file of the outline and section checks (ids, severities, messages, thresholds).

Vale/textlint spirit: the checkers compute, ``rules.yaml`` decides what the writer reads and how loud it is.
A user file is merged over the built-in one by rule id (and by key under ``params``); a severity of
``off`` disables a rule.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coach.errors import CoachError
from coach.findings import SEVERITIES, Finding, Fix
from coach.text.decode import DecodeError, decode_text

BUILTIN_RULES_PATH = Path(__file__).with_name("rules.yaml")
# libyaml's safe loader when present: the rules are read on every check call (no module-level cache)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # error | warning | info | off
    message: str
    suggestion: str = ""
    source: str = "check"

    @property
    def enabled(self) -> bool:
        return self.severity != "off"


class _Blank(dict):
    """format_map helper: a field a custom message uses but the checker does not pass stays visible."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class RuleSet:
    rules: dict[str, Rule]
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, group: str, key: str) -> Any:
        return self.params[group][key]

    def enabled(self, rule_id: str) -> bool:
        rule = self.rules.get(rule_id)
        return rule is not None and rule.enabled

    def at(self, rule_id: str, place: Any, **kwargs: Any) -> Finding:
        """A finding located at ``place`` — an outline heading or a section: anything with ``line``, ``start``
        and ``end`` — so the checks do not repeat the three offsets at every call."""
        return self.finding(rule_id, line=getattr(place, "line", None) or None, start=getattr(place, "start", None),
                            end=getattr(place, "end", None), **kwargs)

    def finding(
        self,
        rule_id: str,
        *,
        line: int | None = None,
        start: int | None = None,
        end: int | None = None,
        fix: Fix | None = None,
        severity: str | None = None,
        family: str = "outline",
        extra: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Finding:
        rule = self.rules[rule_id]
        values = _Blank({k: v for k, v in fields.items()})
        return Finding(
            rule=rule_id,
            severity=severity or rule.severity,
            message=rule.message.format_map(values),
            suggestion=rule.suggestion.format_map(values) or None,
            start=start,
            end=end,
            line=line,
            family=family,
            source=rule.source,
            fix=fix,
            extra=dict(extra or {}),
        )


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(decode_text(path.read_bytes())[0], Loader=_SAFE_LOADER) or {}
    except OSError as exc:
        raise CoachError(f"无法读取规则文件 {path}：{exc.strerror or exc}。请检查路径。") from exc
    except DecodeError as exc:
        raise CoachError(f"规则文件 {path} {exc}请存为 UTF-8 文本后再试。") from exc
    except yaml.YAMLError as exc:
        raise CoachError(f"规则文件 {path} 不是有效的 YAML：{exc}。请修正后再试。") from exc
    if not isinstance(data, dict):
        raise CoachError(f"规则文件 {path} 的顶层应是映射（rules: / params:）。")
    return data


def _merge(base: dict[str, Any], extra: dict[str, Any], path: Path) -> None:
    for rule_id, entry in (extra.get("rules") or {}).items():
        if not isinstance(entry, dict):
            raise CoachError(f"规则文件 {path} 中 {rule_id} 应是映射（severity/message/suggestion）。")
        base.setdefault("rules", {}).setdefault(rule_id, {}).update(entry)
    for group, values in (extra.get("params") or {}).items():
        if not isinstance(values, dict):
            raise CoachError(f"规则文件 {path} 中 params.{group} 应是映射。")
        base.setdefault("params", {}).setdefault(group, {}).update(values)


def load_rules(*extra_paths: str | Path) -> RuleSet:
    """The built-in rules, with each file in ``extra_paths`` merged over them in order."""
    data = copy.deepcopy(_read_yaml(BUILTIN_RULES_PATH))
    for extra in extra_paths:
        path = Path(extra)
        _merge(data, _read_yaml(path), path)
    rules: dict[str, Rule] = {}
    for rule_id, entry in (data.get("rules") or {}).items():
        severity = str(entry.get("severity", "warning"))
        if severity not in SEVERITIES + ("off",):
            raise CoachError(
                f"规则 {rule_id} 的 severity “{severity}” 无效，应为 error、warning、info 或 off。"
            )
        if not entry.get("message"):
            raise CoachError(f"规则 {rule_id} 缺少 message。")
        rules[rule_id] = Rule(
            id=rule_id,
            severity=severity,
            message=str(entry["message"]),
            suggestion=str(entry.get("suggestion") or ""),
            source=str(entry.get("source") or "check"),
        )
    return RuleSet(rules=rules, params=data.get("params") or {})
