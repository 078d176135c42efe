"""Query JSON with JSONPath or jq: every match with its path (RFC 9535 normalized path, or jq's)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.bounded_render import render_limits
from core.operations import Operation
from core.registry import Tool
from tools.jsonpath.queries import MAX_MATCHES, CappedTexts, raw_text, run_query

MAX_INPUT = 1_000_000
MAX_QUERY = 2_000
Language = Literal["jsonpath", "jq"]
Layout = Literal["array", "lines", "raw"]


class QueryInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, title="JSON document", description="One JSON value (RFC 8259).")
    query: str = Field(
        max_length=MAX_QUERY,
        description="JSONPath, e.g. $.store.book[?(@.price < 10)].title, or a jq program, e.g. .store.book[].title.",
    )
    language: Language = Field(
        default="jsonpath",
        description="jsonpath (jsonpath-ng's extended syntax) or jq (the jq language, libjq from the jq bindings).",
    )
    output: Layout = Field(
        default="array",
        description="The result text: array (the matches as one JSON array), lines (one JSON value per line, "
        "like jq -c) or raw (strings without quotes, like jq -r).",
    )


class MatchOut(BaseModel):
    path: str | None = Field(
        description="Where the value is: $['a'][0] (JSONPath, RFC 9535 normalized path) or .a[0] (jq); null "
        "for a computed value."
    )
    value: str = Field(description="The value as JSON text.")


class QueryOutput(BaseModel):
    result: str = Field(description="The matched values, laid out as the `output` option says.")
    count: int = Field(description="How many matches are listed.")
    truncated: bool = Field(description=f"True when the query yields more than {MAX_MATCHES:,} values.")
    matches: list[MatchOut]
    notes: list[str] = Field(description="Things worth knowing about the result, in words.")


def query_json(data: QueryInput) -> QueryOutput:
    """Run a JSONPath query or a jq program over a JSON document: the matches, their paths, one result text."""
    found = run_query(data.input, data.query, data.language)
    texts = CappedTexts()
    values = [m.value for m in found.matches]
    if data.output == "array":
        result = texts.text(values, indent=2)
    elif data.output == "lines":
        result = "\n".join(texts.text(v) for v in values)
    else:
        result = "\n".join(raw_text(v, texts) for v in values)
    matches = [MatchOut(path=m.path, value=texts.text(m.value)) for m in found.matches]
    notes = [found.note] if found.note else []
    if found.truncated:
        notes.append(f"Only the first {MAX_MATCHES:,} matches are shown.")
    if not matches:
        notes.append("Nothing matches.")
    return QueryOutput(result=result, count=len(matches), truncated=found.truncated, matches=matches, notes=notes)


# Short enough for the examples' links (a share link carries the whole document).
SHOP = '{"books": [{"title": "Moby Dick", "price": 8.99}, {"title": "Dune", "price": 22.99}], "bike": {"color": "red"}}'


TOOL = Tool(
    slug="jsonpath",
    title="JSONPath and jq",
    category="Data",
    icon="search-code",
    keywords=("jsonpath", "jq", "query", "json", "filter", "rfc 9535", "select"),
    examples=(
        ("JSONPath: every title", {"input": SHOP, "query": "$.books[*].title"}),
        ("JSONPath filter: under 10", {"input": SHOP, "query": "$..books[?(@.price < 10)].title"}),
        ("jq: titles, raw", {"input": SHOP, "query": ".books[].title", "language": "jq", "output": "raw"}),
        ("jq: a computed sum", {"input": SHOP, "query": "[.books[].price] | add", "language": "jq"}),
    ),
    operations=(
        Operation(
            QueryInput,
            query_json,
            QueryOutput,
            primary="result",
            # A jq program can loop forever (`repeat(1)`, `def f: f; f`) and a regex can backtrack: in the
            # bounded executor, under its time, memory and output limits.
            bounded=True,
            # What a page shows: at most the render cap (4 MB), not the 16 MB of a download.
            adjust_limits=lambda limits: render_limits(),
            ready=lambda data: bool(data.query.strip()),
        ),
    ),
)
