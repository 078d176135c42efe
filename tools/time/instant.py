"""Read an instant (epoch number, ISO 8601, RFC 2822 or "now") and show it every way (no Quart imports)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, localcontext
from email.utils import format_datetime, parsedate_to_datetime
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.timefmt import relative

Unit = Literal["auto", "s", "ms", "us", "ns"]
NS_PER = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
UNIT_NAMES = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}
UNIT_LABELS = {"s": "s", "ms": "ms", "us": "µs", "ns": "ns"}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# One day inside datetime's years 1-9999, so that every zone's local time exists too.
FIRST = datetime(1, 1, 2, tzinfo=UTC)
LAST = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NUMBER = re.compile(r"([+-]?)(\d+)(?:\.(\d+))?")
FRACTION = re.compile(r"\d[.,](\d{7,})")  # fromisoformat keeps 6 digits; the 7th to 9th are nanoseconds
RFC2822_DAY = re.compile(r"\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s*,", re.IGNORECASE)
RFC2822_YEAR = re.compile(r"\d{1,2}\s+[A-Za-z]{3}\s+(\d{2,4})\s")
RFC2822_ZONE = re.compile(r"(?:^|\s)([+-]\d{4}|[A-Za-z]{1,5})\s*(?:\([^()]*\)\s*)*$")
MONTH_NAME = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)


def ns_of(moment: datetime) -> int:
    """Nanoseconds since the epoch of an aware datetime (exact: datetimes hold whole microseconds)."""
    return (moment - EPOCH) // timedelta(microseconds=1) * 1000


FIRST_NS, LAST_NS = ns_of(FIRST), ns_of(LAST) + 999


class Reading(NamedTuple):
    ns: int  # the instant, in nanoseconds since 1970-01-01T00:00:00Z
    detected: str
    notes: tuple[str, ...] = ()


# --- reading -----------------------------------------------------------------------------------------


def guess_unit(digits: int) -> str | None:
    """The unit an integer of this many digits most likely counts (10 digits is seconds in 2001-2286)."""
    if digits <= 11:
        return "s"
    if digits <= 13:
        return "ms"
    if digits <= 16:
        return "us"
    if digits <= 19:
        return "ns"
    return None


def read_epoch(text: str, unit: Unit) -> Reading:
    sign, whole, fraction = NUMBER.fullmatch(text).groups()
    digits = len(whole.lstrip("0")) or 1
    notes = ()
    if unit == "auto":
        unit = guess_unit(digits)
        if unit is None:
            raise ToolInputError(f"{digits} digits is too many to guess the unit: choose seconds, ms, µs or ns")
        detected = f"epoch {UNIT_NAMES[unit]} (guessed from {digits} digit{'s' if digits != 1 else ''})"
    else:
        detected = f"epoch {UNIT_NAMES[unit]}"
    with localcontext() as context:
        context.prec = 400  # exact for any input the field allows
        exact = Decimal(text) * NS_PER[unit]
        ns = int(exact.to_integral_value(rounding="ROUND_FLOOR"))
        if exact != ns:
            notes = ("digits below one nanosecond were dropped",)
    check_range(ns, f"{sign}{whole}{'.' + fraction if fraction else ''} {UNIT_NAMES[unit]}")
    return Reading(ns, detected, notes)


def check_range(ns: int, what: str) -> None:
    if ns < FIRST_NS:
        raise ToolInputError(f"out of range: {what} is before 0001-01-02T00:00:00Z, the earliest instant shown here")
    if ns > LAST_NS:
        raise ToolInputError(
            f"out of range: {what} is after 9999-12-30T23:59:59.999999999Z, the latest instant shown here"
        )


def place_local(naive: datetime, zone: ZoneInfo) -> tuple[datetime, tuple[str, ...]]:
    """A wall-clock time in `zone`, with a note when it falls in a DST gap or overlap (fold=0 is used)."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    shown = f"{naive.isoformat(sep=' ', timespec='minutes')} in {zone.key}"
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        return first, (
            f"{shown} does not exist (the clocks skip it); read with the offset before the change, "
            f"{offset_text(first)}, which is {round_trip.isoformat(sep=' ', timespec='minutes')} "
            f"{first.astimezone(UTC).astimezone(zone).tzname()}",
        )
    if first.utcoffset() != second.utcoffset():
        return first, (
            f"{shown} happens twice (the clocks go back); using the first, {first.tzname()} "
            f"{offset_text(first)}; the second is {second.tzname()} {offset_text(second)}",
        )
    return first, ()


def read_iso(text: str, zone: ZoneInfo) -> Reading:
    parsed = datetime.fromisoformat(text)  # ValueError when it is not ISO 8601
    notes: tuple[str, ...] = ()
    extra_ns = 0
    fraction = FRACTION.search(text)
    if fraction:
        extra_ns = int(fraction.group(1)[6:9].ljust(3, "0"))
        if len(fraction.group(1)) > 9:
            notes += ("digits below one nanosecond were dropped",)
    if parsed.tzinfo is None:
        parsed, placed = place_local(parsed, zone)
        notes = (f"no UTC offset given: read as {zone.key} time", *placed, *notes)
    return Reading(ns_of(parsed) + extra_ns, "ISO 8601", notes)


def read_rfc2822(text: str, zone: ZoneInfo) -> Reading:
    parsed = parsedate_to_datetime(text)  # ValueError (and sometimes TypeError) when it is not RFC 2822
    notes: tuple[str, ...] = ()
    year = RFC2822_YEAR.search(text)
    if year:
        # RFC 2822 §4.3: 00-49 -> 2000-2049; 50-99 and three digits -> add 1900. Python's parser uses another
        # rule for two digits, and reads four-digit years below 100 ("0001") as two-digit ones.
        digits = year.group(1)
        wanted = int(digits)
        if len(digits) < 4:
            wanted = 2000 + wanted if len(digits) == 2 and wanted < 50 else 1900 + wanted
            notes += (f"the obsolete year {digits!r} is read as {wanted} (RFC 2822 §4.3)",)
        if parsed.year != wanted:
            try:
                parsed = parsed.replace(year=wanted)
            except ValueError as exc:
                raise ToolInputError(f"not an RFC 2822 date that can be read: {exc}") from None
    if parsed.tzinfo is None:
        zone_word = RFC2822_ZONE.search(text)
        if zone_word and zone_word.group(1) == "-0000":
            parsed = parsed.replace(tzinfo=UTC)
            notes += ("-0000 means UTC with the sender's local offset unknown (RFC 2822 §3.3)",)
        elif zone_word and zone_word.group(1).isalpha():
            parsed = parsed.replace(tzinfo=UTC)
            notes += (f"the zone {zone_word.group(1)!r} is unknown: read as UTC, as RFC 2822 §4.3 says",)
        else:
            parsed, placed = place_local(parsed, zone)
            notes += (f"no zone given (RFC 2822 requires one): read as {zone.key} time", *placed)
    day = RFC2822_DAY.match(text)
    if day and day.group(1).title() != parsed.strftime("%a"):
        notes += (
            f"the day name says {day.group(1)}, but {parsed:%d %b} {parsed.year} is a {DAY_NAMES[parsed.weekday()]}",
        )
    return Reading(ns_of(parsed), "RFC 2822", notes)


def read_instant(text: str, zone: ZoneInfo, unit: Unit, now: datetime) -> Reading:
    """Detect the kind of input and read it; ToolInputError (field `input`) says what could not be read."""
    text = text.strip()
    if not text:
        raise ToolInputError("enter a time: epoch digits, ISO 8601, RFC 2822, or now")
    if text.lower() == "now":
        return Reading(ns_of(now), "now")
    if NUMBER.fullmatch(text):
        return read_epoch(text, unit)
    unit_note = (f"the unit ({UNIT_LABELS[unit]}) applies to epoch numbers only: ignored",) if unit != "auto" else ()
    try:
        reading = read_iso(text, zone)
    except ValueError as iso_error:
        try:
            reading = read_rfc2822(text, zone)
        except (ValueError, TypeError, IndexError, OverflowError) as rfc_error:
            raise ToolInputError(not_understood(text, iso_error, rfc_error)) from None
    check_range(reading.ns, text)
    return reading._replace(notes=(*reading.notes, *unit_note))


def not_understood(text: str, iso_error: Exception, rfc_error: Exception) -> str:
    if re.match(r"[+-]?\d{4}-?\d", text):
        return f"not an ISO 8601 date and time that can be read: {iso_error}"
    if MONTH_NAME.search(text):
        return f"not an RFC 2822 date that can be read: {rfc_error}"
    return (
        "not a time this tool reads: give epoch digits (1234567890), ISO 8601 (2009-02-13T23:31:30Z), "
        "RFC 2822 (Fri, 13 Feb 2009 23:31:30 +0000) or now"
    )


# --- showing -----------------------------------------------------------------------------------------


class InstantView(BaseModel):
    zone: str
    iso: str = Field(description="ISO 8601 with offset ('Z' for UTC), down to the nanosecond when given.")
    rfc2822: str = Field(description="RFC 2822 date-time (seconds precision).")
    offset: str = Field(description="UTC offset in force, e.g. +01:00.")
    abbreviation: str = Field(description="The zone's abbreviation at that instant, e.g. CET.")
    day_of_week: str
    iso_week: str = Field(description="ISO 8601 week date, e.g. 2009-W07-5.")
    day_of_year: int


class EpochView(BaseModel):
    seconds: str = Field(description="Exact decimal strings (safe beyond 2**53).")
    milliseconds: str
    microseconds: str
    nanoseconds: str


class TimeOutput(BaseModel):
    detected: str = Field(description="How the input was read, e.g. 'epoch seconds (guessed from 10 digits)'.")
    utc: InstantView
    local: InstantView = Field(description="The same instant in the chosen zone.")
    epoch: EpochView
    relative: str = Field(description='Relative to now: "3 h ago", "in 2 days".')
    notes: list[str] = Field(description="DST gaps and overlaps, assumptions made while reading.")
    zones: list[InstantView] = Field(description="The same instant in each of the listed zones, in their order.")


def offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes, seconds = divmod(abs(int(offset.total_seconds())), 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return text + (f":{seconds:02d}" if seconds else "")


def decimal_text(ns: int, per_unit: int) -> str:
    """ns in a larger unit as an exact decimal string: 1500000000 ns per 10**9 -> "1.5"."""
    whole, rest = divmod(abs(ns), per_unit)
    sign = "-" if ns < 0 else ""
    places = len(str(per_unit)) - 1
    fraction = str(rest).rjust(places, "0").rstrip("0") if places else ""
    return f"{sign}{whole}" + (f".{fraction}" if fraction else "")


def fraction_text(ns: int) -> str:
    part = ns % 10**9
    if not part:
        return ""
    digits = f"{part:09d}"
    for size in (3, 6, 9):
        if digits[size:] == "0" * (9 - size):
            return "." + digits[:size]
    return "." + digits


def instant_view(ns: int, where: tzinfo, name: str) -> InstantView:
    moment = (EPOCH + timedelta(microseconds=ns // 1000)).astimezone(where)
    base = moment.replace(microsecond=0).isoformat()
    stamp, offset = base[:19], base[19:]
    if name == "UTC":
        offset = "Z"
    year, week, weekday = moment.isocalendar()
    return InstantView(
        zone=name,
        iso=f"{stamp}{fraction_text(ns)}{offset}",
        rfc2822=format_datetime(moment),
        offset=offset_text(moment),
        abbreviation=moment.tzname() or "",
        day_of_week=DAY_NAMES[moment.weekday()],
        iso_week=f"{year:04d}-W{week:02d}-{weekday}",
        day_of_year=moment.timetuple().tm_yday,
    )


def in_zones(ns: int, zone_names: Sequence[str]) -> list[InstantView]:
    """The instant in each zone (valid IANA names), side by side."""
    return [instant_view(ns, UTC if name == "UTC" else ZoneInfo(name), name) for name in zone_names]


def describe_instant(
    text: str, zone_name: str, unit: Unit, now: datetime, zone_names: Sequence[str] = ()
) -> TimeOutput:
    """Everything about the instant `text` names, shown in UTC, in `zone_name` and in each of `zone_names`."""
    zone = ZoneInfo(zone_name)
    reading = read_instant(text, zone, unit, now)
    moment = EPOCH + timedelta(microseconds=reading.ns // 1000)
    return TimeOutput(
        detected=reading.detected,
        utc=instant_view(reading.ns, UTC, "UTC"),
        local=instant_view(reading.ns, zone, zone_name),
        epoch=EpochView(
            seconds=decimal_text(reading.ns, NS_PER["s"]),
            milliseconds=decimal_text(reading.ns, NS_PER["ms"]),
            microseconds=decimal_text(reading.ns, NS_PER["us"]),
            nanoseconds=str(reading.ns),
        ),
        relative=relative(moment, now),
        notes=list(reading.notes),
        zones=in_zones(reading.ns, zone_names),
    )
