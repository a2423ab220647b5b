"""The coach's data, read from ``prompts/``: intents, FAQ, question banks, system prompts.

Everything the coach says that is not computed from the writer's project lives in these files, so a
user can extend them (a new FAQ entry, a new question) without touching code. Loaded once per coach
object, never cached in module globals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coach import config
from coach.errors import CoachError
from coach.steps import STEPS


@dataclass(frozen=True)
class Intent:
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    weight: float = 1.0
    pattern_weights: tuple[float | None, ...] = ()  # per pattern; None = the intent's weight
    llm_task: str = ""  # what the LLM is asked to do this turn ({focus} = the part being written)
    examples: tuple[str, ...] = ()  # example phrasings, for routing by meaning (coach.coaching.meaning)


@dataclass(frozen=True)
class RetrievalFilter:
    words: re.Pattern[str]
    positions: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FaqEntry:
    id: str
    keywords: tuple[str, ...]
    question: str
    answer: str
    right: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()
    basis: str = ""
    check_words: tuple[str, ...] = ()
    asks: tuple[str, ...] = ()  # other ways writers ask this, for routing by meaning
    genres: tuple[str, ...] = ()  # the genres the entry is about (请示的结尾 -> [请示]); () = any
    steps: tuple[str, ...] = ()  # step names (立意、搭骨 …) where the question usually comes up

    def about_genre(self, genre: str) -> bool:
        return not self.genres or genre in self.genres


@dataclass(frozen=True)
class Question:
    id: str
    ask: str
    done_when: dict[str, Any] = field(default_factory=dict)
    needs: dict[str, Any] = field(default_factory=dict)
    skip_when: dict[str, Any] = field(default_factory=dict)
    skip_after: tuple[str, ...] = ()  # intents: once the conversation has done these, don't ask

    @property
    def reflective(self) -> bool:
        """A question with no "answered" condition: asked once per conversation."""
        return not self.done_when


@dataclass(frozen=True)
class QuestionBank:
    step: str
    help: str
    examples_intro: str
    examples_hint: str
    questions: tuple[Question, ...]
    done: str


@dataclass(frozen=True)
class CoachingData:
    intents: tuple[Intent, ...]
    faq_bonus: float
    filters: tuple[RetrievalFilter, ...]
    stopwords: frozenset[str]
    help_lines: tuple[str, ...]
    unknown_llm_task: str
    unknown_examples: tuple[str, ...]
    topic_generic: frozenset[str]
    faq: tuple[FaqEntry, ...]
    banks: dict[str, QuestionBank]
    system_prompts: dict[str, str]  # step key -> template text (step file + shared rules)
    turn_template: str


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CoachError(f"找不到教练的数据文件 {path}。请确认 prompts 文件夹完整（或检查 COACH_PROMPTS 设置）。") from exc
    except yaml.YAMLError as exc:
        raise CoachError(f"教练的数据文件 {path} 格式有误，无法读取：{exc}") from exc


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CoachError(f"找不到提示词文件 {path}。请确认 prompts 文件夹完整（或检查 COACH_PROMPTS 设置）。") from exc


def _compile(pattern: str, where: Path) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise CoachError(f"{where} 里的正则“{pattern}”写得不对：{exc}") from exc


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _load_intents(path: Path) -> dict[str, Any]:
    data = _read_yaml(path) or {}
    def pattern(p: Any) -> tuple[re.Pattern[str], float | None]:
        if isinstance(p, dict):
            return _compile(str(p["re"]), path), float(p.get("weight", 1))
        return _compile(str(p), path), None

    intents = []
    for item in data.get("intents") or ():
        compiled = [pattern(p) for p in item.get("patterns") or ()]
        intents.append(Intent(
            id=item["id"],
            label=item.get("label", item["id"]),
            patterns=tuple(c for c, _ in compiled),
            weight=float(item.get("weight", 1)),
            pattern_weights=tuple(w for _, w in compiled),
            llm_task=item.get("llm_task", ""),
            examples=_tuple(item.get("examples")),
        ))
    filters = tuple(
        RetrievalFilter(
            words=_compile(f["words"], path),
            positions=_tuple(f.get("positions")) or None,
            kinds=_tuple(f.get("kinds")) or None,
        )
        for f in data.get("filters") or ()
    )
    return {
        "intents": tuple(intents),
        "faq_bonus": float(data.get("faq_bonus", 1)),
        "filters": filters,
        "stopwords": frozenset(_tuple(data.get("stopwords"))),
        "help_lines": _tuple(data.get("help_lines")),
        "unknown_llm_task": data.get("unknown_llm_task", ""),
        "unknown_examples": _tuple(data.get("unknown_examples")),
        "topic_generic": frozenset(_tuple(data.get("topic_generic"))),
    }


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_FOLD_SPACE = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


def unfold(text: str) -> str:
    """Remove the spaces YAML's folded style puts between Chinese lines."""
    return _FOLD_SPACE.sub("", text.strip())


def _load_faq(path: Path) -> tuple[FaqEntry, ...]:
    data = _read_yaml(path) or {}
    return tuple(
        FaqEntry(
            id=e["id"],
            keywords=_tuple(e.get("keywords")),
            question=e.get("question", ""),
            answer=unfold(e.get("answer") or ""),
            right=_tuple(e.get("right")),
            wrong=_tuple(e.get("wrong")),
            basis=e.get("basis", ""),
            check_words=_tuple(e.get("check_words")),
            asks=_tuple(e.get("asks")),
            genres=_tuple(e.get("genres")),
            steps=_tuple(e.get("steps")),
        )
        for e in data.get("entries") or ()
    )


def _load_bank(path: Path, step_key: str) -> QuestionBank:
    data = _read_yaml(path) or {}
    questions = tuple(
        Question(
            id=q["id"],
            ask=q["ask"],
            done_when=dict(q.get("done_when") or {}),
            needs=dict(q.get("needs") or {}),
            skip_when=dict(q.get("skip_when") or {}),
            skip_after=_tuple(q.get("skip_after")),
        )
        for q in data.get("questions") or ()
    )
    return QuestionBank(
        step=step_key,
        help=data.get("help", ""),
        examples_intro=data.get("examples_intro", ""),
        examples_hint=data.get("examples_hint", ""),
        questions=questions,
        done=data.get("done", ""),
    )


def _escape_braces(text: str) -> str:
    """Shared rules are literal text, not a template: keep their braces from becoming variables."""
    return text.replace("{", "{{").replace("}", "}}")


def load_coaching_data(prompts_dir: Path | str | None = None) -> CoachingData:
    """Read every coaching file under ``prompts_dir`` (default: ``coach.config.prompts_dir()``)."""
    root = Path(prompts_dir) if prompts_dir is not None else config.prompts_dir()
    intents = _load_intents(root / "intents.yaml")
    rules = _escape_braces(_read_text(root / "_rules.md"))
    # each step's own prompt and question bank live in its folder (coach/steps/<key>/)
    banks = {s.key: _load_bank(s.question_bank_path, s.key) for s in STEPS}
    prompts = {s.key: _read_text(s.prompt_path).rstrip() + "\n\n" + rules for s in STEPS}
    return CoachingData(
        **intents,
        faq=_load_faq(root / "faq.yaml"),
        banks=banks,
        system_prompts=prompts,
        turn_template=_read_text(root / "_turn.md"),
    )
