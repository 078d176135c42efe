"""Preview Markdown as you type (CommonMark, GFM tables, task lists, footnotes) and copy the sanitized HTML."""

from __future__ import annotations

from pydantic import BaseModel, Field
from quart import Blueprint, make_response

from core.bounded_render import render_limits
from core.forms import FormInput, ToolInputError, read_form
from core.hosts import site_hosts
from core.markdown import render_markdown
from core.operations import Operation, execute
from core.registry import Tool
from core.render import is_htmx, render_template, share_url
from tools.markdown.table import TableInput, TableOutput, make_table

# The platform adds the preview page and the API routes; the table generator's form posts to its own route.
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


def render(data: MarkdownInput, hosts: frozenset[str]) -> MarkdownOutput:
    """Render Markdown to sanitized HTML (CommonMark, GFM tables, strikethrough, task lists, footnotes)."""
    return MarkdownOutput(html=render_markdown(data.input, True, hosts))  # raw HTML kept where safe


TABLE = Operation(
    TableInput,
    make_table,
    TableOutput,
    primary="result",
    primary_input="csv",
    name="table",
    # Padding every cell to its column's width: bounded, and shown in a page, like the preview.
    bounded=True,
    adjust_limits=lambda limits: render_limits(),
    example={"csv": "Tool,Category\nHash,Crypto\nCron | cron,Time", "align": "left"},
)
TABLE_PAGE = "/tools/markdown/table/"


@bp.route(TABLE_PAGE, methods=["GET", "POST"])
async def table_page():
    """The table generator's form on the Markdown page: its result alone for htmx, else the whole page."""
    form = await read_form(TableInput)
    table = None
    if form.data is not None and form.data.csv.strip():
        try:
            table = await execute(TABLE, form.data)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    share = share_url(TABLE_PAGE, form.values) if table else None
    context = {"table_form": form, "table": table, "table_share": share}
    if is_htmx():
        body = await render_template("markdown/_table_result.html", **context)
    else:
        empty = FormInput(None, {}, {}, tuple(MarkdownInput.model_fields))
        body = await render_template("markdown/index.html", form=empty, result=None, share=None, **context)
    response = await make_response(body, 422 if form.errors else 200)
    response.vary.add("HX-Request")
    return response


TOOL = Tool(
    slug="markdown",
    title="Markdown preview",
    category="Text",
    icon="file-text",
    keywords=(
        "markdown",
        "commonmark",
        "gfm",
        "preview",
        "html",
        "render",
        "footnotes",
        "task list",
        "table generator",
        "csv to markdown",
    ),
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
        TABLE,
    ),
)
