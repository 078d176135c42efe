"""Generate UUIDs (v1, v4, v7) and ULIDs, or decode one: version, variant and embedded time."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.operations import Operation
from core.registry import Tool
from tools.uuid.ids import MAX_COUNT, Decoded, decode, generate

MAX_DECODE_INPUT = 100
Version = Literal["v1", "v4", "v7", "ulid"]
VERSION_LABELS = {
    "v4": "UUID v4 (random)",
    "v7": "UUID v7 (Unix time + random, sortable)",
    "v1": "UUID v1 (Gregorian time + random node)",
    "ulid": "ULID (time + random, Crockford base32)",
}


class UuidInput(BaseModel):
    mode: Literal["generate", "decode"] = Field(
        default="generate", description="generate: new identifiers; decode: read the one in `input`."
    )
    version: Version = Field(default="v4", description="What to generate: UUID v1, v4, v7, or a ULID.")
    count: int = Field(default=1, ge=1, le=MAX_COUNT, description=f"How many to generate, 1-{MAX_COUNT}.")
    case: Literal["canonical", "lower", "upper"] = Field(
        default="canonical",
        description="canonical: lowercase UUIDs (RFC 9562) and uppercase ULIDs (ULID spec); or force lower/upper.",
    )
    hyphens: bool = Field(default=True, description="UUIDs with hyphens (8-4-4-4-12) or as 32 bare hex digits.")
    input: str = Field(
        default="",
        max_length=MAX_DECODE_INPUT,
        description="mode=decode: a UUID (hyphens, {braces}, urn:uuid: optional) or a 26-character ULID.",
    )


class UuidOutput(BaseModel):
    mode: Literal["generate", "decode"]
    version: Version | None = Field(description="mode=generate: what was generated; null when decoding.")
    values: list[str] | None = Field(description="mode=generate: the identifiers, in generation order.")
    decoded: Decoded | None = Field(description="mode=decode: what the identifier contains.")


def run(data: UuidInput) -> UuidOutput:
    """Generate or decode as the input asks; raises ToolInputError naming the field."""
    if data.mode == "decode":
        return UuidOutput(mode="decode", version=None, values=None, decoded=decode(data.input))
    values = generate(data.version, data.count, data.case, data.hyphens)
    return UuidOutput(mode="generate", version=data.version, values=values, decoded=None)


def first_id(output: UuidOutput) -> str:
    """The first generated identifier, or the decoded one in its canonical form."""
    return output.values[0] if output.values else output.decoded.canonical


def page_context(form, result: UuidOutput | None) -> dict:
    context = {"labels": VERSION_LABELS, "max_count": MAX_COUNT}
    # Generated values are random, so only a decoded result has a link that reproduces it.
    return context if result and result.mode == "decode" else context | {"share": None}


TOOL = Tool(
    slug="uuid",
    title="UUID / ULID",
    category="Generators",
    icon="fingerprint",
    keywords=("guid", "ulid", "uuid4", "uuid7", "uuidv7", "uuid1", "rfc 9562", "decode", "timestamp", "random id"),
    examples=(
        ("Decode the RFC 9562 v7 example", {"mode": "decode", "input": "017F22E2-79B0-7CC3-98C4-DC0C0C07398F"}),
        ("Generate 5 UUID v7", {"mode": "generate", "version": "v7", "count": "5"}),
        ("Decode a ULID", {"mode": "decode", "input": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}),
        (
            "3 v4, upper case, no hyphens",
            {"mode": "generate", "version": "v4", "count": "3", "case": "upper", "hyphens": "false"},
        ),
    ),
    operations=(
        Operation(
            UuidInput,
            run,
            UuidOutput,
            primary=first_id,
            summary="Generate UUIDs (v1, v4, v7) or ULIDs (mode=generate), or decode one (mode=decode, field input).",
            context=page_context,
            varies=True,  # new identifiers on every call, and on every view of the page
        ),
    ),
)
