"""The text statistics tool: hand-counted vectors for every count, then the page and the JSON API."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

from tools.text_stats import (
    MAX_INPUT,
    STOP_WORDS,
    WORDS_PER_MINUTE,
    count_sentences,
    reading_time,
    text_stats,
    tokenize,
    top_words,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # 👩‍👩‍👧
E_ACUTE_COMBINING = "e\u0301"  # é as e + COMBINING ACUTE ACCENT
FLAG_FR = "\U0001f1eb\U0001f1f7"  # 🇫🇷: two regional indicator symbols

# (text, code points, graphemes, UTF-8 bytes, UTF-16 bytes), all hand-counted:
CHARACTER_VECTORS = [
    # Empty text: nothing at all.
    ("", 0, 0, 0, 0),
    # ASCII: one byte per character in UTF-8, two in UTF-16.
    ("hello", 5, 5, 5, 10),
    # 👩‍👩‍👧 = U+1F469 U+200D U+1F469 U+200D U+1F467: 5 code points; UAX #29 rule GB11 keeps an emoji ZWJ sequence
    # together, so 1 grapheme; UTF-8: 4 + 3 + 4 + 3 + 4 = 18 bytes; UTF-16: 2 + 1 + 2 + 1 + 2 = 8 units = 16 bytes.
    (FAMILY, 5, 1, 18, 16),
    # e + U+0301: 2 code points; UAX #29 rule GB9 attaches the combining mark, so 1 grapheme;
    # UTF-8: 1 + 2 = 3 bytes; UTF-16: 2 units = 4 bytes.
    (E_ACUTE_COMBINING, 2, 1, 3, 4),
    # Precomposed é (U+00E9): 1 code point, 1 grapheme, 2 bytes in UTF-8, 2 in UTF-16.
    ("\u00e9", 1, 1, 2, 2),
    # 🇫🇷: 2 regional indicators form one flag (UAX #29 rule GB12); 4 + 4 bytes in UTF-8, 2 + 2 units in UTF-16.
    (FLAG_FR, 2, 1, 8, 8),
    # CJK: 日本語 = U+65E5 U+672C U+8A9E, each 3 bytes in UTF-8 and 1 unit in UTF-16.
    ("日本語", 3, 3, 9, 6),
    # Hangul syllable 한 decomposed into jamo U+1112 U+1161 U+11AB: 3 code points, 1 grapheme (rules GB6, GB7),
    # 3 × 3 bytes in UTF-8, 3 units in UTF-16.
    ("\u1112\u1161\u11ab", 3, 1, 9, 6),
    # CRLF is one grapheme (rule GB3) but two code points.
    ("a\r\nb", 4, 3, 4, 8),
]


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- known answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code_points", "graphemes", "utf8", "utf16"), CHARACTER_VECTORS)
def test_characters_graphemes_and_bytes(text, code_points, graphemes, utf8, utf16):
    result = text_stats(text)
    assert (result.characters, result.graphemes, result.utf8_bytes, result.utf16_bytes) == (
        code_points,
        graphemes,
        utf8,
        utf16,
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # hand-counted: whitespace-separated English words
        ("The quick brown fox jumps over the lazy dog", 9),
        # punctuation is not a word; inner apostrophes, hyphens and periods keep a word whole
        ("Don't stop — it's well-known, e.g. here.", ["Don't", "stop", "it's", "well-known", "e.g", "here"]),
        # curly apostrophe too; digits with '.' or ',' between them are one number
        ("rock’n’roll costs 3.14 or 1,000", ["rock’n’roll", "costs", "3.14", "or", "1,000"]),
        # CJK: each ideograph or kana is one word (日 本 語 の テ キ ス ト で す), '。' is not a word
        ("日本語のテキストです。", 10),
        # the prolonged sound mark ー stays with its kana: コー ヒー
        ("コーヒー", ["コー", "ヒー"]),
        # combining marks stay inside the word
        ("cafe\u0301 noir", ["cafe\u0301", "noir"]),
        # emoji are not words
        (FAMILY + " " + FLAG_FR, 0),
        ("", 0),
    ],
)
def test_words(text, words):
    if isinstance(words, list):
        assert tokenize(text) == words
        words = len(words)
    assert text_stats(text).words == words


@pytest.mark.parametrize(
    ("text", "lines", "paragraphs"),
    [
        ("", 0, 0),
        ("one line", 1, 1),
        # a final line break does not start a new line (str.splitlines)
        ("one line\n", 1, 1),
        ("a\nb\nc", 3, 1),
        # \r\n and \r are line breaks too
        ("a\r\nb\rc", 3, 1),
        # blank lines (also whitespace-only ones) separate paragraphs: a | b c | d
        ("a\n\nb\nc\n \t \nd", 6, 3),
        # leading and trailing blank lines make no paragraph
        ("\n\n a \n\n\n", 5, 1),
        # U+2029 PARAGRAPH SEPARATOR is a line break for str.splitlines
        ("a\u2029\u2029b", 3, 2),
    ],
)
def test_lines_and_paragraphs(text, lines, paragraphs):
    result = text_stats(text)
    assert (result.lines, result.paragraphs) == (lines, paragraphs)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("", 0),
        ("No final punctuation", 1),
        ("One. Two! Three? Four", 4),
        # runs of terminators and closing quotes end one sentence
        ('Really?! Yes. "Quoted." (Bracketed.) End', 5),
        # a period not followed by whitespace does not end a sentence
        ("Version 3.14 is out. See example.com now", 2),
        # abbreviations do not end a sentence
        ("Mr. Smith met Dr. Jones. They talked, e.g. about cats, i.e. pets.", 2),
        # the ideographic full stop ends a sentence without a following space
        ("日本語です。英語です。", 2),
        # words that often end a sentence are not taken for abbreviations
        ("Cats, dogs, etc. Then more.", 2),
        # punctuation alone is no sentence
        ("... !!! ???", 0),
    ],
)
def test_sentences(text, sentences):
    assert count_sentences(text) == sentences
    assert text_stats(text).sentences == sentences


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        # 238 words per minute (Brysbaert 2019): N words take N / 238 minutes, rounded half up, at least 1
        (0, "0 min"),
        (1, "about 1 min"),
        (238, "about 1 min"),
        (356, "about 1 min"),  # 1.496 min
        (357, "about 2 min"),  # exactly 1.5 min rounds up
        (2380, "about 10 min"),
    ],
)
def test_reading_time(words, shown):
    assert WORDS_PER_MINUTE == 238
    assert reading_time(words) == shown


def test_reading_minutes_in_the_result():
    result = text_stats("word " * 595)  # 595 / 238 = 2.5 minutes
    assert (result.words, result.reading_minutes, result.reading_time) == (595, 2.5, "about 3 min")


def test_top_words_are_case_folded_and_skip_stop_words():
    text = "The cat and THE dog. The Cat sat; a cat ran. Straße STRASSE"
    # hand-counted: cat ×3, strasse ×2 (casefold turns ß into ss), dog/ran/sat ×1; the/and/a are stop words
    assert top_words(tokenize(text)) == [("cat", 3), ("strasse", 2), ("dog", 1), ("ran", 1), ("sat", 1)]
    # with stop words, "the" ×3 ties with "cat" ×3 and comes after it alphabetically
    assert top_words(tokenize(text), include_stop_words=True)[:3] == [("cat", 3), ("the", 3), ("strasse", 2)]


def test_top_words_limit_and_apostrophes():
    text = " ".join(f"w{i}" for i in range(12)) + " don’t don't"
    ranked = top_words(tokenize(text), include_stop_words=True)
    assert len(ranked) == 10
    assert ranked[0] == ("don't", 2)  # ’ and ' count as the same word
    assert "don't" in STOP_WORDS
    assert top_words(tokenize(text))[0] == ("w0", 1)  # ties in alphabetical order


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_returns_every_count(tool_client):
    text = "Hello, world! Hello again.\n\nSecond paragraph " + FAMILY
    response = await tool_client.post("/api/text-stats", json={"input": text})
    assert response.status_code == 200
    # hand-counted: 13 + 1 + 12 + 2 + 17 = 45 code points before the emoji, + 5 = 50; the emoji is 1 grapheme,
    # so 46; UTF-8: 45 ASCII bytes + 18 = 63; UTF-16: 45 × 2 + 16 = 106.
    assert await response.get_json() == {
        "characters": 50,
        "graphemes": 46,
        "utf8_bytes": 63,
        "utf16_bytes": 106,
        "words": 6,
        "lines": 3,
        "sentences": 3,
        "paragraphs": 2,
        "reading_minutes": 0.03,
        "reading_time": "about 1 min",
        "top_words": [
            {"word": "hello", "count": 2},
            {"word": "paragraph", "count": 1},
            {"word": "second", "count": 1},
            {"word": "world", "count": 1},
        ],
        "include_stop_words": False,
    }


async def test_api_can_include_stop_words(tool_client):
    body = {"input": "the the the end", "include_stop_words": True}
    response = await tool_client.post("/api/text-stats", json=body)
    assert (await response.get_json())["top_words"] == [{"word": "the", "count": 3}, {"word": "end", "count": 1}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": 5}, "input"),
        ({"input": "x", "include_stop_words": "maybe"}, "include_stop_words"),
    ],
)
async def test_api_schema_errors_name_the_field(tool_client, body, field):
    response = await tool_client.post("/api/text-stats", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert field in error["message"]


async def test_api_refuses_a_lone_surrogate(tool_client):
    # JSON can carry a lone surrogate (\ud800); the schema refuses it with a 422, never a 500.
    headers = {"Content-Type": "application/json"}
    response = await tool_client.post("/api/text-stats", data='{"input": "ab\\ud800"}', headers=headers)
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == "input"


async def test_api_oversize_input_states_the_limit(tool_client):
    response = await tool_client.post("/api/text-stats", json={"input": "a" * (MAX_INPUT + 1)})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert str(MAX_INPUT) in error["message"]


async def test_api_largest_input_is_accepted(tool_client):
    response = await tool_client.post("/api/text-stats", json={"input": "ab " * (MAX_INPUT // 3) + "x"})
    body = await response.get_json()
    assert response.status_code == 200
    assert (body["characters"], body["words"]) == (MAX_INPUT, MAX_INPUT // 3 + 1)


async def test_openapi_documents_the_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/text-stats"]["post"]
    assert operation["summary"].startswith("Count characters")
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["input"]["maxLength"] == MAX_INPUT


# --- page -------------------------------------------------------------------------------------------


async def test_empty_page(tool_client):
    response = await tool_client.get("/tools/text-stats/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post" action="/tools/text-stats/"' in page
    assert "/static/css/tools/text-stats.css" in page
    assert "Example — A short text." in page  # 70 characters, 13 words
    assert '<code id="stat-characters">70</code>' in page and '<code id="stat-words">13</code>' in page
    assert "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    form = urlencode({"input": FAMILY + " e\u0301"})
    response = await tool_client.post("/tools/text-stats/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="stat-characters">8</code>' in page
    assert '<code id="stat-graphemes">3</code>' in page
    assert '<code id="stat-utf8_bytes">22</code>' in page
    assert 'data-copy-target="stat-graphemes"' in page
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(page) == "/tools/text-stats/?" + urlencode({"input": FAMILY + " e\u0301"})


async def test_page_post_with_htmx_returns_only_the_result(tool_client):
    form = urlencode({"input": "one two two", "include_stop_words": "true"})
    response = await tool_client.post("/tools/text-stats/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert '<code id="stat-words">3</code>' in fragment
    assert "<td><code>two</code></td><td>2</td>" in fragment
    assert "HX-Request" in response.headers.get("Vary", "")
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment


async def test_get_with_query_reproduces_the_result(tool_client):
    response = await tool_client.get("/tools/text-stats/?input=The+end.+Fin.&include_stop_words=true")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<code id="stat-sentences">2</code>' in page
    assert 'name="include_stop_words" value="true" checked' in page
    assert "<td><code>the</code></td><td>1</td>" in page
    assert share_link(page) == "/tools/text-stats/?input=The+end.+Fin.&include_stop_words=true"


async def test_page_oversize_input_is_422_next_to_the_field(tool_client):
    form = urlencode({"input": "a" * (MAX_INPUT + 1)})
    response = await tool_client.post("/tools/text-stats/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="input-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "1000000 characters" in oob.group(1)
    assert "stat-characters" not in fragment


async def test_no_share_link_for_large_input(tool_client):
    form = urlencode({"input": "x " * 1500})
    page = await (await tool_client.post("/tools/text-stats/", data=form, headers=FORM)).get_data(as_text=True)
    assert '<code id="stat-words">1500</code>' in page
    assert share_link(page) is None


async def test_input_starting_with_a_newline_survives_the_round_trip(tool_client):
    form = urlencode({"input": "\nabc"})
    page = await (await tool_client.post("/tools/text-stats/", data=form, headers=FORM)).get_data(as_text=True)
    assert ">\n\nabc</textarea>" in page
    assert '<code id="stat-lines">2</code>' in page


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert "/tools/text-stats/" in page
