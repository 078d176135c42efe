"""Preview Markdown as you type (CommonMark, GFM tables, task lists, footnotes) and copy the sanitized HTML."""

from __future__ import annotations

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import validate_request, validate_response

from core.bounded_render import render_limits, site_hosts
from core.executor import run_bounded
from core.forms import ToolInputError, read_form
from core.markdown import render_markdown
from core.registry import Tool
from core.render import render_tool, share_url

TOOL = Tool(
    slug="markdown",
    title="Markdown preview",
    category="Text",
    keywords=("markdown", "commonmark", "gfm", "preview", "html", "render", "footnotes", "task list", "table"),
    examples=(
        (
            "Emphasis, code and a link",
            {"input": "# Title\n\nSome *emphasis*, **strong**, `code` and a [link](https://example.com)."},
        ),
        ("GFM table", {"input": "| Tool | Category |\n|------|----------|\n| Hash | Crypto |\n| Cron | Time |"}),
        ("Task list and footnote", {"input": "- [x] Write tests\n- [ ] Ship it[^1]\n\n[^1]: After review."}),
    ),
)
bp = Blueprint("markdown", __name__)

# Rendering takes about 170 bytes of memory per character of input: 400,000 fit WORK_MEMORY_MB (96 MB).
MAX_INPUT = 400_000


class MarkdownInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description="Markdown: CommonMark with GFM tables, ~~strikethrough~~, - [ ] task lists and [^1] footnotes.",
    )


class MarkdownOutput(BaseModel):
    html: str = Field(description="The rendered HTML, sanitized: no scripts, event handlers or unsafe links.")


async def render(source: str) -> MarkdownOutput:
    """Sanitized HTML, raw HTML in the source kept where safe; WorkLimitExceeded (a 422) past the limits."""
    html = await run_bounded(render_markdown, source, True, site_hosts(), limits=render_limits())
    return MarkdownOutput(html=html)


@bp.route("/tools/markdown/", methods=["GET", "POST"])
async def page():
    form = await read_form(MarkdownInput)
    result = None
    if form.data:
        try:
            result = await render(form.data.input)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    return await render_tool(
        TOOL,
        form=form,
        result=result,
        share=share_url(TOOL.page_url, form.values) if result and form.data.input else None,
    )


@bp.post("/api/markdown")
@validate_request(MarkdownInput)
@validate_response(MarkdownOutput)
async def api(data: MarkdownInput):
    """Render Markdown to sanitized HTML (CommonMark, GFM tables, strikethrough, task lists, footnotes)."""
    return await render(data.input)
