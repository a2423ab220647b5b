"""修容: the 公文 linter. Rules are data (``coach/lint/rules/*.yaml`` plus user files); the engine
(``Linter``) compiles them once and reports ``coach.findings.Finding``s with offsets and fixes.

    from coach.lint import Linter, lint, apply_safe_fixes, find_rules
    findings = lint("截止5月15日，各各单位已上报。")
"""

from coach.lint.checkers import CHECKERS, Hit, register_checker
# the checkers for project rules (立意卡 fields, facts, 文种 data) register themselves on import, so every rule
# file can name them however the package is first imported
from coach.lint import fact_checkers as _fact_checkers  # noqa: F401
from coach.lint.engine import Linter, LintContext, check_examples, default_linter, excerpt, find_rules, lint
from coach.lint.fixes import apply_fix, apply_safe_fixes
from coach.lint.rules import BUILTIN_RULES_DIR, ENV_VAR, LintRuleError, Rule, load_builtin_rules, load_rule_file, load_rules

__all__ = [
    "BUILTIN_RULES_DIR",
    "CHECKERS",
    "ENV_VAR",
    "Hit",
    "LintContext",
    "LintRuleError",
    "Linter",
    "Rule",
    "apply_fix",
    "apply_safe_fixes",
    "check_examples",
    "default_linter",
    "excerpt",
    "find_rules",
    "lint",
    "load_builtin_rules",
    "load_rule_file",
    "load_rules",
    "register_checker",
]
