"""The text converter: hand-checked encodings both ways, Morse per ITU-R M.1677-1, and Trojan Source characters."""

from __future__ import annotations

import unicodedata

import pytest

from core.forms import ToolInputError
from tools.text import FORMATS, ONE_WAY, TextInput, convert_text


def encode(text: str, format: str) -> str:
    return convert_text(TextInput(input=text, format=format)).result


def decode(text: str, format: str) -> str:
    return convert_text(TextInput(input=text, format=format, mode="decode")).result


HAND_CHECKED = {
    "binary: Hi! is 0x48 0x69 0x21": ("binary", "Hi!", "01001000 01101001 00100001"),
    "binary: é is two UTF-8 bytes": ("binary", "é", "11000011 10101001"),
    "hex: é is c3 a9": ("hex", "é", "c3 a9"),
    "code points: A and 😀": ("code-points", "A😀", "U+0041 U+1F600"),
    "nato: ICAO spelling, words split by /": (
        "nato",
        "mytools 42",
        "Mike Yankee Tango Oscar Oscar Lima Sierra / Four Two",
    ),
    "morse: SOS (ITU-R M.1677-1)": ("morse", "SOS", "... --- ..."),
    "morse: PARIS, the timing word": ("morse", "paris", ".--. .- .-. .. ..."),
    "morse: punctuation and é": ("morse", "é? @", "..-.. ..--.. / .--.-."),
    "rot13: Hello": ("rot13", "Hello, World!", "Uryyb, Jbeyq!"),
    "rot47: Hello (H 72 -> w 119)": ("rot47", "Hello", "w6==@"),
    "reverse: graphemes stay whole (e + combining acute, thumbs up + skin tone)": (
        "reverse",
        "ab\u0065\u0301\U0001f44d\U0001f3fd",
        "\U0001f44d\U0001f3fd\u0065\u0301ba",
    ),
}


@pytest.mark.parametrize("case", HAND_CHECKED)
def test_hand_checked_encodings(case):
    format, text, encoded = HAND_CHECKED[case]
    assert encode(text, format) == encoded


@pytest.mark.parametrize("format", [f for f in FORMATS if f not in ONE_WAY])
def test_decoding_reverses_encoding(format):
    text = "HELLO WORLD 42" if format in ("nato", "morse") else "Héllo, wörld 😀 42"
    assert decode(encode(text, format), format) == text


def test_decoders_accept_common_spellings():
    assert decode("0x48 0x69", "hex") == decode("48:69", "hex") == "Hi"
    assert decode("0100100001101001", "binary") == "Hi"
    assert decode("U+48, \\u0069 0x21", "code-points") == "Hi!"
    assert decode("alpha JULIET xray / one", "nato") == "AJX 1"


def test_numeronyms():
    # The well-known ones: internationalization, localization, accessibility, Kubernetes.
    assert encode("internationalization localization accessibility Kubernetes of it", "numeronym") == (
        "i18n l10n a11y K8s of it"
    )


# CVE-2021-42574 names these nine: LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
TROJAN_SOURCE = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}


@pytest.mark.parametrize("char", TROJAN_SOURCE, ids=TROJAN_SOURCE.values())
def test_trojan_source_characters_are_revealed(char):
    assert unicodedata.name(char) == TROJAN_SOURCE[char]
    output = convert_text(TextInput(input=f"x{char}y", format="reveal"))
    assert output.trojan_source and output.hidden_count == 1
    (found,) = output.hidden
    assert (found.column, found.name, found.kind) == (2, TROJAN_SOURCE[char], "bidi control (Trojan Source)")
    assert output.result == f"x[U+{ord(char):04X} {TROJAN_SOURCE[char]}]y"


def test_zero_width_and_other_hidden_characters():
    text = "a\u200bb\u200c\u200d\n\u2060\ufeff\u00a0\u200f\U000e0041\u3164\x07 ok"
    output = convert_text(TextInput(input=text, format="binary"))  # any format lists them
    kinds = [(h.line, h.column, h.code_point, h.kind) for h in output.hidden]
    assert kinds == [
        (1, 2, "U+200B", "zero width"),
        (1, 4, "U+200C", "zero width"),
        (1, 5, "U+200D", "zero width"),
        (2, 1, "U+2060", "zero width"),
        (2, 2, "U+FEFF", "zero width"),
        (2, 3, "U+00A0", "space"),
        (2, 4, "U+200F", "bidi mark"),
        (2, 5, "U+E0041", "tag"),
        (2, 6, "U+3164", "blank letter"),
        (2, 7, "U+0007", "control"),
    ]
    assert not output.trojan_source
    plain = convert_text(TextInput(input="plain text\twith a tab\n", format="reveal"))
    assert (plain.hidden_count, plain.result) == (0, "plain text\twith a tab\n")


def test_decoded_text_is_checked_too():
    output = convert_text(TextInput(input="U+202E", format="code-points", mode="decode"))
    assert output.result == "\u202e" and output.trojan_source


ERRORS = {
    "binary: not groups of eight": ("binary", "0100100", "input", "eight"),
    "binary: not UTF-8": ("binary", "11111111", "input", "not UTF-8"),
    "hex: odd digits": ("hex", "abc", "input", "pairs"),
    "code points: past U+10FFFF": ("code-points", "U+110000", "input", "not a code point"),
    "code points: a surrogate": ("code-points", "U+D800", "input", "surrogates"),
    "nato: an unknown word": ("nato", "Alfa Banana", "input", "'Banana' is not in the NATO alphabet"),
    "morse: an unknown code": ("morse", "...---...", "input", "not in the Morse alphabet"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_decode_errors_name_the_field(case):
    format, text, field, words = ERRORS[case]
    with pytest.raises(ToolInputError) as error:
        decode(text, format)
    assert error.value.field == field and words in error.value.message


def test_morse_has_no_sign_for_some_characters_and_one_way_formats_do_not_decode():
    with pytest.raises(ToolInputError, match="no sign for '!'"):
        encode("hi!", "morse")
    with pytest.raises(ToolInputError) as error:
        decode("i18n", "numeronym")
    assert error.value.field == "mode"


async def test_text_api_and_page(tool_client):
    api = await tool_client.post("/api/text", json={"input": "SOS", "format": "morse"})
    assert (await api.get_json())["result"] == "... --- ..."
    page = await (await tool_client.get("/tools/text/?input=a%E2%80%AEb&format=reveal")).get_data(as_text=True)
    assert "Trojan Source" in page and "RIGHT-TO-LEFT OVERRIDE" in page
