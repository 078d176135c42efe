"""The Roman numerals tool: hand-checked numerals both ways and the reasons non-standard forms are refused."""

from __future__ import annotations

import pytest

from core.forms import ToolInputError
from tools.roman import RomanInput, convert

# Hand-checked: M + CM + XC + IV = 1000 + 900 + 90 + 4 = 1994; MMMCMXCIX = 3000 + 900 + 90 + 9 = 3999.
PAIRS = [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (90, "XC"), (400, "CD"), (1994, "MCMXCIV")]
PAIRS += [(2024, "MMXXIV"), (3888, "MMMDCCCLXXXVIII"), (3999, "MMMCMXCIX")]


@pytest.mark.parametrize(("number", "numeral"), PAIRS)
def test_both_ways(number, numeral):
    assert convert(RomanInput(input=str(number))).result == numeral
    assert convert(RomanInput(input=numeral)).result == str(number)
    assert convert(RomanInput(input=numeral.lower())).number == number


def test_every_number_round_trips():
    for number in range(1, 4000):
        assert convert(RomanInput(input=convert(RomanInput(input=str(number))).result)).number == number


def test_unicode_roman_numeral_characters_read_as_letters():
    assert convert(RomanInput(input="Ⅻ")).number == 12  # U+216B ROMAN NUMERAL TWELVE


def test_parts_show_the_subtractions():
    parts = convert(RomanInput(input="MCMXCIV")).parts
    assert [(p.symbols, p.value) for p in parts] == [("M", 1000), ("CM", 900), ("XC", 90), ("IV", 4)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "IIII",
            "IIII is not a valid Roman numeral: I is repeated more than three times; read loosely it would "
            "be 4, written IV",
        ),
        ("VX", "V is never subtracted (VX): only I, X and C are; read loosely it would be 5, written V"),
        ("IC", "I can be subtracted only from V and X, not from C; read loosely it would be 99, written XCIX"),
        ("VV", "V may appear only once"),
        ("IIV", "not in the order of the standard form"),
        ("MMMM", "M is repeated more than three times"),
        ("ABC", "'A' is not a Roman numeral symbol"),
        ("0", "0 is out of range"),
        ("4000", "4000 is out of range"),
        ("9" * 100, "is out of range"),
        (" ", "enter a number"),
    ],
)
def test_refusals_say_why(text, message):
    with pytest.raises(ToolInputError) as error:
        convert(RomanInput(input=text))
    assert message in error.value.message


async def test_roman_api_and_page(tool_client):
    api = await tool_client.post("/api/roman", json={"input": "MCMXCIV"})
    assert (await api.get_json())["number"] == 1994
    page = await (await tool_client.get("/tools/roman/?input=1994")).get_data(as_text=True)
    assert '<code id="roman-numeral">MCMXCIV</code>' in page
    refused = await tool_client.post("/api/roman", json={"input": "IIII"})
    assert refused.status_code == 422 and "written IV" in (await refused.get_json())["error"]["message"]
