"""Percentages in decimal arithmetic: X % of Y, X is what % of Y, the % change from X to Y, Y plus or minus X %."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, localcontext
from typing import Literal

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

PLACES = 10  # decimal places of a result that does not end sooner
MAX_EXPONENT = 30  # numbers from 1e-30 to 1e30
MODES = {
    "of": "X % of Y",
    "what": "X is what % of Y",
    "change": "% change from X to Y",
    "increase": "Y increased by X %",
    "decrease": "Y decreased by X %",
}


class PercentInput(BaseModel):
    mode: Literal[tuple(MODES)] = Field(
        default="of",
        description="of: X % of Y; what: X is what % of Y; change: from X to Y; increase / decrease: Y ± X %.",
    )
    x: str = Field(max_length=60, title="X", description="A number, e.g. 17.5 (a trailing % is allowed).")
    y: str = Field(max_length=60, title="Y", description="A number, e.g. 80.")


class PercentOutput(BaseModel):
    result: str = Field(description=f"The answer, exact, or rounded to {PLACES} decimal places when it goes on.")
    exact: bool = Field(description="False when `result` was rounded.")
    rounded: str = Field(description="The answer to 2 decimal places (half up).")
    formula: str = Field(description="The question and its answer in words, e.g. 17.5 % of 80 = 14.")


def number(text: str, field: str) -> Decimal:
    """A finite decimal of reasonable size; a trailing '%' is ignored."""
    written = text.strip().removesuffix("%").strip().replace("\u2212", "-")
    try:
        value = Decimal(written)
    except InvalidOperation:
        message = f"'{text.strip()}' is not a number: write digits with '.' for decimals, e.g. 17.5"
        raise ToolInputError(message, field) from None
    if not value.is_finite():
        raise ToolInputError(f"'{text.strip()}' is not a finite number", field)
    if not value.is_zero() and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise ToolInputError(
            f"{text.strip()} is out of range: numbers here go from 1e-{MAX_EXPONENT} to 1e{MAX_EXPONENT}", field
        )
    return value


def shown(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def answer(mode: str, x: Decimal, y: Decimal) -> Decimal:
    if mode == "of":
        return x * y / 100
    if mode == "what":
        if y.is_zero():
            raise ToolInputError("Y is 0: no number is a percentage of 0", "y")
        return x / y * 100
    if mode == "change":
        if x.is_zero():
            raise ToolInputError("X is 0: a change from 0 has no percentage", "x")
        return (y - x) / abs(x) * 100
    return y * (100 + (x if mode == "increase" else -x)) / 100


def formula(mode: str, x: str, y: str, result: str) -> str:
    if mode == "of":
        return f"{x} % of {y} = {result}"
    if mode == "what":
        return f"{x} is {result} % of {y}"
    if mode == "change":
        return f"from {x} to {y}: {'+' if not result.startswith('-') else ''}{result} %"
    return f"{y} {'+' if mode == 'increase' else '−'} {x} % = {result}"


def calculate(data: PercentInput) -> PercentOutput:
    """Answer a percentage question exactly in decimal (results that go on are rounded to 10 places)."""
    x, y = number(data.x, "x"), number(data.y, "y")
    # A fresh context (not a copy of the thread's, whose flags may already say Inexact); 100 digits hold every
    # sum and product of the allowed numbers exactly.
    with localcontext(Context(prec=100)) as context:
        value = answer(data.mode, x, y)
        exact = not context.flags[Inexact]
        kept = value.quantize(Decimal(1).scaleb(-PLACES), rounding=ROUND_HALF_UP)
        exact = exact and kept == value
        rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    result = shown(kept)
    return PercentOutput(
        result=result,
        exact=exact,
        rounded=f"{rounded:f}",
        formula=formula(data.mode, shown(x), shown(y), result),
    )


TOOL = Tool(
    slug="percent",
    title="Percentages",
    category="Numbers",
    icon="percent",
    keywords=("percentage", "percent change", "increase", "decrease", "discount", "ratio", "proportion"),
    examples=(
        ("17.5 % of 80", {"mode": "of", "x": "17.5", "y": "80"}),
        ("20 is what % of 80", {"mode": "what", "x": "20", "y": "80"}),
        ("Change from 80 to 100", {"mode": "change", "x": "80", "y": "100"}),
        ("80 minus 15 %", {"mode": "decrease", "x": "15", "y": "80"}),
    ),
    operations=(
        Operation(
            PercentInput,
            calculate,
            PercentOutput,
            primary_input="y",
            ready=lambda data: bool(data.x.strip() and data.y.strip()),  # a half-filled form is not an error
        ),
    ),
)
