"""The SQL formatter: sqlparse's documented examples, each option, invalid SQL, limits, page and API."""

from __future__ import annotations

import html
import re
import threading
import time
from urllib.parse import urlencode

import pytest
import sqlparse

from core.forms import ToolInputError
from tools.sql import MAX_INPUT, SqlInput, format_sql, sqlparse_options

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}

# sqlparse docs, docs/source/intro.rst, "Getting Started":
#   sqlparse.format('select * from foo where id in (select id from bar);', reindent=True, keyword_case='upper')
# The docs print the sub-query indented by 2 and 3 spaces; sqlparse 0.6.1 (pinned) indents it by 4 and 5.
# The expected text below is 0.6.1's, checked by running it.
DOCS_INTRO_SQL = "select * from foo where id in (select id from bar);"
DOCS_INTRO_FORMATTED = "SELECT *\nFROM foo\nWHERE id IN\n    (SELECT id\n     FROM bar);"


def run(text: str, **options) -> str:
    return format_sql(SqlInput(input=text, **options)).result


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


def result_of(page: str) -> str | None:
    found = re.search(r'<code id="sql-result">(.*?)</code>', page, re.S)
    return html.unescape(found.group(1)) if found else None


# --- known answers ----------------------------------------------------------------------------------


def test_docs_intro_example():
    assert run(DOCS_INTRO_SQL, reindent=True, keyword_case="upper") == DOCS_INTRO_FORMATTED


def test_readme_quick_start_example():
    # sqlparse README.rst, "Quick Start": format('select * from foo;', reindent=True, keyword_case='upper').
    assert run("select * from foo;", reindent=True, keyword_case="upper") == "SELECT *\nFROM foo;"


KNOWN = [
    # Hand-computed from the option descriptions in sqlparse's docs/source/api.rst ("Formatting of SQL
    # Statements"), then checked by running sqlparse 0.6.1.
    ("SELECT a FROM b WHERE c IS NULL", {"keyword_case": "lower"}, "select a from b where c is null"),
    ("select a, b from t", {"identifier_case": "upper"}, "select A, B from T"),
    ("select a from t where b = 1", {"keyword_case": "capitalize"}, "Select a From t Where b = 1"),
    ("select a+b from t where x=1", {"use_space_around_operators": True}, "select a + b from t where x = 1"),
    # Comments go; the whitespace around a block comment stays (sqlparse keeps the surrounding spaces).
    ("select a -- the a\nfrom t /* all */ where b=1", {"strip_comments": True}, "select a\nfrom t   where b=1"),
    # reindent: one clause per line; columns aligned under the first; AND indented by indent_width.
    ("select a, b from t where x=1 and y=2", {"reindent": True}, "select a,\n       b\nfrom t\nwhere x=1\n  and y=2"),
    (
        "select a, b from t where x=1 and y=2",
        {"reindent": True, "indent_width": 4},
        "select a,\n       b\nfrom t\nwhere x=1\n    and y=2",
    ),
    # Two statements: reindent separates them with a blank line.
    (
        "insert into t (a, b) values (1, 2); update t set a=1 where b=2;",
        {"reindent": True, "keyword_case": "upper"},
        "INSERT INTO t (a, b)\nVALUES (1, 2);\n\nUPDATE t\nSET a=1\nWHERE b=2;",
    ),
    # No options: the text comes back as it was (sqlparse's defaults change nothing).
    ("select  a\nfrom t", {}, "select  a\nfrom t"),
]


@pytest.mark.parametrize(("text", "options", "expected"), KNOWN)
def test_options(text, options, expected):
    assert run(text, **options) == expected


@pytest.mark.parametrize(("text", "options", "expected"), KNOWN)
def test_statement_by_statement_matches_sqlparse_format(text, options, expected):
    # The tool runs sqlparse's filter stack one statement at a time: same output as sqlparse.format().
    data = SqlInput(input=text, **options)
    assert format_sql(data).result == sqlparse.format(text, **sqlparse_options(data))


def test_invalid_sql_is_formatted_as_well_as_possible():
    # sqlparse is non-validating (docs/source/intro.rst): misspelt keywords are just names.
    formatted = format_sql(SqlInput(input="selct * frm where ((( ;;", reindent=True, keyword_case="upper"))
    assert formatted.result == "selct * frm\nWHERE ((( ;;"
    assert formatted.warnings == []


def test_statement_count():
    assert format_sql(SqlInput(input="select 1; select 2;\n")).statements == 2
    assert format_sql(SqlInput(input="select 1")).statements == 1
    assert format_sql(SqlInput(input="")).statements == 0


def test_statement_too_large_to_group_keeps_the_rest():
    # sqlparse 0.6.1 refuses to group a statement of more than 10,000 tokens (grouping.MAX_GROUPING_TOKENS,
    # its guard against denial of service). That statement keeps its case change; the next one is re-indented.
    values = ",".join(f"({i}, 'x')" for i in range(2_000))
    formatted = format_sql(
        SqlInput(input=f"insert into t values {values};\nselect a, b from t", reindent=True, keyword_case="upper")
    )
    assert formatted.result.startswith("INSERT INTO t VALUES (0, 'x'),(1, 'x'),")
    assert formatted.result.endswith("(1999, 'x');\nSELECT a,\n       b\nFROM t")
    assert formatted.warnings == [
        "Statement 1 (line 1) is too large or too deeply nested for sqlparse to re-indent (Maximum number of "
        "tokens exceeded (10000)): it is shown with only the case changes."
    ]
    assert formatted.statements == 2


def test_deeply_nested_statement_is_a_warning():
    formatted = format_sql(SqlInput(input="select " + "(" * 300 + "1" + ")" * 300, reindent=True))
    assert formatted.result == "select " + "(" * 300 + "1" + ")" * 300
    assert "Maximum grouping depth exceeded (100)" in formatted.warnings[0]


def test_unexpected_sqlparse_failure_keeps_the_statement(monkeypatch):
    def broken(statement):
        raise IndexError("bug")

    monkeypatch.setattr("tools.sql.grouping.group", broken)
    formatted = format_sql(SqlInput(input="select a from t; select b", reindent=True, keyword_case="upper"))
    # Each statement keeps its case change; the space after ";" goes, as in sqlparse.format(keyword_case="upper").
    assert (
        formatted.result
        == "SELECT a FROM t;SELECT b"
        == sqlparse.format("select a from t; select b", keyword_case="upper")
    )
    assert formatted.warnings == [
        "Statement 1 (line 1) made sqlparse fail (IndexError): it is shown with only the case changes.",
        "Statement 2 (line 1) made sqlparse fail (IndexError): it is shown with only the case changes.",
    ]


def test_deadline_stops_the_work():
    with pytest.raises(ToolInputError) as raised:
        format_sql(SqlInput(input="select 1; select 2;"), deadline=time.monotonic() - 1)
    assert raised.value.message.startswith("Formatting took longer than 8 seconds and stopped at statement 1")


def test_cancelled_work_stops():
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(ToolInputError, match="cancelled"):
        format_sql(SqlInput(input="select 1;"), cancelled=cancelled)


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_formats(tool_client):
    body = {"input": DOCS_INTRO_SQL, "reindent": True, "keyword_case": "upper"}
    response = await tool_client.post("/api/sql", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {"result": DOCS_INTRO_FORMATTED, "statements": 1, "warnings": []}


async def test_api_defaults_are_sqlparse_defaults(tool_client):
    response = await tool_client.post("/api/sql", json={"input": "select  a from t"})
    assert (await response.get_json())["result"] == "select  a from t"


async def test_api_invalid_sql_is_200(tool_client):
    response = await tool_client.post("/api/sql", json={"input": "))) select from from ;;; '", "reindent": True})
    assert response.status_code == 200
    # Checked by running: each ";" ends a statement, and reindent puts a blank line between statements.
    assert await response.get_json() == {
        "result": ")))\nselect\nfrom\nfrom ;\n\n;\n\n;\n\n'",
        "statements": 4,
        "warnings": [],
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": "select 1", "keyword_case": "shout"}, "keyword_case"),
        ({"input": "select 1", "identifier_case": "UPPER"}, "identifier_case"),
        ({"input": "select 1", "indent_width": 0}, "indent_width"),
        ({"input": "select 1", "indent_width": 17}, "indent_width"),
        ({"input": "select 1", "reindent": "sometimes"}, "reindent"),
        ({"input": "select 1", "strip_comments": [True]}, "strip_comments"),
        ({"input": "select 1", "use_space_around_operators": "x"}, "use_space_around_operators"),
    ],
)
async def test_api_schema_errors_name_the_field(tool_client, body, field):
    response = await tool_client.post("/api/sql", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert field in error["message"]


async def test_api_oversize_input_states_the_limit(tool_client):
    response = await tool_client.post("/api/sql", json={"input": " " * (MAX_INPUT + 1)})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input" and "1000000" in error["message"]


async def test_openapi_documents_the_sql_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/sql"]["post"]
    assert operation["summary"].startswith("Format SQL with sqlparse")
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["keyword_case"]["enum"] == ["upper", "lower", "capitalize", "unchanged"]
    assert schema["properties"]["input"]["maxLength"] == MAX_INPUT


# --- page -------------------------------------------------------------------------------------------


async def test_empty_page_preselects_the_usual_choices(tool_client):
    response = await tool_client.get("/tools/sql/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'hx-post="/tools/sql/"' in page and 'method="post" action="/tools/sql/"' in page
    assert '<option value="upper" selected>UPPER</option>' in page
    assert 'name="reindent" value="true" checked' in page
    assert "non-validating" in page
    assert "style=" not in page
    assert "Example — Re-indent, upper-case keywords." in page
    assert '<code id="sql-result">SELECT id,\n       name\nFROM users\nWHERE active = 1\n' in page


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    form = urlencode({"input": DOCS_INTRO_SQL, "keyword_case": "upper", "reindent": "true"})
    response = await tool_client.post("/tools/sql/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert result_of(page) == DOCS_INTRO_FORMATTED
    assert 'data-copy-target="sql-result"' in page and "1 statement<" in page
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(page) == "/tools/sql/?" + form


async def test_page_post_with_htmx_returns_only_the_result(tool_client):
    form = urlencode({"input": "select a+b from t", "use_space_around_operators": "true"})
    response = await tool_client.post("/tools/sql/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert result_of(fragment) == "select a + b from t"
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_unchecked_reindent_is_off(tool_client):
    # A posted form without reindent (the checkbox unticked) must not re-indent, despite the fresh-page default.
    form = urlencode({"input": "select a, b from t", "keyword_case": "upper"})
    page = await (await tool_client.post("/tools/sql/", data=form, headers=FORM)).get_data(as_text=True)
    assert result_of(page) == "SELECT a, b FROM t"
    assert 'name="reindent" value="true" >' in page


async def test_page_shows_sqlparse_warnings(tool_client):
    form = urlencode({"input": "select " + "(" * 300 + "1" + ")" * 300, "reindent": "true"})
    page = await (await tool_client.post("/tools/sql/", data=form, headers=FORM)).get_data(as_text=True)
    assert '<p class="sql-warning" role="status">Statement 1 (line 1) is too large or too deeply nested' in page


async def test_page_error_is_shown_next_to_the_field(tool_client):
    form = urlencode({"input": "select 1", "indent_width": "0"})
    response = await tool_client.post("/tools/sql/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="indent_width-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "greater than or equal to 1" in oob.group(1)
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment
    assert "sql-result" not in fragment


async def test_get_with_query_reproduces_the_result(tool_client):
    query = "input=select+a+from+t&keyword_case=capitalize&identifier_case=upper"
    response = await tool_client.get(f"/tools/sql/?{query}")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert result_of(page) == "Select A From T"
    assert '<option value="capitalize" selected>Capitalize</option>' in page
    assert 'name="reindent" value="true" >' in page  # the link has no reindent: unticked
    assert share_link(page) == f"/tools/sql/?{query}"


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/?q=sql")).get_data(as_text=True)
    assert '<a href="/tools/sql/">SQL formatter</a>' in page
