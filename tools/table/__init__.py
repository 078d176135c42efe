"""Turn a JSON array of objects into CSV, a Markdown or an HTML table and back again, picking the columns."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.bounded_render import render_limits
from core.operations import Operation
from core.registry import Tool
from tools.table.rows import convert

MAX_INPUT = 1_000_000


class TableInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        title="Data",
        description='A JSON array of objects, e.g. [{"name": "a", "size": 1}], CSV with a header row, or a Markdown '
        "or HTML table.",
    )
    source: Literal["json", "csv", "markdown", "html"] = Field(
        default="json",
        description="What the data is: JSON, CSV, or the first Markdown (GFM) or HTML table in the text (its first "
        "row is the header; <br> reads as a line break).",
    )
    target: Literal["markdown", "csv", "html", "json"] = Field(
        default="markdown",
        description="What to make: a Markdown (GFM) table, CSV (RFC 4180), an HTML table (every cell escaped) or JSON.",
    )
    columns: str = Field(
        default="",
        max_length=2_000,
        description="The columns to keep, comma-separated, in the order wanted; empty: all, in order of appearance.",
    )
    delimiter: Literal["comma", "semicolon", "tab"] = Field(
        default="comma", description="The CSV delimiter (read and written)."
    )
    protect_formulas: bool = Field(
        default=True,
        description="CSV out: put ' before cells starting with = + - @ (not numbers), so spreadsheets do not run "
        "them as formulas (OWASP, CSV injection).",
    )


class TableOutput(BaseModel):
    result: str = Field(description="The table in the target format.")
    columns: list[str] = Field(description="The columns, in order.")
    rows: int = Field(description="How many rows (not counting the header).")
    notes: list[str] = Field(description="What was changed on the way, in words.")


def convert_table(data: TableInput) -> TableOutput:
    """Convert a JSON array of objects or CSV to a Markdown table, CSV, an HTML table or JSON, with chosen columns."""
    table = convert(data.input, data.source, data.target, data.columns, data.delimiter, data.protect_formulas)
    return TableOutput(result=table.text, columns=table.headers, rows=len(table.rows), notes=table.notes)


PEOPLE = '[{"name": "Ada", "born": 1815, "field": "maths"}, {"name": "Alan | AT", "born": 1912, "field": "logic"}]'

HTML_TOTALS = "<table><tr><th>id</th><th>total</th></tr><tr><td>1</td><td>=SUM(A1:A9)</td></tr></table>"

TOOL = Tool(
    slug="table",
    title="Table converter",
    category="Data",
    icon="table",
    keywords=("json to csv", "csv to json", "markdown table", "html table", "columns", "spreadsheet", "csv injection"),
    examples=(
        ("JSON to a Markdown table", {"input": PEOPLE}),
        ("Two columns as CSV", {"input": PEOPLE, "target": "csv", "columns": "born, name"}),
        (
            "Markdown table to JSON",
            {"input": "| a | b |\n|---|--:|\n| x\\|y | 2 |", "source": "markdown", "target": "json"},
        ),
        ("HTML table to CSV (a formula cell)", {"input": HTML_TOTALS, "source": "html", "target": "csv"}),
    ),
    operations=(
        Operation(
            TableInput,
            convert_table,
            TableOutput,
            primary="result",
            # Objects with different keys make rows × columns cells: bounded, and capped at MAX_CELLS.
            bounded=True,
            # What a page shows: at most the render cap (4 MB), not the 16 MB of a download.
            adjust_limits=lambda limits: render_limits(),
            ready=lambda data: bool(data.input.strip()),
        ),
    ),
)
