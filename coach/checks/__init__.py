"""Writing checks other than the 公文 linter: the outline (搭骨), the sections (填肉) and the revision diff (成器).

- ``coach.checks.outline``: ``parse_outline``, ``render_outline``, ``check_outline``
- ``coach.checks.sections``: ``analyze_sections``
- ``coach.checks.diff``: ``compare``

Rule ids, severities, messages and thresholds live in ``rules.yaml`` beside this file.
"""
