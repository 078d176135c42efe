"""The Markdown tool's table generator: CSV/TSV to a GFM table (alignment, escaped pipes), rendered back to the
same cells by the site's own Markdown renderer; its API, its form on the Markdown page, with and without htmx."""

from __future__ import annotations

import html
import re

import pytest

from core.forms import ToolInputError
from core.markdown import render_markdown
from tools.markdown.table import TableInput, make_table

HTMX = {"HX-Request": "true"}


def table(text: str, **options) -> str:
    return make_table(TableInput(csv=text, **options)).result


def test_hand_checked_table_with_a_pipe():
    assert table("Tool,Category\nHash,Crypto\nCron | cron,Time", align="left") == (
        "| Tool         | Category |\n"
        "| :----------- | :------- |\n"
        "| Hash         | Crypto   |\n"
        "| Cron \\| cron | Time     |\n"
    )


@pytest.mark.parametrize(
    ("align", "rule", "row"),
    [
        ("none", "| --- | --- |", "| 1   | 2   |"),
        ("left", "| :-- | :-- |", "| 1   | 2   |"),
        ("center", "| :-: | :-: |", "|  1  |  2  |"),
        ("right", "| --: | --: |", "|   1 |   2 |"),
    ],
)
def test_alignment_gfm_spec_section_4_10(align, rule, row):
    # GFM spec, 4.10 (tables extension): a colon at the left, both ends or the right aligns the column.
    lines = table("a,b\n1,2", align=align).splitlines()
    assert (lines[1], lines[2]) == (rule, row)


def test_tsv_is_found_and_short_rows_are_filled():
    answer = make_table(TableInput(csv="name\tnote\nAda\tmaths\nAlan\n"))
    assert answer.result.splitlines()[-1] == "| Alan |       |"
    assert (answer.columns, answer.rows) == (2, 2)


def test_without_a_header_the_columns_are_numbered():
    assert table("1;2", delimiter="semicolon", header=False).splitlines()[0] == "| Column 1 | Column 2 |"


def test_the_table_renders_back_to_its_cells():
    text = 'a,b\n"x|y","**z**"\n"two\nlines",\\|'
    rendered = render_markdown(table(text, align="center"), True, frozenset())
    found = [html.unescape(c) for c in re.findall(r"<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>", rendered, re.S)]
    assert found == ["a", "b", "x|y", "<strong>z</strong>", "two<br>lines", "\\|"]
    assert 'style="text-align:center"' in rendered or 'align="center"' in rendered


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "There are no rows"), ('a\n"open', "The CSV cannot be read"), (",".join("x" * 600), "too large a table")],
)
def test_bad_csv_names_the_field(text, message):
    with pytest.raises(ToolInputError, match=message) as error:
        make_table(TableInput(csv=text))
    assert error.value.field == "csv"


async def test_api(tool_client):
    response = await tool_client.post("/api/markdown/table", json={"csv": "a,b\n1,2", "align": "right"})
    assert (await response.get_json()) == {
        "result": "|   a |   b |\n| --: | --: |\n|   1 |   2 |\n",
        "columns": 2,
        "rows": 1,
    }


async def test_the_markdown_page_has_the_table_form(tool_client):
    page = await (await tool_client.get("/tools/markdown/")).get_data(as_text=True)
    assert 'action="/tools/markdown/table/"' in page and 'name="csv"' in page


async def test_the_form_without_javascript_gets_the_whole_page(tool_client):
    response = await tool_client.post(
        "/tools/markdown/table/", form={"csv": "a|b,c", "align": "none", "header": "true"}
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>" in page
    assert '<code id="markdown-table">| a\\|b | c   |' in html.unescape(page).replace("&#34;", '"')
    assert "HX-Request" in response.headers["Vary"]


async def test_htmx_gets_the_result_alone_and_errors_are_422(tool_client):
    response = await tool_client.post("/tools/markdown/table/", form={"csv": "x"}, headers=HTMX)
    partial = await response.get_data(as_text=True)
    assert "<h1>" not in partial and "| x   |" in partial
    bad = await tool_client.post("/tools/markdown/table/", form={"csv": 'a\n"open'}, headers=HTMX)
    assert bad.status_code == 422 and "The CSV cannot be read" in await bad.get_data(as_text=True)


async def test_a_share_link_reproduces_the_table(tool_client):
    page = await (await tool_client.get("/tools/markdown/table/", query_string={"csv": "k,v\n1,2"})).get_data(
        as_text=True
    )
    assert "| k   | v   |" in page and 'href="/tools/markdown/table/?csv=k%2Cv%0A1%2C2"' in page
