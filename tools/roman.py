"""Roman numerals both ways (1 to 3999): MCMXCIV is 1994, and IIII or VX are refused with the reason."""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

VALUES = {"M": 1000, "CM": 900, "D": 500, "CD": 400, "C": 100, "XC": 90, "L": 50, "XL": 40, "X": 10, "IX": 9}
VALUES |= {"V": 5, "IV": 4, "I": 1}
SYMBOLS = {symbol: value for symbol, value in VALUES.items() if len(symbol) == 1}
# The standard form: thousands, hundreds, tens, units, each in its one way of writing.
STANDARD = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
LARGEST = 3999


class RomanInput(BaseModel):
    input: str = Field(
        max_length=100,
        title="Number or numeral",
        description="A whole number from 1 to 3999 (1994), or a Roman numeral in any case (MCMXCIV, mcmxciv).",
    )


class RomanPart(BaseModel):
    symbols: str
    value: int


class RomanOutput(BaseModel):
    number: int
    numeral: str
    parts: list[RomanPart] = Field(description="The numeral split into its symbols and their values, largest first.")
    result: str = Field(description="The other form of the input: the numeral for a number, the number for a numeral.")


def to_roman(number: int) -> str:
    if not 1 <= number <= LARGEST:
        raise ToolInputError(f"{number} is out of range: Roman numerals here go from 1 to {LARGEST} (MMMCMXCIX)")
    numeral = ""
    for symbols, value in VALUES.items():
        count, number = divmod(number, value)
        numeral += symbols * count
    return numeral


def loose_value(numeral: str) -> int:
    """The value read symbol by symbol (a smaller symbol before a larger one is subtracted)."""
    values = [SYMBOLS[symbol] for symbol in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def reason(numeral: str) -> str:
    """Why a numeral is not in the standard form."""
    if found := re.search(r"(I|X|C|M)\1{3}", numeral):
        return f"{found.group(1)} is repeated more than three times"
    if found := re.search(r"([VLD]).*\1", numeral):
        return f"{found.group(1)} may appear only once"
    for index in range(len(numeral) - 1):
        small, large = numeral[index], numeral[index + 1]
        if SYMBOLS[small] < SYMBOLS[large]:
            if small in "VLD":
                return f"{small} is never subtracted ({small}{large}): only I, X and C are"
            if small + large not in VALUES:
                allowed = {"I": "V and X", "X": "L and C", "C": "D and M"}[small]
                return f"{small} can be subtracted only from {allowed}, not from {large}"
    return "the symbols are not in the order of the standard form (largest first, one subtraction per place)"


def from_roman(text: str) -> int:
    numeral = unicodedata.normalize("NFKC", text).upper()  # Ⅻ (U+216B) reads as XII
    if bad := next((c for c in numeral if c not in SYMBOLS), None):
        raise ToolInputError(f"'{bad}' is not a Roman numeral symbol: the symbols are I V X L C D M")
    if not STANDARD.fullmatch(numeral):
        loose = loose_value(numeral)
        written = f"; read loosely it would be {loose}, written {to_roman(loose)}" if 1 <= loose <= LARGEST else ""
        raise ToolInputError(f"{numeral} is not a valid Roman numeral: {reason(numeral)}{written}")
    return loose_value(numeral)


def parts_of(numeral: str) -> list[RomanPart]:
    parts, position = [], 0
    for symbols, value in VALUES.items():
        while numeral.startswith(symbols, position):
            parts.append(RomanPart(symbols=symbols, value=value))
            position += len(symbols)
    return parts


def convert(data: RomanInput) -> RomanOutput:
    """A number (1 to 3999) as a Roman numeral, or a Roman numeral as a number."""
    text = data.input.strip()
    if not text:
        raise ToolInputError("enter a number from 1 to 3999 or a Roman numeral such as MCMXCIV")
    if text.isascii() and text.lstrip("-+").isdigit():
        if len(text) > 10:
            raise ToolInputError(f"{text} is out of range: Roman numerals here go from 1 to {LARGEST}")
        number = int(text)
        numeral = to_roman(number)
        result = numeral
    else:
        number = from_roman(text)
        numeral = to_roman(number)
        result = str(number)
    return RomanOutput(number=number, numeral=numeral, parts=parts_of(numeral), result=result)


TOOL = Tool(
    slug="roman",
    title="Roman numerals",
    category="Numbers",
    icon="landmark",
    keywords=("roman", "numeral", "mcmxciv", "latin", "number", "convert"),
    examples=(
        ("MCMXCIV", {"input": "MCMXCIV"}),
        ("2024", {"input": "2024"}),
        ("3999, the largest", {"input": "3999"}),
    ),
    operations=(
        Operation(
            RomanInput,
            convert,
            RomanOutput,
            ready=lambda data: bool(data.input.strip()),
        ),
    ),
)
