"""Dates: the difference (calendar, exact, business days), adding a duration, weekday, ISO week, leap year."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from fractions import Fraction

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.quantities import IsoDuration, decimal_text, parse_iso_duration
from core.registry import Tool

DATE_HINT = "a date or date and time in ISO 8601, e.g. 2021-01-03, 2021-01-03T14:30 or 2021-01-03T14:30+02:00"


class DateInput(BaseModel):
    input: str = Field(max_length=100, title="Date", description=f"The (start) date: {DATE_HINT}.")
    end: str = Field(
        default="",
        max_length=100,
        title="Second date",
        description="Optional: a second date; the difference from the first is shown.",
    )
    duration: str = Field(
        default="",
        max_length=100,
        title="Duration to add",
        description="Optional: an ISO 8601 duration to add (P1Y2M10DT2H30M, P2W) or, with a leading '-', subtract.",
    )


class DateInfo(BaseModel):
    value: str = Field(description="The date (and time) in ISO 8601.")
    weekday: str = Field(description="Monday … Sunday.")
    day_of_year: int
    iso_week: str = Field(description="ISO 8601 week date: 2020-W53-7 (ISO year, week, weekday 1 = Monday).")
    leap_year: bool
    days_in_month: int
    days_in_year: int
    quarter: int


class Difference(BaseModel):
    calendar: str = Field(description="Years, months, days and time: 1 year, 1 month, 1 day (end-of-month clipped).")
    years: int
    months: int
    days: int
    hours: int
    minutes: int
    seconds: str
    total_days: str = Field(description="The exact length in days (a decimal, rounded to 15 digits when endless).")
    total_hours: str
    total_seconds: str
    weeks: str = Field(description="Whole weeks and the whole days left: 52 weeks 1 day (-52 weeks -1 day).")
    business_days: int = Field(description="Monday to Friday from the first date (counted) to the second (not).")
    negative: bool = Field(description="True when the second date is before the first (the numbers are then < 0).")


class DateOutput(BaseModel):
    result: str = Field(description="The sum when a duration is given, else the difference, else the ISO week date.")
    start: DateInfo
    end: DateInfo | None
    difference: Difference | None
    sum: DateInfo | None = Field(description="The first date plus (or minus) the duration.")


def parse_moment(text: str, field: str) -> date | datetime:
    """A date, or a date and time (with or without a UTC offset)."""
    text = text.strip()
    if not text:
        raise ToolInputError(f"enter {DATE_HINT}", field)
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ToolInputError(f"'{text}' is not {DATE_HINT}", field) from None
    if len(text) <= 10 or "W" in text.upper() and "T" not in text.upper():
        return moment.date()  # a date alone: 2021-01-03, 20210103, 2021-W01-1
    return moment


def as_datetime(moment: date | datetime) -> datetime:
    return moment if isinstance(moment, datetime) else datetime(moment.year, moment.month, moment.day)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, clipped to the month's last day (31 January + 1 month = 28 or 29 February)."""
    years, month = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    if not 1 <= year <= 9999:
        raise OverflowError
    return moment.replace(year=year, month=month + 1, day=min(moment.day, calendar.monthrange(year, month + 1)[1]))


def info(moment: date | datetime) -> DateInfo:
    year, week, weekday = moment.isocalendar()
    leap = calendar.isleap(moment.year)
    return DateInfo(
        value=moment.isoformat(),
        weekday=calendar.day_name[moment.weekday()],
        day_of_year=moment.timetuple().tm_yday,
        iso_week=f"{year}-W{week:02d}-{weekday}",
        leap_year=leap,
        days_in_month=calendar.monthrange(moment.year, moment.month)[1],
        days_in_year=366 if leap else 365,
        quarter=(moment.month - 1) // 3 + 1,
    )


def business_days(start: date, end: date) -> int:
    """Monday to Friday in [start, end); negative when end is before start (numpy.busday_count's rule)."""
    if end < start:
        return -business_days(end, start)
    weeks, extra = divmod((end - start).days, 7)
    return weeks * 5 + sum(1 for i in range(extra) if (start.weekday() + i) % 7 < 5)


def plural(count, unit: str) -> str:
    return f"{count} {unit}" + ("" if count in (1, -1) else "s")


def difference(start: date | datetime, end: date | datetime) -> Difference:
    first, second = as_datetime(start), as_datetime(end)
    if (first.tzinfo is None) != (second.tzinfo is None):
        raise ToolInputError("give both dates a UTC offset, or neither", "end")
    exact = second - first
    if second.tzinfo is not None:
        second = second.astimezone(first.tzinfo)  # the calendar count in the first date's offset
    sign, low, high = (-1, second, first) if second < first else (1, first, second)
    low, high = low.replace(tzinfo=None), high.replace(tzinfo=None)
    months = (high.year - low.year) * 12 + high.month - low.month
    if add_months(low, months) > high:
        months -= 1
    rest = high - add_months(low, months)
    seconds = Fraction(rest.seconds % 60) + Fraction(rest.microseconds, 10**6)
    parts = [sign * n for n in (months // 12, months % 12, rest.days, rest.seconds // 3600, rest.seconds // 60 % 60)]
    names = ("year", "month", "day", "hour", "minute")
    words = [plural(n, name) for n, name in zip(parts, names, strict=True) if n]
    words += [f"{decimal_text(sign * seconds)[0]} seconds"] if seconds else []
    total = Fraction(exact.days * 86400 + exact.seconds) + Fraction(exact.microseconds, 10**6)
    weeks, days = divmod(int(abs(total) // 86400), 7)
    minus = "-" if total < 0 else ""
    return Difference(
        calendar=", ".join(words) or "0 days",
        years=parts[0],
        months=parts[1],
        days=parts[2],
        hours=parts[3],
        minutes=parts[4],
        seconds=decimal_text(sign * seconds)[0],
        total_days=decimal_text(total / 86400)[0],
        total_hours=decimal_text(total / 3600)[0],
        total_seconds=decimal_text(total)[0],
        weeks=f"{minus}{plural(weeks, 'week')} {minus}{plural(days, 'day')}",
        business_days=business_days(as_datetime(start).date(), as_datetime(end).date()),
        negative=sign < 0,
    )


def add_duration(moment: date | datetime, duration: IsoDuration) -> date | datetime:
    """Years and months first (end-of-month clipped), then weeks, days and time; a date stays a date if it can."""
    if duration.years.denominator != 1 or duration.months.denominator != 1:
        raise ToolInputError("years and months must be whole numbers (a month has no fixed length)", "duration")
    sign = -1 if duration.negative else 1
    months = sign * int(duration.years * 12 + duration.months)
    seconds = duration.fixed_seconds()
    result = add_months(as_datetime(moment), months) + timedelta(seconds=float(seconds))
    if not isinstance(moment, datetime) and seconds % 86400 == 0:
        return result.date()
    return result


def run(data: DateInput) -> DateOutput:
    """Facts about a date; with `end`, the difference (calendar and exact); with `duration`, the sum."""
    start = parse_moment(data.input, "input")
    end = parse_moment(data.end, "end") if data.end.strip() else None
    output = DateOutput(result=info(start).iso_week, start=info(start), end=None, difference=None, sum=None)
    if end is not None:
        output.end, output.difference = info(end), difference(start, end)
        output.result = output.difference.calendar
    if data.duration.strip():
        try:
            duration = parse_iso_duration(data.duration)
        except ValueError as exc:
            raise ToolInputError(str(exc), "duration") from None
        if duration is None:
            raise ToolInputError("write the duration in ISO 8601: P1Y2M10DT2H30M, P2W, -P1D", "duration")
        try:
            output.sum = info(add_duration(start, duration))
        except ToolInputError:
            raise
        except (OverflowError, ValueError):
            raise ToolInputError("the result is outside the years 1 to 9999", "duration") from None
        output.result = output.sum.value
    return output


TOOL = Tool(
    slug="date",
    title="Date calculator",
    category="Time",
    icon="calendar-range",
    keywords=("days between", "difference", "add days", "iso week", "weekday", "leap year", "business days"),
    examples=(
        ("Days between two dates", {"input": "2024-01-01", "end": "2024-12-25"}),
        ("31 January + 1 month", {"input": "2024-01-31", "duration": "P1M"}),
        ("ISO week of 2021-01-03", {"input": "2021-01-03"}),
        ("With times and offsets", {"input": "2026-03-28T22:00+01:00", "end": "2026-03-29T10:30+02:00"}),
    ),
    operations=(
        Operation(
            DateInput,
            run,
            DateOutput,
            ready=lambda data: bool(data.input.strip()),
        ),
    ),
)
