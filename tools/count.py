"""Count the characters, words, lines and UTF-8 bytes of a text."""

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import validate_request

from core.forms import read_form
from core.registry import Tool
from core.render import render_tool, share_url

TOOL = Tool(slug="count", title="Count", category="Text", keywords=("characters", "words", "length"))
bp = Blueprint("count", __name__)


class CountInput(BaseModel):
    input: str = Field(max_length=1_000_000, description="The text to count.")


def count(text: str) -> dict[str, int]:
    return {"characters": len(text), "words": len(text.split()), "lines": len(text.splitlines()),
            "bytes": len(text.encode())}


@bp.route("/tools/count/", methods=["GET", "POST"])
async def page():
    form = await read_form(CountInput)
    result = count(form.data.input) if form.data else None
    return await render_tool(TOOL, status=422 if form.errors else 200, form=form, result=result,
                             share=share_url(TOOL.page_url, form.values) if result else None)


@bp.post("/api/count")
@validate_request(CountInput)
async def api(data: CountInput) -> dict[str, int]:
    """Count characters, words, lines and bytes."""
    return count(data.input)
