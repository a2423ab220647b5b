"""搭骨's checks on an outline: structural ones (numbering, levels, punctuation, depth, count, 对仗) that need
only jieba, and semantic ones (sibling overlap, relation to the thesis) that need an ``embed`` callable
(list[str] -> L2-normalised vectors); pass ``embed=None`` to skip them. Ids, severities, messages and
thresholds are in ``coach/checks/rules.yaml``.
"""

from __future__ import annotations

import statistics

from coach.checks.outline.model import LEVEL_NAMES, STANDARD_LEVELS, Embed, Outline, OutlineNode, parse_outline
from coach.checks.outline.similarity import parallel_entries, overlap_scores, thesis_scores
from coach.checks.outline.words import Tagger
from coach.checks.rules import RuleSet, load_rules
from coach.findings import Finding, Fix
from coach.text.headings import canonical_marker, marker_kind, match_marker


def check_outline(
    outline_or_text: Outline | str,
    thesis: str | None = None,
    embed: Embed | None = None,
    *,
    rules: RuleSet | None = None,
) -> list[Finding]:
    """Every finding on the outline, in line order. ``embed`` (list[str] -> normalised vectors) enables the
    semantic checks (sibling overlap by embedding, relation to ``thesis``); without it overlap is judged
    on shared content words only and the thesis check uses shared words only."""
    outline = parse_outline(outline_or_text) if isinstance(outline_or_text, str) else outline_or_text
    rules = rules or load_rules()
    findings: list[Finding] = []
    if not outline.roots:
        if rules.enabled("outline.empty"):
            findings.append(rules.finding("outline.empty", line=1 if outline.source else None))
        return findings
    for checker in (_check_markers, _check_levels, _check_sequence, _check_count, _check_text):
        findings.extend(checker(outline, rules))
    tagger = Tagger()
    findings.extend(_check_parallel(outline, rules, tagger))
    findings.extend(_check_overlap(outline, rules, embed, tagger))
    if thesis and thesis.strip():
        findings.extend(_check_thesis(outline, rules, thesis.strip(), embed, tagger))
    return sorted(findings, key=lambda f: (f.line or 0, f.start or 0, f.rule))


def _marker_label(node: OutlineNode) -> str:
    return node.marker or (node.text[:8] + ("…" if len(node.text) > 8 else ""))


def _at_marker(rules: RuleSet, rule_id: str, node: OutlineNode, expected: str, *, safe: bool, **fields) -> Finding:
    """A finding on a heading's marker (一、 （一） …) whose fix writes ``expected`` in its place."""
    fix = None
    if node.marker_start is not None and node.marker_end is not None:
        fix = Fix(node.marker_start, node.marker_end, expected, safe=safe)
    return rules.finding(rule_id, line=node.line or None, start=node.marker_start, end=node.marker_end, fix=fix,
                         found=node.marker, expected=expected, **fields)


def _check_markers(outline: Outline, rules: RuleSet) -> list[Finding]:
    if not rules.enabled("outline.marker-punct"):
        return []
    findings = []
    for node in outline.nodes():
        if not node.marker:
            continue
        m = match_marker(node.marker + " x")
        if m is None or not m.wrong:
            continue
        findings.append(_at_marker(rules, "outline.marker-punct", node, m.canonical, safe=True))
    return findings


def _check_levels(outline: Outline, rules: RuleSet) -> list[Finding]:
    findings = []
    if outline.style in ("numbered", "headings"):
        if rules.enabled("outline.level-skip"):
            first_root = outline.roots[0]
            for node, parent, _depth in outline.walk():
                # an outline that starts below 一、 is said once (it may be one part of a larger outline)
                if parent is None and node is not first_root:
                    continue
                parent_level = parent.level if parent else 0
                if node.level > parent_level + 1 and node.level <= STANDARD_LEVELS + 1:
                    missing = LEVEL_NAMES.get(parent_level + 1, f"第{parent_level + 1}级")
                    findings.append(
                        rules.at(
                            "outline.level-skip",
                            node,
                            severity="info" if parent is None else None,
                            parent=parent.marker if parent else "（开头）",
                            found=node.marker,
                            missing=missing,
                        )
                    )
    if rules.enabled("outline.depth"):
        max_depth = int(rules.param("outline", "max_depth"))
        deepest = 0
        first_too_deep = None
        for node, _parent, depth in outline.walk():
            level = max(depth, node.level) if outline.style in ("numbered", "headings") else depth
            deepest = max(deepest, level)
            if level > max_depth and first_too_deep is None:
                first_too_deep = node
        if first_too_deep is not None:
            findings.append(
                rules.at(
                    "outline.depth",
                    first_too_deep,
                    depth=deepest,
                )
            )
    return findings


def _expected_marker(node: OutlineNode, number: int) -> str:
    level, _, _ = marker_kind(node.marker)
    return canonical_marker(level or node.level, number)


def _check_sequence(outline: Outline, rules: RuleSet) -> list[Finding]:
    if not rules.enabled("outline.sequence"):
        return []
    findings = []
    for _parent, siblings in outline.sibling_groups():
        by_level: dict[int, list[OutlineNode]] = {}
        for node in siblings:
            if node.number is not None and node.marker:
                by_level.setdefault(node.level, []).append(node)
        for group in by_level.values():
            expected = 1
            for node in group:
                if node.number != expected:
                    if node.number == expected - 1:
                        problem = "重复"
                    elif node.number > expected:
                        problem = "跳号"
                    else:
                        problem = "顺序颠倒"
                    right = _expected_marker(node, expected)
                    findings.append(_at_marker(rules, "outline.sequence", node, right, safe=False, problem=problem))
                # continue counting from what was written, so one slip gives one finding, not a cascade
                expected = (node.number or expected) + 1
    return findings


def _check_count(outline: Outline, rules: RuleSet) -> list[Finding]:
    if not rules.enabled("outline.top-count"):
        return []
    count = len(outline.roots)
    low = int(rules.param("outline", "top_count_min"))
    high = int(rules.param("outline", "top_count_max"))
    if low <= count <= high:
        return []
    problem = "不成结构，内容不妨拆成几个方面" if count < low else "头绪太多，听众难以记住"
    first = outline.roots[0] if count < low else outline.roots[high]
    return [
        rules.at("outline.top-count", first, count=count, problem=problem)
    ]


def _check_text(outline: Outline, rules: RuleSet) -> list[Finding]:
    findings = []
    trailing = str(rules.param("outline", "trailing_punct"))
    for node in outline.nodes():
        if not node.text:
            if rules.enabled("outline.empty-heading") and node.marker:
                findings.append(
                    rules.at("outline.empty-heading", node, marker=node.marker)
                )
            continue
        if node.run_in or not rules.enabled("outline.trailing-punct"):
            continue
        stripped = node.text.rstrip()
        tail = len(stripped) - len(stripped.rstrip(trailing))
        if tail and tail < len(stripped):  # a "heading" of punctuation only is no heading to fix
            punct = stripped[-tail:]
            fix = None
            if node.end is not None:
                fix = Fix(node.end - tail, node.end, "", safe=True)
            findings.append(
                rules.finding(
                    "outline.trailing-punct",
                    line=node.line or None,
                    start=node.end - tail if node.end is not None else None,
                    end=node.end,
                    fix=fix,
                    punct=punct,
                )
            )
    return findings


def _check_parallel(outline: Outline, rules: RuleSet, tagger: Tagger) -> list[Finding]:
    if not rules.enabled("outline.parallel"):
        return []
    findings = []
    max_group = int(rules.param("outline", "max_group"))
    for _parent, siblings in outline.sibling_groups():
        if len(siblings) > max_group:  # not an outline any more (and the pairwise work would explode)
            continue
        entries = parallel_entries(siblings, rules, tagger)
        flagged = [(n, e) for n, e in entries if e["flag"]]
        # when half the group or more is "unbalanced" there is no norm to measure against: say nothing
        if not flagged or len(flagged) * 2 >= len(entries):
            continue
        good = [e for _n, e in entries if not e["flag"]]
        median_good = statistics.median(e["length"] for e in good)
        model = min(good, key=lambda e: abs(e["length"] - median_good))["text"]
        for node, entry in flagged:
            findings.append(
                rules.at(
                    "outline.parallel",
                    node,
                    detail=entry["reason"] + "。",
                    model=model,
                    extra={"length": entry["length"], "pos_similarity": entry["pos_similarity"]},
                )
            )
    return findings


def _check_overlap(outline: Outline, rules: RuleSet, embed: Embed | None, tagger: Tagger) -> list[Finding]:
    if not rules.enabled("outline.overlap"):
        return []
    p = rules.params["overlap"]
    findings = []
    max_group = int(rules.param("outline", "max_group"))
    for s in overlap_scores(outline, embed, baseline=float(p["baseline_cosine"]), max_group=max_group, tagger=tagger):
        combined = s.score(float(p["lexical_weight"]))
        by_words = s.lexical >= p["lexical"]
        by_meaning = (
            combined is not None and s.cosine is not None and s.cosine >= p["cosine_min"] and combined >= p["combined"]
        )
        if not (by_words or by_meaning):
            continue
        shown = "（都讲" + "、".join(s.shared[:3]) + "）" if s.shared else ""
        findings.append(
            rules.at(
                "outline.overlap",
                s.b,
                other=s.a.text,
                other_line=s.a.line or "?",
                shared=shown,
                extra={
                    "lexical": round(s.lexical, 3),
                    "cosine": None if s.cosine is None else round(s.cosine, 3),
                    "combined": None if combined is None else round(combined, 3),
                },
            )
        )
    return findings


def _check_thesis(outline: Outline, rules: RuleSet, thesis: str, embed: Embed | None, tagger: Tagger) -> list[Finding]:
    if not rules.enabled("outline.off-thesis"):
        return []
    threshold = float(rules.param("thesis", "semantic"))
    findings = []
    for node, lex, cos in thesis_scores(outline, thesis, embed, tagger):
        if lex > 0:
            continue
        if cos is not None and cos >= threshold:
            continue
        if cos is None and embed is None:
            # without an embedder a missing shared word is weak evidence: say nothing rather than guess
            continue
        findings.append(
            rules.at(
                "outline.off-thesis",
                node,
                thesis=thesis if len(thesis) <= 30 else thesis[:30] + "…",
                extra={"cosine": None if cos is None else round(cos, 3), "lexical": round(lex, 3)},
            )
        )
    return findings
