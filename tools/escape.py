"""Escape and unescape text for JSON, JavaScript, Python, C, shell, regex, SQL, CSV and XML string literals."""

from __future__ import annotations

import json
import re
import shlex
import unicodedata
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

# Escaping grows text at most 10-fold (a character Python cannot print becomes \U000xxxxx): 2 MB out at most.
MAX_INPUT = 200_000
LANGUAGES = ("json", "javascript", "python", "c", "shell", "regex", "sql", "csv", "xml")
QUOTES = {"json": '"', "javascript": "\"'`", "python": "\"'", "c": '"', "sql": "'"}
C_NAMED = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v", '"': '"', "\\": "\\"}
JS_NAMED = {"\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v", '"': '"', "\\": "\\"}
XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}
XML_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# XML 1.0 section 2.2: no control characters but tab, line feed and carriage return, even as references.
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XML_REFERENCE = re.compile(r"&(?:#([0-9]{1,8})|#x([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9._-]{0,40}));|&")
CSV_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


class EscapeInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, description="The text to escape, or the escaped literal to read back.")
    language: Literal[LANGUAGES] = Field(
        default="json",
        description="Whose rules: a JSON, JavaScript, Python or C string; a POSIX shell word (single quotes); a "
        "Python regex matching the text (re.escape); a standard SQL string ('' for '); a CSV field (RFC 4180); "
        "XML text or attribute (the five entities).",
    )
    mode: Literal["escape", "unescape"] = Field(
        default="escape",
        description="escape: text to a literal (with its quotes where the language has them); unescape: a "
        "literal (its surrounding quotes optional) back to text.",
    )


class EscapeOutput(BaseModel):
    language: str
    mode: str
    result: str = Field(description="The escaped literal, or the text it stands for.")


def escape_javascript(text: str) -> str:
    """A double-quoted JavaScript string: named escapes, \\xHH for other controls, \\u2028/9 (pre-ES2019 line ends)."""
    out = []
    for index, char in enumerate(text):
        if char in JS_NAMED:
            out.append("\\" + JS_NAMED[char])
        elif char == "\0":
            out.append("\\x00" if text[index + 1 : index + 2].isdigit() else "\\0")
        elif char < " " or char == "\x7f":
            out.append(f"\\x{ord(char):02x}")
        elif char in "\u2028\u2029":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def escape_c(text: str) -> str:
    """A C string literal: named escapes, 3-digit octal for other controls (a hex escape would swallow a following
    hex digit); other characters stay as they are (UTF-8 source)."""
    out = []
    for char in text:
        if char in C_NAMED:
            out.append("\\" + C_NAMED[char])
        elif char < " " or char == "\x7f":
            out.append(f"\\{ord(char):03o}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def escape_csv(text: str) -> str:
    """RFC 4180 section 2: a field with a comma, quote or line break is quoted, its quotes doubled."""
    return '"' + text.replace('"', '""') + '"' if CSV_NEEDS_QUOTES.search(text) else text


def escape_xml(text: str) -> str:
    forbidden = XML_FORBIDDEN.search(text)
    if forbidden:
        raise ToolInputError(f"U+{ord(forbidden.group()):04X} cannot appear in XML 1.0, not even escaped", "input")
    return "".join(XML_ESCAPES.get(char, char) for char in text)


ESCAPERS: dict[str, Callable[[str], str]] = {
    "json": lambda text: json.dumps(text, ensure_ascii=False),
    "javascript": escape_javascript,
    "python": repr,  # Python's own literal: it picks the quotes that need no escaping
    "c": escape_c,
    "shell": shlex.quote,  # 'it'"'"'s': close the quote, a quoted ', reopen
    "regex": re.escape,
    "sql": lambda text: "'" + text.replace("'", "''") + "'",
    "csv": escape_csv,
    "xml": escape_xml,
}


def without_quotes(text: str, quotes: str) -> str:
    """The literal's inside when it is wrapped in a pair of the same quote."""
    if len(text) >= 2 and text[0] in quotes and text[-1] == text[0]:
        return text[1:-1]
    return text


def code_point(value: int, escape: str) -> str:
    if value > 0x10FFFF:
        raise ToolInputError(f"{escape} is past the last code point U+10FFFF", "input")
    return chr(value)


def joined_surrogates(text: str) -> str:
    """\\ud83d\\ude00 written as two escapes is one character; a surrogate left alone is an error."""
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        lone = re.search(r"[\ud800-\udfff]", text)
        message = f"\\u{ord(lone.group()):04x} is half of a surrogate pair, without its other half"
        raise ToolInputError(message, "input") from None


# One escape sequence of each language, for re.sub.
JS_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|(\r\n|[\s\S]))")
PY_ESCAPE = re.compile(
    r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{1,3})|N\{([^}]{1,100})\}|(\r\n|[\s\S]))"
)
# As in C, a hex escape takes every hex digit that follows: \x414 is out of range, not "A4".
C_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]+)|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{1,3})|([\s\S]))")
LINE_BREAKS = ("\n", "\r\n", "\r", "\u2028", "\u2029")
JS_SIMPLE = {v: k for k, v in JS_NAMED.items()} | {"0": "\0"}
PY_SIMPLE = {v: k for k, v in C_NAMED.items()} | {"'": "'"}
C_SIMPLE = PY_SIMPLE | {"?": "?"}


def unescape_javascript(text: str) -> str:
    def one(match: re.Match) -> str:
        hex2, braced, hex4, other = match.groups()
        if hex2 or hex4:
            return chr(int(hex2 or hex4, 16))
        if braced:
            return code_point(int(braced, 16), match.group())
        if other in LINE_BREAKS:
            return ""  # a line continuation
        if other in ("x", "u", *"123456789"):
            raise ToolInputError(f"{match.group()!r} is not a complete JavaScript escape", "input")
        return JS_SIMPLE.get(other, other)  # any other escaped character stands for itself

    return joined_surrogates(JS_ESCAPE.sub(one, without_quotes(text, QUOTES["javascript"])))


def unescape_python(text: str) -> str:
    def one(match: re.Match) -> str:
        hex2, hex4, hex8, octal, name, other = match.groups()
        if hex2 or hex4 or hex8:
            return code_point(int(hex2 or hex4 or hex8, 16), match.group())
        if octal:
            return chr(int(octal, 8))
        if name:
            try:
                return unicodedata.lookup(name)
            except KeyError:
                raise ToolInputError(f"no character is named {name!r} ({match.group()})", "input") from None
        if other in ("\n", "\r\n"):
            return ""
        if other in "xuUN":
            raise ToolInputError(f"{match.group()!r} is not a complete Python escape", "input")
        return PY_SIMPLE.get(other, match.group())  # Python keeps an unknown escape's backslash

    return joined_surrogates(PY_ESCAPE.sub(one, without_quotes(text, QUOTES["python"])))


def unescape_c(text: str) -> str:
    """Octal and hex escapes are bytes (decoded with the rest as UTF-8); \\u and \\U are code points."""
    out = bytearray()
    position = 0
    inner = without_quotes(text, QUOTES["c"])
    for match in C_ESCAPE.finditer(inner):
        out += inner[position : match.start()].encode("utf-8", "surrogatepass")
        hex2, hex4, hex8, octal, other = match.groups()
        if hex2 or octal:
            value = int(hex2, 16) if hex2 else int(octal, 8)
            if value > 0xFF:
                raise ToolInputError(f"{match.group()} is more than a byte", "input")
            out.append(value)
        elif hex4 or hex8:
            out += code_point(int(hex4 or hex8, 16), match.group()).encode("utf-8", "surrogatepass")
        elif other in C_SIMPLE:
            out += C_SIMPLE[other].encode()
        else:
            raise ToolInputError(f"{match.group()!r} is not a C escape", "input")
        position = match.end()
    out += inner[position:].encode("utf-8", "surrogatepass")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ToolInputError(f"the escaped bytes are not UTF-8 text (byte {error.start})", "input") from None


def unescape_json(text: str) -> str:
    try:
        value = json.loads('"' + without_quotes(text, '"') + '"')
    except json.JSONDecodeError as error:
        raise ToolInputError(f"not a JSON string: {error.msg} (character {error.pos})", "input") from None
    return joined_surrogates(value)


def unescape_shell(text: str) -> str:
    try:
        words = shlex.split(text, comments=False, posix=True)
    except ValueError as error:
        raise ToolInputError(f"not a shell word: {error}", "input") from None
    if len(words) != 1:
        raise ToolInputError(f"this is {len(words)} shell words, not one", "input")
    return words[0]


def unescape_regex(text: str) -> str:
    """The text a pattern of escaped characters matches (what re.escape made)."""

    def one(match: re.Match) -> str:
        char = match.group(1)
        if char.isascii() and char.isalnum():
            raise ToolInputError(f"{match.group()} is a pattern, not an escaped character", "input")
        return char

    if (len(text) - len(text.rstrip("\\"))) % 2:
        raise ToolInputError("the pattern ends in a lone backslash", "input")
    return re.sub(r"\\([\s\S])", one, text)


def unescape_sql(text: str) -> str:
    inner = without_quotes(text, "'")
    if re.search(r"(?<!')'(?!')", inner.replace("''", "")):
        raise ToolInputError("a single ' inside an SQL string must be doubled ('')", "input")
    return inner.replace("''", "'")


def unescape_csv(text: str) -> str:
    if not text.startswith('"'):
        if '"' in text:
            raise ToolInputError('a field with a " must be quoted (RFC 4180)', "input")
        return text
    if len(text) < 2 or not text.endswith('"') or '"' in text[1:-1].replace('""', ""):
        raise ToolInputError('a quoted field ends with " and doubles the quotes inside it', "input")
    return text[1:-1].replace('""', '"')


def unescape_xml(text: str) -> str:
    def one(match: re.Match) -> str:
        decimal, hexadecimal, name = match.groups()
        if match.group() == "&":
            raise ToolInputError("a lone & must be written &amp;", "input")
        if name:
            if name not in XML_ENTITIES:
                raise ToolInputError(f"&{name}; is not one of XML's five entities (amp lt gt quot apos)", "input")
            return XML_ENTITIES[name]
        char = code_point(int(decimal or hexadecimal, 10 if decimal else 16), match.group())
        if XML_FORBIDDEN.match(char) or "\ud800" <= char <= "\udfff":
            raise ToolInputError(f"{match.group()} is not a character XML 1.0 allows", "input")
        return char

    return XML_REFERENCE.sub(one, text)


UNESCAPERS: dict[str, Callable[[str], str]] = {
    "json": unescape_json,
    "javascript": unescape_javascript,
    "python": unescape_python,
    "c": unescape_c,
    "shell": unescape_shell,
    "regex": unescape_regex,
    "sql": unescape_sql,
    "csv": unescape_csv,
    "xml": unescape_xml,
}


def escape_text(data: EscapeInput) -> EscapeOutput:
    """Escape text as a literal of the language, or read a literal back to its text."""
    convert = (ESCAPERS if data.mode == "escape" else UNESCAPERS)[data.language]
    return EscapeOutput(language=data.language, mode=data.mode, result=convert(data.input))


TOOL = Tool(
    slug="escape",
    title="Escape / unescape",
    category="Encoding",
    icon="quote",
    keywords=(
        "string literal",
        "quote",
        "backslash",
        "json",
        "javascript",
        "python",
        "shell",
        "shlex",
        "sql",
        "csv",
        "xml",
        "entities",
    ),
    examples=(
        ("Shell word with a quote", {"input": "it's", "language": "shell"}),
        ("JSON string", {"input": 'He said "hi"\n\tand left', "language": "json"}),
        ("SQL literal back to text", {"input": "'O''Reilly'", "language": "sql", "mode": "unescape"}),
        ("Python escapes", {"input": r"'\N{BULLET} caf\xe9 \u263a'", "language": "python", "mode": "unescape"}),
    ),
    operations=(Operation(EscapeInput, escape_text, EscapeOutput, live_max_bytes=MAX_INPUT),),
)
