"""Preview Markdown as you type (CommonMark, GFM tables, task lists, footnotes) and copy the sanitized HTML."""

from __future__ import annotations

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import validate_request, validate_response

from core.forms import ToolInputError, api_error, read_form
from core.registry import Tool
from core.render import render_tool, share_url
from tools.markdown.sandbox import MEMORY_LIMIT, TIME_LIMIT, Outcome, render_isolated

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

MAX_INPUT = 1_000_000


class MarkdownInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description="Markdown: CommonMark with GFM tables, ~~strikethrough~~, - [ ] task lists and [^1] footnotes.",
    )


class MarkdownOutput(BaseModel):
    html: str = Field(description="The rendered HTML, sanitized: no scripts, event handlers or unsafe links.")


class RenderUnavailable(Exception):
    pass


def outcome_html(outcome: Outcome) -> str:
    """The HTML of a render, or ToolInputError (the text's fault) / RenderUnavailable (the server's)."""
    if outcome.status == "ok":
        return outcome.html
    if outcome.status == "timeout":
        raise ToolInputError(
            f"rendering took longer than {TIME_LIMIT:g} s and was stopped: the text is too long, or has "
            "constructs that are slow to render (thousands of nested brackets, emphasis marks or task list "
            "items); try a part of it"
        )
    if outcome.status == "memory":
        raise ToolInputError(f"rendering needed more than {MEMORY_LIMIT // 2**20:,} MB of memory and was stopped")
    if outcome.status == "failed":
        raise ToolInputError(f"the renderer could not process this text ({outcome.detail})")
    raise RenderUnavailable(outcome.detail)


UNAVAILABLE = "The renderer could not be started just now; please try again in a moment."


@bp.route("/tools/markdown/", methods=["GET", "POST"])
async def page():
    form = await read_form(MarkdownInput)
    result = None
    status = 200
    if form.data:
        try:
            result = MarkdownOutput(html=outcome_html(await render_isolated(form.data.input)))
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
        except RenderUnavailable:
            form = form._replace(errors={"": UNAVAILABLE})
            status = 503
    return await render_tool(
        TOOL,
        status=status if status != 200 else (422 if form.errors else 200),
        form=form,
        result=result,
        share=share_url(TOOL.page_url, form.values) if result and form.data.input else None,
    )


@bp.post("/api/markdown")
@validate_request(MarkdownInput)
@validate_response(MarkdownOutput)
async def api(data: MarkdownInput):
    """Render Markdown to sanitized HTML (CommonMark, GFM tables, strikethrough, task lists, footnotes)."""
    try:
        return MarkdownOutput(html=outcome_html(await render_isolated(data.input)))
    except ToolInputError as exc:
        return api_error(exc.message, exc.field, 422)
    except RenderUnavailable:
        return api_error(UNAVAILABLE, None, 503)
