"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitizes."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is shown as text, and nh3 removes anything unsafe that remains
# (javascript: links, event handlers), so a note can never run script.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"table", "thead", "tbody", "tr", "th", "td", "s", "del", "pre", "code", "hr"}


def render_markdown(source: str) -> str:
    return nh3.clean(
        _markdown.render(source),
        tags=ALLOWED_TAGS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
