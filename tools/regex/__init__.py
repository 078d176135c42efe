"""Test a Python regular expression: every match with its groups, highlighted in the text, and a re.sub preview."""

from __future__ import annotations

from quart import Blueprint
from quart_schema import validate_request, validate_response

from core.executor import run_bounded
from core.forms import ToolInputError, read_form
from core.registry import Tool
from core.render import render_tool, share_url
from tools.regex.engine import (
    FLAGS,
    MAX_LISTED,
    RegexInput,
    RegexOutput,
    highlight,
    run_regex,
)

TOOL = Tool(
    slug="regex",
    title="Regex tester",
    category="Text",
    keywords=("regular expression", "regexp", "re", "match", "groups", "sub", "replace", "python"),
    examples=(
        (
            "Named groups, reorder dates",
            {
                "pattern": r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})",
                "input": "Released 2024-03-15, patched 2024-04-02.",
                "replacement": r"\g<d>/\g<m>/\g<y>",
            },
        ),
        (
            "Log lines, ignoring case",
            {
                "pattern": r"^error: (.+)$",
                "input": "Error: disk full\nok\nERROR: timeout",
                "flags": ["IGNORECASE", "MULTILINE"],
            },
        ),
        (
            "E-mail addresses",
            {
                "pattern": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
                "input": "Write to ada@example.org or grace+lists@example.co.uk.",
            },
        ),
    ),
)
bp = Blueprint("regex", __name__)

FLAG_LETTERS = {"IGNORECASE": "i", "MULTILINE": "m", "DOTALL": "s", "VERBOSE": "x", "ASCII": "a"}


async def run_in_thread(data: RegexInput) -> RegexOutput:
    # The engine releases the GIL while it matches (concurrent=True), so a slow pattern does not hold up
    # the other requests of this worker for the second it may take.
    return await run_bounded(run_regex, data)


@bp.route("/tools/regex/", methods=["GET", "POST"])
async def page():
    form = await read_form(RegexInput)
    result = segments = None
    if form.data:
        data = form.data
        if data.replacement == "":
            data = data.model_copy(update={"replacement": None})  # the form's empty box: no substitution
        try:
            result = await run_in_thread(data)
            segments = highlight(data.input, result.matches)
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    return await render_tool(
        TOOL,
        form=form,
        result=result,
        segments=segments,
        flag_names=list(FLAGS),
        flag_letters=FLAG_LETTERS,
        max_listed=MAX_LISTED,
        share=share_url(TOOL.page_url, form.values) if result else None,
    )


@bp.post("/api/regex")
@validate_request(RegexInput)
@validate_response(RegexOutput)
async def api(data: RegexInput):
    """Run a Python regular expression: matches with numbered and named groups, and an optional re.sub result."""
    return await run_in_thread(data)
