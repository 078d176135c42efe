"""Table converter: RFC 4180 quoting, GFM tables that render back to the same cells, escaped HTML, column picking,
CSV injection, and the size bounds."""

from __future__ import annotations

import html
import json
import re

import pytest

from core.forms import ToolInputError
from core.markdown import render_markdown
from core.tables import markdown_cell, markdown_table
from tools.table import PEOPLE, TableInput, convert_table
from tools.table.rows import MAX_COLUMNS


def run(text: str, **options):
    return convert_table(TableInput(input=text, **options))


def test_people_as_a_markdown_table():
    assert run(PEOPLE).result == (
        "| name       | born | field |\n"
        "| ---------- | ---- | ----- |\n"
        "| Ada        | 1815 | maths |\n"
        "| Alan \\| AT | 1912 | logic |\n"
    )


def cells(rendered: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(r"<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>", rendered, re.S)]


def test_the_markdown_table_renders_back_to_the_same_cells():
    # GFM spec 0.29, section 4.10, example 200: a pipe in a cell is written \| ; checked by rendering it.
    rows = [["f|oo", "a\\|b"], ["two\nlines", "**bold**"]]
    rendered = render_markdown(markdown_table(["x", "y"], rows), True, frozenset())
    assert cells(rendered) == ["x", "y", "f|oo", "a\\|b", "two<br>lines", "<strong>bold</strong>"]


def test_markdown_cell_escapes_hand_checked():
    assert markdown_cell("f|oo") == "f\\|oo"
    assert markdown_cell("a\\|b") == "a\\\\\\|b"  # the backslash doubled, then the pipe escaped
    assert markdown_cell(" x\r\ny ") == "x<br>y"


def test_alignment_rows():
    table = markdown_table(["left", "mid", "right"], [["a", "b", "c"]], ["left", "center", "right"])
    assert table.splitlines()[1] == "| :--- | :-: | ----: |"
    assert table.splitlines()[2] == "| a    |  b  |     c |"


def test_rfc_4180_quoting():
    # RFC 4180, section 2, rules 5-7: fields with commas, double quotes or line breaks are quoted; a quote is doubled.
    data = json.dumps([{"a": "aaa", "b": 'b"bb', "c": "c,cc", "d": "line\nbreak"}])
    assert run(data, target="csv").result == 'a,b,c,d\r\naaa,"b""bb","c,cc","line\nbreak"\r\n'


def test_csv_back_to_json_and_tabs():
    text = 'name\tnote\r\nAda\t"tab\there"\r\n'
    assert json.loads(run(text, source="csv", delimiter="tab", target="json").result) == [
        {"name": "Ada", "note": "tab\there"}
    ]


def test_json_values_become_cell_text():
    data = '[{"n": null, "t": true, "x": 1.50, "o": {"k": [1]}}, {"extra": "late key"}]'
    answer = run(data, target="csv")
    assert answer.result == 'n,t,x,o,extra\r\n,true,1.5,"{""k"": [1]}",\r\n,,,,late key\r\n'
    assert answer.columns == ["n", "t", "x", "o", "extra"]


def test_html_cells_are_escaped():
    answer = run('[{"<th>": "<script>alert(1)</script>", "q": "\\"&\'"}]', target="html")
    assert "<th>&lt;th&gt;</th>" in answer.result
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>&quot;&amp;&#x27;</td>" in answer.result
    assert "<script>" not in answer.result


def test_column_picking_keeps_the_order_given():
    assert run(PEOPLE, target="csv", columns=" born ,name").result == "born,name\r\n1815,Ada\r\n1912,Alan | AT\r\n"
    with pytest.raises(ToolInputError, match="No column named 'age'; the columns are: name, born, field") as error:
        run(PEOPLE, columns="name,age")
    assert error.value.field == "columns"


def test_csv_injection_cells_get_a_quote_and_numbers_do_not():
    # OWASP "CSV Injection": =, +, -, @ (and tab, carriage return) start a formula; -5 and +3.2 are numbers.
    data = json.dumps([{"v": "=1+2"}, {"v": "+cmd|' /C calc'!A0"}, {"v": "-5"}, {"v": "+3.2"}, {"v": "@SUM(1)"}])
    answer = run(data, target="csv")
    assert answer.result == "v\r\n'=1+2\r\n'+cmd|' /C calc'!A0\r\n-5\r\n+3.2\r\n'@SUM(1)\r\n"
    assert answer.notes[0].startswith("3 cells starting with = + - @ got a leading '")
    kept = run(data, target="csv", protect_formulas=False)
    assert kept.result.splitlines()[1] == "=1+2" and kept.notes == []


def test_short_csv_rows_are_filled_and_said():
    answer = run("a,b\n1\n2,3", source="csv", target="markdown")
    assert answer.rows == 2 and answer.notes == ["1 row had fewer cells than the header: filled with empty cells."]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"input": "{"}, "Invalid JSON at line 1, column 2"),
        ({"input": "[1, 2]"}, "Give a JSON array of objects"),
        ({"input": "a\n1,2", "source": "csv"}, "Row 2 has 2 cells, but the header has 1"),
        ({"input": 'a\n"x', "source": "csv"}, "The CSV cannot be read"),
        ({"input": "a,a\n1,2", "source": "csv", "target": "json"}, "The column name 'a' repeats"),
    ],
)
def test_bad_input_is_explained(body, message):
    with pytest.raises(ToolInputError, match=re.escape(message)):
        convert_table(TableInput(**body))


def test_objects_with_different_keys_cannot_make_a_huge_table():
    # n objects with n different keys would be n² cells from a text of size ~n.
    sparse = json.dumps([{f"k{i}": 1} for i in range(MAX_COLUMNS + 1)])
    with pytest.raises(ToolInputError, match=f"more than {MAX_COLUMNS} different keys"):
        run(sparse)
    wide = json.dumps([{f"k{i}": 1 for i in range(400)}] + [{}] * 3000)
    with pytest.raises(ToolInputError, match="is more than 250,000 cells"):
        run(wide)


async def test_api(tool_client):
    response = await tool_client.post("/api/table", json={"input": PEOPLE, "target": "json", "columns": "name"})
    assert json.loads((await response.get_json())["result"]) == [{"name": "Ada"}, {"name": "Alan | AT"}]


# --- Markdown and HTML tables read back ------------------------------------------------------------------


def test_markdown_and_html_tables_read_back_what_was_written():
    rows = [["f|oo", "a\\|b"], ["two\nlines", "**x**"], ["\\\\|", ""]]
    data = json.dumps([dict(zip(["x", "y"], row, strict=True)) for row in rows])
    for target in ("markdown", "html"):
        written = run(data, target=target).result
        assert json.loads(run(written, source=target, target="json").result) == json.loads(data), target


def test_a_gfm_table_in_a_document():
    # GFM spec 0.29, 4.10, example 198: the delimiter row decides the columns; example 204: cells past the
    # header's are dropped and missing ones are empty.
    text = "Intro text.\n\n| abc | def |\n| --- | --- |\n| bar |\n| bar | baz | boo |\n\nAfter."
    answer = run(text, source="markdown", target="csv")
    assert answer.result == "abc,def\r\nbar,\r\nbar,baz\r\n"


def test_an_html_table_with_entities_breaks_and_a_nested_table():
    text = (
        "<p>x</p><table><thead><tr><th>a &amp; b</th><th>c</th></tr></thead>"
        "<tbody><tr><td>1<br>2</td><td><table><tr><td>in</td></tr></table></td></tr>"
        "<tr><td>3</td></tr></tbody></table><table><tr><td>second</td></tr></table>"
    )
    answer = run(text, source="html", target="json")
    assert json.loads(answer.result) == [{"a & b": "1\n2", "c": "in"}, {"a & b": "3", "c": ""}]


def test_no_table_found_is_explained():
    with pytest.raises(ToolInputError, match="No Markdown table found"):
        run("| a | b |\nno delimiter row", source="markdown")
    with pytest.raises(ToolInputError, match="No HTML table found"):
        run("<p>nothing</p>", source="html")


def test_a_wide_markdown_header_over_many_rows_is_refused_before_it_is_filled():
    text = "|" + "a|" * 400 + "\n|" + "-|" * 400 + "\n" + "|x\n" * 3000
    with pytest.raises(ToolInputError, match="is more than 250,000 cells"):
        run(text, source="markdown")
