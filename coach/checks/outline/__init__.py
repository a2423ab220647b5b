"""搭骨: the outline model (``model``: a tree of numbered headings, parse and render), the words of its
headings (``words``), measures on them (``similarity``: 对仗, overlap, relation to the thesis) and the
checks a careful editor makes (``checks``). Heading markers are read by ``coach.text.headings``.

Everything is re-exported here, so ``from coach.checks.outline import parse_outline`` keeps working.
"""

from coach.checks.outline.checks import check_outline
from coach.checks.outline.model import (
    LEVEL_NAMES,
    STANDARD_LEVELS,
    Embed,
    Outline,
    OutlineNode,
    canonical_marker,
    outline_of_project,
    parse_outline,
    render_outline,
)
from coach.checks.outline.similarity import (
    OverlapScore,
    embed_with,
    lexical_overlap,
    overlap_scores,
    parallelism_report,
    sibling_pairs,
    thesis_scores,
)

__all__ = [
    "Embed",
    "LEVEL_NAMES",
    "STANDARD_LEVELS",
    "Outline",
    "OutlineNode",
    "canonical_marker",
    "check_outline",
    "embed_with",
    "outline_of_project",
    "OverlapScore",
    "lexical_overlap",
    "overlap_scores",
    "parallelism_report",
    "parse_outline",
    "render_outline",
    "sibling_pairs",
    "thesis_scores",
]
