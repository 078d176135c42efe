"""Convert between epoch seconds/ms/µs/ns, ISO 8601 and RFC 2822, in any IANA time zone, relative to now."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field, field_validator
from quart import request

from core.forms import FormInput, read_form
from core.operations import Operation
from core.registry import Tool
from core.render import share_url
from core.zones import canonical_zone, zone_names
from tools.time.instant import TimeOutput, Unit, describe_instant

MAX_INPUT = 200
MAX_ZONES = 24
MAX_ZONE_NAME = 64
DEFAULT_ZONES = ("UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo")


class TimeInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description="Epoch digits (unit guessed by length unless `unit` says), ISO 8601, RFC 2822, or 'now'. "
        "A date-time without an offset is read in `zone`.",
    )
    zone: str = Field(default="UTC", max_length=MAX_ZONE_NAME, description="IANA time zone to show the instant in.")
    unit: Unit = Field(
        default="auto",
        description="Unit of an epoch number: auto (<=11 digits s, 12-13 ms, 14-16 µs, 17-19 ns), s, ms, us or ns.",
    )

    zones: list[str] = Field(
        default=list(DEFAULT_ZONES),
        description=f"IANA time zones to show the instant in side by side (at most {MAX_ZONES}); an item may hold "
        "several names separated by commas or spaces, as the page's text box does.",
    )

    @field_validator("zone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        return canonical_zone(value)

    @field_validator("zones", mode="before")
    @classmethod
    def split_zones(cls, value):
        return split_zone_list(value)

    @field_validator("zones")
    @classmethod
    def known_zones(cls, value: list[str]) -> list[str]:
        for name in value:
            if len(name) > MAX_ZONE_NAME:  # before looking for close names: difflib is slow on long text
                raise ValueError(f"{name[:20]!r}… is longer than {MAX_ZONE_NAME} characters: not a time zone")
        return list(dict.fromkeys(canonical_zone(name) for name in value))


def split_zone_list(value):
    """["UTC, Asia/Tokyo", "Europe/Paris"] -> ["UTC", "Asia/Tokyo", "Europe/Paris"]; other types go to pydantic."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return value
    names = [n for item in value for n in (item.replace(",", " ").split() if isinstance(item, str) else [item])]
    if len(names) > MAX_ZONES:
        raise ValueError(f"at most {MAX_ZONES} time zones, not {len(names)}")
    return names


def current_time() -> datetime:
    """The clock the views read (tests replace it)."""
    return datetime.now(UTC)


async def read_time_form() -> FormInput:
    """The form, where the "now" submit button (name="input", value="now") wins over the text box."""
    form = await read_form(TimeInput)
    if request.method == "POST" and "now" in (await request.form).getlist("input")[1:]:
        values = {**form.values, "input": "now"}
        errors = {k: v for k, v in form.errors.items() if k != "input"}
        data = None if errors else TimeInput.model_validate(values)
        form = form._replace(data=data, values=values, errors=errors)
    return form


def convert(data: TimeInput) -> TimeOutput:
    """Convert an epoch number, ISO 8601 or RFC 2822 time (or 'now') to every format, in UTC and one zone."""
    return describe_instant(data.input, data.zone, data.unit, current_time(), data.zones)


def page_context(form: FormInput, result: TimeOutput | None) -> dict:
    share = None
    if result:
        # "now" would mean another instant when the link is opened: the link carries the instant itself.
        shared = {**form.values, "zone": form.data.zone}
        if "zones" in shared:
            shared["zones"] = ", ".join(form.data.zones)
        if result.detected == "now":
            shared["input"] = result.utc.iso
        share = share_url(TOOL.page_url, shared)
    return {"zones": zone_names(), "share": share, "default_zones": DEFAULT_ZONES}


TOOL = Tool(
    slug="time",
    title="Time",
    category="Time",
    icon="clock",
    keywords=("epoch", "unix", "timestamp", "iso 8601", "rfc 2822", "timezone", "utc", "dst", "milliseconds"),
    examples=(
        ("Now in New York", {"input": "now", "zone": "America/New_York"}),
        ("Epoch 1700000000", {"input": "1700000000", "zone": "UTC"}),
        ("Epoch milliseconds in Tokyo", {"input": "1700000000123", "zone": "Asia/Tokyo", "unit": "ms"}),
        ("RFC 2822 date in Paris", {"input": "Tue, 01 Jul 2003 10:52:37 +0200", "zone": "Europe/Paris"}),
    ),
    operations=(
        Operation(
            TimeInput,
            convert,
            TimeOutput,
            example={"input": "1700000000", "zone": "America/New_York"},
            primary=lambda output: output.local.iso,  # ISO 8601 in the chosen zone (UTC by default)
            form=read_time_form,
            context=page_context,
            # The page opens on now: in UTC from the server, then in the visitor's zone (their browser knows it).
            first_load="run",
            first_input={"input": "now"},
            first_text="The time now, in UTC; with JavaScript on, your browser's time zone is filled in. "
            "Type any time above to convert it.",
            browser_zone="zone",
        ),
    ),
)
