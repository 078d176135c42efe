"""Compare two texts line by line: a unified diff, and a side-by-side view with the changed words marked."""

from __future__ import annotations

from quart import Blueprint
from quart_schema import validate_request, validate_response

from core.executor import run_bounded
from core.forms import ToolInputError, read_form
from core.registry import Tool
from core.render import render_tool, share_url
from tools.diff.engine import MAX_CONTEXT, MAX_LINES, DiffInput, DiffOutput, compare

TOOL = Tool(
    slug="diff",
    title="Text diff",
    category="Text",
    keywords=("compare", "difference", "unified diff", "side by side", "patch", "difflib", "changes"),
    examples=(
        (
            "Changed words",
            {
                "left": "The quick brown fox\njumps over\nthe lazy dog",
                "right": "The quick red fox\njumps over\nthe sleepy dog",
            },
        ),
        (
            "Config file, labelled",
            {
                "left": "host = localhost\nport = 8000\ndebug = true\n",
                "right": "host = 0.0.0.0\nport = 8000\ndebug = false\nworkers = 4\n",
                "left_label": "app.conf.old",
                "right_label": "app.conf",
                "context": "1",
            },
        ),
        (
            "Ignore spaces and case",
            {
                "left": "Hello  World\nfoo",
                "right": "hello world\nbar",
                "ignore_whitespace": "true",
                "ignore_case": "true",
            },
        ),
    ),
)
bp = Blueprint("diff", __name__)


async def compare_in_thread(data: DiffInput) -> DiffOutput:
    # difflib may work for up to a couple of seconds on large inputs: keep the event loop free meanwhile.
    return await run_bounded(compare, data)


@bp.route("/tools/diff/", methods=["GET", "POST"])
async def page():
    form = await read_form(DiffInput)
    result = None
    if form.data:
        try:
            result = await compare_in_thread(form.data)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    return await render_tool(
        TOOL,
        form=form,
        result=result,
        max_context=MAX_CONTEXT,
        max_lines=MAX_LINES,
        share=share_url(TOOL.page_url, form.values) if result else None,
    )


@bp.post("/api/diff")
@validate_request(DiffInput)
@validate_response(DiffOutput)
async def api(data: DiffInput):
    """Diff two texts: the unified diff text, change counts, and side-by-side rows with the changed words marked."""
    return await compare_in_thread(data)
