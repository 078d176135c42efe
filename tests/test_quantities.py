"""core/quantities.py: exact decimals, readable sizes and durations, ISO 8601 durations (math, units, date)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from core.quantities import decimal_text, human_bytes, human_duration, parse_iso_duration


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 8), ("0.125", True)),  # 2^-3 ends
        (Fraction(1, 3), ("0.333333333333333", False)),  # 15 significant digits
        (Fraction(-5, 2), ("-2.5", True)),
        (Fraction(10**30), (str(10**30), True)),  # integers are written in full
        (Fraction(1, 10**30), ("1E-30", True)),  # very small: scientific
    ],
)
def test_decimal_text(value, expected):
    assert decimal_text(value) == expected


def test_readable_sizes_and_durations():
    assert human_bytes(Fraction(1536)) == "1.5 KiB"
    assert human_bytes(Fraction(3 * 2**30)) == "3 GiB"
    assert human_duration(Fraction(93600)) == "1 d 2 h"  # P1DT2H
    assert human_duration(Fraction(-90)) == "-1 min 30 s"
    assert human_duration(Fraction(0)) == "0 s"


def test_iso_8601_durations():
    duration = parse_iso_duration("P1Y2M3W4DT5H6M7.5S")
    assert (duration.years, duration.months, duration.weeks, duration.days) == (1, 2, 3, 4)
    assert (duration.hours, duration.minutes, duration.seconds) == (5, 6, Fraction(15, 2))
    assert parse_iso_duration("P1DT2H").fixed_seconds() == 93600
    assert parse_iso_duration("-PT0,5S").fixed_seconds() == Fraction(-1, 2)  # ISO 8601 allows a decimal comma
    assert parse_iso_duration("1 day") is None
    with pytest.raises(ValueError, match="at least one number"):
        parse_iso_duration("PT")
