"""Markdown (GFM) and HTML tables read back into headers and rows: the inverse of core/tables.py's writers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from core.forms import ToolInputError

# GFM spec, 4.10: the delimiter row is cells of dashes, each with an optional colon at either end.
_DELIMITER_ROW = re.compile(r"\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?")
# A pipe after an even number of backslashes (none included) separates cells; after an odd number it is escaped.
_CELL_EDGE = re.compile(r"(?<!\\)((?:\\\\)*)\|")
_ESCAPED_PIPE = re.compile(r"(\\+)\|")
_BREAK = re.compile(r"<br\s*/?>", re.I)


def markdown_cells(line: str) -> list[str]:
    line = line.strip()
    parts = _CELL_EDGE.split(line)
    # split() keeps each separator's backslashes as a group: glue them back to the text before it.
    cells, current = [], ""
    for index, part in enumerate(parts):
        if index % 2:
            cells.append(current + part)
            current = ""
        else:
            current += part
    cells.append(current)
    if line.startswith("|"):
        cells = cells[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        cells = cells[:-1]
    return [unescape_markdown(c.strip()) for c in cells]


def unescape_markdown(cell: str) -> str:
    """\\| is a pipe; 2k + 1 backslashes before a pipe are k backslashes and the pipe; <br> is a line break."""
    cell = _ESCAPED_PIPE.sub(lambda m: "\\" * (len(m.group(1)) // 2) + "|", cell)
    return _BREAK.sub("\n", cell)


def from_markdown(text: str) -> tuple[list[str], list[list[str]]]:
    """The first GFM table in the text: its header, and its rows (cells past the header's are dropped, as GFM does)."""
    lines = text.splitlines()
    for index in range(len(lines) - 1):
        if "|" in lines[index] and _DELIMITER_ROW.fullmatch(lines[index + 1].strip()):
            headers = markdown_cells(lines[index])
            rows = []
            for line in lines[index + 2 :]:
                if not line.strip():
                    break
                rows.append(markdown_cells(line)[: len(headers)])
            return headers, rows
    raise ToolInputError("No Markdown table found: a header row, then a row like | --- | --- |.")


class TableParser(HTMLParser):
    """The cells of the first <table>: the text of each th or td, <br> as a line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.depth = 0  # tables entered; a nested table's cells are text of the outer cell
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "table":
            self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self.rows.append([])
        elif self.depth == 1 and tag in ("td", "th") and self.rows:
            self.close_cell()
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if self.done:
            return
        if tag == "table":
            self.depth -= 1
            self.close_cell()
            self.done = self.depth == 0
        elif self.depth == 1 and tag in ("td", "th", "tr"):
            self.close_cell()

    def handle_data(self, data):
        if self.cell is not None and not self.done:
            self.cell.append(data)

    def close_cell(self) -> None:
        if self.cell is not None and self.rows:
            self.rows[-1].append("".join(self.cell).strip())
        self.cell = None


def from_html(text: str) -> tuple[list[str], list[list[str]]]:
    """The first <table>: its first row is the header."""
    parser = TableParser()
    parser.feed(text)
    parser.close()
    parser.close_cell()
    rows = [row for row in parser.rows if row]
    if not rows:
        raise ToolInputError("No HTML table found: <table><tr><th>…</th></tr>…</table>.")
    return rows[0], rows[1:]
