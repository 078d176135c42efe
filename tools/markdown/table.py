"""The Markdown table generator: CSV or TSV in, a GFM table out, with column alignment and pipes escaped."""

from __future__ import annotations

import csv
import io
from typing import Literal

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.tables import Align, markdown_table

MAX_CSV = 1_000_000
MAX_COLUMNS = 500
MAX_CELLS = 250_000
DELIMITERS = {"comma": ",", "tab": "\t", "semicolon": ";"}


class TableInput(BaseModel):
    csv: str = Field(max_length=MAX_CSV, title="CSV or TSV", description="Rows of cells separated by commas or tabs.")
    delimiter: Literal["auto", "comma", "tab", "semicolon"] = Field(
        default="auto", description="What separates the cells; auto: a tab if the first line has one, else a comma."
    )
    align: Align = Field(default="none", description="How every column is aligned: none, left, center or right.")
    header: bool = Field(
        default=True, description="The first row holds the column names (else they are Column 1, Column 2, …)."
    )


class TableOutput(BaseModel):
    result: str = Field(description="The Markdown (GFM) table.")
    columns: int
    rows: int = Field(description="Rows below the header.")


def delimiter_of(text: str, choice: str) -> str:
    if choice != "auto":
        return DELIMITERS[choice]
    first = text.split("\n", 1)[0]
    return "\t" if "\t" in first else ","


def read_rows(text: str, delimiter: str) -> list[list[str]]:
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True) if row]
    except csv.Error as exc:
        raise ToolInputError(f"The CSV cannot be read: {exc}.", "csv") from None
    if not rows:
        raise ToolInputError("There are no rows: type or paste CSV or TSV.", "csv")
    width = max(len(row) for row in rows)
    if width > MAX_COLUMNS or width * len(rows) > MAX_CELLS:
        raise ToolInputError(f"{len(rows):,} rows × {width:,} columns is too large a table.", "csv")
    return [row + [""] * (width - len(row)) for row in rows]


def make_table(data: TableInput) -> TableOutput:
    """Make a Markdown (GFM) table from CSV or TSV: alignment row, pipes escaped, short rows filled."""
    rows = read_rows(data.csv, delimiter_of(data.csv, data.delimiter))
    width = len(rows[0])
    headers = rows.pop(0) if data.header else [f"Column {n}" for n in range(1, width + 1)]
    return TableOutput(result=markdown_table(headers, rows, data.align), columns=width, rows=len(rows))
