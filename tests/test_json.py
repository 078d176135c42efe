"""The JSON formatter: RFC 8259 examples, errors that say where, duplicate keys, big documents, page and API."""

from __future__ import annotations

import html
import json
import random
import re
from urllib.parse import urlencode

import pytest
from markupsafe import escape
from werkzeug.test import encode_multipart

from core.forms import ToolInputError
from tools.json import MAX_INPUT, MAX_SHOWN
from tools.json.formatting import JsonSyntaxError, format_json

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}

# RFC 8259, section 13 (Examples): "This is a JSON object:" (indentation as printed in the RFC).
RFC8259_OBJECT = """{
        "Image": {
            "Width":  800,
            "Height": 600,
            "Title":  "View from 15th Floor",
            "Thumbnail": {
                "Url":    "http://www.example.com/image/481989943",
                "Height": 125,
                "Width":  100
            },
            "Animated" : false,
            "IDs": [116, 943, 234, 38793]
          }
      }"""
# Hand-computed: the same object with two spaces per level, one member or element per line, ": " and ",".
RFC8259_OBJECT_2 = """{
  "Image": {
    "Width": 800,
    "Height": 600,
    "Title": "View from 15th Floor",
    "Thumbnail": {
      "Url": "http://www.example.com/image/481989943",
      "Height": 125,
      "Width": 100
    },
    "Animated": false,
    "IDs": [
      116,
      943,
      234,
      38793
    ]
  }
}"""
# Hand-computed: every whitespace character outside strings removed.
RFC8259_OBJECT_MIN = (
    '{"Image":{"Width":800,"Height":600,"Title":"View from 15th Floor","Thumbnail":'
    '{"Url":"http://www.example.com/image/481989943","Height":125,"Width":100},"Animated":false,'
    '"IDs":[116,943,234,38793]}}'
)
# RFC 8259, section 13: "This is a JSON array containing two objects:".
RFC8259_ARRAY = """[
        {
           "precision": "zip",
           "Latitude":  37.7668,
           "Longitude": -122.3959,
           "Address":   "",
           "City":      "SAN FRANCISCO",
           "State":     "CA",
           "Zip":       "94107",
           "Country":   "US"
        },
        {
           "precision": "zip",
           "Latitude":  37.371991,
           "Longitude": -122.026020,
           "Address":   "",
           "City":      "SUNNYVALE",
           "State":     "CA",
           "Zip":       "94085",
           "Country":   "US"
        }
      ]"""
# Hand-computed from the array above, keys sorted by code point (uppercase letters sort before lowercase).
# -122.026020 keeps its trailing zero: the tool writes numbers as they were typed (Python would print -122.02602).
RFC8259_ARRAY_SORTED_MIN = (
    '[{"Address":"","City":"SAN FRANCISCO","Country":"US","Latitude":37.7668,"Longitude":-122.3959,'
    '"State":"CA","Zip":"94107","precision":"zip"},'
    '{"Address":"","City":"SUNNYVALE","Country":"US","Latitude":37.371991,"Longitude":-122.026020,'
    '"State":"CA","Zip":"94085","precision":"zip"}]'
)


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


def result_of(page: str) -> str | None:
    found = re.search(r'<code id="json-result">(.*?)</code>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def multipart(fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    boundary, body = encode_multipart(fields)
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


# --- known answers ----------------------------------------------------------------------------------


def test_rfc8259_object_indent_2():
    formatted = format_json(RFC8259_OBJECT, "2")
    assert formatted.text == RFC8259_OBJECT_2
    # Cross-check: without special numbers, the layout is exactly Python's json.dumps(indent=2).
    assert formatted.text == json.dumps(json.loads(RFC8259_OBJECT), indent=2)
    assert formatted.warnings == [] and formatted.duplicates == []


def test_rfc8259_object_minify_and_back():
    assert format_json(RFC8259_OBJECT, "minify").text == RFC8259_OBJECT_MIN
    assert format_json(RFC8259_OBJECT_MIN, "2").text == RFC8259_OBJECT_2


def test_rfc8259_object_indent_4_and_tab():
    # Hand-computed: the 2-space layout with each level's two spaces replaced by four spaces, or a tab.
    four = format_json(RFC8259_OBJECT, "4").text
    tab = format_json(RFC8259_OBJECT, "tab").text
    assert four == re.sub(r"(?m)^((?:  )+)", lambda m: "    " * (len(m.group(1)) // 2), RFC8259_OBJECT_2)
    assert tab == re.sub(r"(?m)^((?:  )+)", lambda m: "\t" * (len(m.group(1)) // 2), RFC8259_OBJECT_2)
    assert four.splitlines()[1] == '    "Image": {'
    assert tab.splitlines()[2] == '\t\t"Width": 800,'


def test_rfc8259_array_sorted_keys_keeps_number_spelling():
    assert format_json(RFC8259_ARRAY, "minify", sort_keys=True).text == RFC8259_ARRAY_SORTED_MIN


@pytest.mark.parametrize("text", ['"Hello world!"', "42", "true"])
def test_rfc8259_small_texts(text):
    # RFC 8259, section 13: "Here are three small JSON texts containing only values".
    assert format_json(text).text == text
    assert format_json(f"  {text}\n").text == text


@pytest.mark.parametrize(
    ("number", "python_would_write"),
    [
        ("1.50", "1.5"),
        ("1e5", "100000.0"),
        ("1E400", "Infinity"),  # not even JSON: Python reads 1E400 as inf
        ("-0", "0"),
        ("0.1000000000000000000001", "0.1"),
        ("1" * 5000, None),  # Python's int() refuses more than 4300 digits
        ("-0.0", "-0.0"),
    ],
)
def test_numbers_are_written_as_typed(number, python_would_write):
    # RFC 8259, section 6 allows any digits; a formatter should not round them (hand-made vectors).
    assert format_json(f"[{number}]", "minify").text == f"[{number}]"
    assert format_json(f'{{"n": {number}}}', "2").text == f'{{\n  "n": {number}\n}}'


def test_ensure_ascii():
    # Hand-computed: é is U+00E9; 😀 is U+1F600 = surrogate pair D83D DE00 (RFC 8259, section 7).
    text = '{"café": "😀"}'
    assert format_json(text, "minify").text == '{"café":"😀"}'
    assert format_json(text, "minify", ensure_ascii=True).text == '{"caf\\u00e9":"\\ud83d\\ude00"}'


def test_escapes_are_normalised():
    # "\/" is a legal escape for "/" (RFC 8259, section 7); control characters stay escaped.
    assert format_json('["a\\/b", "\\u0041", "tab\\there"]', "minify").text == '["a/b","A","tab\\there"]'


def test_lone_surrogate_stays_escaped():
    # RFC 8259, section 8.2: "\ud800" alone is syntactically JSON but not Unicode text; it has no UTF-8 form.
    formatted = format_json('["\\ud800x"]', "minify")
    assert formatted.text == '["\\ud800x"]'
    assert formatted.warnings == ["Some strings hold unpaired UTF-16 surrogates (\\ud800-\\udfff): they stay escaped."]


def test_duplicate_keys_are_warnings_with_paths():
    text = '{"a": 1, "a": 2, "users": [{"id": 1}, {"id": 2, "id": 3, "id": 4}], "site": {"x.y": {"k": 1, "k": 2}}}'
    formatted = format_json(text, "minify")
    assert formatted.text == '{"a":2,"users":[{"id":1},{"id":4}],"site":{"x.y":{"k":2}}}'
    assert [(d.path, d.key, d.count) for d in formatted.duplicates] == [
        ("", "a", 2),
        ("users[1]", "id", 3),
        ('site["x.y"]', "k", 2),
    ]
    assert formatted.warnings == [
        'Duplicate key "a" at the top level (2 times): the last value is kept, as most parsers do.',
        'Duplicate key "id" in users[1] (3 times): the last value is kept, as most parsers do.',
        'Duplicate key "k" in site["x.y"] (2 times): the last value is kept, as most parsers do.',
    ]


def test_duplicate_inside_a_replaced_value():
    formatted = format_json('{"a": {"b": 1, "b": 2}, "a": 3}', "minify")
    assert formatted.text == '{"a":3}'
    assert [(d.path, d.key) for d in formatted.duplicates] == [("", "a"), ("(replaced)", "b")]
    assert "in an object that a later duplicate key replaced" in formatted.warnings[1]


# --- errors -----------------------------------------------------------------------------------------

ERROR_CASES = [
    # Hand-computed positions (line and column counted from 1), with the hint the tool adds.
    ('{"a": 1,}', 1, 9, "Expecting property name enclosed in double quotes", "trailing comma"),
    ("[1, 2,]", 1, 7, "Expecting value", "trailing comma"),
    # The missing comma is reported where the next member starts: at "b" (line 3, column 3).
    ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "Expecting ',' delimiter", ""),
    ("{'a': 1}", 1, 2, "Expecting property name enclosed in double quotes", "double quotes"),
    ("// note\n{}", 1, 1, "Expecting value", "no comments"),
    ("[1] [2]", 1, 5, "Extra data", "one value"),
    ("", 1, 1, "Expecting value", "empty"),
    ('"abc', 1, 1, "Unterminated string starting at", ""),
    ('["a\tb"]', 1, 4, "Invalid control character at", ""),
    ("\ufeff[]", 1, 1, "Unexpected UTF-8 BOM", "byte order mark"),
]


@pytest.mark.parametrize(("text", "line", "column", "message", "hint"), ERROR_CASES)
def test_syntax_errors_name_line_and_column(text, line, column, message, hint):
    with pytest.raises(JsonSyntaxError) as raised:
        format_json(text)
    error = raised.value
    assert (error.line, error.column, error.field) == (line, column, "input")
    assert error.message.startswith(f"Invalid JSON at line {line}, column {column}: {message}")
    assert hint in error.message


def test_excerpt_has_a_caret_under_the_column():
    with pytest.raises(JsonSyntaxError) as raised:
        format_json('{\n  "a": 1\n  "b": 2\n}')
    assert raised.value.excerpt == '  "b": 2\n  ^'


def test_excerpt_of_a_long_line_is_a_window():
    # Hand-computed: "[" + "1," * 100 + "]" is 202 characters; the "]" (index 201, column 202) follows a
    # trailing comma. The window starts 40 characters earlier, at index 161 ("1"), and "…" marks the cut.
    with pytest.raises(JsonSyntaxError) as raised:
        format_json("[" + "1," * 100 + "]")
    assert raised.value.column == 202
    assert raised.value.excerpt == "…" + "1," * 20 + "]\n" + " " * 41 + "^"


@pytest.mark.parametrize(
    ("text", "name", "column"),
    [
        ('{"a": NaN}', "NaN", 7),
        ("[1, Infinity]", "Infinity", 5),
        ('{"NaN": "-Infinity", "b": -Infinity}', "-Infinity", 27),
    ],
)
def test_nan_and_infinity_are_refused(text, name, column):
    # RFC 8259, section 6: "Numeric values that cannot be represented in the grammar below (such as
    # Infinity and NaN) are not permitted." Python's json module accepts them; this tool does not.
    with pytest.raises(JsonSyntaxError) as raised:
        format_json(text)
    error = raised.value
    assert error.message.startswith(f"{name} at line 1, column {column} is not JSON")
    assert error.excerpt.endswith("\n" + " " * (column - 1) + "^")


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(ToolInputError) as raised:
        format_json("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in raised.value.message


def test_moderate_nesting_is_fine():
    assert format_json("[" * 500 + "]" * 500, "minify").text == "[" * 500 + "]" * 500


# --- a 5 MB document --------------------------------------------------------------------------------


def five_megabytes() -> str:
    rng = random.Random(8259)
    records, size = [], 0
    while size < 5_000_000:
        record = {
            "id": len(records),
            "name": f"user {len(records)} café",
            "score": round(rng.random() * 100, 3),
            "tags": ["a", "b", str(rng.randint(0, 9))],
            "active": rng.random() < 0.5,
            "nested": {"x": 1.5, "y": None, "z": [1, 2, 3]},
        }
        records.append(record)
        size += len(json.dumps(record, indent=2)) + 4
    return json.dumps(records, indent=2, ensure_ascii=False)


@pytest.fixture(scope="module")
def big_document() -> str:
    text = five_megabytes()
    assert 5_000_000 <= len(text) < MAX_INPUT
    return text


@pytest.mark.slow  # seconds of CPU
def test_five_megabyte_round_trip(big_document):
    minified = format_json(big_document, "minify").text
    assert len(minified) < len(big_document)
    pretty = format_json(minified, "2").text
    assert pretty == big_document  # generated with the same layout, so the text comes back exactly
    assert format_json(pretty, "minify").text == minified
    assert json.loads(minified) == json.loads(big_document)


async def test_five_megabyte_document_through_the_page(tool_client, big_document):
    body, headers = multipart({"input": big_document, "indent": "minify"})
    response = await tool_client.post("/tools/json/", data=body, headers={**headers, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    minified = format_json(big_document, "minify").text
    shown = result_of(fragment)
    assert len(minified) > MAX_SHOWN and shown == minified[:MAX_SHOWN]
    assert f"The result has {len(minified):,} characters: only the first {MAX_SHOWN:,} are shown" in fragment
    assert share_link(fragment) is None  # far too long for a URL


async def test_five_megabyte_document_through_the_api(tool_client, big_document):
    response = await tool_client.post("/api/json", json={"input": big_document, "indent": "minify"})
    body = await response.get_json()
    assert response.status_code == 200
    assert body["result"] == format_json(big_document, "minify").text
    assert body["characters"] == len(body["result"])


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_formats(tool_client):
    response = await tool_client.post("/api/json", json={"input": '{"b": [1.50], "a": {"a": 1, "a": 2}}'})
    assert response.status_code == 200
    assert await response.get_json() == {
        "valid": True,
        "result": '{\n  "b": [\n    1.50\n  ],\n  "a": {\n    "a": 2\n  }\n}',
        "characters": 50,  # len() of the result above
        "duplicate_keys": [{"path": "a", "key": "a", "count": 2}],
        "warnings": ['Duplicate key "a" in a (2 times): the last value is kept, as most parsers do.'],
    }


async def test_api_options(tool_client):
    body = {"input": '{"é": 1, "a": 2}', "indent": "minify", "sort_keys": True, "ensure_ascii": True}
    response = await tool_client.post("/api/json", json=body)
    assert (await response.get_json())["result"] == '{"a":2,"\\u00e9":1}'


async def test_api_syntax_error_is_422_with_place_and_excerpt(tool_client):
    response = await tool_client.post("/api/json", json={"input": '{\n  "a": 1\n  "b": 2\n}'})
    assert response.status_code == 422
    assert await response.get_json() == {
        "error": {
            "message": "Invalid JSON at line 3, column 3: Expecting ',' delimiter.\n  \"b\": 2\n  ^",
            "field": "input",
        }
    }


async def test_api_nan_is_422(tool_client):
    response = await tool_client.post("/api/json", json={"input": "[NaN]"})
    error = (await response.get_json())["error"]
    assert response.status_code == 422
    assert error["field"] == "input" and error["message"].startswith("NaN at line 1, column 2 is not JSON")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": 5}, "input"),
        ({"input": "[]", "indent": "3"}, "indent"),
        ({"input": "[]", "sort_keys": "maybe"}, "sort_keys"),
        ({"input": "[]", "ensure_ascii": [1]}, "ensure_ascii"),
    ],
)
async def test_api_schema_errors_name_the_field(tool_client, body, field):
    response = await tool_client.post("/api/json", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert field in error["message"]


async def test_api_oversize_input_states_the_limit(tool_client):
    response = await tool_client.post("/api/json", json={"input": " " * (MAX_INPUT + 1)})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert "6000000" in error["message"]


async def test_openapi_documents_the_json_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/json"]["post"]
    assert operation["summary"].startswith("Validate JSON and format it")
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["indent"]["enum"] == ["2", "4", "tab", "minify"]
    assert schema["properties"]["input"]["maxLength"] == MAX_INPUT


# --- page -------------------------------------------------------------------------------------------


async def test_first_load_shows_the_first_example_marked_as_one(tool_client):
    response = await tool_client.get("/tools/json/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post" action="/tools/json/" enctype="multipart/form-data" data-live-max-bytes="200000"' in page
    assert 'type="radio" name="indent" value="2" checked' in page
    assert 'name="sort_keys" value="true" checked' in page
    assert '<button type="submit" name="download" value="1"' in page
    assert "/static/css/tools/json.css" in page
    # Live: the Format button runs on the form's input (the Download button stays a plain submit).
    assert 'hx-trigger="click, input from:closest form delay:300ms"' in page
    assert '<p class="first-load" data-first-load="example">Example — Pretty-print, sorted keys.' in page
    expected = json.dumps({"active": True, "name": "mytools", "tags": ["quart", "htmx"], "version": 1}, indent=2)
    assert f'<code id="json-result">{escape(expected)}</code>' in page
    assert "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    form = urlencode({"input": "[1, 2]", "indent": "minify"})
    response = await tool_client.post("/tools/json/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="json-result">[1,2]</code>' in page
    assert 'data-copy-target="json-result"' in page
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(page) == "/tools/json/?input=%5B1%2C+2%5D&indent=minify"


async def test_page_multipart_post_with_htmx_returns_only_the_result(tool_client):
    body, headers = multipart({"input": RFC8259_OBJECT, "indent": "2", "sort_keys": "true"})
    response = await tool_client.post("/tools/json/", data=body, headers={**headers, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "HX-Request" in response.headers.get("Vary", "")
    expected = format_json(RFC8259_OBJECT, "2", sort_keys=True).text
    assert result_of(fragment) == expected
    assert expected.splitlines()[1:3] == ['  "Image": {', '    "Animated": false,']
    assert f"<small>{len(expected):,} characters, 19 lines</small>" in fragment


async def test_page_shows_duplicate_key_warnings(tool_client):
    form = urlencode({"input": '{"a": 1, "a": 2}'})
    page = await (await tool_client.post("/tools/json/", data=form, headers=FORM)).get_data(as_text=True)
    assert "Duplicate key &#34;a&#34; at the top level (2 times)" in page
    assert result_of(page) == '{\n  "a": 2\n}'


async def test_page_error_is_shown_next_to_the_field_with_the_excerpt(tool_client):
    form = urlencode({"input": '{"a": 1,}'})
    response = await tool_client.post("/tools/json/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    message = re.search(r'<small class="field-error" id="input-error" role="alert">([^<]*)</small>', page)
    assert message and html.unescape(message.group(1)).startswith(
        "Invalid JSON at line 1, column 9: Expecting property name enclosed in double quotes."
    )
    assert '<code id="json-excerpt">{&#34;a&#34;: 1,}\n        ^</code>' in page
    assert 'aria-invalid="true" aria-describedby="input-error"' in page
    assert share_link(page) is None and "json-result" not in page


async def test_page_error_with_htmx_updates_the_field_message(tool_client):
    form = urlencode({"input": "[NaN]"})
    response = await tool_client.post("/tools/json/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="input-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "NaN at line 1, column 2 is not JSON" in oob.group(1)
    assert '<div id="indent-feedback" hx-swap-oob="true"></div>' in fragment
    assert '<code id="json-excerpt">[NaN]\n ^</code>' in fragment


async def test_empty_input_on_the_page_is_no_error(tool_client):
    response = await tool_client.post("/tools/json/", data=urlencode({"input": "  \n"}), headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "json-result" not in page and "field-error" not in page


async def test_get_with_query_reproduces_the_result(tool_client):
    response = await tool_client.get("/tools/json/?input=%7B%22b%22%3A1%2C%22a%22%3A2%7D&indent=4&sort_keys=true")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert result_of(page) == '{\n    "a": 2,\n    "b": 1\n}'
    assert 'type="radio" name="indent" value="4" checked' in page
    assert 'name="sort_keys" value="true" checked' in page
    assert share_link(page) == "/tools/json/?input=%7B%22b%22%3A1%2C%22a%22%3A2%7D&indent=4&sort_keys=true"


async def test_download_returns_an_attachment(tool_client):
    body, headers = multipart({"input": RFC8259_OBJECT, "indent": "minify", "download": "1"})
    response = await tool_client.post("/tools/json/", data=body, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="formatted.json"'
    assert await response.get_data(as_text=True) == RFC8259_OBJECT_MIN


async def test_download_of_invalid_json_shows_the_error_page(tool_client):
    body, headers = multipart({"input": "[1,", "download": "1"})
    response = await tool_client.post("/tools/json/", data=body, headers=headers)
    assert response.status_code == 422
    assert "Content-Disposition" not in response.headers
    assert "Invalid JSON at line 1, column 4" in await response.get_data(as_text=True)


async def test_download_flag_through_htmx_still_swaps_the_partial(tool_client):
    # htmx cannot save a file: an htmx request always gets the result partial.
    body, headers = multipart({"input": "[1]", "download": "1"})
    response = await tool_client.post("/tools/json/", data=body, headers={**headers, **HTMX})
    assert "Content-Disposition" not in response.headers
    assert result_of(await response.get_data(as_text=True)) == "[\n  1\n]"


async def test_input_starting_with_a_newline_survives_the_round_trip(tool_client):
    page = await (await tool_client.post("/tools/json/", data=urlencode({"input": "\n[1]"}), headers=FORM)).get_data(
        as_text=True
    )
    assert ">\n\n[1]</textarea>" in page


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/?q=json")).get_data(as_text=True)
    assert '<a href="/tools/json/">JSON formatter</a>' in page
