"""填肉: what each section of a draft is made of and whether the sections are balanced and carry substance.

``split`` cuts a draft (or a Project) into opening, sections and closing; ``measure`` finds data, facts,
quotations and enumerations in each; ``judge`` turns the measurements into findings and the speaking time.
Everything is re-exported here, so ``from coach.checks.sections import analyze_sections`` keeps working.
"""

from coach.checks.sections.judge import SectionReport, analyze_sections
from coach.checks.sections.measure import (
    Mention,
    SectionStats,
    find_data_points,
    find_enumerations,
    find_facts,
    find_quotations,
    spoken_chars,
)

__all__ = [
    "Mention",
    "SectionReport",
    "SectionStats",
    "analyze_sections",
    "find_data_points",
    "find_enumerations",
    "find_facts",
    "find_quotations",
    "spoken_chars",
]
