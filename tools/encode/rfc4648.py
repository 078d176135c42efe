"""Base64, Base64url, Base32 and Base16 (RFC 4648), with decoding errors that say where."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from core.forms import ToolInputError
from tools.encode.text import WHITESPACE, describe, where

_WHITESPACE_RUNS = re.compile(r"[ \t\n\r\f\v]+")
_NOT_PADDING = re.compile(r"[^= \t\n\r\f\v]")


@dataclass(frozen=True)
class PaddedAlphabet:
    """A padded RFC 4648 alphabet: its name in messages, group size and the '=' each last-group length takes."""

    title: str  # "standard Base64"
    noun: str  # what a bad character is called: "character", "Base32 character"
    uses: str  # the characters it uses, for messages
    group: int  # characters per group
    padding: dict[int, int]  # characters in the last group -> '=' that complete it
    outside: re.Pattern  # one character that is neither in the alphabet, '=' nor whitespace


_BASE64_PADDING = {0: 0, 2: 2, 3: 1}  # RFC 4648 section 4: 8, 16 or 24 bits in the last quantum
BASE64 = PaddedAlphabet(
    "standard Base64",
    "character",
    "A-Z, a-z, 0-9, '+' and '/'",
    4,
    _BASE64_PADDING,
    re.compile(r"[^A-Za-z0-9+/= \t\n\r\f\v]"),
)
BASE64URL = PaddedAlphabet(
    "URL-safe Base64",
    "character",
    "A-Z, a-z, 0-9, '-' and '_'",
    4,
    _BASE64_PADDING,
    re.compile(r"[^A-Za-z0-9\-_= \t\n\r\f\v]"),
)
BASE32 = PaddedAlphabet(
    "Base32",
    "Base32 character",
    "A-Z and 2-7 (lowercase is accepted)",
    8,
    {0: 0, 2: 6, 4: 4, 5: 3, 7: 1},  # RFC 4648 section 6: 8, 16, 24, 32 or 40 bits in the last quantum
    re.compile(r"[^A-Za-z2-7= \t\n\r\f\v]"),
)
# The two characters that differ between the Base64 alphabets (RFC 4648 sections 4 and 5).
_OTHER_BASE64 = {BASE64.title: ("-_", BASE64URL), BASE64URL.title: ("+/", BASE64)}
# Characters people type for Base32 letters that the alphabet leaves out (RFC 4648 section 6 has no 0, 1, 8, 9).
_BASE32_LOOKALIKES = {"0": "the letter 'O'", "1": "the letter 'I' or 'L'", "8": "the letter 'B'"}


def short_title(alphabet: PaddedAlphabet) -> str:
    return alphabet.title.split()[0]  # "standard", "URL-safe", "Base32"


def bad_character_message(text: str, index: int, alphabet: PaddedAlphabet) -> str:
    char = text[index]
    place = f"{describe(char)} {where(text, index)}"
    if alphabet.title in _OTHER_BASE64:
        extra, other = _OTHER_BASE64[alphabet.title]
        if char in extra:
            instead, chosen = short_title(other), short_title(alphabet)
            return (
                f"{place} belongs to the {instead} Base64 alphabet, not the {chosen} one: "
                f"choose the {instead} alphabet to decode it"
            )
    message = (
        f"invalid {alphabet.noun} {place}: {alphabet.title} uses only {alphabet.uses}, with '=' padding at the end"
    )
    if alphabet is BASE32 and char in _BASE32_LOOKALIKES:
        message += f"; did you mean {_BASE32_LOOKALIKES[char]}?"
    return message


def check_characters(text: str, alphabet: PaddedAlphabet) -> None:
    """Refuse the first character outside the alphabet, and anything but padding after an '='."""
    bad = alphabet.outside.search(text)
    if bad:
        raise ToolInputError(bad_character_message(text, bad.start(), alphabet))
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


def check_length(text: str, data_length: int, padding: int, alphabet: PaddedAlphabet) -> None:
    """Refuse a last group too short to hold whole bytes, and padding that does not fit the last group."""
    group, name = alphabet.group, short_title(alphabet) if alphabet is BASE32 else "Base64"
    remainder = data_length % group
    if remainder not in alphabet.padding:
        last = len(text.rstrip(WHITESPACE + "=")) - 1
        if remainder == 1:
            left = f"a single character, {describe(text[last])} {where(text, last)},"
            why = "one character cannot encode a byte, so the input is cut short or has one character too many"
        else:
            left = f"{remainder} characters, ending with {describe(text[last])} {where(text, last)},"
            sizes = [str(n) for n in sorted(alphabet.padding) if n]
            fits = ", ".join(sizes[:-1]) + f" or {sizes[-1]} characters"
            why = f"they cannot encode whole bytes (a last group has {fits}), so the input is cut short or too long"
        raise ToolInputError(
            f"invalid length: {data_length} {name} characters (not counting whitespace and '=') leave "
            f"{left} in the last group of {group}; {why}"
        )
    if not padding:
        return  # missing padding is accepted: the length says how much there would be
    expected = alphabet.padding[remainder]
    if expected == 0:
        reason = (
            "there is no data before it"
            if data_length == 0
            else f"the {data_length} characters before it already form complete groups of {group}"
        )
        raise ToolInputError(f"wrong padding: '=' {where(text, nth_padding(text, 1))} is not needed: {reason}")
    if padding > expected:
        raise ToolInputError(
            f"wrong padding: a last group of {remainder} characters takes {expected} '=', but there are "
            f"{padding}; the first extra '=' is {where(text, nth_padding(text, expected + 1))}"
        )
    if padding < expected:
        there = "there is only 1" if padding == 1 else f"there are only {padding}"
        raise ToolInputError(
            f"wrong padding: a last group of {remainder} characters takes {expected} '=' (or none), "
            f"but {there}, {where(text, nth_padding(text, 1))}"
        )


def unpadded_data(text: str, alphabet: PaddedAlphabet) -> str:
    """The data characters, checked, re-padded to whole groups; whitespace is ignored and '=' may be left out."""
    check_characters(text, alphabet)
    compact = _WHITESPACE_RUNS.sub("", text)
    data = compact.rstrip("=")
    check_length(text, len(data), len(compact) - len(data), alphabet)
    return data + "=" * alphabet.padding[len(data) % alphabet.group]


def decode_base64(text: str, urlsafe: bool = False) -> bytes:
    """The bytes that Base64 text stands for; whitespace is ignored and '=' padding may be left out."""
    padded = unpadded_data(text, BASE64URL if urlsafe else BASE64)
    return base64.b64decode(padded, altchars=b"-_" if urlsafe else None, validate=True)


def encode_base64(data: bytes, urlsafe: bool = False) -> str:
    """Padded Base64 of the bytes, in the standard or the URL-safe alphabet."""
    encoded = base64.urlsafe_b64encode(data) if urlsafe else base64.b64encode(data)
    return encoded.decode("ascii")


def decode_base32(text: str) -> bytes:
    """The bytes that Base32 text stands for; whitespace is ignored, lowercase accepted, '=' optional."""
    return base64.b32decode(unpadded_data(text, BASE32), casefold=True)


def encode_base32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii")


_NOT_HEX = re.compile(r"[^0-9A-Fa-f \t\n\r\f\v]")


def decode_base16(text: str) -> bytes:
    """The bytes that hex digits (any case, whitespace ignored) stand for."""
    bad = _NOT_HEX.search(text)
    if bad:
        index = bad.start()
        hint = "; leave out the '0x' prefix" if text[index] in "xX" and text[index - 1 : index] == "0" else ""
        raise ToolInputError(
            f"invalid hex digit {describe(text[index])} {where(text, index)}: Base16 uses only 0-9 and A-F "
            f"(any case){hint}"
        )
    digits = _WHITESPACE_RUNS.sub("", text)
    if len(digits) % 2:
        last = len(text.rstrip(WHITESPACE)) - 1
        raise ToolInputError(
            f"odd number of hex digits ({len(digits)}): each byte takes two, and the last digit, "
            f"{describe(text[last])} {where(text, last)}, has no partner"
        )
    return bytes.fromhex(digits)


def encode_base16(data: bytes) -> str:
    """Uppercase hex, as RFC 4648 section 8 writes Base16."""
    return data.hex().upper()
