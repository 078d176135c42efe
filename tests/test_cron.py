"""The cron tool: crontab(5) examples, hand-checked next runs from a fixed now, DST, leap days, errors, page, API."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.cron import MAX_INPUT
from tools.cron.schedule import next_runs

# Friday 2026-01-02 16:50 UTC (2026-01-01 was a Thursday).
NOW = datetime(2026, 1, 2, 16, 50, tzinfo=UTC)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def runs(expression: str, count: int = 10, zone: str = "UTC", now: datetime = NOW) -> list[str]:
    return [run.local for run in next_runs(expression, zone, count, now).runs]


def refused(expression: str) -> str:
    with pytest.raises(ToolInputError) as caught:
        next_runs(expression, "UTC", 10, NOW)
    assert caught.value.field == "input"
    return caught.value.message


def test_weekday_business_hours_every_15_minutes():
    # Hand-checked: Friday 16:50 -> the rest of hour 17 (9-17 includes 17), then Monday Jan 5 from 09:00.
    assert runs("*/15 9-17 * * 1-5") == [
        "2026-01-02T17:00:00Z",
        "2026-01-02T17:15:00Z",
        "2026-01-02T17:30:00Z",
        "2026-01-02T17:45:00Z",
        "2026-01-05T09:00:00Z",
        "2026-01-05T09:15:00Z",
        "2026-01-05T09:30:00Z",
        "2026-01-05T09:45:00Z",
        "2026-01-05T10:00:00Z",
        "2026-01-05T10:15:00Z",
    ]


# crontab(5), Debian cron 3.0pl1, section "EXAMPLE CRON FILE" (the entries and their comments), with the
# next runs after NOW hand-checked against the calendar: Jan 2026 Sundays are 4, 11, 18, 25; Mondays 5, 12, ...
CRONTAB5_EXAMPLES = [
    # "run five minutes after midnight, every day"
    ("5 0 * * *", ["2026-01-03T00:05:00Z", "2026-01-04T00:05:00Z", "2026-01-05T00:05:00Z"]),
    # "run at 2:15pm on the first of every month"
    ("15 14 1 * *", ["2026-02-01T14:15:00Z", "2026-03-01T14:15:00Z", "2026-04-01T14:15:00Z"]),
    # "run at 10 pm on weekdays": today (Friday) at 22:00, then Monday and Tuesday
    ("0 22 * * 1-5", ["2026-01-02T22:00:00Z", "2026-01-05T22:00:00Z", "2026-01-06T22:00:00Z"]),
    # "run 23 minutes after midn, 2am, 4am ..., everyday"
    ("23 0-23/2 * * *", ["2026-01-02T18:23:00Z", "2026-01-02T20:23:00Z", "2026-01-02T22:23:00Z",
                         "2026-01-03T00:23:00Z"]),
    # "run at 5 after 4 every sunday"
    ("5 4 * * sun", ["2026-01-04T04:05:00Z", "2026-01-11T04:05:00Z", "2026-01-18T04:05:00Z"]),
    # "run every 4th hour on the 1st and on every Monday"
    ("0 */4 1 * mon", ["2026-01-05T00:00:00Z", "2026-01-05T04:00:00Z", "2026-01-05T08:00:00Z"]),
    # "run at midn on every Sunday that's an uneven date": Sundays 11 and 25 Jan, 1 and 15 Feb, 1 and 15 Mar
    ("0 0 */2 * sun", ["2026-01-11T00:00:00Z", "2026-01-25T00:00:00Z", "2026-02-01T00:00:00Z",
                       "2026-02-15T00:00:00Z", "2026-03-01T00:00:00Z", "2026-03-15T00:00:00Z"]),
    # "Run on every second Saturday of the month" (the line adds a date test; cron itself runs on days 8-14)
    ("0 4 8-14 * *", ["2026-01-08T04:00:00Z", "2026-01-09T04:00:00Z", "2026-01-10T04:00:00Z"]),
    # crontab(5) DESCRIPTION: "30 4 1,15 * 5" runs "at 4:30 am on the 1st and 15th of each month, plus every
    # Friday": Fri 9, Thu 15 (the 15th), Fri 16, 23, 30, Sun Feb 1 (the 1st), Fri Feb 6
    ("30 4 1,15 * 5", ["2026-01-09T04:30:00Z", "2026-01-15T04:30:00Z", "2026-01-16T04:30:00Z",
                       "2026-01-23T04:30:00Z", "2026-01-30T04:30:00Z", "2026-02-01T04:30:00Z",
                       "2026-02-06T04:30:00Z"]),
]  # fmt: skip


@pytest.mark.parametrize(("expression", "expected"), CRONTAB5_EXAMPLES)
def test_crontab5_examples(expression, expected):
    assert runs(expression, len(expected)) == expected


def test_either_day_field_matches_when_both_are_restricted():
    # crontab(5): "0 */4 1 * mon" also runs on Sunday 2026-02-01, the 1st (after 4 Mondays x 6 runs).
    assert runs("0 */4 1 * mon", 25)[24] == "2026-02-01T00:00:00Z"


@pytest.mark.parametrize(
    ("expression", "description"),
    [
        # cron-descriptor 2.2.1 output (en_US, 24-hour clock)
        ("*/15 9-17 * * 1-5", "Every 15 minutes, between 09:00 and 17:59, Monday through Friday"),
        ("5 0 * * *", "At 00:05"),
        ("15 14 1 * *", "At 14:15, on day 1 of the month"),
        ("23 0-23/2 * * *", "At 23 minutes past the hour, every 2 hours, between 00:00 and 23:59"),
        ("5 4 * * sun", "At 04:05, only on Sunday"),
        ("30 4 1,15 * 5", "At 04:30, on day 1 and 15 of the month, or on Friday"),
        ("0 0 29 2 *", "At 00:00, on day 29 of the month, only in February"),
        # cron-descriptor writes "or on Sunday"; crontab(5)'s '*' rule makes it "and", corrected by the tool
        ("0 0 */2 * sun", "At 00:00, every 2 days, and only on Sunday"),
    ],
)
def test_descriptions(expression, description):
    assert next_runs(expression, "UTC", 1, NOW).description == description


def test_the_and_rule_is_explained():
    assert next_runs("0 0 */2 * sun", "UTC", 1, NOW).notes == [
        "a day must match both day-of-month (*/2) and day-of-week (SUN), because one of them starts with '*' "
        "(crontab(5)); when neither does, either one is enough"
    ]


def test_leap_day():
    # Hand-checked: the next 29 Februaries after 2026 are in the leap years 2028, 2032, 2036, 2040, 2044.
    assert runs("0 0 29 2 *", 5) == [
        "2028-02-29T00:00:00Z",
        "2032-02-29T00:00:00Z",
        "2036-02-29T00:00:00Z",
        "2040-02-29T00:00:00Z",
        "2044-02-29T00:00:00Z",
    ]


@pytest.mark.parametrize(
    ("macro", "fields", "first"),
    [
        # crontab(5) "@" strings and the entries they stand for
        ("@yearly", "0 0 1 1 *", "2027-01-01T00:00:00Z"),
        ("@annually", "0 0 1 1 *", "2027-01-01T00:00:00Z"),
        ("@monthly", "0 0 1 * *", "2026-02-01T00:00:00Z"),
        ("@weekly", "0 0 * * 0", "2026-01-04T00:00:00Z"),
        ("@daily", "0 0 * * *", "2026-01-03T00:00:00Z"),
        ("@midnight", "0 0 * * *", "2026-01-03T00:00:00Z"),
        ("@hourly", "0 * * * *", "2026-01-02T17:00:00Z"),
    ],
)
def test_macros(macro, fields, first):
    result = next_runs(macro.upper(), "UTC", 1, NOW)
    assert (result.expression, result.macro, result.runs[0].local) == (fields, macro, first)


# --- DST: IANA tz "europe", Rule EU (GB-Eire since 1996): 2026-03-29 and 2026-10-25 at 01:00 UTC -----------


def test_london_spring_forward_moves_a_run_in_the_missing_hour():
    result = next_runs("30 1 * * *", "Europe/London", 3, datetime(2026, 3, 28, 12, tzinfo=UTC))
    assert [(r.local, r.utc, r.abbreviation) for r in result.runs] == [
        ("2026-03-29T02:00:00+01:00", "2026-03-29T01:00:00Z", "BST"),  # 01:30 GMT does not exist that day
        ("2026-03-30T01:30:00+01:00", "2026-03-30T00:30:00Z", "BST"),
        ("2026-03-31T01:30:00+01:00", "2026-03-31T00:30:00Z", "BST"),
    ]
    assert result.runs[0].note.startswith("moved: the scheduled time does not exist that day")
    assert result.runs[1].note is None


def test_london_fall_back_runs_a_fixed_time_once():
    result = next_runs("30 1 * * *", "Europe/London", 2, datetime(2026, 10, 24, 12, tzinfo=UTC))
    assert [(r.local, r.utc) for r in result.runs] == [
        ("2026-10-25T01:30:00+01:00", "2026-10-25T00:30:00Z"),
        ("2026-10-26T01:30:00+00:00", "2026-10-26T01:30:00Z"),  # GMT: +00:00, but London time, not UTC
    ]
    assert (
        result.runs[0].note
        == "01:30 happens twice that day (the clocks go back): cron runs it once, at the first (BST)"
    )


def test_london_fall_back_hourly_job_runs_in_both_one_oclocks():
    result = next_runs("0 * * * *", "Europe/London", 4, datetime(2026, 10, 24, 22, 30, tzinfo=UTC))
    assert [(r.local, r.utc) for r in result.runs] == [
        ("2026-10-25T00:00:00+01:00", "2026-10-24T23:00:00Z"),
        ("2026-10-25T01:00:00+01:00", "2026-10-25T00:00:00Z"),
        ("2026-10-25T01:00:00+00:00", "2026-10-25T01:00:00Z"),
        ("2026-10-25T02:00:00+00:00", "2026-10-25T02:00:00Z"),
    ]
    assert [r.note for r in result.runs][1:3] == [
        "01:00 happens twice that day (the clocks go back): this is the first (BST)",
        "01:00 happens twice that day (the clocks go back): this is the second (GMT)",
    ]


def test_relative_times_and_weekdays():
    result = next_runs("0 22 * * 1-5", "UTC", 2, NOW)
    assert [(r.day_of_week, r.relative) for r in result.runs] == [("Friday", "in 5 h"), ("Monday", "in 3 days")]


# --- refusals: the field and the reason ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("60 * * * *", "minute (field 1 of 5, '60'): 60 is out of range: minute takes 0-59"),
        ("0 24 * * *", "hour (field 2 of 5, '24'): 24 is out of range: hour takes 0-23"),
        ("0 0 0 * *", "day-of-month (field 3 of 5, '0'): 0 is out of range: day-of-month takes 1-31"),
        ("0 0 1 13 *", "month (field 4 of 5, '13'): 13 is out of range: month takes 1-12"),
        ("0 0 1 FOO *", "month (field 4 of 5, 'FOO'): 'FOO' is not a month name: use 1-12 or JAN-DEC"),
        ("0 0 * * 8", "day-of-week (field 5 of 5, '8'): 8 is out of range: day-of-week takes 0-7 (0 and 7 are both "
         "Sunday)"),
        ("*/0 * * * *", "minute (field 1 of 5, '*/0'): a step of 0 is not allowed (after '/')"),
        ("0 17-9 * * *", "hour (field 2 of 5, '17-9'): the range 17-9 goes backwards: cron ranges do not wrap around "
         "(write it as two ranges joined by ',')"),
        ("0 1,,2 * * *", "hour (field 2 of 5, '1,,2'): an item of the list is empty (two commas in a row, or a comma "
         "at an end)"),
        ("x * * * *", "minute (field 1 of 5, 'X'): 'X' is not a number"),
        ("0 0 30 2 *", "day-of-month (field 3 of 5, '30'): none of the chosen months has such a day, so this never "
         "runs"),
        ("* * * *", "4 fields: a cron expression has 5 (minute hour day-of-month month day-of-week); missing: "
         "day-of-week"),
        ("0 * * * * *", "6 fields: this tool reads the standard 5 of crontab(5) (minute hour day-of-month month "
         "day-of-week); a seconds field (Quartz, Spring) or a year field is not supported"),
        ("5 0 * * * $HOME/bin/daily.job", "6 fields: this tool reads the standard 5 of crontab(5) (minute hour "
         "day-of-month month day-of-week); a seconds field (Quartz, Spring) or a year field is not supported"),
        ("5 0 * * * root run-parts /etc", "8 fields: a cron expression has 5 (minute hour day-of-month month "
         "day-of-week); if you pasted a crontab line, leave out the command (and the user name of /etc/crontab "
         "lines)"),
        ("@reboot", "@reboot runs once when cron starts: it has no schedule to explain or list"),
        ("@fortnightly", "'@fortnightly' is not a macro this tool knows: @yearly, @annually, @monthly, @weekly, "
         "@daily, @midnight, @hourly (alone on the line)"),
        ("  ", "enter a cron expression: minute hour day-of-month month day-of-week, e.g. */15 9-17 * * 1-5"),
    ],
)  # fmt: skip
def test_invalid_expressions_name_the_field(expression, message):
    assert refused(expression) == message


def test_names_ranges_and_lists_are_accepted():
    # crontab(5): names for month and day-of-week, case-insensitive; 7 is Sunday too
    assert runs("0 0 1 jan-mar *", 3) == ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"]
    assert runs("0 12 * * 7", 1) == runs("0 12 * * 0", 1) == ["2026-01-04T12:00:00Z"]


# --- JSON API ------------------------------------------------------------------------------------------


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr("tools.cron.current_time", lambda: NOW)


async def test_api_exact_json(tool_client, fixed_now):
    response = await tool_client.post("/api/cron", json={"input": "0 22 * * 1-5", "zone": "europe/berlin", "count": 2})
    assert response.status_code == 200
    assert await response.get_json() == {
        "expression": "0 22 * * 1-5",
        "macro": None,
        "description": "At 22:00, Monday through Friday",
        "zone": "Europe/Berlin",
        "now": "2026-01-02T16:50:00Z",
        "runs": [
            {
                "local": "2026-01-02T22:00:00+01:00",
                "utc": "2026-01-02T21:00:00Z",
                "abbreviation": "CET",
                "day_of_week": "Friday",
                "relative": "in 4 h",
                "note": None,
            },
            {
                "local": "2026-01-05T22:00:00+01:00",
                "utc": "2026-01-05T21:00:00Z",
                "abbreviation": "CET",
                "day_of_week": "Monday",
                "relative": "in 3 days",
                "note": None,
            },
        ],
        "notes": [],
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"input": "61 * * * *"}, "input", "minute (field 1 of 5, '61'): 61 is out of range: minute takes 0-59"),
        ({"input": "* * * * *", "count": 51}, "count", "count: Input should be less than or equal to 50"),
        ({"input": "* * * * *", "count": 0}, "count", "count: Input should be greater than or equal to 1"),
        ({"input": "* * * * *", "zone": "Moon/Base"}, "zone", "zone: unknown time zone 'Moon/Base': use an IANA name "
         "such as Europe/Berlin, America/New_York or UTC"),
        ({"input": "*" * (MAX_INPUT + 1)}, "input", f"input: String should have at most {MAX_INPUT} characters"),
    ],
)  # fmt: skip
async def test_api_errors(tool_client, body, field, message):
    response = await tool_client.post("/api/cron", json=body)
    assert response.status_code == 422
    assert await response.get_json() == {"error": {"message": message, "field": field}}


# --- page ----------------------------------------------------------------------------------------------


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


async def test_page_post_returns_the_whole_page(tool_client, fixed_now):
    form = urlencode({"input": "*/15 9-17 * * 1-5", "zone": "UTC", "count": "3"})
    response = await tool_client.post("/tools/cron/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert "Every 15 minutes, between 09:00 and 17:59, Monday through Friday" in page
    assert "2026-01-02T17:30:00Z" in page and "2026-01-02T17:45:00Z" not in page
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_htmx_partial_and_share_link(tool_client, fixed_now):
    form = urlencode({"input": "@daily", "zone": "europe/london", "count": "2"})
    response = await tool_client.post("/tools/cron/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "2026-01-03T00:00:00Z" in fragment and "2026-01-04T00:00:00Z" in fragment
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(fragment) == "/tools/cron/?input=%40daily&zone=Europe%2FLondon&count=2"


async def test_shared_link_reproduces_the_result(tool_client, fixed_now):
    page = await (await tool_client.get("/tools/cron/?input=%40daily&zone=Europe%2FLondon&count=2")).get_data(
        as_text=True
    )
    assert "2026-01-04T00:00:00Z" in page
    assert "2026-01-05T00:00:00Z" not in page


async def test_page_error_is_422_next_to_the_field(tool_client):
    response = await tool_client.post("/tools/cron/", data=urlencode({"input": "0 24 * * *"}), headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert "hour (field 2 of 5, &#39;24&#39;): 24 is out of range" in fragment


async def test_openapi_lists_the_cron_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/cron"]["post"]
    assert operation["summary"].startswith("Explain a cron expression")
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"input", "zone", "count"}
