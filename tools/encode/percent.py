"""URL percent-encoding (RFC 3986 section 2.1) of a URL component or a whole URL, and its decoding."""

from __future__ import annotations

from urllib.parse import quote

from core.forms import ToolInputError
from tools.encode.text import describe, where

# RFC 3986 section 2.2: gen-delims and sub-delims. A whole URL keeps them; a component encodes them.
RESERVED = ":/?#[]@!$&'()*+,;="
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def encode_component(text: str) -> str:
    """Percent-encode everything but the unreserved characters A-Z a-z 0-9 - . _ ~ (UTF-8 first)."""
    return quote(text, safe="")


def encode_url(text: str) -> str:
    """Percent-encode a whole URL: the reserved characters keep their meaning, '%' itself is encoded."""
    return quote(text, safe=RESERVED)


def malformed_escape(text: str, index: int) -> ToolInputError:
    escape = text[index : index + 3]
    if len(escape) < 3:
        problem = f'the input ends after "{escape}"'
    else:
        bad = next(char for char in escape[1:] if char not in _HEX_DIGITS)
        problem = f"{describe(bad)} is not a hex digit"
    shown = "".join(
        char if char.isprintable() and not char.isspace() else "\N{REPLACEMENT CHARACTER}" for char in escape
    )
    return ToolInputError(
        f'malformed percent escape "{shown}" {where(text, index)}: {problem}; "%" must be followed by two hex '
        'digits (write "%25" for a "%" itself)'
    )


def decode_percent(text: str, keep_reserved: bool = False) -> bytes:
    """The bytes that percent-encoded text stands for (other characters as UTF-8); '+' stays '+'.

    keep_reserved leaves the escapes of reserved characters (e.g. %2F) as they are, as JavaScript's
    decodeURI does, so that decoding a whole URL does not change its structure.
    """
    out = bytearray()
    index = 0
    while index < len(text):
        percent = text.find("%", index)
        if percent == -1:
            out += text[index:].encode()
            break
        out += text[index:percent].encode()
        pair = text[percent + 1 : percent + 3]
        if len(pair) < 2 or not _HEX_DIGITS.issuperset(pair):
            raise malformed_escape(text, percent)
        value = int(pair, 16)
        if keep_reserved and chr(value) in RESERVED:
            out += text[percent : percent + 3].encode()
        else:
            out.append(value)
        index = percent + 3
    return bytes(out)
