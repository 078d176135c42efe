"""The escape tool: hand-checked literals per language, both ways, and the errors that name the input."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import shlex

import pytest

from core.forms import ToolInputError
from tools.escape import LANGUAGES, EscapeInput, escape_text


def escape(language: str, text: str) -> str:
    return escape_text(EscapeInput(input=text, language=language)).result


def unescape(language: str, text: str) -> str:
    return escape_text(EscapeInput(input=text, language=language, mode="unescape")).result


# (language, text, literal): each literal written out by hand from the language's rules.
HAND_CHECKED = {
    "shell: it's closes the quote, adds a quoted ', reopens": ("shell", "it's", "'it'\"'\"'s'"),
    "shell: a space needs quotes": ("shell", "a b", "'a b'"),
    "shell: the empty word": ("shell", "", "''"),
    "json: quotes, backslash, newline, tab (RFC 8259 section 7)": (
        "json",
        'He said "hi"\n\t\\',
        '"He said \\"hi\\"\\n\\t\\\\"',
    ),
    "json: a control character is \\u00XX, non-ASCII stays": ("json", "\x01é", '"\\u0001é"'),
    "javascript: NUL before a digit is \\x00, not \\01 (legacy octal)": ("javascript", "\x001", '"\\x001"'),
    "javascript: U+2028 escaped (a line end before ES2019)": ("javascript", "a\u2028b", '"a\\u2028b"'),
    "python: repr picks the quote that needs no escape": ("python", "it's", '"it\'s"'),
    "python: both quotes": ("python", 'it\'s "x"', "'it\\'s \"x\"'"),
    "c: named escapes and octal for other controls": ("c", 'tab\t"q"\x01', '"tab\\t\\"q\\"\\001"'),
    "regex: re.escape of 1+1=2?": ("regex", "1+1=2?", "1\\+1=2\\?"),
    "sql: it's doubles the quote": ("sql", "it's", "'it''s'"),
    "csv: a comma or quote means quotes, doubled inside (RFC 4180 2.6, 2.7)": (
        "csv",
        'say "hi", ok',
        '"say ""hi"", ok"',
    ),
    "csv: plain field stays bare": ("csv", "plain", "plain"),
    "xml: the five predefined entities": (
        "xml",
        '<a href="x">Tom & Jerry\'s</a>',
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;",
    ),
}


@pytest.mark.parametrize("case", HAND_CHECKED)
def test_hand_checked_literals_both_ways(case):
    language, text, literal = HAND_CHECKED[case]
    assert escape(language, text) == literal
    assert unescape(language, literal) == text


# The languages' own readers agree with the escapes.
ORACLES = {
    "json": json.loads,
    "python": ast.literal_eval,
    "shell": lambda literal: shlex.split(literal)[0],
    "csv": lambda literal: next(csv.reader(io.StringIO(literal, newline=""))),
    "regex": lambda pattern: re.fullmatch(pattern, SAMPLE).group(),
}
SAMPLE = 'it\'s "quoted", a\\b\n\ttab é 😀 \x01 [x]*+?{1}'


@pytest.mark.parametrize("language", ORACLES)
def test_the_languages_own_readers_read_the_escape_back(language):
    read = ORACLES[language](escape(language, SAMPLE))
    assert (read[0] if isinstance(read, list) else read) == SAMPLE


@pytest.mark.parametrize("language", [name for name in LANGUAGES if name != "xml"])
def test_every_language_round_trips(language):
    assert unescape(language, escape(language, SAMPLE)) == SAMPLE


UNESCAPES = {
    "python: \\N{BULLET}, \\x, octal, \\u": ("python", r"'\N{BULLET} caf\xe9 \101 \u263a'", "• café A ☺"),
    "python keeps an unknown escape's backslash": ("python", r"\d", "\\d"),
    "javascript: \\x, \\u, \\u{…}, a surrogate pair, \\0": (
        "javascript",
        r"\x41\u0042\u{1F600}\ud83d\ude00\0",
        "AB😀😀\0",
    ),
    "javascript: an unknown escape stands for the character": ("javascript", r"\q", "q"),
    "c: octal and hex are UTF-8 bytes, \\u a code point": ("c", r"\303\251\x41\u00e9\?", "éAé?"),
    "json: surrogate pair": ("json", r"\ud83d\ude00", "😀"),
    "xml: decimal and hex references": ("xml", "&#x1F600;&#233;&amp;", "😀é&"),
    "sql: O'Reilly": ("sql", "'O''Reilly'", "O'Reilly"),
    "shell: double quotes and a backslash": ("shell", '"a b"\\ c', "a b c"),
}


@pytest.mark.parametrize("case", UNESCAPES)
def test_unescape_hand_checked(case):
    language, literal, text = UNESCAPES[case]
    assert unescape(language, literal) == text


ERRORS = {
    "xml: U+0001 cannot be written in XML 1.0": ("xml", "escape", "\x01", "U+0001"),
    "xml: an HTML entity is not XML": ("xml", "unescape", "&eacute;", "five entities"),
    "xml: a lone &": ("xml", "unescape", "a & b", "&amp;"),
    "json: a lone surrogate": ("json", "unescape", r"\ud800", "surrogate"),
    "json: a bad escape": ("json", "unescape", r"\q", "not a JSON string"),
    "javascript: \\u{110000} is past Unicode": ("javascript", "unescape", r"\u{110000}", "U+10FFFF"),
    "python: an unknown character name": ("python", "unescape", r"\N{NO SUCH THING}", "no character is named"),
    "c: bytes that are not UTF-8": ("c", "unescape", r"\xff", "not UTF-8"),
    "c: a hex escape takes every hex digit, \\x414 is past a byte": ("c", "unescape", r"\x414", "more than a byte"),
    "shell: three words": ("shell", "unescape", "a b c", "3 shell words"),
    "shell: an open quote": ("shell", "unescape", "'open", "not a shell word"),
    "sql: an undoubled quote": ("sql", "unescape", "'it's'", "doubled"),
    "csv: an undoubled quote": ("csv", "unescape", '"a"b"', "doubles"),
    "regex: \\d is a class": ("regex", "unescape", r"a\d", "pattern"),
    "regex: a lone final backslash": ("regex", "unescape", "a\\", "lone backslash"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors_name_the_input(case):
    language, mode, text, words = ERRORS[case]
    with pytest.raises(ToolInputError) as error:
        escape_text(EscapeInput(input=text, language=language, mode=mode))
    assert error.value.field == "input" and words in error.value.message


async def test_escape_api_and_page(tool_client):
    api = await tool_client.post("/api/escape", json={"input": "it's", "language": "shell"})
    assert (await api.get_json())["result"] == "'it'\"'\"'s'"
    bad = await tool_client.post("/api/escape", json={"input": "&nbsp;", "language": "xml", "mode": "unescape"})
    assert bad.status_code == 422 and (await bad.get_json())["error"]["field"] == "input"
    page = await (await tool_client.get("/tools/escape/?input=it%27s&language=sql")).get_data(as_text=True)
    assert "&#39;it&#39;&#39;s&#39;" in page
