"""The time tool: hand-checked epochs, RFC 2822 examples, IANA DST transitions, range limits, page and API."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.time import MAX_INPUT, TimeInput
from tools.time.instant import describe_instant

NOW = datetime(2026, 1, 2, 16, 50, tzinfo=UTC)  # epoch 1767372600, see test_now_is_the_given_now
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def run(text: str, zone: str = "UTC", unit: str = "auto"):
    return describe_instant(text, zone, unit, NOW)


def refused(text: str, zone: str = "UTC", unit: str = "auto") -> ToolInputError:
    with pytest.raises(ToolInputError) as caught:
        run(text, zone, unit)
    return caught.value


# --- epochs ------------------------------------------------------------------------------------------

EPOCH_VECTORS = [
    # hand-computed: 1234567890 = 14288 days + 84690 s (23:31:30); 14288 - 14245 (days to 2009-01-01) = 43 -> Feb 13
    ("1234567890", "2009-02-13T23:31:30Z", "Fri, 13 Feb 2009 23:31:30 +0000", "Friday", "2009-W07-5"),
    # the epoch itself (POSIX: seconds since 1970-01-01T00:00:00Z); 1970-01-01 was a Thursday
    ("0", "1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 +0000", "Thursday", "1970-W01-4"),
    # hand-computed: 2000000000 = 23148 days + 12800 s (03:33:20); 23148 - 23011 (days to 2033-01-01) = 137 -> May 18
    ("2000000000", "2033-05-18T03:33:20Z", "Wed, 18 May 2033 03:33:20 +0000", "Wednesday", "2033-W20-3"),
    # negative epoch, hand-computed: 1969-07-20T20:17:40Z is 13340 s before Jul 21 plus 164 days
    # (11 + 31 + 30 + 31 + 30 + 31) before 1970 = 14182940 s before the epoch
    ("-14182940", "1969-07-20T20:17:40Z", "Sun, 20 Jul 1969 20:17:40 +0000", "Sunday", "1969-W29-7"),
    # one second before the epoch
    ("-1", "1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 +0000", "Wednesday", "1970-W01-3"),
]


@pytest.mark.parametrize(("text", "iso", "rfc2822", "day", "week"), EPOCH_VECTORS)
def test_known_epoch_seconds(text, iso, rfc2822, day, week):
    result = run(text)
    assert (result.utc.iso, result.utc.rfc2822, result.utc.day_of_week, result.utc.iso_week) == (
        iso,
        rfc2822,
        day,
        week,
    )
    assert result.epoch.seconds == text
    assert result.detected.startswith("epoch seconds (guessed from")


@pytest.mark.parametrize(
    ("text", "detected", "iso"),
    [
        # the same instant, 1234567890.123456789 s, written in each unit: the digit count picks the unit
        ("1234567890123", "epoch milliseconds (guessed from 13 digits)", "2009-02-13T23:31:30.123Z"),
        ("1234567890123456", "epoch microseconds (guessed from 16 digits)", "2009-02-13T23:31:30.123456Z"),
        ("1234567890123456789", "epoch nanoseconds (guessed from 19 digits)", "2009-02-13T23:31:30.123456789Z"),
        ("99999999999", "epoch seconds (guessed from 11 digits)", "5138-11-16T09:46:39Z"),
        ("100000000000", "epoch milliseconds (guessed from 12 digits)", "1973-03-03T09:46:40Z"),
    ],
)
def test_unit_is_guessed_from_the_digits(text, detected, iso):
    result = run(text)
    assert (result.detected, result.utc.iso) == (detected, iso)


def test_every_epoch_unit_is_exact():
    result = run("1234567890123456789")
    assert result.epoch.model_dump() == {
        "seconds": "1234567890.123456789",
        "milliseconds": "1234567890123.456789",
        "microseconds": "1234567890123456.789",
        "nanoseconds": "1234567890123456789",
    }


def test_unit_override():
    # hand-computed: 1234567890 ms = 1234567.89 s = 14 days (1209600 s) + 24967.89 s (6 h 56 min 7.89 s)
    result = run("1234567890", unit="ms")
    assert (result.detected, result.utc.iso, result.epoch.seconds) == (
        "epoch milliseconds",
        "1970-01-15T06:56:07.890Z",
        "1234567.89",
    )
    assert run("-1", unit="ns").utc.iso == "1969-12-31T23:59:59.999999999Z"
    assert run("-1", unit="ns").epoch.seconds == "-0.000000001"
    assert run("1.5").utc.iso == "1970-01-01T00:00:01.500Z"


def test_now_is_the_given_now():
    result = run("now", "Asia/Kolkata")
    assert (result.detected, result.relative, result.epoch.seconds) == ("now", "now", "1767372600")
    assert (result.local.iso, result.local.abbreviation) == ("2026-01-02T22:20:00+05:30", "IST")


def test_relative_to_now():
    # (1767372600 - 1234567890) s = 16.9 years of 365 days -> core.timefmt.relative says "16 years ago"
    assert run("1234567890").relative == "16 years ago"
    assert run("1767376200").relative == "in 1 h"


# --- ISO 8601 and RFC 2822 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2009-02-13T23:31:30Z", "2009-02-13T23:31:30Z"),
        ("20090213T233130Z", "2009-02-13T23:31:30Z"),  # ISO 8601 basic format
        ("2009-02-14T05:01:30+05:30", "2009-02-13T23:31:30Z"),
        ("2009-W07-5T23:31:30Z", "2009-02-13T23:31:30Z"),  # ISO week date: week 7, Friday
        ("2009-02-13T23:31:30.123456789Z", "2009-02-13T23:31:30.123456789Z"),  # nanoseconds kept
    ],
)
def test_iso_8601_forms(text, iso):
    result = run(text)
    assert (result.detected, result.utc.iso) == ("ISO 8601", iso)


# RFC 2822 Appendix A examples (the same dates appear in RFC 5322 Appendix A); epochs hand-computed:
# 1997-11-21 is day 10186 after 1970-01-01 (27 years with 7 leap days = 9862, + 304 + 20).
RFC2822_VECTORS = [
    # A.1.1: "Date: Fri, 21 Nov 1997 09:55:06 -0600" -> 15:55:06Z = 880070400 + 57306
    ("Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T15:55:06Z", "880127706"),
    # A.1.2: "Date: Tue, 1 Jul 2003 10:52:37 +0200" -> 08:52:37Z; 2003-07-01 is day 12234 -> 1057017600 + 31957
    ("Tue, 1 Jul 2003 10:52:37 +0200", "2003-07-01T08:52:37Z", "1057049557"),
    # A.1.3: "Date: Thu, 13 Feb 1969 23:32:54 -0330" -> 1969-02-14T03:02:54Z, 321 days minus 3:02:54 before 1970
    ("Thu, 13 Feb 1969 23:32:54 -0330", "1969-02-14T03:02:54Z", "-27723426"),
    # A.5: folding white space and a comment in the date
    ("Thu,\n      13\n        Feb\n          1969\n      23:32\n               -0330 (Newfoundland Time)",
     "1969-02-14T03:02:00Z", "-27723480"),
    # A.6.2: obsolete two-digit year and "GMT" -> 880070400 + 35706
    ("21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06Z", "880106106"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "iso", "seconds"), RFC2822_VECTORS)
def test_rfc2822_appendix_a_dates(text, iso, seconds):
    result = run(text)
    assert (result.detected, result.utc.iso, result.epoch.seconds) == ("RFC 2822", iso, seconds)


def test_rfc2822_output_in_a_zone():
    # RFC 2822 §3.3: the zone is the local offset, "+" east of UTC; Berlin is +0100 in winter (CET).
    result = run("Fri, 21 Nov 1997 09:55:06 -0600", "Europe/Berlin")
    assert result.local.rfc2822 == "Fri, 21 Nov 1997 16:55:06 +0100"


def test_rfc2822_notes():
    # RFC 2822 §3.3: "-0000" = UTC, local offset unknown; the day name must match the date (21 Nov 1997 = Friday)
    result = run("Mon, 21 Nov 1997 09:55:06 -0000")
    assert result.utc.iso == "1997-11-21T09:55:06Z"
    assert result.notes == [
        "-0000 means UTC with the sender's local offset unknown (RFC 2822 §3.3)",
        "the day name says Mon, but 21 Nov 1997 is a Friday",
    ]
    # RFC 2822 §4.3: two-digit years 50-99 are 1950-1999 (Python's parser alone would say 2055)
    assert run("21 Nov 55 09:55:06 GMT").utc.iso == "1955-11-21T09:55:06Z"
    # ... and three-digit years add 1900; a four-digit year is what it says, even below 100
    assert run("1 Jan 049 00:00 GMT").utc.iso == "1949-01-01T00:00:00Z"
    assert run("Tue, 2 Jan 0001 00:00:00 +0000").utc.iso == "0001-01-02T00:00:00Z"


# --- time zones and DST (IANA tz database: "europe" Rule EU, "northamerica" Rule US) ---------------------
# Rule EU 1981 max Mar lastSun 1:00u +1:00 / Rule EU 1996 max Oct lastSun 1:00u 0: in 2026 on Mar 29 and Oct 25,
# 01:00 UTC. Rule US 2007 max Mar Sun>=8 2:00 / Nov Sun>=1 2:00 local: in 2026 on Mar 8 and Nov 1.
DST_VECTORS = [
    ("2026-03-29T00:59:59Z", "Europe/Berlin", "2026-03-29T01:59:59+01:00", "CET"),
    ("2026-03-29T01:00:00Z", "Europe/Berlin", "2026-03-29T03:00:00+02:00", "CEST"),
    ("2026-10-25T00:59:59Z", "Europe/Berlin", "2026-10-25T02:59:59+02:00", "CEST"),
    ("2026-10-25T01:00:00Z", "Europe/Berlin", "2026-10-25T02:00:00+01:00", "CET"),
    ("2026-03-08T06:59:59Z", "America/New_York", "2026-03-08T01:59:59-05:00", "EST"),
    ("2026-03-08T07:00:00Z", "America/New_York", "2026-03-08T03:00:00-04:00", "EDT"),
    ("2026-11-01T05:30:00Z", "America/New_York", "2026-11-01T01:30:00-04:00", "EDT"),
    ("2026-11-01T06:30:00Z", "America/New_York", "2026-11-01T01:30:00-05:00", "EST"),
]


@pytest.mark.parametrize(("text", "zone", "local", "abbreviation"), DST_VECTORS)
def test_dst_transitions(text, zone, local, abbreviation):
    result = run(text, zone)
    assert (result.local.iso, result.local.abbreviation, result.local.zone) == (local, abbreviation, zone)


def test_local_time_in_a_dst_gap_is_explained():
    result = run("2026-03-29T02:30", "Europe/Berlin")
    assert result.utc.iso == "2026-03-29T01:30:00Z"
    assert result.local.iso == "2026-03-29T03:30:00+02:00"
    assert result.notes == [
        "no UTC offset given: read as Europe/Berlin time",
        "2026-03-29 02:30 in Europe/Berlin does not exist (the clocks skip it); read with the offset before the "
        "change, +01:00, which is 2026-03-29 03:30 CEST",
    ]


def test_local_time_in_a_dst_overlap_takes_the_first():
    result = run("2026-11-01T01:30", "America/New_York")
    assert result.utc.iso == "2026-11-01T05:30:00Z"
    assert result.notes[1] == (
        "2026-11-01 01:30 in America/New_York happens twice (the clocks go back); using the first, EDT -04:00; "
        "the second is EST -05:00"
    )


def test_iso_week_at_a_year_boundary():
    # ISO 8601: 2026 starts on a Thursday, so it has 53 weeks and Friday 2027-01-01 is in 2026-W53.
    assert run("2027-01-01T12:00:00Z").utc.iso_week == "2026-W53-5"


# --- refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        # 253402300800 s = 10000-01-01T00:00:00Z (the first second datetime cannot hold)
        ("253402300800", "s", "out of range: 253402300800 seconds is after 9999-12-30T23:59:59.999999999Z, "
         "the latest instant shown here"),
        # -62135596800 s = 0001-01-01T00:00:00Z, one day before the first instant shown (so every zone fits)
        ("-62135596800", "auto", "out of range: -62135596800 seconds is before 0001-01-02T00:00:00Z, "
         "the earliest instant shown here"),
        ("12345678901234567890", "auto", "20 digits is too many to guess the unit: choose seconds, ms, µs or ns"),
        ("2009-13-01", "auto", "not an ISO 8601 date and time that can be read: month must be in 1..12"),
        ("Fri, 31 Feb 1997 09:55:06 +0000", "auto", "not an RFC 2822 date that can be read: day is out of range "
         "for month"),
        ("yesterday", "auto", "not a time this tool reads: give epoch digits (1234567890), ISO 8601 "
         "(2009-02-13T23:31:30Z), RFC 2822 (Fri, 13 Feb 2009 23:31:30 +0000) or now"),
        ("", "auto", "enter a time: epoch digits, ISO 8601, RFC 2822, or now"),
    ],
)  # fmt: skip
def test_refusals_say_why(text, unit, message):
    error = refused(text, unit=unit)
    assert (error.field, error.message) == ("input", message)


# --- JSON API ------------------------------------------------------------------------------------------


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr("tools.time.current_time", lambda: NOW)


# 1234567890 (2009-02-13T23:31:30Z) in the default zones: EST is UTC-5, CET UTC+1, JST UTC+9 (no DST in February).
DEFAULT_ZONE_VIEWS = [
    ("UTC", "2009-02-13T23:31:30Z", "Fri, 13 Feb 2009 23:31:30 +0000", "UTC", "Friday", "2009-W07-5", 44),
    ("America/New_York", "2009-02-13T18:31:30-05:00", "Fri, 13 Feb 2009 18:31:30 -0500", "EST", "Friday",
     "2009-W07-5", 44),
    ("Europe/Berlin", "2009-02-14T00:31:30+01:00", "Sat, 14 Feb 2009 00:31:30 +0100", "CET", "Saturday",
     "2009-W07-6", 45),
    ("Asia/Tokyo", "2009-02-14T08:31:30+09:00", "Sat, 14 Feb 2009 08:31:30 +0900", "JST", "Saturday",
     "2009-W07-6", 45),
]  # fmt: skip


async def test_api_converts_with_exact_json(tool_client, fixed_now):
    response = await tool_client.post("/api/time", json={"input": "1234567890", "zone": "europe/berlin"})
    assert response.status_code == 200
    assert await response.get_json() == {
        "detected": "epoch seconds (guessed from 10 digits)",
        "utc": {
            "zone": "UTC",
            "iso": "2009-02-13T23:31:30Z",
            "rfc2822": "Fri, 13 Feb 2009 23:31:30 +0000",
            "offset": "+00:00",
            "abbreviation": "UTC",
            "day_of_week": "Friday",
            "iso_week": "2009-W07-5",
            "day_of_year": 44,
        },
        "local": {
            "zone": "Europe/Berlin",
            "iso": "2009-02-14T00:31:30+01:00",
            "rfc2822": "Sat, 14 Feb 2009 00:31:30 +0100",
            "offset": "+01:00",
            "abbreviation": "CET",
            "day_of_week": "Saturday",
            "iso_week": "2009-W07-6",
            "day_of_year": 45,
        },
        "epoch": {
            "seconds": "1234567890",
            "milliseconds": "1234567890000",
            "microseconds": "1234567890000000",
            "nanoseconds": "1234567890000000000",
        },
        "relative": "16 years ago",
        "notes": [],
        "zones": [
            {
                "zone": zone,
                "iso": iso,
                "rfc2822": rfc2822,
                "offset": iso[19:] if zone != "UTC" else "+00:00",
                "abbreviation": abbreviation,
                "day_of_week": day,
                "iso_week": week,
                "day_of_year": day_of_year,
            }
            for zone, iso, rfc2822, abbreviation, day, week, day_of_year in DEFAULT_ZONE_VIEWS
        ],
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"input": "1234567890", "zone": "Europe/Berln"}, "zone", "zone: unknown time zone 'Europe/Berln': use an "
         "IANA name; did you mean Europe/Berlin or Europe/Belfast or Europe/Helsinki?"),
        ({"input": "1234567890", "zone": "Mars/Olympus"}, "zone", "zone: unknown time zone 'Mars/Olympus': use an "
         "IANA name such as Europe/Berlin, America/New_York or UTC"),
        ({"input": "1234567890", "unit": "days"}, "unit", "unit: Input should be 'auto', 's', 'ms', 'us' or 'ns'"),
        ({"input": "253402300800", "unit": "s"}, "input", "out of range: 253402300800 seconds is after "
         "9999-12-30T23:59:59.999999999Z, the latest instant shown here"),
        ({"zone": "UTC"}, "input", "input: Field required"),
        ({"input": "1" * (MAX_INPUT + 1)}, "input", f"input: String should have at most {MAX_INPUT} characters"),
    ],
)  # fmt: skip
async def test_api_errors_name_the_field(tool_client, body, field, message):
    response = await tool_client.post("/api/time", json=body)
    assert response.status_code == 422
    assert await response.get_json() == {"error": {"message": message, "field": field}}


# --- page ----------------------------------------------------------------------------------------------


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


async def test_page_post_returns_the_whole_page(tool_client, fixed_now):
    form = urlencode({"input": "1234567890", "zone": "America/New_York", "unit": "auto"})
    response = await tool_client.post("/tools/time/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert "2009-02-13T18:31:30-05:00" in page and "2009-02-13T23:31:30Z" in page
    assert '<option value="Europe/Berlin">' in page  # the zone list works without JavaScript
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_htmx_partial(tool_client, fixed_now):
    form = urlencode({"input": "2000000000", "zone": "UTC"})
    response = await tool_client.post("/tools/time/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "2033-05-18T03:33:20Z" in fragment
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(fragment) == "/tools/time/?input=2000000000&zone=UTC"


async def test_now_button_wins_over_the_text_box(tool_client, fixed_now):
    # Form data in tree order: the text box's value, then the clicked submit button's input=now.
    form = urlencode([("input", "1234567890"), ("zone", "UTC"), ("unit", "auto"), ("input", "now")])
    fragment = await (await tool_client.post("/tools/time/", data=form, headers={**FORM, **HTMX})).get_data(
        as_text=True
    )
    assert "2026-01-02T16:50:00Z" in fragment
    assert "2009-02-13" not in fragment
    # "now" would be another instant later: the link carries the instant itself.
    assert share_link(fragment) == "/tools/time/?input=2026-01-02T16%3A50%3A00Z&zone=UTC&unit=auto"


async def test_shared_link_reproduces_the_result(tool_client, fixed_now):
    response = await tool_client.get("/tools/time/?input=2026-01-02T16%3A50%3A00Z&zone=UTC&unit=auto")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1767372600" in page


async def test_page_zone_error_is_422_next_to_the_field(tool_client):
    form = urlencode({"input": "0", "zone": "Nowhere/City"})
    response = await tool_client.post("/tools/time/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<div id="zone-feedback" hx-swap-oob="true"><small[^>]*>unknown time zone', fragment)


async def test_openapi_lists_the_time_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/time"]["post"]
    assert operation["summary"].startswith("Convert an epoch number")
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"input", "zone", "unit", "zones"}
    assert schema["properties"]["zones"]["default"] == ["UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo"]


# --- several zones side by side ------------------------------------------------------------------------


def test_zones_side_by_side_in_their_order():
    # 2009-07-01T12:00:00Z: summer time in New York (EDT, UTC-4) and Berlin (CEST, UTC+2); Kolkata is UTC+5:30,
    # Kathmandu UTC+5:45, Chatham Islands UTC+12:45 (CHAST) and Pago Pago UTC-11 (SST), all without DST then.
    zones = ["Pacific/Pago_Pago", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Asia/Kathmandu"]
    result = describe_instant("2009-07-01T12:00:00Z", "UTC", "auto", NOW, zones)
    assert [(v.zone, v.iso, v.abbreviation) for v in result.zones] == [
        ("Pacific/Pago_Pago", "2009-07-01T01:00:00-11:00", "SST"),
        ("America/New_York", "2009-07-01T08:00:00-04:00", "EDT"),
        ("Europe/Berlin", "2009-07-01T14:00:00+02:00", "CEST"),
        ("Asia/Kolkata", "2009-07-01T17:30:00+05:30", "IST"),
        ("Asia/Kathmandu", "2009-07-01T17:45:00+05:45", "+0545"),
    ]
    assert run("2009-07-01T12:00:00Z").zones == []  # none listed, none shown


def test_zone_list_is_split_deduplicated_and_canonical():
    data = TimeInput(input="0", zones=["utc, asia/tokyo", "Asia/Tokyo  europe/paris", ""])
    assert data.zones == ["UTC", "Asia/Tokyo", "Europe/Paris"]
    assert TimeInput(input="0", zones="").zones == []
    assert TimeInput(input="0").zones == ["UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo"]


async def test_api_zones(tool_client):
    body = {"input": "0", "zones": ["Asia/Tokyo", "America/Los_Angeles"]}
    response = await tool_client.post("/api/time", json=body)
    assert response.status_code == 200
    zones = (await response.get_json())["zones"]
    assert [(z["zone"], z["iso"]) for z in zones] == [
        ("Asia/Tokyo", "1970-01-01T09:00:00+09:00"),
        ("America/Los_Angeles", "1969-12-31T16:00:00-08:00"),
    ]


@pytest.mark.parametrize(
    ("zones", "message"),
    [
        (["UTC", "Mars/Olympus"], "zones: unknown time zone 'Mars/Olympus': use an IANA name such as"),
        (["Europe/Berln"], "zones: unknown time zone 'Europe/Berln': use an IANA name; did you mean Europe/Berlin"),
        (["UTC"] * 25, "zones: at most 24 time zones, not 25"),
        (["x" * 65], "zones: 'xxxxxxxxxxxxxxxxxxxx'… is longer than 64 characters: not a time zone"),
        ([1], "zones: Input should be a valid string"),
        ({"UTC": 1}, "zones: Input should be a valid list"),
    ],
)
async def test_api_zone_errors_are_422_naming_the_field_and_the_zone(tool_client, zones, message):
    response = await tool_client.post("/api/time", json={"input": "0", "zones": zones})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "zones" and error["message"].startswith(message)


async def test_page_shows_the_zones_grid_and_links_to_it(tool_client, fixed_now):
    form = urlencode({"input": "1234567890", "zone": "UTC", "zones": "asia/tokyo, America/New_York"})
    response = await tool_client.post("/tools/time/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td><td><code>([^<]+)</code></td>', page)
    assert rows == [("Asia/Tokyo", "Sat 2009-02-14", "08:31:30"), ("America/New_York", "Fri 2009-02-13", "18:31:30")]
    assert 'value="Asia/Tokyo, America/New_York"' in page
    assert share_link(page) == "/tools/time/?input=1234567890&zone=UTC&zones=Asia%2FTokyo%2C+America%2FNew_York"


async def test_empty_page_lists_the_default_zones(tool_client):
    page = await (await tool_client.get("/tools/time/")).get_data(as_text=True)
    assert 'name="zones" type="text"' in page
    assert 'value="UTC, America/New_York, Europe/Berlin, Asia/Tokyo"' in page


async def test_page_unknown_zone_in_the_list_is_422_next_to_the_field(tool_client):
    form = urlencode({"input": "0", "zones": "UTC, Nowhere/City"})
    response = await tool_client.post("/tools/time/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        r'<div id="zones-feedback" hx-swap-oob="true"><small[^>]*>unknown time zone &#39;Nowhere/City&#39;', fragment
    )
