"""Look up HTTP status codes: meaning and defining RFC section, searchable by code, phrase or words."""

from __future__ import annotations

from pydantic import BaseModel, Field, ValidationError
from quart import Blueprint, request
from quart_schema import validate_request, validate_response

from core.forms import FormInput, first_error
from core.registry import Tool
from core.render import render_tool, share_url
from tools.http_status.codes import CLASSES, Status, by_class, search

TOOL = Tool(
    slug="http-status",
    title="HTTP status codes",
    category="Network",
    keywords=("http", "status", "code", "404", "rfc 9110", "response", "error", "redirect"),
    examples=(
        ("404", {"q": "404"}),
        ("Every 4xx", {"q": "4xx"}),
        ("“too many”", {"q": "too many"}),
        ("RFC 6585", {"q": "rfc 6585"}),
    ),
)
# The package cannot be named after the slug (a hyphen is not valid in a Python name); the blueprint is.
bp = Blueprint("http-status", __name__)

MAX_QUERY = 100


class StatusQuery(BaseModel):
    input: str = Field(
        default="",
        max_length=MAX_QUERY,
        description="A code (404), a class or prefix (4xx, 40), or words to find in the phrase, meaning or "
        "reference (not found, rfc 6585); empty lists every code.",
    )


class StatusEntry(BaseModel):
    code: int
    phrase: str = Field(description="The reason phrase registered with IANA.")
    meaning: str = Field(description="What the code means, in one sentence.")
    reference: str = Field(description="The RFC section that defines the code.")
    status_class: str = Field(description="The class, e.g. '4xx Client error'.")


class StatusResults(BaseModel):
    query: str
    entries: list[StatusEntry] = Field(description="Matching codes; empty when nothing matches.")


def entry(status: Status) -> StatusEntry:
    return StatusEntry(**status._asdict(), status_class=CLASSES[status.code // 100])


@bp.route("/tools/http-status/", methods=["GET", "POST"])
async def page():
    source = request.args if request.method == "GET" else await request.form
    # The search box is named q (a GET search form); `input`, the API's name, works in links too.
    query = source.get("q", source.get("input", ""))
    try:
        StatusQuery.model_validate({"input": query})
    except ValidationError as exc:  # the only constraint is the length
        errors = {"q": first_error(exc)[0]}
        form = FormInput(None, {"q": query}, errors, ("q",))
        return await render_tool(TOOL, status=422, form=form, groups=[], count=0, share=None)
    found = search(query)
    form = FormInput(StatusQuery(input=query), {"q": query}, {}, ("q",))
    return await render_tool(
        TOOL,
        form=form,
        groups=by_class(found),
        count=len(found),
        share=share_url(TOOL.page_url, {"q": query}) if query.strip() else None,
    )


@bp.post("/api/http-status")
@validate_request(StatusQuery)
@validate_response(StatusResults)
async def api(data: StatusQuery) -> StatusResults:
    """Find HTTP status codes by code, class or words; an unknown code gives an empty list."""
    return StatusResults(query=data.input, entries=[entry(s) for s in search(data.input)])
