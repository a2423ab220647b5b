"""The one Chinese-numeral parser (coach.text.numerals) and the places that used to have their own."""

from __future__ import annotations

import pytest

from coach.export.draft import format_date
from coach.lint import lint
from coach.text.numerals import chinese_to_int, digits_value, int_to_chinese, ordinal_value


@pytest.mark.parametrize("n", [1, 9, 10, 11, 20, 21, 99, 100, 101, 110, 999, 1000, 1001, 10001, 12345])
def test_round_trip(n):
    assert chinese_to_int(int_to_chinese(n)) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一十", 10), ("两", 2), ("一百零五", 105),
     ("一二", None), ("十十", None), ("", None), ("壹", None), ("〇", None), ("第一", None)],
)
def test_chinese_to_int(text, value):
    assert chinese_to_int(text) == value


def test_ordinals_and_year_digits():
    assert ordinal_value("三") == 3 and ordinal_value("12") == 12 and ordinal_value("三个") is None
    assert digits_value("二〇二六") == 2026 and digits_value("二○二六") == 2026 and digits_value("二十") is None


def test_dates_read_by_the_same_numerals_in_export_and_lint():
    assert format_date("二〇二六年十一月二十二日") == "2026年11月22日"
    assert format_date("二〇二六年十三月一日") == "二〇二六年十三月一日"  # no such month: left as written
    hits = [f for f in lint("二〇二六年三月十一日召开会议。") if f.rule == "chinese-numeral-date"]
    assert hits and hits[0].fix is not None and hits[0].fix.replacement == "2026年3月11日"
