"""What is left of the Base64 tool: its page redirects here, and POST /api/base64 answers as it always did."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlencode

from pydantic import BaseModel, Field
from quart import Blueprint, redirect, request, url_for
from quart_schema import deprecate, validate_request, validate_response

from tools.encode.convert import MAX_INPUT, EncodeInput, Mode, Output, convert

bp = Blueprint("encode", __name__)

Alphabet = Literal["standard", "urlsafe"]
FORMAT_OF_ALPHABET = {"standard": "base64", "urlsafe": "base64url"}
OLD_FIELDS = ("input", "mode", "alphabet", "output")


class Base64Input(BaseModel):
    """The request of the former Base64 tool, unchanged."""

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


def encode_query(args) -> str:
    """The former Base64 page's query (input, mode, alphabet, output) as the encode page's (format for alphabet)."""
    if not any(name in args for name in OLD_FIELDS):
        return ""
    alphabet = args.get("alphabet", "standard")
    mapped = [
        ("input", args.get("input")),
        ("mode", args.get("mode")),
        # An unknown alphabet passes through, so the encode page reports it instead of guessing.
        ("format", FORMAT_OF_ALPHABET.get(alphabet, alphabet)),
        ("output", args.get("output")),
    ]
    return urlencode([(name, value) for name, value in mapped if value is not None])


@bp.get("/tools/base64/")
async def old_page():
    query = encode_query(request.args)
    return redirect(url_for(".page") + (f"?{query}" if query else ""), 301)


@bp.post("/api/base64")
@deprecate
@validate_request(Base64Input)
@validate_response(Base64Output)
async def base64_api(data: Base64Input):
    """Deprecated: use POST /api/encode (format base64 or base64url). Encode text to Base64, or decode it.

    Kept so that existing clients keep working: same request and response as the former Base64 tool.
    """
    return as_base64(data)


def as_base64(data: Base64Input) -> Base64Output:
    """The former Base64 tool's answer, made by the encode tool."""
    result = convert(
        EncodeInput(input=data.input, mode=data.mode, format=FORMAT_OF_ALPHABET[data.alphabet], output=data.output)
    )
    return Base64Output(
        mode=result.mode,
        alphabet=data.alphabet,
        output=result.output,
        result=result.result,
        byte_length=result.byte_length,
    )
