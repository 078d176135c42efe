"""The date tool: hand-checked differences, sums, ISO weeks, leap years and business days."""

from __future__ import annotations

import pytest

from core.forms import ToolInputError
from tools.date import DateInput, run


def date_run(**fields):
    return run(DateInput(**fields))


def test_iso_week_of_2021_01_03_is_in_2020():
    # 2021-01-03 is a Sunday; 2021's first ISO week starts on Monday 2021-01-04 (the week with the first
    # Thursday), so the 3rd belongs to 2020's week 53 (2020 has 53 ISO weeks: it began on a Wednesday, leap year).
    start = date_run(input="2021-01-03").start
    assert (start.iso_week, start.weekday, start.day_of_year) == ("2020-W53-7", "Sunday", 3)


@pytest.mark.parametrize(
    ("year", "leap"), [(2000, True), (1900, False), (2024, True), (2023, False), (2100, False), (2400, True)]
)
def test_leap_years_follow_the_gregorian_rule(year, leap):
    assert date_run(input=f"{year}-03-01").start.leap_year is leap


def test_days_between_two_dates_in_2024():
    # Hand-checked: 2024-01-01 + 11 months = 2024-12-01, + 24 days = 2024-12-25; 2024-12-25 is day 360 of the
    # leap year 2024, so 359 days = 51 weeks 2 days; 1 January 2024 was a Monday, so business days are
    # 51 × 5 + 2 (Monday, Tuesday) = 257.
    difference = date_run(input="2024-01-01", end="2024-12-25").difference
    assert difference.calendar == "11 months, 24 days"
    assert (difference.total_days, difference.weeks, difference.business_days) == ("359", "51 weeks 2 days", 257)


def test_a_reversed_difference_is_negative():
    difference = date_run(input="2024-12-25", end="2024-01-01").difference
    assert (difference.calendar, difference.total_days, difference.business_days) == (
        "-11 months, -24 days",
        "-359",
        -257,
    )
    assert difference.negative


def test_month_ends_are_clipped():
    # 31 January 2020 + 1 month = 29 February (2020 is a leap year), + 1 day = 1 March.
    assert date_run(input="2020-01-31", end="2020-03-01").difference.calendar == "1 month, 1 day"
    assert date_run(input="2024-01-31", duration="P1M").result == "2024-02-29"
    assert date_run(input="2000-02-29", duration="P1Y").result == "2001-02-28"


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        ("2024-01-01", "-P1D", "2023-12-31"),
        ("2024-01-01", "P2W", "2024-01-15"),
        ("2024-01-01", "PT36H", "2024-01-02T12:00:00"),
        ("2024-03-30T12:00+01:00", "P1DT30M", "2024-03-31T12:30:00+01:00"),
    ],
)
def test_adding_a_duration(start, duration, expected):
    assert date_run(input=start, duration=duration).result == expected


def test_offsets_are_taken_into_account():
    # 22:00 at +01:00 is 21:00 UTC; 10:30 at +02:00 is 08:30 UTC: 11 h 30 min apart.
    difference = date_run(input="2026-03-28T22:00+01:00", end="2026-03-29T10:30+02:00").difference
    assert (difference.calendar, difference.total_hours) == ("11 hours, 30 minutes", "11.5")


def test_business_days_of_one_week_and_a_weekend():
    # Monday 2024-01-01 to Monday 2024-01-08: five (numpy.busday_count gives 5); Saturday to Monday: none.
    assert date_run(input="2024-01-01", end="2024-01-08").difference.business_days == 5
    assert date_run(input="2024-01-06", end="2024-01-08").difference.business_days == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"input": "x"}, "input", "is not a date or date and time in ISO 8601"),
        ({"input": ""}, "input", "enter a date"),
        ({"input": "2024-01-01", "end": "2024-01-01T10:00Z"}, "end", "give both dates a UTC offset, or neither"),
        ({"input": "9999-12-31", "duration": "P1D"}, "duration", "outside the years 1 to 9999"),
        ({"input": "2024-01-01", "duration": "P0.5M"}, "duration", "years and months must be whole numbers"),
        ({"input": "2024-01-01", "duration": "1 day"}, "duration", "write the duration in ISO 8601"),
        ({"input": "2024-01-01", "duration": "PT"}, "duration", "needs at least one number"),
        ({"input": "2024-01-01", "duration": "P99999999999999999999Y"}, "duration", "outside the years 1 to 9999"),
    ],
)
def test_refusals(fields, field, message):
    with pytest.raises(ToolInputError) as error:
        date_run(**fields)
    assert message in error.value.message and error.value.field == field


async def test_date_api_and_page(tool_client):
    api = await tool_client.post("/api/date", json={"input": "2024-01-01", "end": "2024-12-25"})
    assert (await api.get_json())["difference"]["total_days"] == "359"
    page = await (await tool_client.get("/tools/date/?input=2021-01-03")).get_data(as_text=True)
    assert "<code>2020-W53-7</code>" in page
    bad = await tool_client.post("/api/date", json={"input": "2024-01-01", "end": "soon"})
    assert bad.status_code == 422 and (await bad.get_json())["error"]["field"] == "end"
