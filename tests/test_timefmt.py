"""Relative times used by the jwt and time tools."""

from datetime import UTC, datetime, timedelta

import pytest

from core.timefmt import relative

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "delta, expected",
    [
        (timedelta(0), "now"),
        (timedelta(seconds=-1), "1 s ago"),
        (timedelta(seconds=59), "in 59 s"),
        (timedelta(minutes=-2, seconds=-30), "2 min ago"),
        (timedelta(hours=-3, minutes=-59), "3 h ago"),
        (timedelta(days=1), "in 1 day"),
        (timedelta(days=-2, hours=-5), "2 days ago"),
        (timedelta(days=800), "in 2 years"),
    ],
)
def test_relative(delta, expected):
    assert relative(NOW + delta, NOW) == expected
