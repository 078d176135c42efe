"""Text to binary, hex, code points, NATO alphabet, Morse, ROT13/47, reversed, numeronyms; hidden characters shown."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from typing import Literal

import regex
from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

MAX_INPUT = 100_000
MAX_LISTED = 1_000  # hidden characters listed one by one; the count covers all
FORMATS = ("binary", "hex", "code-points", "nato", "morse", "rot13", "rot47", "reverse", "numeronym", "reveal")
SELF_INVERSE = {"rot13", "rot47", "reverse"}
ONE_WAY = {"numeronym", "reveal"}

# The ICAO/NATO spelling alphabet (ICAO Annex 10, Volume II, 5.2.1.3), with the figures and the slash.
NATO = {
    "A": "Alfa", "B": "Bravo", "C": "Charlie", "D": "Delta", "E": "Echo", "F": "Foxtrot", "G": "Golf",
    "H": "Hotel", "I": "India", "J": "Juliett", "K": "Kilo", "L": "Lima", "M": "Mike", "N": "November",
    "O": "Oscar", "P": "Papa", "Q": "Quebec", "R": "Romeo", "S": "Sierra", "T": "Tango", "U": "Uniform",
    "V": "Victor", "W": "Whiskey", "X": "X-ray", "Y": "Yankee", "Z": "Zulu",
    "0": "Zero", "1": "One", "2": "Two", "3": "Three", "4": "Four", "5": "Five", "6": "Six", "7": "Seven",
    "8": "Eight", "9": "Nine", "/": "Slash",
}  # fmt: skip
NATO_WORDS = {word.casefold(): char for char, word in NATO.items()} | {"alpha": "A", "juliet": "J", "xray": "X"}
# ITU-R M.1677-1 (10/2009), International Morse code, section 1.1: letters, figures and punctuation marks.
MORSE = {
    "A": ".-", "B": "-...", "C": "-.-.", "D": "-..", "E": ".", "É": "..-..", "F": "..-.", "G": "--.", "H": "....",
    "I": "..", "J": ".---", "K": "-.-", "L": ".-..", "M": "--", "N": "-.", "O": "---", "P": ".--.", "Q": "--.-",
    "R": ".-.", "S": "...", "T": "-", "U": "..-", "V": "...-", "W": ".--", "X": "-..-", "Y": "-.--", "Z": "--..",
    "1": ".----", "2": "..---", "3": "...--", "4": "....-", "5": ".....",
    "6": "-....", "7": "--...", "8": "---..", "9": "----.", "0": "-----",
    ".": ".-.-.-", ",": "--..--", ":": "---...", "?": "..--..", "'": ".----.", "-": "-....-", "/": "-..-.",
    "(": "-.--.", ")": "-.--.-", '"': ".-..-.", "=": "-...-", "+": ".-.-.", "@": ".--.-.",
}  # fmt: skip
MORSE_LETTERS = {code: char for char, code in MORSE.items()}
WORD_SEPARATOR = " / "
NUMERONYM_WORD = regex.compile(r"\p{L}(\p{L}{2,})(\p{L})")
GRAPHEME = regex.compile(r"\X")
# CVE-2021-42574 (Trojan Source): the explicit directional embeddings, overrides and isolates.
TROJAN_SOURCE = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Letters that draw nothing (Hangul fillers, Braille blank) and are used to hide text in plain sight.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


class TextInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, description="The text, or the encoded form to decode.")
    format: Literal[FORMATS] = Field(
        default="binary",
        description="binary and hex: the UTF-8 bytes; code-points: U+XXXX; nato: the ICAO/NATO spelling alphabet; "
        "morse: ITU-R M.1677-1; rot13, rot47 and reverse (by grapheme) are their own inverse; numeronym "
        "(i18n) and reveal (hidden characters marked) go one way.",
    )
    mode: Literal["encode", "decode"] = Field(default="encode", description="encode: text to the format; decode: back.")


class HiddenCharacter(BaseModel):
    index: int = Field(description="Position in the text, in code points from 0.")
    line: int = Field(description="Line number from 1.")
    column: int = Field(description="Column from 1, in code points.")
    code_point: str = Field(description="U+XXXX.")
    name: str = Field(description="The Unicode name (or the code point for a control character).")
    kind: str = Field(description="bidi control (Trojan Source), bidi mark, zero width, control, space, tag, …")


class TextOutput(BaseModel):
    format: str
    mode: str
    result: str = Field(description="The encoded form, or the decoded text.")
    hidden_count: int = Field(description="Hidden or invisible characters in the text side (input or decoded).")
    hidden: list[HiddenCharacter] = Field(description=f"The first {MAX_LISTED} of them.")
    trojan_source: bool = Field(description="True when the text holds a CVE-2021-42574 bidi control.")


def hidden_kind(char: str) -> str | None:
    """Why a character is hidden or misleading, or None for an ordinary one."""
    if char in TROJAN_SOURCE:
        return "bidi control (Trojan Source)"
    if char in BIDI_MARKS:
        return "bidi mark"
    if char in ZERO_WIDTH:
        return "zero width"
    if char in BLANK_LETTERS:
        return "blank letter"
    if "\U000e0000" <= char <= "\U000e007f":
        return "tag"
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return "variation selector"
    category = unicodedata.category(char)
    if category == "Cc" and char not in "\t\n\r":
        return "control"
    if category in ("Zs", "Zl", "Zp") and char != " ":
        return "space"
    if category in ("Cf", "Co", "Cn"):
        return {"Cf": "invisible format", "Co": "private use", "Cn": "unassigned"}[category]
    return None


def character_name(char: str) -> str:
    return unicodedata.name(char, f"U+{ord(char):04X}")


def find_hidden(text: str) -> tuple[int, list[HiddenCharacter]]:
    """How many hidden characters the text holds, and the first MAX_LISTED of them with their places."""
    count, listed, line, line_start = 0, [], 1, 0
    for index, char in enumerate(text):
        if char == "\n":
            line, line_start = line + 1, index + 1
            continue
        kind = hidden_kind(char)
        if kind is None:
            continue
        count += 1
        if len(listed) < MAX_LISTED:
            listed.append(
                HiddenCharacter(
                    index=index,
                    line=line,
                    column=index - line_start + 1,
                    code_point=f"U+{ord(char):04X}",
                    name=character_name(char),
                    kind=kind,
                )
            )
    return count, listed


def reveal(text: str) -> str:
    """The text with each hidden character written out as [U+XXXX NAME]."""
    return "".join(f"[U+{ord(c):04X} {character_name(c)}]" if hidden_kind(c) else c for c in text)


def utf8_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ToolInputError(f"the bytes are not UTF-8 text (byte {error.start + 1})", "input") from None


def from_binary(text: str) -> str:
    bits = "".join(text.split())
    if re.search(r"[^01]", bits) or len(bits) % 8:
        raise ToolInputError("binary is groups of eight 0s and 1s (spaces between them are optional)", "input")
    return utf8_text(bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)))


def from_hex(text: str) -> str:
    digits = re.sub(r"0x|[\s:,-]", "", text, flags=re.I)
    if re.search(r"[^0-9a-fA-F]", digits) or len(digits) % 2:
        raise ToolInputError("hex is pairs of the digits 0-9 and a-f (0x, spaces, : and - are ignored)", "input")
    return utf8_text(bytes.fromhex(digits))


def from_code_points(text: str) -> str:
    chars = []
    for token in re.split(r"[\s,;]+", text.strip()):
        found = re.fullmatch(r"(?:U\+|0x|\\u|\\U)?([0-9a-fA-F]{1,8})", token, flags=re.I)
        value = int(found.group(1), 16) if found else -1
        if not 0 <= value <= 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise ToolInputError(f"{token!r} is not a code point (U+0000 to U+10FFFF, no surrogates)", "input")
        chars.append(chr(value))
    return "".join(chars) if text.strip() else ""


def to_nato(text: str) -> str:
    words = [" ".join(NATO.get(char.upper(), char) for char in word) for word in text.split(" ")]
    return WORD_SEPARATOR.join(words)


def spelled_words(text: str, table: dict[str, str], what: str) -> str:
    """Tokens separated by spaces, words by '/': each token a code word of the table (or one other character)."""
    words = []
    for word in text.split("/"):
        chars = []
        for token in word.split():
            char = table.get(token.casefold() if what == "NATO" else token)
            if char is None and len(token) != 1:
                raise ToolInputError(f"{token!r} is not in the {what} alphabet", "input")
            chars.append(char or token)
        words.append("".join(chars))
    return " ".join(words)


def to_morse(text: str) -> str:
    words = []
    for word in text.split():
        missing = next((char for char in word if char.upper() not in MORSE), None)
        if missing is not None:
            raise ToolInputError(f"Morse code (ITU-R M.1677-1) has no sign for {missing!r}", "input")
        words.append(" ".join(MORSE[char.upper()] for char in word))
    return WORD_SEPARATOR.join(words)


def rot47(text: str) -> str:
    return "".join(chr(33 + (ord(c) - 33 + 47) % 94) if "!" <= c <= "~" else c for c in text)


def numeronyms(text: str) -> str:
    """Each word of four letters or more as its first letter, the count of letters between, its last: i18n."""
    return NUMERONYM_WORD.sub(lambda m: f"{m.group()[0]}{len(m.group(1))}{m.group(2)}", text)


ENCODERS: dict[str, Callable[[str], str]] = {
    "binary": lambda text: " ".join(f"{byte:08b}" for byte in text.encode()),
    "hex": lambda text: text.encode().hex(" "),
    "code-points": lambda text: " ".join(f"U+{ord(c):04X}" for c in text),
    "nato": to_nato,
    "morse": to_morse,
    "rot13": lambda text: codecs.encode(text, "rot13"),
    "rot47": rot47,
    "reverse": lambda text: "".join(reversed(GRAPHEME.findall(text))),
    "numeronym": numeronyms,
    "reveal": reveal,
}
DECODERS: dict[str, Callable[[str], str]] = {
    "binary": from_binary,
    "hex": from_hex,
    "code-points": from_code_points,
    "nato": lambda text: spelled_words(text, NATO_WORDS, "NATO"),
    "morse": lambda text: spelled_words(text, MORSE_LETTERS, "Morse"),
}


def convert_text(data: TextInput) -> TextOutput:
    """Encode text in the format or decode it back, and list the hidden characters of the text."""
    if data.mode == "decode" and data.format in ONE_WAY:
        raise ToolInputError(f"{data.format} goes one way only: there is nothing to decode", "mode")
    if data.mode == "encode" or data.format in SELF_INVERSE:
        result, text = ENCODERS[data.format](data.input), data.input
    else:
        result = text = DECODERS[data.format](data.input)
    count, listed = find_hidden(text)
    return TextOutput(
        format=data.format,
        mode=data.mode,
        result=result,
        hidden_count=count,
        hidden=listed,
        trojan_source=any(char in TROJAN_SOURCE for char in text),
    )


TOOL = Tool(
    slug="text",
    title="Text converter",
    category="Text",
    icon="languages",
    keywords=(
        "binary",
        "hex",
        "unicode",
        "code points",
        "nato",
        "phonetic alphabet",
        "morse",
        "rot13",
        "rot47",
        "reverse",
        "numeronym",
        "i18n",
        "zero width",
        "bidi",
        "trojan source",
        "invisible characters",
    ),
    examples=(
        ("Morse: SOS", {"input": "SOS", "format": "morse"}),
        ("Binary of Hi!", {"input": "Hi!", "format": "binary"}),
        ("NATO spelling", {"input": "mytools 42", "format": "nato"}),
        (
            "Reveal a Trojan Source line",
            {"input": 'access = "user\u202e \u2066// admin\u2069 \u2066"', "format": "reveal"},
        ),
    ),
    # Binary writes up to 36 characters for one (a 4-byte character) and reveal about 30 per hidden character.
    operations=(Operation(TextInput, convert_text, TextOutput, bounded=True),),
)
