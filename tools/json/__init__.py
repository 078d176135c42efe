"""Validate JSON and pretty-print, minify or sort it, with errors that point at the line and column."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from quart import Blueprint, Response, current_app, request

from core.forms import ToolInputError
from core.operations import Operation, execute, page_form
from core.registry import Tool
from core.render import is_htmx, render_tool, share_url
from tools.json.formatting import JsonSyntaxError, format_json

# The page is the tool's own: a download button, and the excerpt of an error shown under the field.
bp = Blueprint("json", __name__)

MAX_INPUT = 6_000_000
# Longer results are shown cut (the download button gives the whole text): a browser tab holding
# several megabytes of <pre> text becomes sluggish.
MAX_SHOWN = 1_000_000
DOWNLOAD_NAME = "formatted.json"
Indent = Literal["2", "4", "tab", "minify"]


class JsonInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, description="The JSON text (RFC 8259) to check and format.")
    indent: Indent = Field(default="2", description="2 or 4 spaces, a tab per level, or minify (no whitespace at all).")
    sort_keys: bool = Field(default=False, description="Sort the keys of every object (by code point).")
    ensure_ascii: bool = Field(default=False, description="Write every non-ASCII character as a \\uXXXX escape.")


class DuplicateKeyOut(BaseModel):
    path: str = Field(
        description='Where the object is, e.g. users[2].address; "" for the top level; "(replaced)" for an object '
        "that was itself the losing value of a duplicate key."
    )
    key: str
    count: int = Field(description="How many times the key appears in that object.")


class JsonOutput(BaseModel):
    valid: bool = Field(description="Always true: invalid JSON gets a 422 error naming the line and column.")
    result: str = Field(description="The formatted JSON text.")
    characters: int = Field(description="Length of the result in characters.")
    duplicate_keys: list[DuplicateKeyOut] = Field(description="Keys that appear more than once in an object.")
    warnings: list[str] = Field(description="Things worth knowing about the input, in words.")


def format_document(data: JsonInput) -> JsonOutput:
    """Validate JSON and format it: indent 2/4/tab or minify, optionally with sorted keys or ASCII only."""
    formatted = format_json(data.input, data.indent, data.sort_keys, data.ensure_ascii)
    return JsonOutput(
        valid=True,
        result=formatted.text,
        characters=len(formatted.text),
        duplicate_keys=[DuplicateKeyOut(path=d.path, key=d.key, count=d.count) for d in formatted.duplicates],
        warnings=formatted.warnings,
    )


def shown_part(text: str) -> str:
    """The result, or its first MAX_SHOWN characters cut at a line end when there is one."""
    if len(text) <= MAX_SHOWN:
        return text
    cut = text.rfind("\n", 0, MAX_SHOWN)
    return text[: cut if cut > 0 else MAX_SHOWN]


def download(formatted: JsonOutput) -> Response:
    return Response(
        formatted.result,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{DOWNLOAD_NAME}"'},
    )


@bp.route("/tools/json/", methods=["GET", "POST"])
async def page():
    # The form posts multipart (no percent-encoding: a 5 MB document stays about 5 MB), and Quart
    # caps a multipart text field at MAX_FORM_MEMORY_SIZE (500 kB): lift that for this page only;
    # the body as a whole stays under MAX_CONTENT_LENGTH.
    request.max_form_memory_size = current_app.config["MAX_CONTENT_LENGTH"]
    form = await page_form(TOOL, FORMAT)  # on a first load, the example
    wants_download = request.method == "POST" and (await request.form).get("download") == "1"
    result = excerpt = None
    if form.data and form.data.input.strip():
        try:
            result = await execute(FORMAT, form.data)
        except JsonSyntaxError as exc:
            form = form._replace(errors={exc.field: exc.summary})
            excerpt = exc.excerpt
        except ToolInputError as exc:
            form = form._replace(errors={exc.field: exc.message})
    if result is not None and wants_download and not is_htmx():
        return download(result)
    return await render_tool(
        TOOL,
        form=form,
        result=result,
        shown=shown_part(result.result) if result else None,
        excerpt=excerpt,
        share=share_url(TOOL.page_url, form.values) if result else None,
    )


FORMAT = Operation(
    JsonInput,
    format_document,
    JsonOutput,
    primary="result",
    # Parsing and writing take memory many times the text's size (numbers keep their spelling, duplicates
    # are tracked): in the executor, under its memory and output limits.
    bounded=True,
    live_max_bytes=200_000,  # formatting is linear, but a larger document on every keystroke is a lot of waiting
)

TOOL = Tool(
    slug="json",
    title="JSON formatter",
    category="Data",
    icon="braces",
    keywords=("json", "validate", "pretty print", "beautify", "minify", "sort keys", "lint"),
    examples=(
        (
            "Pretty-print, sorted keys",
            {
                "input": '{"name":"mytools","tags":["quart","htmx"],"version":1,"active":true}',
                "indent": "2",
                "sort_keys": "true",
            },
        ),
        ("Minify", {"input": '{\n  "a": [1, 2, 3],\n  "b": {"c": null}\n}', "indent": "minify"}),
        ("Duplicate key", {"input": '{"id": 1, "name": "a", "id": 2}', "indent": "2"}),
        ("Escape non-ASCII", {"input": '{"city": "Zürich", "smile": "🙂"}', "indent": "2", "ensure_ascii": "true"}),
    ),
    own_page=True,
    operations=(FORMAT,),
)
