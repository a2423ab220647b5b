"""Which characters a written character may be a slip for.

Two sources, both offline:

* pycorrector's confusion sets (``data/same_pinyin.txt``, ``data/same_stroke.txt``, Apache-2.0):
  hand-made same-sound and similar-shape lists for the 3,500 common characters;
* near sounds from pypinyin: every common character with the same pinyin ignoring tone, or one
  common pinyin-IME confusion away — 前后鼻音 (an/ang, en/eng, in/ing, ian/iang, uan/uang),
  平翘舌 (z/zh, c/ch, s/sh), n/l and f/h. These are the slips a pinyin keyboard makes: the writer typed
  the right sound (or the sound as a southern speaker says it) and picked the wrong character.

The candidate universe is the common characters (the keys of pycorrector's same-pinyin list): a
correction to a rare character is almost never what an official text needs, and each extra
candidate costs a language-model row.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
_HAN = re.compile(r"[\u4e00-\u9fff]")

# longest first, so "zh" is taken before "z"
_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
             "r", "z", "c", "s", "y", "w")
_INITIAL_SWAPS = {"z": "zh", "zh": "z", "c": "ch", "ch": "c", "s": "sh", "sh": "s", "n": "l", "l": "n",
                  "f": "h", "h": "f"}
# finals that differ only by the nasal ending; "ian"/"uan" before "an" so the longest matches
_FINAL_SWAPS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


def split_syllable(syllable: str) -> tuple[str, str]:
    for ini in _INITIALS:
        if syllable.startswith(ini) and len(syllable) > len(ini):
            return ini, syllable[len(ini):]
    return "", syllable


def _swap_final(final: str) -> list[str]:
    for long, short in _FINAL_SWAPS:
        if final.endswith(long):
            return [final[: -len(long)] + short]
        if final.endswith(short) and not final.endswith("g"):
            return [final[: -len(short)] + long]
    return []


def fuzzy_syllables(syllable: str) -> set[str]:
    """The syllable and those one IME confusion away (one swap of the initial or of the nasal final)."""
    ini, fin = split_syllable(syllable)
    out = {syllable}
    if ini in _INITIAL_SWAPS:
        out.add(_INITIAL_SWAPS[ini] + fin)
    for f2 in _swap_final(fin):
        out.add(ini + f2)
    return out


@lru_cache(maxsize=1)
def pycorrector_sets() -> dict[str, frozenset[str]]:
    """char -> similar-sounding or similar-looking characters (pycorrector data, Apache-2.0)."""
    out: dict[str, set[str]] = {}
    with (DATA_DIR / "same_pinyin.txt").open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or len(parts[0]) != 1:
                continue
            out.setdefault(parts[0], set()).update(ch for p in parts[1:] for ch in p if _HAN.match(ch))
    with (DATA_DIR / "same_stroke.txt").open(encoding="utf-8") as f:
        for line in f:
            group = [ch for ch in line.strip().split("\t") if len(ch) == 1 and _HAN.match(ch)]
            for ch in group:
                out.setdefault(ch, set()).update(c for c in group if c != ch)
    return {k: frozenset(v - {k}) for k, v in out.items()}


@lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """The common characters: the keys of pycorrector's same-pinyin list (3,500-character table)."""
    out = set()
    with (DATA_DIR / "same_pinyin.txt").open(encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#") and line[:1] and _HAN.match(line[0]):
                out.add(line[0])
    return frozenset(out)


def readings(ch: str) -> list[str]:
    """The character's usual toneless pinyin reading (pypinyin's first): rare readings of common
    characters (万 as the surname "mo") would make most candidates sound-alikes of nothing."""
    from pypinyin import Style, pinyin

    return [r for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0][:1] if r and r.isascii() and r.isalpha()]


@lru_cache(maxsize=1)
def _by_sound() -> dict[str, frozenset[str]]:
    """toneless syllable -> common characters read that way."""
    out: dict[str, set[str]] = {}
    for ch in common_chars():
        for r in readings(ch):
            out.setdefault(r, set()).add(ch)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=8192)
def near_sound(ch: str) -> frozenset[str]:
    """Common characters that sound the same ignoring tone, or one IME confusion away."""
    index = _by_sound()
    out: set[str] = set()
    for r in readings(ch):
        for s in fuzzy_syllables(r):
            out |= index.get(s, frozenset())
    out.discard(ch)
    return frozenset(out)


@lru_cache(maxsize=8192)
def same_sound(ch: str) -> frozenset[str]:
    """Common characters with one of ``ch``'s readings exactly, ignoring tone (for whole-word slips:
    the IME offers the words of the syllables typed, so both characters of a wrong word sound right)."""
    index = _by_sound()
    out: set[str] = set()
    for r in readings(ch):
        out |= index.get(r, frozenset())
    out.discard(ch)
    return frozenset(out)


@lru_cache(maxsize=8192)
def confusables(ch: str) -> frozenset[str]:
    """Everything ``ch`` may be a slip for: pycorrector's sound and shape sets plus pypinyin near sounds."""
    if not _HAN.match(ch):
        return frozenset()
    return pycorrector_sets().get(ch, frozenset()) | near_sound(ch)
