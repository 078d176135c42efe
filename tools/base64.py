"""Encode text to Base64, or decode Base64 to text or hex, with the standard or URL-safe alphabet."""

from __future__ import annotations

import base64
import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import validate_request, validate_response

from core.forms import ToolInputError, api_error, read_form
from core.registry import Tool
from core.render import render_tool, share_url

TOOL = Tool(
    slug="base64",
    title="Base64",
    category="Encoding",
    keywords=("base64url", "url-safe", "encode", "decode", "rfc 4648", "hex"),
)
bp = Blueprint("base64", __name__)

MAX_INPUT = 1_000_000
Mode = Literal["encode", "decode"]
Alphabet = Literal["standard", "urlsafe"]
Output = Literal["text", "hex"]
ALPHABET_NAMES = {"standard": "standard", "urlsafe": "URL-safe"}
# The two characters that differ between the alphabets (RFC 4648 sections 4 and 5).
EXTRA_CHARACTERS = {"standard": "+/", "urlsafe": "-_"}

# Whitespace that decoding skips: ASCII only, so a pasted no-break space is reported, not ignored.
WHITESPACE = " \t\n\r\f\v"
_WHITESPACE_RUNS = re.compile(r"[ \t\n\r\f\v]+")
_NOT_PADDING = re.compile(r"[^= \t\n\r\f\v]")
_NOT_BASE64 = {
    "standard": re.compile(r"[^A-Za-z0-9+/= \t\n\r\f\v]"),
    "urlsafe": re.compile(r"[^A-Za-z0-9\-_= \t\n\r\f\v]"),
}


class Base64Input(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description="Text to encode (as UTF-8), or Base64 to decode (whitespace ignored, '=' optional).",
    )
    mode: Mode = Field(default="encode", description="encode: text to Base64; decode: Base64 to bytes.")
    alphabet: Alphabet = Field(
        default="standard", description="standard uses '+' and '/'; urlsafe uses '-' and '_' (RFC 4648 §5)."
    )
    output: Output = Field(
        default="text", description="When decoding: show the bytes as UTF-8 text or as lowercase hex."
    )


class Base64Output(BaseModel):
    mode: Mode
    alphabet: Alphabet
    output: Output | None = Field(description="How the decoded bytes are shown; null when encoding.")
    result: str = Field(description="The Base64 text, or the decoded bytes as UTF-8 text or lowercase hex.")
    byte_length: int = Field(description="Number of bytes: the UTF-8 input, or the decoded data.")


def describe(char: str) -> str:
    """A character as a person can read it in a message: 'x', or U+00A0 (no-break space)."""
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def where(text: str, index: int) -> str:
    """The place of text[index] for people: 1-based position, plus line and column in multi-line input."""
    if "\n" not in text:
        return f"at position {index + 1} (counting from 1)"
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    return f"at position {index + 1} (line {line}, column {column}; counting from 1)"


def check_characters(text: str, alphabet: str) -> None:
    """Refuse the first character outside the alphabet, and anything but padding after an '='."""
    bad = _NOT_BASE64[alphabet].search(text)
    if bad:
        char, index = bad.group(), bad.start()
        other = "urlsafe" if alphabet == "standard" else "standard"
        if char in EXTRA_CHARACTERS[other]:
            chosen, instead = ALPHABET_NAMES[alphabet], ALPHABET_NAMES[other]
            raise ToolInputError(
                f"{describe(char)} {where(text, index)} belongs to the {instead} Base64 alphabet, "
                f"not the {chosen} one: choose the {instead} alphabet to decode it"
            )
        extra = " and ".join(f"'{c}'" for c in EXTRA_CHARACTERS[alphabet])
        raise ToolInputError(
            f"invalid character {describe(char)} {where(text, index)}: {ALPHABET_NAMES[alphabet]} Base64 "
            f"uses only A-Z, a-z, 0-9, {extra}, with '=' padding at the end"
        )
    first_padding = text.find("=")
    if first_padding != -1:
        after = _NOT_PADDING.search(text, first_padding)
        if after:
            raise ToolInputError(
                f"{describe(after.group())} {where(text, after.start())} comes after the '=' padding "
                f"that starts {where(text, first_padding)}: padding may only end the input"
            )


def nth_padding(text: str, n: int) -> int:
    """Index of the n-th '=' (1-based) in the text."""
    index = -1
    for _ in range(n):
        index = text.find("=", index + 1)
    return index


def check_length(text: str, data_length: int, padding: int) -> None:
    """Refuse a lone character in the last group, and padding that does not fit the last group."""
    remainder = data_length % 4
    if remainder == 1:
        last = len(text.rstrip(WHITESPACE + "=")) - 1
        raise ToolInputError(
            f"invalid length: {data_length} Base64 characters (not counting whitespace and '=') leave "
            f"a single character, {describe(text[last])} {where(text, last)}, in the last group of 4; "
            "one character cannot encode a byte, so the input is cut short or has one character too many"
        )
    if not padding:
        return  # missing padding is accepted: the length says how much there would be
    expected = (4 - remainder) % 4
    if expected == 0:
        reason = (
            "there is no data before it"
            if data_length == 0
            else f"the {data_length} characters before it already form complete groups of 4"
        )
        place = where(text, nth_padding(text, 1))
        raise ToolInputError(f"wrong padding: '=' {place} is not needed: {reason}")
    if padding > expected:
        raise ToolInputError(
            f"wrong padding: a last group of {remainder} characters takes {expected} '=', but there are "
            f"{padding}; the first extra '=' is {where(text, nth_padding(text, expected + 1))}"
        )
    if padding < expected:
        raise ToolInputError(
            f"wrong padding: a last group of {remainder} characters takes {expected} '=' (or none), "
            f"but there is only {padding}, {where(text, nth_padding(text, 1))}"
        )


def decode_bytes(text: str, alphabet: str = "standard") -> bytes:
    """The bytes that Base64 text stands for; whitespace is ignored and '=' padding may be left out."""
    check_characters(text, alphabet)
    compact = _WHITESPACE_RUNS.sub("", text)
    data = compact.rstrip("=")
    check_length(text, len(data), len(compact) - len(data))
    padded = data + "=" * (-len(data) % 4)
    altchars = b"-_" if alphabet == "urlsafe" else None
    return base64.b64decode(padded, altchars=altchars, validate=True)


def encode_bytes(data: bytes, alphabet: str = "standard") -> str:
    """Padded Base64 of the bytes, in the chosen alphabet."""
    encoded = base64.urlsafe_b64encode(data) if alphabet == "urlsafe" else base64.b64encode(data)
    return encoded.decode("ascii")


def bytes_to_text(data: bytes) -> str:
    """The bytes as UTF-8 text; refuses (never replaces) bytes that are not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ToolInputError(
            f"the decoded data is not UTF-8 text: decoded byte {exc.start + 1} of {len(data)} (counting "
            f"from 1) is 0x{data[exc.start]:02x} ({exc.reason}); choose hex output to see the bytes",
            field="output",
        ) from None


def convert(data: Base64Input) -> Base64Output:
    """Encode or decode as the input asks; raises ToolInputError naming the field at fault."""
    if data.mode == "encode":
        raw = data.input.encode()  # the model refuses lone surrogates, so this cannot fail
        return Base64Output(
            mode="encode",
            alphabet=data.alphabet,
            output=None,
            result=encode_bytes(raw, data.alphabet),
            byte_length=len(raw),
        )
    raw = decode_bytes(data.input, data.alphabet)
    shown = raw.hex() if data.output == "hex" else bytes_to_text(raw)
    return Base64Output(
        mode="decode",
        alphabet=data.alphabet,
        output=data.output,
        result=shown,
        byte_length=len(raw),
    )


@bp.route("/tools/base64/", methods=["GET", "POST"])
async def page():
    form = await read_form(Base64Input)
    result = None
    if form.data:
        try:
            result = convert(form.data)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    return await render_tool(
        TOOL,
        status=422 if form.errors else 200,
        form=form,
        result=result,
        share=share_url(TOOL.page_url, form.values) if result and form.data.input else None,
    )


@bp.post("/api/base64")
@validate_request(Base64Input)
@validate_response(Base64Output)
async def api(data: Base64Input):
    """Encode text to Base64, or decode Base64 to UTF-8 text or hex (standard or URL-safe alphabet)."""
    try:
        return convert(data)
    except ToolInputError as exc:
        return api_error(exc.message, exc.field, 422)
