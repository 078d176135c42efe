"""Tables as headers and rows of text: read from JSON (an array of objects), CSV, a Markdown or an HTML table, cut
to chosen columns, and written as CSV, JSON, a Markdown table or an HTML table."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from core.forms import ToolInputError
from core.limits import CappedWriter
from core.tables import html_table, markdown_table
from tools.table.markup import from_html, from_markdown

MAX_COLUMNS = 500
MAX_CELLS = 250_000  # rows × columns: objects with different keys make a table far larger than its JSON
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}
# OWASP, "CSV Injection": a cell starting with = + - @ (or a tab or carriage return) is run as a formula by
# spreadsheet programs. Such cells get a leading ' (which spreadsheets hide), except plain numbers (-5, +3.2).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    text: str = ""  # the table written in the target format


def cell_text(value: object) -> str:
    """A JSON value as a cell: strings as they are, null as empty, anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def from_json(text: str) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolInputError(f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.") from None
    except (RecursionError, ValueError) as exc:
        raise ToolInputError(f"The JSON cannot be read: {exc}.") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ToolInputError('Give a JSON array of objects, e.g. [{"name": "a", "size": 1}].')
    headers: dict[str, None] = {}
    for item in data:
        headers.update(dict.fromkeys(item))
        if len(headers) > MAX_COLUMNS:
            raise ToolInputError(f"The objects have more than {MAX_COLUMNS} different keys: too many columns.")
    check_cells(len(data), len(headers))
    return Table(list(headers), [[cell_text(item.get(h)) for h in headers] for item in data])


def from_csv(text: str, delimiter: str) -> Table:
    """The first row is the header; short rows are filled with empty cells (and a note says which)."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[delimiter], strict=True))
    except csv.Error as exc:
        raise ToolInputError(f"The CSV cannot be read: {exc}.") from None
    records = [r for r in records if r]
    if not records:
        raise ToolInputError("The CSV has no header row.")
    headers, rows = records[0], records[1:]
    if len(headers) > MAX_COLUMNS:
        raise ToolInputError(f"The CSV has more than {MAX_COLUMNS} columns.")
    check_cells(len(rows), len(headers))
    notes = []
    for number, row in enumerate(rows, start=2):
        if len(row) > len(headers):
            raise ToolInputError(f"Row {number} has {len(row)} cells, but the header has {len(headers)}.")
    short = sum(len(row) < len(headers) for row in rows)
    if short:
        notes.append(f"{short} row{'s' if short > 1 else ''} had fewer cells than the header: filled with empty cells.")
    return Table(headers, [row + [""] * (len(headers) - len(row)) for row in rows], notes)


def check_cells(rows: int, columns: int) -> None:
    if rows * columns > MAX_CELLS:
        raise ToolInputError(f"{rows:,} rows × {columns:,} columns is more than {MAX_CELLS:,} cells.")


def filled(headers: list[str], rows: list[list[str]]) -> Table:
    """A table read from Markdown or HTML: every row as wide as the widest (checked before it is filled)."""
    width = max([len(headers), *(len(row) for row in rows)])
    if width > MAX_COLUMNS:
        raise ToolInputError(f"The table has more than {MAX_COLUMNS} columns.")
    check_cells(len(rows), width)
    headers = headers + [f"Column {n}" for n in range(len(headers) + 1, width + 1)]
    return Table(headers, [row + [""] * (width - len(row)) for row in rows])


def read_table(text: str, source: str, delimiter: str) -> Table:
    if source == "json":
        return from_json(text)
    if source == "csv":
        return from_csv(text, delimiter)
    return filled(*(from_markdown(text) if source == "markdown" else from_html(text)))


def pick_columns(table: Table, wanted: str) -> Table:
    """Only the named columns (comma-separated), in that order; an unknown name is an error naming it."""
    names = [name.strip() for name in wanted.split(",") if name.strip()]
    if not names:
        return table
    unknown = [n for n in names if n not in table.headers]
    if unknown:
        raise ToolInputError(f"No column named {unknown[0]!r}; the columns are: {', '.join(table.headers)}.", "columns")
    index = [table.headers.index(n) for n in names]
    return Table(names, [[row[i] for i in index] for row in table.rows], table.notes)


def defuse(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) and not _NUMBER.match(cell) else cell


def to_csv(table: Table, delimiter: str, protect: bool) -> str:
    out = CappedWriter()
    writer = csv.writer(out, delimiter=DELIMITERS[delimiter], lineterminator="\r\n")  # RFC 4180: CRLF
    rows = [table.headers, *table.rows]
    if protect:
        defused = [[defuse(c) for c in row] for row in rows]
        changed = sum(a != b for row, new in zip(rows, defused, strict=True) for a, b in zip(row, new, strict=True))
        if changed:
            table.notes.append(
                f"{changed} cell{'s' if changed > 1 else ''} starting with = + - @ got a leading ' so that "
                "spreadsheets do not run them as formulas (CSV injection); untick the option to keep them as they are."
            )
        rows = defused
    writer.writerows(rows)
    return out.getvalue()


def to_json(table: Table) -> str:
    repeated = sorted({h for h in table.headers if table.headers.count(h) > 1})
    if repeated:
        raise ToolInputError(f"The column name {repeated[0]!r} repeats: JSON objects need different keys.")
    out = CappedWriter()
    json.dump([dict(zip(table.headers, row, strict=True)) for row in table.rows], out, ensure_ascii=False, indent=2)
    return out.getvalue()


def convert(text: str, source: str, target: str, columns: str, delimiter: str, protect: bool) -> Table:
    """The table read, cut to the columns, and its text in the target format (in `notes`, what was changed)."""
    table = pick_columns(read_table(text, source, delimiter), columns)
    if target == "csv":
        table.text = to_csv(table, delimiter, protect)
    elif target == "markdown":
        table.text = markdown_table(table.headers, table.rows)
    elif target == "html":
        table.text = html_table(table.headers, table.rows)
    else:
        table.text = to_json(table)
    return table
