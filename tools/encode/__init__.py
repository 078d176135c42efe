"""Encode text as Base64, Base32, Base16 (hex), URL percent-encoding or HTML entities, and decode it back."""

from __future__ import annotations

from core.forms import FormInput
from core.operations import Operation
from core.registry import Tool
from tools.encode.convert import FORMAT_LABELS, FORMATS, EncodeInput, EncodeOutput, convert

# The former Base64 tool's routes (/tools/base64/, /api/base64); the platform adds this tool's page and API to it.
from tools.encode.legacy import bp

__all__ = ["TOOL", "bp"]


def page_context(form: FormInput, result: EncodeOutput | None) -> dict:
    # An empty input has a result (no bytes) but nothing worth a link.
    no_link = {"share": None} if result is not None and not form.data.input else {}
    return {"formats": FORMATS, "format_labels": FORMAT_LABELS, **no_link}


TOOL = Tool(
    slug="encode",
    title="Encode / decode",
    category="Encoding",
    icon="binary",
    keywords=(
        "base64",
        "base64url",
        "base32",
        "base16",
        "hex",
        "url",
        "percent",
        "urlencode",
        "html",
        "entities",
        "escape",
        "unescape",
        "rfc 4648",
        "rfc 3986",
    ),
    examples=(
        ("Base64 of “Hello, World!”", {"input": "Hello, World!", "mode": "encode", "format": "base64"}),
        ("Decode Base64 (RFC 4648 “foobar”)", {"input": "Zm9vYmFy", "mode": "decode", "format": "base64"}),
        ("Percent-encode a query value", {"input": "café & crème/½", "mode": "encode", "format": "url-component"}),
        (
            "Unescape HTML entities",
            {"input": "&lt;p&gt;Caf&eacute; &amp; cr&#232;me&lt;/p&gt;", "mode": "decode", "format": "html"},
        ),
    ),
    operations=(
        Operation(
            EncodeInput,
            convert,
            EncodeOutput,
            primary="result",
            summary="Encode text as Base64, Base64url, Base32, Base16, percent-encoding or HTML entities, "
            "or decode it.",
            context=page_context,
        ),
    ),
)
