"""The number base tool: hand-computed and Python-documented vectors, then the page and the JSON API."""

from __future__ import annotations

import html
import random
import re
import sys
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.base import (
    DIGITS,
    MAX_DIGITS,
    MAX_INPUT,
    BaseInput,
    convert,
    digits_to_int,
    int_to_digits,
    parse_int,
    twos_complement,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def run(text: str, from_base: int = 10, to_base: int = 16):
    return convert(BaseInput(input=text, from_base=from_base, to_base=to_base))


def common(result) -> dict[int, str]:
    return {item.base: item.digits for item in result.common}


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- known answers ----------------------------------------------------------------------------------


def test_255_in_the_common_bases():
    # hand-computed: 255 = 2^8 - 1 = 11111111 (2) = 3·64 + 7·8 + 7 = 377 (8) = 15·16 + 15 = ff (16) = 7·36 + 3 = 73 (36)
    result = run("255")
    assert result.result == "ff"
    assert common(result) == {2: "11111111", 8: "377", 10: "255", 16: "ff", 36: "73"}
    assert (result.negative, result.digits, result.bit_length) == (False, 3, 8)


def test_36_to_the_20th_in_base_36_is_one_and_twenty_zeros():
    # hand-computed: any base b writes b^n as 1 followed by n zeros
    assert run(str(36**20), 10, 36).result == "1" + "0" * 20
    assert run("1" + "0" * 20, 36, 10).result == str(36**20)


@pytest.mark.parametrize(
    ("text", "from_base", "value"),
    [
        # The Python Language Reference, 2.4.5 "Integer literals", lists these example literals; int(x, base)
        # accepts the same syntax for its base ("Base-2, -8, and -16 literals can be optionally prefixed with
        # 0b/0B, 0o/0O, or 0x/0X, as with integer literals in code", Python docs, Built-in Functions, int()).
        ("7", 10, 7),
        ("2147483647", 10, 2147483647),
        ("0o177", 8, 127),
        ("0b100110111", 2, 311),
        ("79228162514264337593543950336", 10, 2**96),
        ("0o377", 8, 255),
        ("0xdeadbeef", 16, 3735928559),
        ("100_000_000_000", 10, 100_000_000_000),
        ("0b_1110_0101", 2, 229),
        # int() docs: "with a to z (or A to Z) having values 10 to 35"; optional sign; surrounding whitespace
        ("Z", 36, 35),
        ("-0XFF", 16, -255),
        ("+0B101", 2, 5),
        ("  42\n", 10, 42),
        ("-0", 10, 0),
        ("007", 10, 7),  # int() (unlike a literal in code) allows leading zeros
        # In other bases 'b', 'o' and 'x' are digits, not prefixes: int("0b1", 16) == 0xb1
        ("0b1", 16, 0xB1),
        ("0x", 36, 33),  # hand-computed: '0' '0', 'x' = 33 -> 0·36 + 33
    ],
)
def test_python_int_syntax(text, from_base, value):
    assert parse_int(text, from_base)[0] == value
    assert int(text, from_base) == value  # Python's int() as the reference


def test_agrees_with_python_int_on_random_numbers():
    # Python's int(x, base) is the reference for parsing, and int(str, base) for the written digits.
    rng = random.Random(2019)
    for _ in range(400):
        base = rng.randint(2, 36)
        text = "".join(rng.choice(DIGITS[:base]) for _ in range(rng.randint(1, 400)))
        value = int(text, base)
        assert digits_to_int(text, base) == value
        assert int_to_digits(value, base) == (text.lstrip("0") or "0")
        to = rng.randint(2, 36)
        written = int_to_digits(value, to)
        assert int(written, to) == value
        assert written == "0" or not written.startswith("0")


def test_huge_numbers_never_hit_pythons_digit_limit():
    # Python 3.11 refuses str <-> int conversions over sys.get_int_max_str_digits() (4300) digits in bases that
    # are not powers of two; the tool converts in pieces, so 10,000 digits work in every direction.
    nines = "9" * MAX_DIGITS
    value = 10**MAX_DIGITS - 1
    result = run(nines, 10, 16)
    assert result.result == format(value, "x")  # format(..., "x") has no length limit
    assert common(result)[2] == format(value, "b")
    z = "z" * MAX_DIGITS
    result = run(z, 36, 10)
    assert common(result)[36] == z
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        assert result.result == str(36**MAX_DIGITS - 1)
        assert run(str(10**MAX_DIGITS - 1), 10, 10).result == nines
    finally:
        sys.set_int_max_str_digits(limit)


@pytest.mark.parametrize(
    ("value", "bits", "pattern", "fits_signed", "fits_unsigned"),
    [
        # hand-computed: -1 is all ones in two's complement (2^8 - 1 = 255 = 11111111)
        (-1, 8, "11111111", True, False),
        (-1, 16, "1111111111111111", True, False),
        # -128 = -2^7 is the smallest signed byte: 2^8 - 128 = 128 = 10000000
        (-128, 8, "10000000", True, False),
        # 128 = 2^7 is one past the largest signed byte (127) but fits unsigned: 10000000
        (128, 8, "10000000", False, True),
        (127, 8, "01111111", True, True),
        (255, 8, "11111111", False, True),
        # 256 = 2^8 and -129 fit neither way
        (256, 8, None, False, False),
        (-129, 8, None, False, False),
        (-129, 16, "1111111101111111", True, False),  # 2^16 - 129 = 65407 = ff7f
        (2**63 - 1, 64, "0" + "1" * 63, True, True),
        (-(2**63), 64, "1" + "0" * 63, True, False),
        (2**64 - 1, 64, "1" * 64, False, True),
        (2**64, 64, None, False, False),
        (0, 32, "0" * 32, True, True),
    ],
)
def test_twos_complement(value, bits, pattern, fits_signed, fits_unsigned):
    width = twos_complement(value, bits)
    assert (width.pattern, width.fits_signed, width.fits_unsigned) == (pattern, fits_signed, fits_unsigned)
    if pattern:
        assert width.hex == format(int(pattern, 2), f"0{bits // 4}x")
        assert width.unsigned == int(pattern, 2)
        assert width.signed == int(pattern, 2) - (2**bits if pattern[0] == "1" else 0)


def test_twos_complement_notes_say_how_the_value_fits():
    assert twos_complement(128, 8).note == (
        "fits only as unsigned (signed range -128 to 127); the same bits read as signed are -128"
    )
    assert twos_complement(-1, 8).note == "fits as signed (two's complement); the same bits read as unsigned are 255"
    assert (
        twos_complement(256, 8).note
        == "does not fit in 8 bits: too large (signed range -128 to 127, unsigned 0 to 255)"
    )
    assert twos_complement(-129, 8).note.startswith("does not fit in 8 bits: too small")
    assert twos_complement(5, 8).note == "fits as signed and as unsigned"


def test_negative_numbers_in_every_base():
    result = run("-255", 10, 2)
    assert result.result == "-11111111"
    assert common(result) == {2: "-11111111", 8: "-377", 10: "-255", 16: "-ff", 36: "-73"}
    assert [w.pattern for w in result.twos_complement][:2] == [None, "1111111100000001"]  # 2^16 - 255 = ff01


@pytest.mark.parametrize(
    ("text", "from_base", "phrases"),
    [
        ("12a4", 10, ["'a' at position 3 (counting from 1)", "not a digit in decimal (digits 0-9)"]),
        ("1012", 2, ["'2' at position 4 (counting from 1)", "binary (digits 0-1)"]),
        ("  -789", 8, ["'8' at position 5 (counting from 1)", "octal (digits 0-7)"]),
        ("fg", 16, ["'g' at position 2", "hexadecimal (digits 0-9 and a-f)"]),
        ("z", 35, ["'z' at position 1", "base 35 (digits 0-9 and a-y)"]),
        ("b", 11, ["base 11 (digits 0-9 and a)"]),
        # a prefix that belongs to another base says which
        ("0xff", 10, ["'x' at position 2", "the 0x prefix means hexadecimal: set from_base to 16"]),
        ("-0b11", 8, ["'b' at position 3", "the 0b prefix means binary: set from_base to 2"]),
        # spaces inside the number, underscores not between two digits
        ("1 000", 10, ["U+0020 (space) at position 2", "use '_' to group digits"]),
        ("1__000", 10, ["'_' at position 3 (counting from 1)", "between two digits"]),
        ("_1", 10, ["'_' at position 1"]),
        ("1_", 10, ["'_' at position 2"]),
        ("0x__1", 16, ["'_' at position 4"]),
        # nothing to convert
        ("", 10, ["enter a number"]),
        ("   ", 10, ["enter a number"]),
        ("-", 10, ["no digits after '-'"]),
        ("0x", 16, ["no digits after '0x'"]),
        # only ASCII digits (int() would also take other scripts' decimal digits)
        ("١٢", 10, ["'١' at position 1"]),
    ],
)
def test_invalid_input_names_the_position(text, from_base, phrases):
    with pytest.raises(ToolInputError) as raised:
        parse_int(text, from_base)
    assert raised.value.field == "input"
    for phrase in phrases:
        assert phrase in raised.value.message


def test_digit_limit():
    assert parse_int("1" * MAX_DIGITS, 2)[1] == MAX_DIGITS
    assert parse_int("1_" * (MAX_DIGITS - 1) + "1", 2)[1] == MAX_DIGITS  # underscores are not digits
    with pytest.raises(ToolInputError) as raised:
        parse_int("1" * (MAX_DIGITS + 1), 2)
    assert raised.value.message == "the number has 10,001 digits; the limit is 10,000 digits"


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_converts_255(tool_client):
    response = await tool_client.post("/api/base", json={"input": "255", "from_base": 10, "to_base": 16})
    assert response.status_code == 200
    body = await response.get_json()
    assert body == {
        "from_base": 10,
        "to_base": 16,
        "result": "ff",
        "negative": False,
        "digits": 3,
        "bit_length": 8,
        "common": [
            {"base": 2, "name": "binary", "digits": "11111111"},
            {"base": 8, "name": "octal", "digits": "377"},
            {"base": 10, "name": "decimal", "digits": "255"},
            {"base": 16, "name": "hexadecimal", "digits": "ff"},
            {"base": 36, "name": "base 36", "digits": "73"},
        ],
        "twos_complement": [
            {
                "bits": 8,
                "fits_signed": False,
                "fits_unsigned": True,
                "pattern": "11111111",
                "hex": "ff",
                "signed": -1,
                "unsigned": 255,
                "note": "fits only as unsigned (signed range -128 to 127); the same bits read as signed are -1",
            },
            {
                "bits": 16,
                "fits_signed": True,
                "fits_unsigned": True,
                "pattern": "0000000011111111",
                "hex": "00ff",
                "signed": 255,
                "unsigned": 255,
                "note": "fits as signed and as unsigned",
            },
            {
                "bits": 32,
                "fits_signed": True,
                "fits_unsigned": True,
                "pattern": "0" * 24 + "11111111",
                "hex": "000000ff",
                "signed": 255,
                "unsigned": 255,
                "note": "fits as signed and as unsigned",
            },
            {
                "bits": 64,
                "fits_signed": True,
                "fits_unsigned": True,
                "pattern": "0" * 56 + "11111111",
                "hex": "00000000000000ff",
                "signed": 255,
                "unsigned": 255,
                "note": "fits as signed and as unsigned",
            },
        ],
    }


async def test_api_defaults_to_decimal_to_hex(tool_client):
    response = await tool_client.post("/api/base", json={"input": "-1"})
    body = await response.get_json()
    assert (body["from_base"], body["to_base"], body["result"]) == (10, 16, "-1")
    assert body["twos_complement"][0]["pattern"] == "11111111"


async def test_api_invalid_digit_is_422_with_the_position(tool_client):
    response = await tool_client.post("/api/base", json={"input": "10201", "from_base": 2})
    assert response.status_code == 422
    assert await response.get_json() == {
        "error": {
            "message": "'2' at position 3 (counting from 1) is not a digit in binary (digits 0-1)",
            "field": "input",
        }
    }


async def test_api_ten_thousand_digits_never_500(tool_client):
    response = await tool_client.post("/api/base", json={"input": "7" * MAX_DIGITS, "from_base": 10, "to_base": 10})
    assert response.status_code == 200
    assert (await response.get_json())["result"] == "7" * MAX_DIGITS
    response = await tool_client.post("/api/base", json={"input": "7" * (MAX_DIGITS + 1)})
    assert response.status_code == 422
    assert (await response.get_json())["error"] == {
        "message": "the number has 10,001 digits; the limit is 10,000 digits",
        "field": "input",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": 255}, "input"),
        ({"input": "1", "from_base": 1}, "from_base"),
        ({"input": "1", "from_base": 37}, "from_base"),
        ({"input": "1", "to_base": 0}, "to_base"),
        ({"input": "1", "to_base": "hex"}, "to_base"),
    ],
)
async def test_api_schema_errors_name_the_field(tool_client, body, field):
    response = await tool_client.post("/api/base", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert field in error["message"]


async def test_api_oversize_input_states_the_limit(tool_client):
    response = await tool_client.post("/api/base", json={"input": "1" * (MAX_INPUT + 1)})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert str(MAX_INPUT) in error["message"]


# --- page -------------------------------------------------------------------------------------------


async def test_empty_page(tool_client):
    response = await tool_client.get("/tools/base/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post" action="/tools/base/"' in page
    # The first load shows the first example: 255 from decimal to binary.
    assert '<option value="10" selected>10 (decimal)</option>' in page
    assert '<option value="2" selected>2 (binary)</option>' in page
    assert "Example — 255 to binary." in page and '<code id="base-result">11111111</code>' in page
    assert "style=" not in page


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    form = urlencode({"input": "-1", "from_base": "10", "to_base": "2"})
    response = await tool_client.post("/tools/base/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="base-result">-1</code>' in page
    assert '<code id="bits-8" class="base-bits"><span>11111111</span></code>' in page
    assert '<code id="hex-16">ffff</code>' in page
    assert 'data-copy-target="base-result"' in page
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(page) == "/tools/base/?input=-1&from_base=10&to_base=2"


async def test_page_post_with_htmx_returns_only_the_result(tool_client):
    form = urlencode({"input": "128", "from_base": "10", "to_base": "16"})
    response = await tool_client.post("/tools/base/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert '<code id="base-result">80</code>' in fragment
    assert "the same bits read as signed are -128" in fragment
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_get_with_query_reproduces_the_result(tool_client):
    response = await tool_client.get("/tools/base/?input=0xff&from_base=16&to_base=8")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<code id="base-result">377</code>' in page
    assert '<option value="16" selected>16 (hexadecimal)</option>' in page
    assert share_link(page) == "/tools/base/?input=0xff&from_base=16&to_base=8"


async def test_page_error_is_shown_next_to_the_field(tool_client):
    form = urlencode({"input": "0xff", "from_base": "10", "to_base": "16"})
    response = await tool_client.post("/tools/base/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="input-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "at position 2 (counting from 1)" in oob.group(1)
    assert "set from_base to 16" in oob.group(1)
    assert "base-result" not in fragment


async def test_page_emptied_field_is_not_an_error(tool_client):
    form = urlencode({"input": "", "from_base": "10", "to_base": "16"})
    response = await tool_client.post("/tools/base/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "field-error" not in fragment
    assert "base-result" not in fragment


async def test_page_bad_base_is_422_next_to_its_field(tool_client):
    form = urlencode({"input": "1", "from_base": "99", "to_base": "16"})
    response = await tool_client.post("/tools/base/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<small class="field-error" id="from_base-error" role="alert">[^<]*36', page)


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert "/tools/base/" in page
