"""Check a crontab expression, explain it in English and list its next runs in any time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field, field_validator

from core.forms import FormInput
from core.operations import Operation
from core.registry import Tool
from core.render import share_url
from core.zones import canonical_zone, zone_names
from tools.cron.schedule import CronOutput, next_runs

MAX_INPUT = 200


class CronInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description="A 5-field crontab(5) expression (minute hour day-of-month month day-of-week) or a macro "
        "(@hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually). 6-field (seconds) forms are refused.",
    )
    zone: str = Field(default="UTC", max_length=64, description="IANA time zone the schedule runs in.")
    count: int = Field(default=10, ge=1, le=50, description="How many next runs to list, 1-50.")

    @field_validator("zone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        return canonical_zone(value)


def current_time() -> datetime:
    """The clock the views read (tests replace it)."""
    return datetime.now(UTC)


def explain(data: CronInput, now: datetime) -> CronOutput:
    """Explain a cron expression and list its next runs (after now) in a time zone."""
    return next_runs(data.input, data.zone, data.count, now)


def page_context(form: FormInput, result: CronOutput | None) -> dict:
    # The link names the zone as the API answers it (europe/london -> Europe/London).
    shared = {**form.values, "zone": form.data.zone} if result else {}
    return {"zones": zone_names(), "share": share_url(TOOL.page_url, shared) if result else None}


TOOL = Tool(
    slug="cron",
    title="Cron",
    category="Time",
    icon="calendar-clock",
    keywords=("crontab", "schedule", "next run", "cron expression", "explain", "timezone", "dst"),
    examples=(
        ("Weekdays at 9:00, Berlin", {"input": "0 9 * * 1-5", "zone": "Europe/Berlin"}),
        ("Every 15 minutes", {"input": "*/15 * * * *", "zone": "UTC", "count": "5"}),
        ("2:30 daily across DST, New York", {"input": "30 2 * * *", "zone": "America/New_York"}),
        ("@monthly", {"input": "@monthly", "zone": "UTC"}),
    ),
    operations=(
        Operation(
            CronInput,
            explain,
            CronOutput,
            primary="description",
            request_args=lambda: (current_time(),),
            varies=True,  # the next runs and "now" move with the clock
            first_load="example",
            context=page_context,
        ),
    ),
)
