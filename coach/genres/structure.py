"""Each genre's parts, closing formulas and starting skeleton (``structure.yaml``), and the check of an
outline or a draft against them.

The check is deliberately modest: a part counts as present when a heading (outline) names it by one of its
cue words; order is judged only among parts found; the closing is read from the draft's last paragraphs.
Messages come from the data file, so the wording is edited there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from coach.findings import Finding

DATA_FILE = Path(__file__).with_name("structure.yaml")
MODELS_DIR = Path(__file__).with_name("models")
FAMILY = "文种结构"
#: how far from the end of a draft its closing formula is looked for
CLOSING_WINDOW = 3  # paragraphs


@dataclass(frozen=True)
class Part:
    name: str
    purpose: str
    cues: re.Pattern[str]
    in_outline: bool = True
    required: bool = True


@dataclass(frozen=True)
class Structure:
    genre: str
    parts: tuple[Part, ...]
    closings: tuple[str, ...]
    skeleton: str
    speech_outline_rules: bool  # 讲话稿的提纲习惯（一级标题三到五个、对仗）适用

    @property
    def outline_parts(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.in_outline)

    def parts_text(self, parts: tuple[Part, ...] | None = None) -> str:
        return "→".join(f"“{p.name}”" for p in (parts or self.parts))


@lru_cache(maxsize=2)
def _data(path: str | None = None) -> dict:
    return yaml.safe_load(Path(path or DATA_FILE).read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=64)
def structure(genre: str | None) -> Structure | None:
    """The structure of ``genre`` (a name or an alias), None when the data has none for it."""
    from coach.genres import get_genre

    g = get_genre(genre)
    entry = (_data().get("genres") or {}).get(g.name) if g else None
    if not entry:
        return None
    parts = tuple(Part(name=p["name"], purpose=p["purpose"], cues=re.compile(p["cues"]),
                       in_outline=p.get("in_outline", True), required=p.get("required", True))
                  for p in entry.get("parts") or ())
    return Structure(g.name, parts, tuple(entry.get("closings") or ()), (entry.get("skeleton") or "").strip(),
                     bool(entry.get("speech_outline_rules", True)))


def applies(genre: str | None, rule_id: str) -> bool:
    """Whether a 搭骨 rule applies to this genre: a speech's outline habits do not bind a 请示 or a 通知."""
    s = structure(genre)
    return s is None or s.speech_outline_rules or rule_id not in (_data().get("speech_only_outline_rules") or ())


def genre_rule_findings(genre: str | None, text: str, field: str = "text") -> list[Finding]:
    """The 文种 rules of the linter (family "genre": 一文一事, 报告夹带请示 …) on a draft ("text") or an outline
    ("outline"), so the same error is named at every step that holds the text (立意 runs them on its card
    fields through coach.lint.subjects)."""
    from coach.genres import get_genre
    from coach.lint import default_linter

    if get_genre(genre) is None or not text.strip():
        return []
    return [f for f in default_linter().lint(text, genre=genre, field=field) if f.family == "genre"]


def skeleton(genre: str | None) -> str:
    s = structure(genre)
    return s.skeleton if s else ""


def model_text(genre: str | None) -> str:
    """Our own model text for the genre (coach/genres/models/<文种>.txt), "" when there is none."""
    s = structure(genre)
    path = MODELS_DIR / f"{s.genre}.txt" if s else None
    return path.read_text(encoding="utf-8") if path and path.is_file() else ""


def _finding(kind: str, severity: str, values: dict, start: int | None = None, end: int | None = None,
             **extra) -> Finding:
    data = _data()
    return Finding(rule=f"genre.{kind}", severity=severity, message=data["messages"][kind].format(**values),
                   suggestion=data["suggestions"][kind].format(**values), start=start, end=end, family=FAMILY,
                   source="regulation", extra=extra)


_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+[部分点条章]?[，、：:]?)\s*")


def _headings(outline: str) -> list[str]:
    """The top-level lines of an outline (deeper lines belong to the part above them)."""
    lines = [ln for ln in outline.splitlines() if ln.strip()]
    top = [ln for ln in lines if re.match(r"^\s*[一二三四五六七八九十]+[、.．\s]", ln)]
    return [_NUMBERING.sub("", ln).strip() for ln in (top or lines)]


def _best_part(parts: tuple[Part, ...], head: str) -> int | None:
    """The part a heading names: its own name counts most, then the cue words it uses (longest wins;
    on a tie the earlier part)."""
    best, best_score = None, 0
    for i, part in enumerate(parts):
        score = (10 if part.name in head else 0) + sum(len(m.group(0)) for m in part.cues.finditer(head))
        if score > best_score:
            best, best_score = i, score
    return best


def check_outline(genre: str | None, outline: str) -> list[Finding]:
    """Parts of the genre the outline does not name, and parts named out of order."""
    s = structure(genre)
    if s is None or not outline.strip() or s.genre == "讲话稿":
        return []
    heads = _headings(outline)
    parts = s.outline_parts
    first_line: dict[int, int] = {}
    for line_no, head in enumerate(heads):
        best = _best_part(parts, head)
        if best is not None:
            first_line.setdefault(best, line_no)
    out = []
    for i, part in enumerate(parts):
        if part.required and i not in first_line:
            out.append(_finding("part-missing", "warning", {"genre": s.genre, "parts": s.parts_text(parts),
                                                             "where": "提纲", "part": part.name,
                                                             "purpose": part.purpose}, part=part.name))
    found = sorted(first_line)
    for a, b in zip(found, found[1:]):
        if first_line[a] > first_line[b]:
            out.append(_finding("part-order", "info", {"genre": s.genre, "part": parts[a].name,
                                                        "before": parts[b].name, "where": "提纲",
                                                        "parts": s.parts_text(parts)}, part=parts[a].name))
    return out


def _closing_owners() -> list[tuple[str, str]]:
    """(phrase core, genre) for every genre's closing formula: "特此报告" → 报告."""
    owners = []
    for name, entry in (_data().get("genres") or {}).items():
        for closing in entry.get("closings") or ():
            core = re.sub(r"^(?:以上\w{0,2})", "", closing).rstrip("。")
            owners.append((core, name))
    return sorted(owners, key=lambda o: -len(o[0]))


def check_closing(genre: str | None, draft: str) -> list[Finding]:
    """A closing formula of another genre at the end of the draft, or no closing where the genre needs one."""
    s = structure(genre)
    if s is None or not s.closings or not draft.strip():
        return []
    paragraphs = [p.strip() for p in draft.splitlines() if p.strip()]
    tail = "\n".join(paragraphs[-(CLOSING_WINDOW + 2):])  # 落款 (署名、日期、附注) can follow the closing
    own = {re.sub(r"^(?:以上\w{0,2})", "", c).rstrip("。") for c in s.closings}
    out = []
    for core, other in _closing_owners():
        if other == s.genre or core in own or core not in tail:
            continue
        if s.genre == "报告" and other == "请示":
            continue  # the lint rule request-in-report says it, with the regulation behind it
        start = draft.rfind(core)
        out.append(_finding("closing-wrong", "error", {"genre": s.genre, "found": core, "other": other,
                                                        "closing": s.closings[0].rstrip("。")},
                            start=start, end=start + len(core), found=core, excerpt=core))
        break
    closing_part = next((p for p in s.parts if p.name == "结语"), None)
    if not out and closing_part is not None and closing_part.required and not closing_part.cues.search(tail):
        out.append(_finding("closing-missing", "warning", {"genre": s.genre, "closing": s.closings[0].rstrip("。")}))
    return out
