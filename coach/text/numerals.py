"""The one Chinese-numeral parser and formatter: heading markers (一、 二十一、 （一百零一）), ordinals
(第三部分, 7), dates written digit by digit (二〇二六年), and circled numbers (① … ㊿).

Written by hand rather than with cn2an: markers need a strict round trip (int → the one canonical spelling →
the same int) and a "not a numeral" answer for anything else, not cn2an's lenient reading of 两百五 or 壹.
"""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {ch: i for i, ch in enumerate(DIGITS)} | {"〇": 0, "两": 2}
_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万"
#: digits as a year is written, one character per digit (二〇二六, also with the circle ○ many people type)
YEAR_DIGITS = "〇○零一二三四五六七八九"
_YEAR_DIGIT_VALUE = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}

# ① (U+2460) … ⑳, ㉑ (U+3251) … ㉟, ㊱ (U+32B1) … ㊿
CIRCLED = (
    "".join(chr(c) for c in range(0x2460, 0x2474))
    + "".join(chr(c) for c in range(0x3251, 0x3260))
    + "".join(chr(c) for c in range(0x32B1, 0x32C0))
)
_CIRCLED_VALUE = {ch: i for i, ch in enumerate(CIRCLED, 1)}


def _below_10000(n: int) -> str:
    out = []
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit_value % 10
        if digit == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(DIGITS[digit] + unit)
    return "".join(out)


def int_to_chinese(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五, 10001 → 一万零一. n < 1 gives the Arabic number."""
    if n < 1:
        return str(n)
    if n >= 100_000_000:
        return str(n)
    high, low = divmod(n, 10_000)
    if high:
        text = _below_10000(high) + "万"
        if low:
            text += ("零" if low < 1000 else "") + _below_10000(low)
    else:
        text = _below_10000(low)
    if text.startswith("一十"):  # 十一, not 一十一
        text = text[1:]
    return text


def _below_10000_value(text: str) -> int | None:
    value = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in text:
        if ch in _DIGIT_VALUE:
            if digit:  # two non-zero digits in a row (二三) is not a numeral
                return None
            digit = _DIGIT_VALUE[ch]
            continue
        unit = _UNIT_VALUE.get(ch)
        if unit is None or unit >= last_unit:
            return None
        if digit is None:
            if value or unit != 10:  # only a leading 十 may drop its 一
                return None
            digit = 1
        elif digit == 0:
            return None
        value += digit * unit
        digit = None
        last_unit = unit
    return value + (digit or 0)


def chinese_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 一百零五 → 105; None when ``text`` is not a plain Chinese numeral."""
    if not text or any(ch not in NUMERAL_CHARS for ch in text):
        return None
    if text.count("万") > 1:
        return None
    high_text, sep, low_text = text.partition("万")
    if sep:
        high = _below_10000_value(high_text) if high_text else None
        low = _below_10000_value(low_text) if low_text else 0
        if not high or low is None:
            return None
        value = high * 10_000 + low
    else:
        value = _below_10000_value(text)
    return value if value else None


def ordinal_value(token: str) -> int | None:
    """"三" → 3, "十二" → 12, "7" → 7 (an ordinal as written in "第三部分" or "第7点"); None otherwise."""
    if token.isascii() and token.isdigit():
        return int(token)
    return chinese_to_int(token)


def digits_value(text: str) -> int | None:
    """"二〇二六" → 2026: Chinese digits read one by one (years); None for anything else."""
    if not text or any(ch not in _YEAR_DIGIT_VALUE for ch in text):
        return None
    return int("".join(str(_YEAR_DIGIT_VALUE[ch]) for ch in text))


def circled(n: int) -> str:
    """① … ㊿ for 1 … 50; beyond that the last one (numbering then shows as out of sequence)."""
    return CIRCLED[min(max(n, 1), len(CIRCLED)) - 1]


def circled_value(ch: str) -> int | None:
    return _CIRCLED_VALUE.get(ch)
