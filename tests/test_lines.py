"""The lines tool: every action on hand-checked lists, compare, and the page, API and recipe answers."""

from __future__ import annotations

import pytest

from core.forms import ToolInputError
from core.registry import import_tool_modules, tool_of
from tools.lines import LinesInput, compare_lists, run_lines, sort_lines, split_lines


def result(text: str, **options) -> str:
    return run_lines(LinesInput(input=text, **options)).result


# Hand-checked orders (what `sort -V`, `sort`, `sort -f` and `sort -n` give for these lines, ties by code point).
SORTS = {
    "natural: file2 before file10, case folded": (
        "natural",
        ["file10.txt", "file2.txt", "File1.txt", "file1.txt"],
        ["File1.txt", "file1.txt", "file2.txt", "file10.txt"],
    ),
    "natural: leading zeros, a 5000-digit run": (
        "natural",
        ["v" + "9" * 5000, "v010", "v9", "v0010a"],
        ["v9", "v010", "v0010a", "v" + "9" * 5000],
    ),
    "text: code point order, capitals first": ("text", ["b", "B", "a", "A"], ["A", "B", "a", "b"]),
    "case-insensitive": ("case-insensitive", ["b", "B", "a", "A"], ["A", "a", "B", "b"]),
    "numeric: signs, decimals, exponents; no number last": (
        "numeric",
        ["10 apples", "x", "-2.5", "1e2", ".5", "9"],
        ["-2.5", ".5", "9", "10 apples", "1e2", "x"],
    ),
}


@pytest.mark.parametrize("case", SORTS)
def test_sort_orders(case):
    order, lines, expected = SORTS[case]
    assert sort_lines(lines, order) == expected


def test_descending_numeric_keeps_lines_without_a_number_last():
    assert sort_lines(["2", "x", "10", "1"], "numeric", descending=True) == ["10", "2", "1", "x"]
    assert sort_lines(["a", "c", "b"], "text", descending=True) == ["c", "b", "a"]


def test_split_lines_crlf_and_final_break():
    assert split_lines("a\r\nb\n") == ["a", "b"]
    assert split_lines("a\n\nb") == ["a", "", "b"]
    assert split_lines("") == []


def test_unique_and_count_duplicates():
    fruit = "apple\npear\napple\nfig\npear\napple"
    assert result(fruit, action="unique") == "apple\npear\nfig"
    # sort | uniq -c | sort -rn: apple 3, pear 2, fig 1.
    assert result(fruit, action="count") == "3\tapple\n2\tpear\n1\tfig"
    assert result("A\na\nb", action="unique", ignore_case=True) == "A\nb"
    assert result("A\na\nb", action="count", ignore_case=True) == "2\tA\n1\tb"


def test_shuffle_is_a_permutation_and_a_seed_repeats_it():
    text = "\n".join(str(n) for n in range(50))
    first = result(text, action="shuffle", seed=7)
    assert first == result(text, action="shuffle", seed=7)
    assert first != text and sorted(first.split("\n")) == sorted(text.split("\n"))
    assert sorted(result(text, action="shuffle").split("\n")) == sorted(text.split("\n"))


def test_reverse_trim_remove_empty():
    assert result("1\n2\n3", action="reverse") == "3\n2\n1"
    assert result("  a \n\tb\t", action="trim") == "a\nb"
    assert result("a\n\n  \nb", action="remove-empty") == "a\nb"


def test_prefix_and_suffix_both_ways():
    quoted = result("red\ngreen", action="add-prefix-suffix", prefix="'", suffix="',")
    assert quoted == "'red',\n'green',"
    assert result(quoted, action="remove-prefix-suffix", prefix="'", suffix="',") == "red\ngreen"
    # Only a prefix that is there is removed.
    assert result("- a\nb", action="remove-prefix-suffix", prefix="- ") == "a\nb"


def test_join_and_split_with_escaped_separators():
    assert result("a\nb\nc", action="join") == "a, b, c"
    assert result("a\nb", action="join", separator=r"\t") == "a\tb"
    assert result("a;b;;c", action="split", separator=";") == "a\nb\n\nc"
    assert result("a\\nb", action="split", separator=r"\\") == "a\nnb"


def test_split_needs_a_separator():
    with pytest.raises(ToolInputError) as error:
        result("a,b", action="split", separator="")
    assert error.value.field == "separator"


def test_compare_two_lists():
    # A = {ann, bob, carl}, B = {bob, dora, ann}: only A carl, only B dora, both ann and bob (in A's order).
    assert compare_lists(["ann", "bob", "carl", "bob"], ["bob", "dora", "ann"]) == {
        "only_in_a": ["carl"],
        "only_in_b": ["dora"],
        "in_both": ["ann", "bob"],
    }
    output = run_lines(LinesInput(input="Ann\ncarl", other="ann", action="compare", ignore_case=True))
    assert (output.result, output.only_in_a, output.in_both) == ("carl", ["carl"], ["Ann"])


async def test_lines_api_page_and_errors(tool_client):
    api = await tool_client.post("/api/lines", json={"input": "b\na\nb", "action": "unique"})
    body = await api.get_json()
    assert body["result"] == "b\na" and (body["lines_in"], body["lines_out"]) == (3, 2)
    page = await tool_client.get("/tools/lines/?input=x%0Ay&action=compare&other=y%0Az")
    html = await page.get_data(as_text=True)
    assert '<code id="lines-only_in_a">x</code>' in html and '<code id="lines-only_in_b">z</code>' in html
    bad = await tool_client.post("/api/lines", json={"input": "a", "action": "split", "separator": ""})
    assert bad.status_code == 422 and (await bad.get_json())["error"]["field"] == "separator"
    long_prefix = await tool_client.post("/api/lines", json={"input": "a", "prefix": "x" * 201})
    assert long_prefix.status_code == 422 and (await long_prefix.get_json())["error"]["field"] == "prefix"


async def test_a_result_past_4_mb_is_refused(tool_client):
    # Half a million empty lines, each given a 20-character prefix: 10.5 MB of result, past the 4 MB output cap.
    body = {"input": "\n" * 499_999, "action": "add-prefix-suffix", "prefix": "01234567890123456789"}
    response = await tool_client.post("/api/lines", json=body)
    error = (await response.get_json())["error"]
    assert response.status_code == 422 and error["field"] == "input"
    assert "limit" in error["message"]


def test_primary_text_is_the_result():
    (tool,) = [tool_of(m) for m in import_tool_modules() if m.__name__ == "tools.lines"]
    operation = tool.operations[0]
    output = run_lines(LinesInput(input="2\n10\n1"))
    assert operation.primary_text(output) == "1\n2\n10"
