"""Messages that say where: characters and positions as a person reads them, and bytes shown as text."""

from __future__ import annotations

import unicodedata

from core.forms import ToolInputError

# Whitespace that decoders skip: ASCII only, so a pasted no-break space is reported, not ignored.
WHITESPACE = " \t\n\r\f\v"
# Control characters have no name in the Unicode database; these are the ones people paste.
CONTROL_NAMES = {"\t": "tab", "\n": "line feed", "\r": "carriage return", "\f": "form feed", "\v": "vertical tab"}


def describe(char: str) -> str:
    """A character as a person can read it in a message: 'x', or U+00A0 (no-break space)."""
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    name = CONTROL_NAMES.get(char) or unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def where(text: str, index: int) -> str:
    """The place of text[index]: 1-based position, plus line and column in multi-line input."""
    if "\n" not in text:
        return f"at position {index + 1} (counting from 1)"
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    return f"at position {index + 1} (line {line}, column {column}; counting from 1)"


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
