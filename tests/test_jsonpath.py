"""JSONPath and jq: RFC 9535's bookstore examples, jq manual examples, paths, the sandbox, limits, page and API."""

from __future__ import annotations

import json

import pytest

from core.forms import ToolInputError
from core.limits import OutputTooLarge, set_output_cap
from tools.jsonpath import QueryInput, query_json
from tools.jsonpath.queries import MAX_MATCHES, normalized_path, quoted_name

# RFC 9535, section 1.5, Table 2.
BOOKSTORE = (
    '{"store": {"book": [\n'
    '  {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},\n'
    '  {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},\n'
    '  {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", '
    '"price": 8.99},\n'
    '  {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", '
    '"isbn": "0-395-19395-8", "price": 22.99}],\n'
    '  "bicycle": {"color": "red", "price": 399}}}'
)
AUTHORS = ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]


def values(query: str, language: str = "jsonpath", document: str = BOOKSTORE) -> list:
    answer = query_json(QueryInput(input=document, query=query, language=language))
    return json.loads(answer.result)


def paths(query: str, language: str = "jsonpath", document: str = BOOKSTORE) -> list:
    return [m.path for m in query_json(QueryInput(input=document, query=query, language=language)).matches]


# RFC 9535 (JSONPath), section 1.5, Table 2 (the bookstore document) and Table 3 (its example queries).
# Filters in RFC 9535's own syntax ([?...]) and in the older one with parentheses ([?(...)]).
RFC_9535_TABLE_3 = [
    ("$.store.book[*].author", AUTHORS),  # the authors of all books in the store
    ("$..author", AUTHORS),  # all authors
    ("$.store..price", [8.95, 12.99, 8.99, 22.99, 399]),  # the prices of everything in the store
    ("$..book[2].title", ["Moby Dick"]),  # the third book
    ("$..book[-1].title", ["The Lord of the Rings"]),  # the last book in order
    ("$..book[:2].author", AUTHORS[:2]),  # the first two books
    ("$..book[0,1].author", AUTHORS[:2]),
    ("$..book[?@.isbn].title", ["Moby Dick", "The Lord of the Rings"]),  # all books with an ISBN number
    ("$..book[?@.price<10].title", ["Sayings of the Century", "Moby Dick"]),  # all books cheaper than 10
    ("$..book[?(@.price<10)].title", ["Sayings of the Century", "Moby Dick"]),
]


@pytest.mark.parametrize(("query", "expected"), RFC_9535_TABLE_3)
def test_rfc_9535_table_3(query, expected):
    assert values(query) == expected


def test_rfc_9535_store_members():
    # Table 3, "$.store.*": all things in the store, which are some books and a red bicycle.
    found = values("$.store.*")
    assert len(found) == 2 and len(found[0]) == 4 and found[1] == {"color": "red", "price": 399}


def test_matches_carry_rfc_9535_normalized_paths():
    assert paths("$..book[?(@.price<10)].title") == ["$['store']['book'][0]['title']", "$['store']['book'][2]['title']"]
    assert paths("$.store.bicycle") == ["$['store']['bicycle']"]


def test_normalized_path_escapes_rfc_9535_table_17():
    # RFC 9535, section 2.7, Table 17: a member name U+000B is written $['\u000b'], a quote as \', a backslash as \\.
    assert quoted_name("\u000b") == "['\\u000b']"
    assert quoted_name("it's") == "['it\\'s']"
    assert quoted_name("a\\b") == "['a\\\\b']"
    assert quoted_name("tab\there") == "['tab\\there']"
    assert paths("$.*", document='{"\\u000b": 1}') == ["$['\\u000b']"]


def test_a_computed_jsonpath_value_has_no_path():
    answer = query_json(QueryInput(input=BOOKSTORE, query="$.store.book.`len`"))
    assert (answer.result, answer.matches[0].path) == ("[\n  4\n]", None)
    assert normalized_path(object()) is None


# The jq manual (jqlang.org/manual), "Basic filters" and "Builtin operators and functions": the manual's own examples.
JQ_MANUAL = [
    (".foo", '{"foo": 42, "bar": "less interesting data"}', [42]),  # Object Identifier-Index
    (".[0]", '[{"name":"JSON", "good":true}, {"name":"XML", "good":false}]', [{"name": "JSON", "good": True}]),
    (".[]", "[1,2,3]", [1, 2, 3]),  # Array/Object Value Iterator
    ("map(.+1)", "[1,2,3]", [[2, 3, 4]]),  # map(f)
    ("[paths]", '[1,[[],{"a":2}]]', [[[0], [1], [1, 0], [1, 1], [1, 1, "a"]]]),  # paths
    ("[.[] | select(. > 1)]", "[1,5,3,0,7]", [[5, 3, 7]]),  # select(boolean_expression), adapted
]


@pytest.mark.parametrize(("program", "document", "expected"), JQ_MANUAL)
def test_jq_manual_examples(program, document, expected):
    assert values(program, "jq", document) == expected


def test_jq_paths_are_jq_path_expressions():
    # jq manual, path(path_expression): [path(..)] of {"a":[{"b":1}]} is [[],["a"],["a",0],["a",0,"b"]].
    assert paths("..", "jq", '{"a":[{"b":1}]}') == [".", ".a", ".a[0]", ".a[0].b"]
    assert paths('.["a b"]', "jq", '{"a b": 1}') == ['.["a b"]']


def test_jq_computed_values_have_no_paths_and_say_so():
    answer = query_json(QueryInput(input=BOOKSTORE, query="[.store.book[].price] | add", language="jq"))
    assert answer.result == "[\n  53.92\n]"  # 8.95 + 12.99 + 8.99 + 22.99
    assert answer.matches[0].path is None and "computed" in answer.notes[0]


def test_output_layouts():
    def result(output: str, query: str = ".store.book[:2][].title") -> str:
        return query_json(QueryInput(input=BOOKSTORE, query=query, language="jq", output=output)).result

    assert result("raw") == "Sayings of the Century\nSword of Honour"
    assert result("lines") == '"Sayings of the Century"\n"Sword of Honour"'
    assert json.loads(result("array")) == ["Sayings of the Century", "Sword of Honour"]
    assert result("raw", ".store.bicycle") == '{"color": "red", "price": 399}'  # not a string: JSON


def test_jq_cannot_read_the_environment_or_files(monkeypatch):
    monkeypatch.setenv("MYTOOLS_TEST_SECRET", "hunter2")
    assert values("env.MYTOOLS_TEST_SECRET", "jq", "{}") == [None]
    assert values("$ENV", "jq", "{}") == [{}]
    assert values("[env, $ENV, input_filename, get_search_list]", "jq", "{}") == [[{}, {}, None, []]]
    assert values('"passwd" | modulemeta', "jq", "{}") == [None]
    for program in ('import "etc/passwd" as p; .', 'include "x"; .', 'import "x" as $data; $data'):
        with pytest.raises(ToolInputError, match="not available") as error:
            values(program, "jq", "{}")
        assert error.value.field == "query"


def test_an_endless_jq_stream_is_cut_at_the_listing_limit():
    answer = query_json(QueryInput(input="1", query="repeat(1)", language="jq", output="lines"))
    assert (answer.count, answer.truncated) == (MAX_MATCHES, True)
    assert answer.notes[-1] == f"Only the first {MAX_MATCHES:,} matches are shown."


def test_a_jq_comment_at_the_end_keeps_the_paths():
    assert paths(".store.bicycle.color # the colour", "jq") == [".store.bicycle.color"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"input": "{", "query": "$"}, "input", "Invalid JSON at line 1, column 2"),
        ({"input": "[NaN]", "query": "$"}, "input", "NaN is not JSON"),
        ({"input": "{}", "query": "$["}, "query", "Invalid JSONPath"),
        ({"input": "{}", "query": ".[", "language": "jq"}, "query", "Invalid jq program: syntax error"),
        ({"input": "{}", "query": "1 +\n.[", "language": "jq"}, "query", "line 2"),  # the query's own line
        ({"input": "1", "query": ".a", "language": "jq"}, "query", "jq: Cannot index number"),
        ({"input": "{}", "query": " "}, "query", "Type a query"),
    ],
)
def test_bad_input_names_the_field(body, field, message):
    with pytest.raises(ToolInputError) as error:
        query_json(QueryInput(**body))
    assert error.value.field == field and message in error.value.message


def test_output_that_grows_with_the_square_of_the_input_hits_the_cap():
    # Every level of a deep array repeats the whole subtree below it in `$..*`.
    deep = "[" * 800 + "]" * 800
    set_output_cap(100_000)
    try:
        with pytest.raises(OutputTooLarge):
            query_json(QueryInput(input=deep, query="$..*"))
    finally:
        set_output_cap(16 * 2**20)


async def test_api_answer(tool_client):
    response = await tool_client.post("/api/jsonpath", json={"input": BOOKSTORE, "query": "$..book[-1].price"})
    assert response.status_code == 200
    answer = await response.get_json()
    assert answer["matches"] == [{"path": "$['store']['book'][3]['price']", "value": "22.99"}]


async def test_an_endless_jq_loop_is_stopped_by_the_time_limit(tool_client):
    response = await tool_client.post("/api/jsonpath", json={"input": "1", "query": "def f: f; f", "language": "jq"})
    assert response.status_code == 422
    assert "too long" in (await response.get_json())["error"]["message"]


async def test_page_lists_matches_and_paths(tool_client):
    query = {"input": BOOKSTORE, "query": ".store.bicycle.color", "language": "jq", "output": "raw"}
    page = await (await tool_client.get("/tools/jsonpath/", query_string=query)).get_data(as_text=True)
    assert '<code id="jsonpath-result">red</code>' in page
    assert "<code>.store.bicycle.color</code>" in page
