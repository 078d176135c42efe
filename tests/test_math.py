"""The math tool: hand-checked arithmetic, exact fractions, bytes and time units, and its limits."""

from __future__ import annotations

import pytest

from core.forms import ToolInputError
from tools.math import evaluate

# Hand-checked: 1.5 GiB = 1.5 × 1024³ B = 1 610 612 736 B = 1610.612736 MB (10⁶ B); 90 min = 5400 s = 1.5 h;
# 0.1 + 0.2 is exactly 3/10 in exact arithmetic (not 0.30000000000000004); 2^-3 = 1/8.
KNOWN = [
    ("1.5 GiB in MB", "1610.612736 MB"),
    ("90 min in h", "1.5 h"),
    ("0.1 + 0.2", "0.3"),
    ("2^-3", "0.125"),
    ("(2 + 3) * 4", "20"),
    ("7 // 2 + 7 % 2", "4"),
    ("1 KiB + 1 kB", "2024 B"),  # 1024 + 1000
    ("2 h + 30 min in min", "150 min"),
    ("1 GiB in MiB", "1024 MiB"),
    ("8 bit in B", "1 B"),
    ("1 week in h", "168 h"),
    ("sqrt(16)", "4"),  # a perfect square stays exact
    ("factorial(10)", "3628800"),
    ("log(8, 2)", "3"),
]


@pytest.mark.parametrize(("expression", "expected"), KNOWN)
def test_known_answers(expression, expected):
    assert evaluate(expression).result == expected


def test_an_endless_decimal_is_rounded_and_its_fraction_given():
    third = evaluate("1/3")
    assert (third.value, third.exact, third.fraction) == ("0.333333333333333", False, "1/3")


def test_floating_point_functions_are_marked_inexact():
    root = evaluate("sqrt(2)")
    assert root.value == "1.4142135623731"  # 15 significant digits of 1.41421356237309504…
    assert root.exact is False


def test_quantities_get_a_readable_form():
    assert evaluate("5400 s").human == "1 h 30 min"
    assert evaluate("1536 B").human == "1.5 KiB"
    assert evaluate("93600 s").human == "1 d 2 h"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("9**9**9", "more than 1000 digits"),
        ("2**2**2**30", "more than 1000 digits"),
        ("2^2^2^30", "more than 1000 digits"),
        ("10**1001", "more than 1000 digits"),
        ("factorial(100000)", "factorial takes a whole number from 0 to 449"),
        ("factorial(449) ** factorial(449)", "more than 1000 digits"),
        ("2 ** -(10**9)", "more than 1000 digits"),
        ("1/0", "division by zero"),
        ("1 KB", "write kB (1000 bytes) or KiB (1024 bytes)"),
        ("1 GiB in h", "cannot convert bytes to h"),
        ("1 GiB + 1 s", "mixes bytes and time"),
        ("3600 in h", "the expression has no unit"),
        ("x + 1", "unknown name 'x'"),
        ("().__class__", "not allowed"),
        ("__import__('os')", "unknown function '__import__'"),
        ("'a' * 10", "is not a number"),
        ("(-8) ** (1/3)", "not a real number"),
        ("1e400", "too large for a floating-point number"),
        ("exp(1000)", "too large for a floating-point number"),
        ("1; 2", "cannot read the expression"),
        ("(" * 300 + "1" + ")" * 300, "too many nested parentheses"),
        ("", "enter an expression"),
    ],
)
def test_refusals_name_the_reason(expression, message):
    with pytest.raises(ToolInputError) as error:
        evaluate(expression)
    assert message in error.value.message and error.value.field == "input"


def test_the_longest_chains_an_input_can_hold_are_evaluated():
    assert evaluate("1+" * 499 + "1").result == "500"
    assert evaluate("-" * 998 + "1").result == "1"  # an even number of minus signs
    assert evaluate("2*" * 499 + "2").result == str(2**500)


def test_a_thousand_digits_is_the_limit():
    assert len(evaluate("10**999").value) == 1000
    assert len(evaluate("factorial(449)").value) == 998


async def test_math_api_page_and_errors(tool_client):
    api = await tool_client.post("/api/math", json={"input": "90 min in h"})
    assert (await api.get_json())["result"] == "1.5 h"
    page = await (await tool_client.get("/tools/math/?input=1.5+GiB+in+MB")).get_data(as_text=True)
    assert '<code id="math-result">1610.612736 MB</code>' in page
    bomb = await tool_client.post("/api/math", json={"input": "9**9**9"})
    assert bomb.status_code == 422
    assert (await bomb.get_json())["error"]["field"] == "input"
