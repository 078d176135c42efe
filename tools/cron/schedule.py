"""Explain a cron expression (cron-descriptor) and list its next runs in a time zone (cronsim); no Quart imports."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import islice
from zoneinfo import ZoneInfo

from cron_descriptor import ExpressionDescriptor, Options
from cronsim import CronSim, CronSimError
from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.timefmt import relative
from tools.cron.expression import FIELDS, Expression, parse_expression

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DESCRIPTION_OPTIONS = Options(locale_code="en_US", use_24hour_time_format=True, day_of_week_start_index_zero=True)


class Run(BaseModel):
    local: str = Field(description="ISO 8601 in the chosen zone, with its offset.")
    utc: str = Field(description="ISO 8601 in UTC.")
    abbreviation: str = Field(description="The zone's abbreviation at that time, e.g. BST.")
    day_of_week: str
    relative: str = Field(description='Relative to now, e.g. "in 3 h".')
    note: str | None = Field(description="Set when a daylight-saving change moves or doubles this run.")


class CronOutput(BaseModel):
    expression: str = Field(description="The five fields read (a macro such as @daily expanded).")
    macro: str | None = Field(description="The macro given, if any.")
    description: str = Field(description="The schedule in English (cron-descriptor).")
    zone: str
    now: str = Field(description="The runs listed are the first ones after this instant (UTC).")
    runs: list[Run]
    notes: list[str]


def iso(moment: datetime) -> str:
    """ISO 8601; "Z" only for UTC itself (a zone that happens to be at +00:00, like London in winter, says so)."""
    return moment.isoformat().replace("+00:00", "Z") if moment.tzinfo is UTC else moment.isoformat()


def describe(expression: Expression, day_and: bool) -> tuple[str, list[str]]:
    """cron-descriptor's English, corrected where crontab(5)'s day-field rule makes "or" an "and"."""
    try:
        text = ExpressionDescriptor(expression.fields, DESCRIPTION_OPTIONS).get_description()
    except Exception:  # noqa: BLE001 - the schedule below is still right; only the words are missing
        return "(no description available for this expression)", []
    dom, dow = expression.fields.split()[2], expression.fields.split()[4]
    if day_and and dom != "*" and dow != "*":
        # crontab(5): when day-of-month or day-of-week starts with '*', both must match (e.g. "*/2" with
        # "SUN" = Sundays with odd dates); cron-descriptor always writes "or".
        text = text.replace(", or on ", ", and only on ")
        return text, [
            f"a day must match both day-of-month ({dom}) and day-of-week ({dow}), because one of them starts "
            "with '*' (crontab(5)); when neither does, either one is enough"
        ]
    return text, []


def dst_note(run: datetime, sim: CronSim) -> str | None:
    """Say when a daylight-saving change moved this run, or when its wall-clock time happens twice."""
    wall = f"{run:%H:%M}"
    if run.minute not in sim.minutes or run.hour not in sim.hours:
        return (
            "moved: the scheduled time does not exist that day (the clocks go forward); it runs right after the "
            "change instead, as Debian cron does"
        )
    other = run.replace(fold=1 - run.fold)
    if other.utcoffset() != run.utcoffset():
        if sim.fixup_tz is not None:
            return (
                f"{wall} happens twice that day (the clocks go back): cron runs it once, at the first ({run.tzname()})"
            )
        which = "first" if run.fold == 0 else "second"
        return f"{wall} happens twice that day (the clocks go back): this is the {which} ({run.tzname()})"
    return None


def next_runs(text: str, zone_name: str, count: int, now: datetime) -> CronOutput:
    """Check and explain `text`, and list its first `count` runs after `now` in `zone_name` (a valid IANA name)."""
    expression = parse_expression(text)
    zone = UTC if zone_name == "UTC" else ZoneInfo(zone_name)
    try:
        sim = CronSim(expression.fields, now.astimezone(zone))
    except CronSimError as exc:
        raise ToolInputError(cronsim_message(str(exc), expression)) from None
    runs = list(islice(sim, count))
    description, notes = describe(expression, sim.day_and)
    if len(runs) < count:
        notes.append(f"only {len(runs)} run{'s' if len(runs) != 1 else ''} in the 50 years after now")
    return CronOutput(
        expression=expression.fields,
        macro=expression.macro,
        description=description,
        zone=zone_name,
        now=iso(now.astimezone(UTC).replace(microsecond=0)),
        runs=[
            Run(
                local=iso(run),
                utc=iso(run.astimezone(UTC)),
                abbreviation=run.tzname() or "",
                day_of_week=DAY_NAMES[run.weekday()],
                relative=relative(run, now),
                note=dst_note(run, sim),
            )
            for run in runs
        ],
        notes=notes,
    )


def cronsim_message(message: str, expression: Expression) -> str:
    """cronsim's "Bad day-of-month" in words; the field checks before it catch everything else."""
    for index, (name, _, _) in enumerate(FIELDS):
        if name in message:
            field = expression.fields.split()[index]
            if name == "day-of-month":
                return (
                    f"day-of-month (field 3 of 5, {field!r}): none of the chosen months has such a day, "
                    "so this never runs"
                )
            return f"{name} (field {index + 1} of 5, {field!r}): not accepted ({message})"
    return f"the expression is not accepted: {message}"
