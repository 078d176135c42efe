"""The encode tool's input and output, and the one function that converts in either direction."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from tools.encode import percent, rfc4648
from tools.encode.text import bytes_to_text

MAX_INPUT = 1_000_000
Mode = Literal["encode", "decode"]
Format = Literal["base64", "base64url", "base32", "base16", "url-component", "url-full", "html"]
Output = Literal["text", "hex"]
FORMATS: tuple[str, ...] = Format.__args__
FORMAT_LABELS = {
    "base64": "Base64 (standard alphabet)",
    "base64url": "Base64url (URL-safe alphabet)",
    "base32": "Base32",
    "base16": "Base16 (hex)",
    "url-component": "URL component (percent-encoding)",
    "url-full": "Whole URL (percent-encoding)",
    "html": "HTML entities",
}


class EncodeInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description="Text to encode (as UTF-8), or encoded text to decode (Base64/32/16 ignore whitespace).",
    )
    mode: Mode = Field(default="encode", description="encode: text to the format; decode: the format to bytes.")
    format: Format = Field(
        default="base64",
        description=(
            "base64 and base64url (RFC 4648 sections 4 and 5), base32 (section 6), base16 (hex, section 8), "
            "url-component (percent-encode all but A-Z a-z 0-9 - . _ ~), url-full (also keep the reserved "
            "characters :/?#[]@!$&'()*+,;=; decoding keeps their escapes), html (character references)."
        ),
    )
    output: Output = Field(
        default="text", description="When decoding: show the bytes as UTF-8 text or as lowercase hex."
    )


class EncodeOutput(BaseModel):
    mode: Mode
    format: Format
    output: Output | None = Field(description="How the decoded bytes are shown; null when encoding.")
    result: str = Field(description="The encoded text, or the decoded bytes as UTF-8 text or lowercase hex.")
    byte_length: int = Field(description="Number of bytes: the UTF-8 input when encoding, the decoded data otherwise.")


ENCODERS: dict[str, Callable[[str], str]] = {
    "base64": lambda text: rfc4648.encode_base64(text.encode()),
    "base64url": lambda text: rfc4648.encode_base64(text.encode(), urlsafe=True),
    "base32": lambda text: rfc4648.encode_base32(text.encode()),
    "base16": lambda text: rfc4648.encode_base16(text.encode()),
    "url-component": percent.encode_component,
    "url-full": percent.encode_url,
    "html": lambda text: html.escape(text, quote=True),
}
DECODERS: dict[str, Callable[[str], bytes]] = {
    "base64": rfc4648.decode_base64,
    "base64url": lambda text: rfc4648.decode_base64(text, urlsafe=True),
    "base32": rfc4648.decode_base32,
    "base16": rfc4648.decode_base16,
    "url-component": percent.decode_percent,
    "url-full": lambda text: percent.decode_percent(text, keep_reserved=True),
    # HTML5 named and numeric character references; unknown ones stay as they are, as in a browser.
    "html": lambda text: html.unescape(text).encode(),
}


def convert(data: EncodeInput) -> EncodeOutput:
    """Encode or decode as the input asks; raises ToolInputError naming the field at fault."""
    if data.mode == "encode":
        # The model refuses lone surrogates, so every input has a UTF-8 form.
        return EncodeOutput(
            mode="encode",
            format=data.format,
            output=None,
            result=ENCODERS[data.format](data.input),
            byte_length=len(data.input.encode()),
        )
    raw = DECODERS[data.format](data.input)
    return EncodeOutput(
        mode="decode",
        format=data.format,
        output=data.output,
        result=raw.hex() if data.output == "hex" else bytes_to_text(raw),
        byte_length=len(raw),
    )
