"""Convert integers of any size between bases 2 to 36, with two's complement bit patterns."""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

MAX_DIGITS = 10_000
# Room for the sign, a prefix, underscores between all the digits and some surrounding spaces.
MAX_INPUT = 2 * MAX_DIGITS + 100
COMMON_BASES = (2, 8, 10, 16, 36)
BASE_NAMES = {2: "binary", 8: "octal", 10: "decimal", 16: "hexadecimal", 36: "base 36"}
WIDTHS = (8, 16, 32, 64)
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
DIGIT_VALUES = {c: i for i, c in enumerate(DIGITS)} | {c.upper(): i for i, c in enumerate(DIGITS)}
# int(x, base) takes these prefixes, only in their own base (Python docs, built-in functions, int()).
PREFIXES = {"0b": 2, "0o": 8, "0x": 16}
# Python 3.11 refuses int <-> str conversions of more than 4300 digits in bases that are not powers of 2
# (sys.get_int_max_str_digits()): both directions below work in pieces well under that limit.
CHUNK = 1000


class BaseInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description=(
            f"An integer in from_base, at most {MAX_DIGITS} digits: optional sign, optional 0b/0o/0x prefix "
            "(in bases 2/8/16), single underscores between digits, letters a-z in either case for digits 10-35."
        ),
    )
    from_base: int = Field(default=10, ge=2, le=36, description="The base the input is written in (2-36).")
    to_base: int = Field(default=16, ge=2, le=36, description="The base to convert to (2-36).")


class Representation(BaseModel):
    base: int
    name: str = Field(description='"binary", "octal", "decimal", "hexadecimal", "base 36" or "base N".')
    digits: str = Field(description="The value in that base, lowercase, '-' for negatives, no prefix.")


class TwosComplement(BaseModel):
    bits: int
    fits_signed: bool = Field(description="-2^(bits-1) <= value <= 2^(bits-1) - 1")
    fits_unsigned: bool = Field(description="0 <= value <= 2^bits - 1")
    pattern: str | None = Field(description="The bits of the value in two's complement; null when it does not fit.")
    hex: str | None = Field(description="The same bits as hexadecimal; null when the value does not fit.")
    signed: int | None = Field(description="What the pattern means read as a signed integer.")
    unsigned: int | None = Field(description="What the pattern means read as an unsigned integer.")
    note: str = Field(description="In words: whether and how the value fits this width.")


class BaseOutput(BaseModel):
    from_base: int
    to_base: int
    result: str = Field(description="The value in to_base.")
    negative: bool
    digits: int = Field(description="Number of digits of the input (without sign, prefix and underscores).")
    bit_length: int = Field(description="Bits needed for the magnitude (0 for zero).")
    common: list[Representation] = Field(description="The value in bases 2, 8, 10, 16 and 36.")
    twos_complement: list[TwosComplement] = Field(description="The value at 8, 16, 32 and 64 bits.")


def base_name(base: int) -> str:
    return BASE_NAMES.get(base, f"base {base}")


def digit_range(base: int) -> str:
    """The digits a base uses, for messages: "0-7", "0-9 and a", "0-9 and a-z"."""
    if base <= 10:
        return f"0-{base - 1}"
    last = DIGITS[base - 1]
    return "0-9 and a" if base == 11 else f"0-9 and a-{last}"


def place(index: int) -> str:
    return f"at position {index + 1} (counting from 1)"


def describe(char: str) -> str:
    """A character as people can read it in a message: 'x', or U+00A0 (no-break space)."""
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def split_number(text: str, base: int) -> tuple[bool, str, int]:
    """(negative, digits without underscores, index of the first digit) as int(text, base) reads them.

    Raises ToolInputError naming the first character at fault, counting positions in `text` as given.
    """
    if not text.strip():
        raise ToolInputError("enter a number")
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    i = start
    negative = text[i] == "-"
    if text[i] in "+-":
        i += 1
    prefix = text[i : i + 2].lower()
    if PREFIXES.get(prefix) == base:
        i += 2
        if i < end and text[i] == "_":
            i += 1  # int() allows one underscore right after the prefix ("0x_ff")
    if i == end:
        raise ToolInputError(f"no digits after {text[start:end]!r}: write at least one digit {digit_range(base)}")
    digits, previous_underscore = [], True
    for index in range(i, end):
        char = text[index]
        if char == "_":
            if previous_underscore:
                raise ToolInputError(f"'_' {place(index)}: an underscore may only stand alone between two digits")
            previous_underscore = True
            continue
        value = DIGIT_VALUES.get(char)
        if value is None or value >= base:
            raise ToolInputError(invalid_digit_message(text, index, base, start))
        digits.append(char)
        previous_underscore = False
    if previous_underscore:
        raise ToolInputError(f"'_' {place(end - 1)}: an underscore may only stand alone between two digits")
    return negative, "".join(digits).lower(), i


def invalid_digit_message(text: str, index: int, base: int, start: int) -> str:
    char = text[index]
    message = f"{describe(char)} {place(index)} is not a digit in {base_name(base)} (digits {digit_range(base)})"
    prefix_base = PREFIXES.get(text[index - 1 : index + 1].lower()) if index >= 1 else None
    if prefix_base and text[index - 1] == "0" and text[start:index].lstrip("+-") == "0":
        message += f"; the 0{char} prefix means {base_name(prefix_base)}: set from_base to {prefix_base}"
    elif char.isspace():
        message += "; spaces are allowed only around the number: use '_' to group digits"
    return message


@lru_cache(maxsize=256)
def power(base: int, exponent: int) -> int:
    return base**exponent


def digits_to_int(digits: str, base: int) -> int:
    """int(digits, base) for any length: halves until the pieces are short enough for int()."""
    if len(digits) <= CHUNK:
        return int(digits, base)
    low_length = len(digits) // 2
    high, low = digits[:-low_length], digits[-low_length:]
    return digits_to_int(high, base) * power(base, low_length) + digits_to_int(low, base)


def small_to_digits(n: int, base: int) -> str:
    if base == 10:
        return str(n)  # n < 10**CHUNK, under Python's limit
    out = []
    while n:
        n, remainder = divmod(n, base)
        out.append(DIGITS[remainder])
    return "".join(reversed(out)) or "0"


def int_to_digits(n: int, base: int) -> str:
    """The digits of n >= 0 in the base, lowercase: halves by a power of the base until pieces are small."""
    if base in (2, 8, 16):
        return format(n, {2: "b", 8: "o", 16: "x"}[base])  # powers of two have no length limit
    estimate = int(n.bit_length() / math.log2(base)) + 1
    if estimate <= CHUNK:
        return small_to_digits(n, base)
    low_length = estimate // 2
    high, low = divmod(n, power(base, low_length))
    return int_to_digits(high, base) + int_to_digits(low, base).zfill(low_length)


def signed_digits(value: int, base: int) -> str:
    return ("-" if value < 0 else "") + int_to_digits(abs(value), base)


def parse_int(text: str, base: int) -> tuple[int, int]:
    """(value, number of digits) of text in the base, with int(x, base)'s syntax; refuses over MAX_DIGITS digits."""
    negative, digits, _ = split_number(text, base)
    if len(digits) > MAX_DIGITS:
        raise ToolInputError(f"the number has {len(digits):,} digits; the limit is {MAX_DIGITS:,} digits")
    value = digits_to_int(digits, base)
    return (-value if negative else value), len(digits)


def twos_complement(value: int, bits: int) -> TwosComplement:
    """The value at a fixed width: whether it fits signed/unsigned, and its bit pattern when it does."""
    low, high, top = -(1 << (bits - 1)), (1 << (bits - 1)) - 1, (1 << bits) - 1
    fits_signed, fits_unsigned = low <= value <= high, 0 <= value <= top
    signed_range = f"signed range {low} to {high}"
    if not (fits_signed or fits_unsigned):
        side = "too small" if value < 0 else "too large"
        note = f"does not fit in {bits} bits: {side} ({signed_range}, unsigned 0 to {top})"
        return TwosComplement(
            bits=bits,
            fits_signed=False,
            fits_unsigned=False,
            pattern=None,
            hex=None,
            signed=None,
            unsigned=None,
            note=note,
        )
    pattern = value & top
    signed = pattern - (1 << bits) if pattern > high else pattern
    if fits_signed and fits_unsigned:
        note = "fits as signed and as unsigned"
    elif fits_signed:
        note = f"fits as signed (two's complement); the same bits read as unsigned are {pattern}"
    else:
        note = f"fits only as unsigned ({signed_range}); the same bits read as signed are {signed}"
    return TwosComplement(
        bits=bits,
        fits_signed=fits_signed,
        fits_unsigned=fits_unsigned,
        pattern=format(pattern, f"0{bits}b"),
        hex=format(pattern, f"0{bits // 4}x"),
        signed=signed,
        unsigned=pattern,
        note=note,
    )


def convert(data: BaseInput) -> BaseOutput:
    """Parse the input in from_base and write it in to_base, the common bases and fixed widths."""
    value, digit_count = parse_int(data.input, data.from_base)
    return BaseOutput(
        from_base=data.from_base,
        to_base=data.to_base,
        result=signed_digits(value, data.to_base),
        negative=value < 0,
        digits=digit_count,
        bit_length=value.bit_length(),
        common=[Representation(base=b, name=base_name(b), digits=signed_digits(value, b)) for b in COMMON_BASES],
        twos_complement=[twos_complement(value, bits) for bits in WIDTHS],
    )


def bytes_of(pattern: str) -> list[str]:
    """A bit pattern cut into bytes, which the page sets apart with a margin (so a copy has no spaces)."""
    return [pattern[i : i + 8] for i in range(0, len(pattern), 8)]


TOOL = Tool(
    slug="base",
    title="Number base",
    category="Encoding",
    icon="calculator",
    keywords=("binary", "octal", "decimal", "hexadecimal", "hex", "radix", "base 36", "two's complement", "bits"),
    examples=(
        ("255 to binary", {"input": "255", "from_base": "10", "to_base": "2"}),
        ("0xdead_beef to decimal", {"input": "0xdead_beef", "from_base": "16", "to_base": "10"}),
        ("−1 in two's complement", {"input": "-1", "from_base": "10", "to_base": "16"}),
        ("Base 36 “zz”", {"input": "zz", "from_base": "36", "to_base": "10"}),
    ),
    operations=(
        Operation(
            BaseInput,
            convert,
            BaseOutput,
            primary="result",
            summary="Convert an integer between bases 2-36; also in bases 2/8/10/16/36 and 8-64 bit two's complement.",
            ready=lambda data: bool(data.input.strip()),  # an emptied field is a blank form, not an error
            context=lambda form, result: {"base_name": base_name, "bytes_of": bytes_of},
        ),
    ),
)
