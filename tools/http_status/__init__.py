"""Look up HTTP status codes: meaning and defining RFC section, searchable by code, phrase or words."""

from __future__ import annotations

from pydantic import BaseModel, Field, ValidationError
from quart import request

from core.forms import FormInput, first_error
from core.operations import Operation
from core.registry import Tool
from tools.http_status.codes import CLASSES, Status, by_class, search

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


def find(data: StatusQuery) -> StatusResults:
    """Find HTTP status codes by code, class or words; an unknown code gives an empty list."""
    return StatusResults(query=data.input, entries=[entry(s) for s in search(data.input)])


async def read_search() -> FormInput:
    """The page's search: an empty one lists every code."""
    source = request.args if request.method == "GET" else await request.form
    # The search box is named q (a GET search form); `input`, the API's name, works in links too.
    query = source.get("q", source.get("input", ""))
    try:
        data = StatusQuery.model_validate({"input": query})
    except ValidationError as exc:  # the only constraint is the length
        return FormInput(None, {"q": query}, {"q": first_error(exc)[0]}, ("q",))
    return FormInput(data, {"q": query}, {}, ("q",))


def page_context(form: FormInput, result: StatusResults | None) -> dict:
    entries = result.entries if result else []
    no_link = {} if form.values["q"].strip() else {"share": None}  # every code is the empty page itself
    return {"groups": by_class(entries), "count": len(entries), **no_link}


TOOL = Tool(
    slug="http-status",
    title="HTTP status codes",
    category="Network",
    icon="server",
    keywords=("http", "status", "code", "404", "rfc 9110", "response", "error", "redirect"),
    examples=(
        ("404", {"q": "404"}),
        ("Every 4xx", {"q": "4xx"}),
        ("“too many”", {"q": "too many"}),
        ("RFC 6585", {"q": "rfc 6585"}),
    ),
    operations=(
        Operation(
            StatusQuery,
            find,
            StatusResults,
            primary=lambda output: "\n".join(f"{e.code} {e.phrase}" for e in output.entries),
            form=read_search,
            context=page_context,
            example={"input": "404"},
        ),
    ),
)
