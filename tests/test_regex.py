"""The regex tester: examples from Python's re documentation, limits (time, size, unrolled repeats), page and API."""

from __future__ import annotations

import html
import re
import time
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.regex.engine import (
    MAX_LISTED,
    MAX_PATTERN,
    MAX_SHOWN_TOTAL,
    MAX_TEXT,
    MAX_UNROLLED,
    RegexInput,
    Segment,
    highlight,
    run_regex,
    unrolled_size,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}

NAMES = r"(?P<first_name>\w+) (?P<last_name>\w+)"  # Python docs, re module, Match.group() and Match.groupdict()
# Python docs, re module, "Finding all Adverbs and their Positions".
ADVERBS_TEXT = "He was carefully disguised but captured quickly by police."


def run(pattern: str, text: str, flags=(), replacement: str | None = None):
    return run_regex(RegexInput(pattern=pattern, input=text, flags=list(flags), replacement=replacement))


def spans(result) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.text) for m in result.matches]


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- known answers from Python's re documentation ---------------------------------------------------


def test_named_groups_malcolm_reynolds():
    # Python docs, re module, Match.group(): group('first_name') == 'Malcolm', group('last_name') ==
    # 'Reynolds'; the spans are hand-counted: "Malcolm" is characters 0-7, the space 7, "Reynolds" 8-16.
    result = run(NAMES, "Malcolm Reynolds")
    assert result.count == 1 and result.group_count == 2 and not result.capped
    match = result.matches[0]
    assert (match.start, match.end, match.text) == (0, 16, "Malcolm Reynolds")
    assert [(g.number, g.name, g.start, g.end, g.text) for g in match.groups] == [
        (1, "first_name", 0, 7, "Malcolm"),
        (2, "last_name", 8, 16, "Reynolds"),
    ]


def test_numbered_groups_isaac_newton():
    # Python docs, re module, Match.group(): m[0] 'Isaac Newton', m[1] 'Isaac', m[2] 'Newton' (the first
    # match only here; finditer then finds "physicist" too, which the pattern cannot match alone).
    result = run(r"(\w+) (\w+)", "Isaac Newton, physicist")
    first = result.matches[0]
    assert (first.start, first.end, first.text) == (0, 12, "Isaac Newton")
    assert [(g.number, g.name, g.start, g.end, g.text) for g in first.groups] == [
        (1, None, 0, 5, "Isaac"),
        (2, None, 6, 12, "Newton"),
    ]
    assert result.count == 1


def test_group_that_takes_no_part():
    # Python docs, re module, Match.groups(): re.match(r"(\d+)\.?(\d+)?", "24").groups() == ('24', None).
    group = run(r"(\d+)\.?(\d+)?", "24").matches[0].groups
    assert (group[0].text, group[0].start, group[0].end) == ("24", 0, 2)
    assert (group[1].text, group[1].start, group[1].end) == (None, None, None)


def test_finditer_adverbs_with_positions():
    # Python docs, re module, "Finding all Adverbs and their Positions": 07-16: carefully, 40-47: quickly.
    assert spans(run(r"\w+ly\b", ADVERBS_TEXT)) == [(7, 16, "carefully"), (40, 47, "quickly")]


def test_search_span_remove_this():
    # Python docs, re module, Match.start(): "remove_this" in "tony@tiremove_thisger.net" spans 7-18,
    # and cutting it out gives 'tony@tiger.net' (here through an empty replacement).
    result = run("remove_this", "tony@tiremove_thisger.net", replacement="")
    assert spans(result) == [(7, 18, "remove_this")]
    assert (result.substitution, result.replacements) == ("tony@tiger.net", 1)


def test_sub_def_myfunc():
    # Python docs, re module, re.sub(): the first example.
    result = run(
        r"def\s+([a-zA-Z_][a-zA-Z_0-9]*)\s*\(\s*\):",
        "def myfunc():",
        replacement=r"static PyObject*\npy_\1(void)\n{",
    )
    assert result.substitution == "static PyObject*\npy_myfunc(void)\n{"
    assert result.replacements == 1


def test_sub_empty_matches_x_star():
    # Python docs, re module, re.sub(), "Changed in version 3.7": re.sub('x*', '-', 'abxd') returns
    # '-a-b--d-'. Hand-listed matches: empty at 0 and 1, 'x' at 2-3, empty at 3 (allowed next to a non-empty
    # match since 3.7) and at 4.
    result = run("x*", "abxd", replacement="-")
    assert result.substitution == "-a-b--d-"
    assert spans(result) == [(0, 0, ""), (1, 1, ""), (2, 3, "x"), (3, 3, ""), (4, 4, "")]
    assert result.replacements == 5


def test_sub_with_ignorecase_flag():
    # Python docs, re module, re.sub(): re.sub(r'\sAND\s', ' & ', 'Baked Beans And Spam', flags=re.IGNORECASE).
    result = run(r"\sAND\s", "Baked Beans And Spam", flags=["IGNORECASE"], replacement=" & ")
    assert result.substitution == "Baked Beans & Spam"
    assert run(r"\sAND\s", "Baked Beans And Spam").count == 0  # and without the flag, no match


def test_sub_named_group_references():
    # Hand-computed from the re.sub() documentation of \g<name> (and \g<0>, the whole match).
    result = run(NAMES, "Malcolm Reynolds", replacement=r"\g<last_name>, \g<first_name> (\g<0>)")
    assert result.substitution == "Reynolds, Malcolm (Malcolm Reynolds)"


@pytest.mark.parametrize(
    ("flags", "pattern", "text", "expected"),
    [
        # Hand-computed from the flag descriptions in the re documentation.
        (["MULTILINE"], r"^\w+", "one\ntwo", [(0, 3, "one"), (4, 7, "two")]),
        ([], r"^\w+", "one\ntwo", [(0, 3, "one")]),
        (["DOTALL"], r"a.b", "a\nb", [(0, 3, "a\nb")]),
        ([], r"a.b", "a\nb", []),
        (["VERBOSE"], r"\d+  # digits", "ab 12", [(3, 5, "12")]),
        (["ASCII"], r"\w+", "café", [(0, 3, "caf")]),
        ([], r"\w+", "café", [(0, 4, "café")]),
    ],
)
def test_flags(flags, pattern, text, expected):
    result = run(pattern, text, flags=flags)
    assert spans(result) == expected
    assert result.flags == flags


def test_at_most_max_listed_matches_are_listed():
    result = run("a", "a" * (MAX_LISTED + 5))
    assert (result.count, result.capped) == (MAX_LISTED, True)
    assert result.matches[-1].start == MAX_LISTED - 1
    exact = run("a", "a" * MAX_LISTED)
    assert (exact.count, exact.capped) == (MAX_LISTED, False)


def test_substitution_counts_every_match_even_past_the_listing_cap():
    result = run("a", "a" * 3000 + "b", replacement="x")
    assert result.substitution == "x" * 3000 + "b"
    assert (result.replacements, result.count, result.capped) == (3000, MAX_LISTED, True)


def test_long_match_text_is_cut_but_spans_are_exact():
    result = run("(b+)", "a" + "b" * 5000)
    match = result.matches[0]
    assert (match.start, match.end, len(match.text), match.truncated) == (1, 5001, 1000, True)
    assert (match.groups[0].end, match.groups[0].truncated) == (5001, True)


def test_patterns_with_many_groups_list_fewer_matches(monkeypatch):
    # 3,000 groups: 100,000 values // 3,001 per match = 33 matches listed, so the answer stays small.
    # This is about the listing cap, not the time limit, which a loaded CI machine can hit here.
    monkeypatch.setattr("tools.regex.engine.TIME_LIMIT", 30.0)
    result = run("(a)" * 3000, "a" * 3000 * 40)
    assert (result.count, result.capped, result.group_count) == (33, True, 3000)


def test_all_shown_texts_together_are_bounded():
    # Every match captures the rest of the text twice: 2 x 1,000 characters a match, so the total budget is
    # spent after 500 of the 1,000 listed matches; the later ones show no text (but exact positions).
    result = run("(?=(.*))(?=(.*))", "x" * 5000, flags=["DOTALL"])
    shown = sum(len(g.text or "") for m in result.matches for g in m.groups)
    assert shown == MAX_SHOWN_TOTAL == 1_000_000
    assert result.count == MAX_LISTED
    assert [len(g.text) for g in result.matches[499].groups] == [1000, 1000]
    last = result.matches[-1].groups[0]
    assert (last.text, last.truncated, last.start, last.end) == ("", True, 999, 5000)


# --- highlighting -----------------------------------------------------------------------------------


def test_highlight_cuts_the_text_at_the_match_spans():
    result = run("a|", "a<b>a")
    # Hand-listed: 'a' at 0, empty at 1, 2, 3 (between the characters), 'a' at 4, empty at 5.
    assert highlight("a<b>a", result.matches) == [
        Segment("a", 1),
        Segment("", 2),
        Segment("<", None),
        Segment("", 3),
        Segment("b", None),
        Segment("", 4),
        Segment(">", None),
        Segment("a", 5),
        Segment("", 6),
    ]


# --- limits: time, unrolled repeats, errors ---------------------------------------------------------


def test_catastrophic_backtracking_is_stopped_with_a_message():
    # (a|aa)+$ on 40 a's then 'b' has exponentially many ways to fail; the engine gives up after 1 s.
    started = time.monotonic()
    with pytest.raises(ToolInputError) as raised:
        run(r"(a|aa)+$", "a" * 40 + "b")
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert raised.value.field == "pattern"
    assert "took too long" in raised.value.message
    assert "catastrophic backtracking" in raised.value.message
    assert "stopped after 1 s" in raised.value.message


def test_nested_plus_is_quick_in_this_engine():
    # The classic (a+)+$ on 40 a's and a 'b' hangs Python's re; the regex package spots the repeat of a
    # repeat and fails it at once, so it gets an honest "no match" well inside the limit.
    started = time.monotonic()
    result = run(r"(a+)+$", "a" * 40 + "b")
    assert time.monotonic() - started < 2.0
    assert result.count == 0


def test_too_many_replacements_are_blamed_on_the_text(monkeypatch):
    # A million replacements take a second or more of Python callbacks; an unloaded machine can finish
    # inside the 1 s limit, so the test gives them 0.2 s (and counts "many" from 1,000) to be sure.
    monkeypatch.setattr("tools.regex.engine.TIME_LIMIT", 0.2)
    monkeypatch.setattr("tools.regex.engine.MANY_MATCHES", 1000)
    with pytest.raises(ToolInputError) as raised:
        run("a", "a" * MAX_TEXT, replacement="b")
    assert raised.value.field == "pattern"
    assert "too many matches to replace in time" in raised.value.message


@pytest.mark.parametrize(
    ("pattern", "size"),
    [
        # Hand-computed: the body size times the minimum count of each counted repeat, summed.
        ("abc", 3),
        ("(?:ab){3}", 6),
        ("(?:a{100}){100}", 10_000),
        ("(?:a{1,1000}){1,1000}", 1),  # ranges from 1 are loops, not copies
        ("a{5,}", 5),
        ("a+b*c?", 3),
        (r"[a{5}]{3}", 3),  # the braces inside the class are characters
        (r"\p{L}{10}", 10),
        ("(?P<word>\\w){3}", 3),
        ("(?i)a{4}", 4),
        ("(?#{9999})a", 1),
        ("a|b{10}|c", 12),
    ],
)
def test_unrolled_size(pattern, size):
    assert unrolled_size(pattern) == size


def test_verbose_comments_are_read_both_ways():
    # In a VERBOSE pattern "# x{9999}" is a comment; read without VERBOSE it is a repeat, and the larger
    # reading counts. Hand-computed: a{5} = 5, then ' ', '#', ' ' = 3, x{9999} = 9,999, the newline = 1.
    assert unrolled_size("a{5} # x{9999}\n") == 10_008


def test_repeats_that_unroll_too_far_are_refused_before_compiling():
    started = time.monotonic()
    with pytest.raises(ToolInputError) as raised:
        run("(?:(?:(?:a{100}){100}){100}){100}", "a")  # compiling this would take gigabytes
    assert time.monotonic() - started < 0.5
    assert raised.value.field == "pattern"
    assert "100,000,000 copies" in raised.value.message
    assert f"limit is {MAX_UNROLLED:,}" in raised.value.message


@pytest.mark.parametrize(
    ("pattern", "phrase"),
    [
        ("(abc", "invalid pattern: missing ) at the end of the pattern"),
        ("a{2,1}", "invalid pattern: min repeat greater than max repeat at position 3 of the pattern"),
        ("x)", "invalid pattern: unbalanced parenthesis at position 2 of the pattern (counting from 1)"),
        ("a**", "invalid pattern: multiple repeat at position 3"),
        ("(?P<1>x)", "bad character in group name"),
        ("ok\n(", "missing ) at the end of the pattern"),
        ("a\n[z-a]\nb", "bad character range at position 7 of the pattern (line 2, column 5; counting from 1)"),
        ("(" * 3000 + ")" * 3000, "nested too deeply"),
    ],
)
def test_invalid_pattern_names_the_error_and_position(pattern, phrase):
    with pytest.raises(ToolInputError) as raised:
        run(pattern, "text")
    assert raised.value.field == "pattern"
    assert phrase in raised.value.message


@pytest.mark.parametrize(
    ("replacement", "phrase"),
    [
        (r"\2", "it refers to group 2, but the pattern has only 1 group"),
        (r"\g<nope>", "unknown group"),
        (r"\q", "bad escape \\q"),
    ],
)
def test_invalid_replacement_is_refused_even_without_a_match(replacement, phrase):
    with pytest.raises(ToolInputError) as raised:
        run("(a)", "no match here", replacement=replacement)
    assert raised.value.field == "replacement"
    assert phrase in raised.value.message


def test_substitution_output_is_bounded():
    # Every position matches, and each replacement copies the rest of the text a hundred times.
    with pytest.raises(ToolInputError) as raised:
        run("(?=(.*))", "x" * 5000, flags=["DOTALL"], replacement=r"\1" * 100)
    assert raised.value.field == "replacement"
    assert "longer than 2,000,000 characters" in raised.value.message


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_named_groups(tool_client):
    response = await tool_client.post("/api/regex", json={"pattern": NAMES, "input": "Malcolm Reynolds"})
    assert response.status_code == 200
    assert await response.get_json() == {
        "flags": [],
        "group_count": 2,
        "count": 1,
        "capped": False,
        "matches": [
            {
                "number": 1,
                "start": 0,
                "end": 16,
                "text": "Malcolm Reynolds",
                "truncated": False,
                "groups": [
                    {"number": 1, "name": "first_name", "start": 0, "end": 7, "text": "Malcolm", "truncated": False},
                    {"number": 2, "name": "last_name", "start": 8, "end": 16, "text": "Reynolds", "truncated": False},
                ],
            }
        ],
        "substitution": None,
        "replacements": None,
    }


async def test_api_empty_replacement_removes_the_matches(tool_client):
    body = {"pattern": "x*", "input": "abxd", "replacement": ""}
    data = await (await tool_client.post("/api/regex", json=body)).get_json()
    assert (data["substitution"], data["replacements"]) == ("abd", 5)


async def test_api_timeout_is_422_within_three_seconds(tool_client):
    # Unbounded, this match takes hours; stopped at 1 s. 3 s leaves room for fork and a busy CI machine.
    started = time.monotonic()
    response = await tool_client.post("/api/regex", json={"pattern": "(a|aa)+$", "input": "a" * 40 + "b"})
    assert time.monotonic() - started < 3.0
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "pattern"
    assert "catastrophic backtracking" in error["message"] and "stopped after 1 s" in error["message"]


@pytest.mark.parametrize(
    ("body", "field", "phrase"),
    [
        ({"pattern": "(abc", "input": "x"}, "pattern", "missing )"),
        ({"pattern": "", "input": "x"}, "pattern", "at least 1 character"),
        ({"input": "x"}, "pattern", "Field required"),
        ({"pattern": "x"}, "input", "Field required"),
        ({"pattern": "x", "input": "x", "flags": ["GLOBAL"]}, "flags", "IGNORECASE"),
        ({"pattern": "x" * (MAX_PATTERN + 1), "input": "x"}, "pattern", f"at most {MAX_PATTERN} characters"),
        ({"pattern": "x", "input": "x" * (MAX_TEXT + 1)}, "input", f"at most {MAX_TEXT} characters"),
        ({"pattern": "(a)", "input": "a", "replacement": r"\3"}, "replacement", "group 3"),
    ],
)
async def test_api_errors_name_the_field(tool_client, body, field, phrase):
    response = await tool_client.post("/api/regex", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert phrase in error["message"]


async def test_openapi_documents_the_regex_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/regex"]["post"]
    assert operation["summary"].startswith("Run a Python regular expression")
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert schema["required"] == ["pattern", "input"]
    assert schema["properties"]["pattern"]["maxLength"] == MAX_PATTERN


# --- page -------------------------------------------------------------------------------------------


async def test_empty_page(tool_client):
    response = await tool_client.get("/tools/regex/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post" action="/tools/regex/"' in page
    assert '<label for="pattern">' in page and '<label for="input">' in page and '<label for="replacement">' in page
    assert 'type="checkbox" name="flags" value="IGNORECASE"' in page
    result = page.split('<section id="result"')[1]
    assert "Example — Named groups, reorder dates." in result
    assert '<code id="regex-substitution">Released 15/03/2024, patched 02/04/2024.</code>' in result
    assert "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


async def test_page_highlights_matches_and_escapes_the_text(tool_client):
    text = '<b>bold</b> & "quotes" <script>alert(1)</script>'
    form = urlencode({"pattern": "<[^>]+>", "input": text, "replacement": ""})
    response = await tool_client.post("/tools/regex/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    highlighted = re.search(r'<pre class="regex-highlight" id="regex-highlight">(.*?)</pre>', page, re.S).group(1)
    assert highlighted == (
        '<mark class="regex-m1" title="Match 1">&lt;b&gt;</mark>bold'
        '<mark class="regex-m0" title="Match 2">&lt;/b&gt;</mark> &amp; &#34;quotes&#34; '
        '<mark class="regex-m1" title="Match 3">&lt;script&gt;</mark>alert(1)'
        '<mark class="regex-m0" title="Match 4">&lt;/script&gt;</mark>'
    )
    assert "<script>alert(1)" not in page
    assert "<h2>4 matches</h2>" in page
    assert "regex-substitution" not in page  # an empty replacement box: no substitution


async def test_page_marks_empty_matches(tool_client):
    form = urlencode({"pattern": "x*", "input": "ab"})
    page = await (await tool_client.post("/tools/regex/", data=form, headers=FORM)).get_data(as_text=True)
    assert '<mark class="regex-m1 regex-empty" title="Match 1"></mark>a' in page


async def test_page_shows_groups_and_the_substitution(tool_client):
    form = urlencode({"pattern": NAMES, "input": "Malcolm Reynolds", "replacement": r"\g<last_name>, \1"})
    response = await tool_client.post("/tools/regex/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "HX-Request" in response.headers.get("Vary", "")
    assert "<strong>first_name</strong>:" in fragment and "<code>Malcolm</code>" in fragment
    assert '<small class="regex-span">8–16</small>' in fragment
    assert '<code id="regex-substitution">Reynolds, Malcolm</code>' in fragment
    assert 'data-copy-target="regex-substitution"' in fragment
    assert "<h2>1 match</h2>" in fragment


async def test_page_flags_checkboxes_are_used_and_kept(tool_client):
    form = urlencode([("pattern", "and"), ("input", "AND and"), ("flags", "IGNORECASE")])
    page = await (await tool_client.post("/tools/regex/", data=form, headers=FORM)).get_data(as_text=True)
    assert "<h2>2 matches</h2>" in page
    assert 'value="IGNORECASE" checked' in page


async def test_page_invalid_pattern_error_is_next_to_the_field(tool_client):
    form = urlencode({"pattern": "(abc", "input": "abc"})
    response = await tool_client.post("/tools/regex/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="pattern-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "invalid pattern: missing ) at the end of the pattern" in oob.group(1)
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment


async def test_page_timeout_is_shown_under_the_pattern(tool_client):
    form = urlencode({"pattern": "(a|aa)+$", "input": "a" * 40 + "b"})
    response = await tool_client.post("/tools/regex/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    message = re.search(r'<small class="field-error" id="pattern-error" role="alert">([^<]*)</small>', page)
    assert message and "catastrophic backtracking" in message.group(1)
    assert "a" * 40 + "b</textarea>" in page  # the input is kept


async def test_get_with_query_reproduces_the_result(tool_client):
    query = urlencode([("pattern", r"\w+ly\b"), ("input", ADVERBS_TEXT), ("flags", "ASCII"), ("replacement", "X")])
    response = await tool_client.get(f"/tools/regex/?{query}")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<mark class="regex-m1" title="Match 1">carefully</mark>' in page
    assert '<code id="regex-substitution">He was X disguised but captured X by police.</code>' in page
    assert share_link(page) == f"/tools/regex/?{query}"


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert "/tools/regex/" in page
