"""Words the deep check never "corrects": the 公文 vocabulary in ``protected.txt`` (踔厉奋发、吃透上情、甘坐冷板凳 …)
plus any file an office adds (``COACH_TYPO_PROTECTED``, paths separated by ``os.pathsep``).

Why: these words use rare characters or sound like commoner ones, so a small LM finds them surprising and a
same-sound candidate likelier (踔厉 → 凌厉 at 23 nats on seed 002); they are exactly what official text is
made of. Only the exact word is protected: a slip inside it (踔励奋发) no longer matches and is still checked.
Data, not code, like the lint rules: one word a line, "#" starts a comment.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

import regex

from coach.text.decode import DecodeError, decode_text

log = logging.getLogger(__name__)

BUILTIN = Path(__file__).with_name("protected.txt")
ENV_VAR = "COACH_TYPO_PROTECTED"


def read_words(path: Path) -> list[str]:
    """The words of one file (any encoding the corpus reader knows); a broken user file is skipped with a
    warning, never an error: the deep check still runs with the built-in words."""
    try:
        text = decode_text(Path(path).read_bytes())[0]
    except (OSError, DecodeError) as exc:
        log.warning("skipped protected-words file %s: %s", path, exc)
        return []
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [w for w in words if w]


@lru_cache(maxsize=4)
def _pattern(env_value: str):
    words = read_words(BUILTIN)
    for p in (x for x in env_value.split(os.pathsep) if x.strip()):
        words += read_words(Path(p).expanduser())
    if not words:
        return None
    # longest first, so 甘坐冷板凳 is matched whole rather than as 冷板凳
    return regex.compile("|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def protected_mask(sentence: str) -> list[bool]:
    """Per character: is it inside a protected word?"""
    mask = [False] * len(sentence)
    pattern = _pattern(os.environ.get(ENV_VAR, ""))
    if pattern is not None:
        for m in pattern.finditer(sentence, overlapped=True):
            for i in range(m.start(), m.end()):
                mask[i] = True
    return mask


__all__ = ["protected_mask", "read_words", "BUILTIN", "ENV_VAR"]
