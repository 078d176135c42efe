"""Rows of text cells written as a Markdown (GFM) table or an HTML table: shared by the tools that make tables."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Literal

from core.limits import join_capped

Align = Literal["none", "left", "center", "right"]
PAD_LIMIT = 200_000  # columns are padded to equal widths only while the padded table stays this small
_PIPE = re.compile(r"(\\*)\|")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def markdown_cell(text: str) -> str:
    """A cell's text for a GFM table: a pipe escaped as \\| (with any backslashes just before it doubled, so they
    stay backslashes), line breaks as <br>. The rest is Markdown, as typed: **bold** stays bold."""
    text = _PIPE.sub(lambda m: m.group(1) * 2 + "\\|", text)
    return _NEWLINE.sub("<br>", text).strip()


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[Align] | Align = "none"
) -> str:
    """A GFM table (GitHub Flavored Markdown spec, section 4.10): header row, delimiter row, one line per row."""
    width = len(headers)
    aligns = [align] * width if isinstance(align, str) else [*align, *["none"] * (width - len(align))]
    head = [markdown_cell(h) for h in headers]
    body = [[markdown_cell(c) for c in row] + [""] * (width - len(row)) for row in rows]
    widths = [max([len(head[i]), 3, *(len(r[i]) for r in body)]) for i in range(width)]
    if sum(widths) * (len(body) + 2) > PAD_LIMIT:  # one long cell would pad every row: write them unpadded
        widths = [3] * width
    delimiter = [delimiter_cell(aligns[i], widths[i]) for i in range(width)]
    lines = (line(cells, widths, aligns) for cells in [head, delimiter, *body])
    return join_capped(lines)


def delimiter_cell(align: Align, width: int) -> str:
    """---, :---, :---: or ---: as wide as the column."""
    left, right = {"none": ("", ""), "left": (":", ""), "center": (":", ":"), "right": ("", ":")}[align]
    return left + "-" * (width - len(left) - len(right)) + right


def line(cells: Sequence[str], widths: Sequence[int], aligns: Sequence[Align]) -> str:
    return "| " + " | ".join(pad(c, widths[i], aligns[i]) for i, c in enumerate(cells)) + " |\n"


def pad(text: str, width: int, align: Align) -> str:
    if align == "right":
        return text.rjust(width)
    if align == "center":
        return text.center(width)
    return text.ljust(width)


def html_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table; every cell's text escaped (html.escape), so no cell can add markup."""

    def row(cells: Sequence[str], tag: str) -> str:
        return "    <tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>\n"

    parts = ["<table>\n  <thead>\n", row(headers, "th"), "  </thead>\n  <tbody>\n"]
    return join_capped([*parts, *(row(r, "td") for r in rows), "  </tbody>\n</table>\n"])
