"""The units tool: hand-checked conversions of bytes, durations, temperatures and lengths."""

from __future__ import annotations

import pytest

from core.forms import ToolInputError
from tools.units import UnitsInput, convert


def result(text: str, to: str = "") -> str:
    return convert(UnitsInput(input=text, to=to)).result


@pytest.mark.parametrize(
    ("text", "to", "expected"),
    [
        ("1 KiB", "B", "1024 B"),  # IEC: 2^10
        ("1 kB", "B", "1000 B"),  # SI: 10^3
        ("1.5 GiB", "MB", "1610.612736 MB"),  # 1.5 × 2^30 / 10^6
        ("8 bit", "B", "1 B"),
        ("P1DT2H", "s", "93600 s"),  # 86400 + 7200
        ("P2W", "d", "14 d"),
        ("PT1.5S", "ms", "1500 ms"),
        ("1 d 2 h 30 min", "h", "26.5 h"),
        ("90 min", "ns", "5400000000000 ns"),
        ("-40 °C", "°F", "-40 °F"),  # the one temperature equal on both scales
        ("−40 °C", "°F", "-40 °F"),  # U+2212 MINUS SIGN
        ("100 °C", "°F", "212 °F"),
        ("0 K", "°C", "-273.15 °C"),
        ("98.6 F", "C", "37 °C"),
        ("1 in", "cm", "2.54 cm"),  # exact by definition (1959)
        ("1 mi", "km", "1.609344 km"),
        ("1 ft", "in", "12 in"),
        ("1 nmi", "m", "1852 m"),
    ],
)
def test_hand_checked_conversions(text, to, expected):
    assert result(text, to) == expected


def test_a_duration_in_iso_8601_seconds_and_words():
    output = convert(UnitsInput(input="93600 s"))
    assert (output.iso, output.human, output.result) == ("P1DT2H", "1 d 2 h", "93600 s")
    assert convert(UnitsInput(input="-P1.5D")).iso == "-P1DT12H"
    assert convert(UnitsInput(input="0 s")).iso == "PT0S"


def test_a_third_of_a_day_in_hours_is_exact_but_in_days_rounded():
    rows = {row.unit: row for row in convert(UnitsInput(input="8 h")).conversions}
    assert (rows["d"].value, rows["d"].exact) == ("0.333333333333333", False)
    assert (rows["min"].value, rows["min"].exact) == ("480", True)


@pytest.mark.parametrize(
    ("text", "to", "field", "message"),
    [
        ("P1Y", "", "input", "a year or a month has no fixed number of seconds"),
        ("P1M", "", "input", "a year or a month has no fixed number of seconds"),
        ("1 KB", "", "input", "'KB' is ambiguous: write kB (1000 bytes) or KiB (1024 bytes)"),
        ("5", "", "input", "a unit is missing"),
        ("-500 °C", "", "input", "below absolute zero"),
        ("1 in", "h", "to", "cannot convert length to h (duration)"),
        ("1 in 2 ft", "", "input", "only a duration may have several parts"),
        ("PT", "", "input", "needs at least one number and unit"),
        ("", "", "input", "enter a number and a unit"),
    ],
)
def test_refusals(text, to, field, message):
    with pytest.raises(ToolInputError) as error:
        convert(UnitsInput(input=text, to=to))
    assert message in error.value.message and error.value.field == field


async def test_units_api_and_page(tool_client):
    api = await tool_client.post("/api/units", json={"input": "P1DT2H"})
    body = await api.get_json()
    assert (body["result"], body["iso"], body["kind"]) == ("93600 s", "P1DT2H", "duration")
    page = await (await tool_client.get("/tools/units/?input=1+in&to=cm")).get_data(as_text=True)
    assert "<h2>2.54 cm</h2>" in page
    bad = await tool_client.post("/api/units", json={"input": "1 in", "to": "GiB"})
    assert bad.status_code == 422 and (await bad.get_json())["error"]["field"] == "to"
