"""Preview Markdown as you type (CommonMark, GFM tables, task lists, footnotes) and copy the sanitized HTML."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.bounded_render import render_limits
from core.hosts import site_hosts
from core.markdown import render_markdown
from core.operations import Operation
from core.registry import Tool

# Rendering takes about 170 bytes of memory per character of input: 400,000 fit WORK_MEMORY_MB (96 MB).
MAX_INPUT = 400_000


class MarkdownInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description="Markdown: CommonMark with GFM tables, ~~strikethrough~~, - [ ] task lists and [^1] footnotes.",
    )


class MarkdownOutput(BaseModel):
    html: str = Field(description="The rendered HTML, sanitized: no scripts, event handlers or unsafe links.")


def render(data: MarkdownInput, hosts: frozenset[str]) -> MarkdownOutput:
    """Render Markdown to sanitized HTML (CommonMark, GFM tables, strikethrough, task lists, footnotes)."""
    return MarkdownOutput(html=render_markdown(data.input, True, hosts))  # raw HTML kept where safe


TOOL = Tool(
    slug="markdown",
    title="Markdown preview",
    category="Text",
    icon="file-text",
    keywords=("markdown", "commonmark", "gfm", "preview", "html", "render", "footnotes", "task list", "table"),
    examples=(
        (
            "Emphasis, code and a link",
            {"input": "# Title\n\nSome *emphasis*, **strong**, `code` and a [link](https://example.com)."},
        ),
        ("GFM table", {"input": "| Tool | Category |\n|------|----------|\n| Hash | Crypto |\n| Cron | Time |"}),
        ("Task list and footnote", {"input": "- [x] Write tests\n- [ ] Ship it[^1]\n\n[^1]: After review."}),
    ),
    operations=(
        Operation(
            MarkdownInput,
            render,
            MarkdownOutput,
            primary="html",
            bounded=True,
            adjust_limits=lambda limits: render_limits(),
            # Links to /hooks/ or /s/ on one of this site's host names lose their URL: the names come from the request.
            request_args=lambda: (site_hosts(),),
            # An empty text renders (to nothing), but a link to an empty page is not worth offering.
            context=lambda form, result: {} if form.data and form.data.input else {"share": None},
        ),
    ),
)
