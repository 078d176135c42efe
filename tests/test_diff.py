"""The text diff: difflib's documented examples, word marks, ignore options, limits, then the page and the API."""

from __future__ import annotations

import difflib
import html
import random
import re
import time
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.diff.engine import MAX_LINES, MAX_SIDE, DiffInput, Segment, compare, split_lines

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}

# Python docs, difflib.unified_diff(): the example's two inputs and its output, verbatim.
BEFORE = "bacon\neggs\nham\nguido\n"
AFTER = "python\neggy\nhamster\nguido\n"
DOCS_UNIFIED = """--- before.py
+++ after.py
@@ -1,4 +1,4 @@
-bacon
-eggs
-ham
+python
+eggy
+hamster
 guido
"""


def diff(left: str, right: str, **options):
    return compare(DiffInput(left=left, right=right, **options))


def kinds(result) -> list[str]:
    return [row.kind for hunk in result.hunks for row in hunk.rows]


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- known answers ----------------------------------------------------------------------------------


def test_unified_diff_of_the_difflib_documentation_example():
    result = diff(BEFORE, AFTER, left_label="before.py", right_label="after.py")
    assert result.unified == DOCS_UNIFIED
    assert not result.identical
    assert (result.summary.added, result.summary.removed, result.summary.changed, result.summary.unchanged) == (
        0,
        0,
        3,
        1,
    )
    assert [h.header for h in result.hunks] == ["@@ -1,4 +1,4 @@"]
    assert kinds(result) == ["change", "change", "change", "equal"]


def test_opcodes_of_the_sequencematcher_documentation_example():
    # Python docs, SequenceMatcher.get_opcodes(): "qabxcd" against "abycdf" gives delete q, equal ab,
    # replace x by y, equal cd, insert f. Here the same letters are lines.
    result = diff("\n".join("qabxcd"), "\n".join("abycdf"))
    assert kinds(result) == ["delete", "equal", "equal", "change", "equal", "equal", "insert"]
    rows = result.hunks[0].rows
    assert [(r.left_number, r.right_number) for r in rows] == [
        (1, None),
        (2, 1),
        (3, 2),
        (4, 3),
        (5, 4),
        (6, 5),
        (None, 6),
    ]
    summary = result.summary
    assert (summary.added, summary.removed, summary.changed, summary.unchanged) == (1, 1, 1, 4)
    assert result.unified == "--- left\n+++ right\n@@ -1,6 +1,6 @@\n-q\n a\n b\n-x\n+y\n c\n d\n+f\n"


def test_unified_output_equals_difflib_for_random_inputs():
    # difflib.unified_diff itself is the reference: same hunks, same ranges, same lines, any context.
    generator = random.Random(20240601)
    for _ in range(300):
        left = [generator.choice("abcde") for _ in range(generator.randrange(0, 25))]
        right = [generator.choice("abcde") for _ in range(generator.randrange(0, 25))]
        context = generator.randrange(0, 5)
        expected = "".join(
            difflib.unified_diff([x + "\n" for x in left], [x + "\n" for x in right], "l", "r", n=context)
        )
        got = diff(
            "".join(x + "\n" for x in left),
            "".join(x + "\n" for x in right),
            left_label="l",
            right_label="r",
            context=context,
        )
        assert got.unified == expected, (left, right, context)


def test_context_lines_option():
    left = "\n".join(str(n) for n in range(1, 21))
    right = left.replace("10", "ten")
    zero = diff(left, right, context=0)
    assert zero.unified == "--- left\n+++ right\n@@ -10 +10 @@\n-10\n+ten\n"  # difflib writes one line as "10"
    one = diff(left, right, context=1)
    assert one.hunks[0].header == "@@ -9,3 +9,3 @@"
    assert kinds(one) == ["equal", "change", "equal"]


def test_identical_texts():
    result = diff("same\n", "same\n")
    assert result.identical and result.unified == "" and result.hunks == []
    assert result.summary.unchanged == 1


def test_line_breaks_of_any_kind_end_lines():
    assert split_lines("a\r\nb\rc\nd\n") == ["a", "b", "c", "d"]
    assert split_lines("") == [] and split_lines("\n") == [""]
    assert diff("a\r\nb\r\n", "a\nb").identical


# --- word marks -------------------------------------------------------------------------------------


def test_one_word_change_is_marked_within_the_line():
    # Hand-computed: the lines split into words and spaces; only "brown" and "red" differ.
    row = diff("The quick brown fox", "The quick red fox").hunks[0].rows[0]
    assert row.kind == "change"
    assert row.left == [
        Segment(text="The quick ", changed=False),
        Segment(text="brown", changed=True),
        Segment(text=" fox", changed=False),
    ]
    assert row.right == [
        Segment(text="The quick ", changed=False),
        Segment(text="red", changed=True),
        Segment(text=" fox", changed=False),
    ]


def test_punctuation_is_its_own_word():
    row = diff("f(a, b)", "f(a, c)").hunks[0].rows[0]
    assert [s.text for s in row.right if s.changed] == ["c"]
    assert "".join(s.text for s in row.right) == "f(a, c)"


def test_lines_with_too_many_words_are_marked_whole():
    left, right = " ".join(["w"] * 600), " ".join(["v"] * 600)  # 1,199 words a side: 1.4 million pairs
    result = diff(left, right)
    row = result.hunks[0].rows[0]
    assert row.left == [Segment(text=left, changed=True)] and row.right == [Segment(text=right, changed=True)]
    assert result.intraline is False
    assert diff("a b", "a c").intraline is True


# --- ignore options ---------------------------------------------------------------------------------


def test_ignore_case():
    assert not diff("Hello World", "hello world").identical
    result = diff("Hello World\nx", "hello world\nx", ignore_case=True)
    assert result.identical and result.summary.unchanged == 2


def test_ignore_whitespace():
    assert not diff("a  b\t c ", "a b c").identical
    assert diff("a  b\t c ", "  a b c", ignore_whitespace=True).identical
    assert not diff("a  b", "ab", ignore_whitespace=True).identical  # collapsed, not removed


def test_ignore_options_apply_to_the_word_marks_too():
    row = diff("Say  HELLO to Bob", "say hello to Alice", ignore_case=True, ignore_whitespace=True).hunks[0].rows[0]
    assert [s.text for s in row.left if s.changed] == ["Bob"]
    assert [s.text for s in row.right if s.changed] == ["Alice"]


def test_context_lines_show_the_original_when_ignoring():
    result = diff("A\nb\n", "a\nc\n", ignore_case=True)
    assert result.unified == "--- left\n+++ right\n@@ -1,2 +1,2 @@\n A\n-b\n+c\n"


# --- limits -----------------------------------------------------------------------------------------


def test_too_many_lines_are_refused():
    with pytest.raises(ToolInputError) as raised:
        diff("x\n" * (MAX_LINES + 1), "x")
    assert raised.value.field == "left"
    assert "20,001 lines; the limit is 20,000 lines a side" in raised.value.message
    with pytest.raises(ToolInputError) as raised:
        diff("x", "y\n" * (MAX_LINES + 1))
    assert raised.value.field == "right"


def test_slow_comparison_is_stopped_with_a_message():
    # 20,000 lines drawn from 150 values, reordered: difflib needs over a minute for these (measured).
    left = "\n".join(f"l{i % 150}" for i in range(MAX_LINES))
    right = "\n".join(f"l{(i * 7) % 150}" for i in range(MAX_LINES))
    started = time.monotonic()
    with pytest.raises(ToolInputError) as raised:
        diff(left, right)
    assert time.monotonic() - started < 4.0
    assert "stopped" in raised.value.message and "after 2 s" in raised.value.message


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_small_diff(tool_client):
    response = await tool_client.post("/api/diff", json={"left": "a\nb\n", "right": "a\nc d\n", "context": 1})
    assert response.status_code == 200
    assert await response.get_json() == {
        "identical": False,
        "summary": {"added": 0, "removed": 0, "changed": 1, "unchanged": 1},
        "unified": "--- left\n+++ right\n@@ -1,2 +1,2 @@\n a\n-b\n+c d\n",
        "hunks": [
            {
                "header": "@@ -1,2 +1,2 @@",
                "rows": [
                    {
                        "kind": "equal",
                        "left_number": 1,
                        "right_number": 1,
                        "left": [{"text": "a", "changed": False}],
                        "right": [{"text": "a", "changed": False}],
                    },
                    {
                        "kind": "change",
                        "left_number": 2,
                        "right_number": 2,
                        "left": [{"text": "b", "changed": True}],
                        "right": [{"text": "c d", "changed": True}],
                    },
                ],
            }
        ],
        "intraline": True,
    }


async def test_api_documentation_example(tool_client):
    body = {"left": BEFORE, "right": AFTER, "left_label": "before.py", "right_label": "after.py"}
    data = await (await tool_client.post("/api/diff", json=body)).get_json()
    assert data["unified"] == DOCS_UNIFIED


@pytest.mark.parametrize(
    ("body", "field", "phrase"),
    [
        ({"right": "x"}, "left", "Field required"),
        ({"left": "x"}, "right", "Field required"),
        ({"left": "x" * (MAX_SIDE + 1), "right": ""}, "left", f"at most {MAX_SIDE} characters"),
        ({"left": "", "right": "x" * (MAX_SIDE + 1)}, "right", f"at most {MAX_SIDE} characters"),
        ({"left": "a", "right": "b", "context": -1}, "context", "greater than or equal to 0"),
        ({"left": "a", "right": "b", "context": 1001}, "context", "less than or equal to 1000"),
        ({"left": "a", "right": "b", "left_label": "x\ny"}, "left_label", "a label must fit on one line"),
        ({"left": "a", "right": "b", "ignore_case": "perhaps"}, "ignore_case", "valid boolean"),
        ({"left": "x\n" * (MAX_LINES + 1), "right": ""}, "left", "the limit is 20,000 lines"),
    ],
)
async def test_api_errors_name_the_field(tool_client, body, field, phrase):
    response = await tool_client.post("/api/diff", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert phrase in error["message"]


# --- page -------------------------------------------------------------------------------------------


async def test_first_load_is_live_and_shows_the_first_example(tool_client):
    response = await tool_client.get("/tools/diff/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post" action="/tools/diff/"' in page
    # Compared as you type, up to 50 KB of text (difflib's work grows with the product of the sides).
    assert 'hx-trigger="input delay:300ms, submit"' in page and 'data-live-max-bytes="50000"' in page
    for name in ("left", "right", "left_label", "right_label", "context"):
        assert f'<label for="{name}"' in page
    assert '<p class="first-load" data-first-load="example">Example — Changed words.' in page
    assert "<del>brown</del>" in page and "<ins>red</ins>" in page  # the example's changed words
    assert "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert "css/tools/diff.css" in page


async def test_page_escapes_html_in_the_texts(tool_client):
    form = urlencode({"left": "<b>old</b>\n&amp;", "right": '<b>new</b>\n<script>alert("x")</script>'})
    response = await tool_client.post("/tools/diff/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<td class="diff-line diff-left">&lt;b&gt;<del>old</del>&lt;/b&gt;</td>' in page
    assert '<td class="diff-line diff-right">&lt;b&gt;<ins>new</ins>&lt;/b&gt;</td>' in page
    assert "<script>alert" not in page
    assert "&amp;amp;" in page  # the text "&amp;" itself, escaped once
    unified = re.search(r'<code id="diff-unified">(.*?)</code>', page, re.S).group(1)
    assert html.unescape(unified).startswith("--- left\n+++ right\n@@ -1,2 +1,2 @@\n-<b>old</b>\n")
    assert 'data-copy-target="diff-unified"' in page


async def test_page_with_htmx_returns_the_table_only(tool_client):
    form = urlencode({"left": "The quick brown fox", "right": "The quick red fox", "context": "3"})
    response = await tool_client.post("/tools/diff/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "HX-Request" in response.headers.get("Vary", "")
    assert 'class="overflow-auto"' in fragment
    row = '<tr class="diff-change"><td class="diff-num">1</td><td class="diff-line diff-left">'
    assert row + "The quick <del>brown</del> fox</td>" in fragment
    assert '<span class="diff-count-change">1 changed</span>' in fragment


async def test_page_identical_with_options(tool_client):
    form = urlencode(
        {"left": "Hello  World", "right": "hello world", "ignore_case": "true", "ignore_whitespace": "true"}
    )
    page = await (await tool_client.post("/tools/diff/", data=form, headers=FORM)).get_data(as_text=True)
    assert "<h2>No differences</h2>" in page
    assert "The texts are the same, ignoring whitespace and case." in page
    assert 'name="ignore_case" value="true" checked' in page


async def test_page_error_is_shown_next_to_the_field(tool_client):
    form = urlencode({"left": "a", "right": "b", "context": "many"})
    response = await tool_client.post("/tools/diff/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="context-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "valid integer" in oob.group(1)
    assert '<div id="left-feedback" hx-swap-oob="true"></div>' in fragment


async def test_get_with_query_reproduces_the_result(tool_client):
    query = urlencode(
        {"left": BEFORE, "right": AFTER, "context": "3", "left_label": "before.py", "right_label": "after.py"}
    )
    response = await tool_client.get(f"/tools/diff/?{query}")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    unified = re.search(r'<code id="diff-unified">(.*?)</code>', page, re.S).group(1)
    assert html.unescape(unified) == DOCS_UNIFIED
    assert share_link(page) == f"/tools/diff/?{query}"


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert "/tools/diff/" in page
