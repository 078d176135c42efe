"""Render user content (Markdown, highlighting, pretty-printing) within limits, once per content.

Every renderer runs through the bounded executor. When a bound is hit the content is shown as escaped plain
text with a short note instead: never a 5xx, never a stalled worker. Results are kept in a small per-process
cache (bounded in bytes), so showing the same paste or note again does not render it again.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from core.executor import Limits, WorkLimitExceeded, default_limits, run_bounded
from core.hosts import site_hosts
from core.markdown import render_markdown

RENDER_OUTPUT_CAP = 4 * 2**20  # bytes of HTML one render may produce (a page, not a download)
CACHE_BYTES = 16 * 2**20  # per process


@dataclass(frozen=True)
class Rendered:
    html: Markup
    note: str = ""  # set when the content is shown as plain text instead, saying why

    @property
    def fell_back(self) -> bool:
        return bool(self.note)


class _Cache:
    """Least recently used renders, bounded by the total size of their HTML."""

    def __init__(self, budget: int) -> None:
        self.budget, self.size = budget, 0
        self.entries: OrderedDict[str, Rendered] = OrderedDict()

    def get(self, key: str) -> Rendered | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key: str, value: Rendered) -> None:
        if len(value.html) > self.budget // 4:
            return  # one huge render would push out everything else
        self.entries[key] = value
        self.size += len(value.html)
        while self.size > self.budget:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.html)


CACHE = _Cache(CACHE_BYTES)


def render_limits() -> Limits:
    limits = default_limits()
    return limits.replace(output_bytes=min(limits.output_bytes, RENDER_OUTPUT_CAP))


def plain_text(source: str, note: str) -> Rendered:
    return Rendered(Markup('<pre class="plain-fallback">') + escape(source) + Markup("</pre>"), note)


def _key(function: Callable, source: str, args: tuple) -> str:
    digest = hashlib.sha256(f"{function.__module__}.{function.__qualname__}{args!r}".encode())
    digest.update(source.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


async def render_bounded(function: Callable[..., str], source: str, *args) -> Rendered:
    """`function(source, *args)` (a pure function returning safe HTML) in the bounded executor, cached;
    escaped plain text with a note when it hits a limit."""
    key = _key(function, source, args)
    cached = CACHE.get(key)
    if cached is not None:
        return cached
    try:
        rendered = Rendered(Markup(await run_bounded(function, source, *args, limits=render_limits())))
    except WorkLimitExceeded as exc:
        rendered = plain_text(source, f"Shown as plain text: {exc.message}.")
    CACHE.put(key, rendered)
    return rendered


async def markdown_html(source: str, raw_html: bool = False) -> Rendered:
    """Markdown as safe HTML for a page of this site, bounded and cached."""
    return await render_bounded(render_markdown, source, raw_html, site_hosts())
