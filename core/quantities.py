"""Units of bytes and time as exact fractions, and exact numbers written as decimals: shared by math and units."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, localcontext
from fractions import Fraction

# Bytes: SI prefixes are powers of 1000 (kB, MB …), IEC prefixes powers of 1024 (KiB, MiB …; IEC 80000-13).
SI_BYTES = {name: Fraction(1000**power) for power, name in enumerate(("B", "kB", "MB", "GB", "TB", "PB", "EB"))}
IEC_BYTES = {name: Fraction(1024**power) for power, name in enumerate(("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"))}
BYTE_UNITS = {**SI_BYTES, **IEC_BYTES, "bit": Fraction(1, 8), "byte": Fraction(1), "bytes": Fraction(1)}
# Time in seconds. No month or year: they have no fixed length (the date tool adds them to a date).
TIME_UNITS = {
    "ns": Fraction(1, 10**9),
    "us": Fraction(1, 10**6),
    "µs": Fraction(1, 10**6),
    "ms": Fraction(1, 1000),
    "s": Fraction(1),
    "sec": Fraction(1),
    "min": Fraction(60),
    "h": Fraction(3600),
    "hr": Fraction(3600),
    "d": Fraction(86400),
    "day": Fraction(86400),
    "days": Fraction(86400),
    "week": Fraction(7 * 86400),
    "weeks": Fraction(7 * 86400),
}
# Names a person may mean but that say two things: the message says which to write instead.
AMBIGUOUS = {
    "KB": "kB (1000 bytes) or KiB (1024 bytes)",
    "kb": "kB (1000 bytes), KiB (1024 bytes) or kbit",
    "m": "min (minutes); m is also metres",
    "month": "days: a month has no fixed length (the date tool adds months to a date)",
    "year": "days: a year has no fixed length (the date tool adds years to a date)",
}
EXACT_DIGITS = 40  # a terminating decimal up to this many significant digits is written exactly
ROUNDED_DIGITS = 15  # otherwise it is rounded to this many (what a float holds reliably)


def decimal_text(value: Fraction | int, digits: int = ROUNDED_DIGITS) -> tuple[str, bool]:
    """(the number as a decimal, whether that is exact): 1/8 -> ("0.125", True), 1/3 -> ("0.333…333", False)."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator), True
    with localcontext(Context(prec=EXACT_DIGITS)) as context:  # fresh: no flags left from earlier work
        number = Decimal(value.numerator) / Decimal(value.denominator)
        exact = not context.flags[Inexact]
    if not exact:
        with localcontext(Context(prec=digits)):
            number = Decimal(value.numerator) / Decimal(value.denominator)
    return plain(number), exact


def plain(number: Decimal) -> str:
    """A decimal without trailing zeros, in positional notation unless that would be very long."""
    number = number.normalize()
    if number.is_zero():
        return "0"
    return format(number, "f") if -25 < number.adjusted() < 25 else format(number, "E")


def human_bytes(count: Fraction, units: dict[str, Fraction] = IEC_BYTES) -> str:
    """The largest unit that leaves at least 1: 1536 -> "1.5 KiB"."""
    name, size = next(((n, s) for n, s in reversed(units.items()) if abs(count) >= s), ("B", Fraction(1)))
    return f"{decimal_text(count / size, 4)[0]} {name}"


def human_duration(seconds: Fraction) -> str:
    """Days, hours, minutes and seconds: 5400 -> "1 h 30 min", 93600 -> "1 d 2 h"."""
    sign, rest, parts = ("-" if seconds < 0 else ""), abs(Fraction(seconds)), []
    for name, size in (("d", 86400), ("h", 3600), ("min", 60)):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count} {name}")
    if rest or not parts:
        parts.append(f"{decimal_text(rest, 6)[0]} s")
    return sign + " ".join(parts)


ISO_NUMBER = r"(\d{1,20}(?:[.,]\d{1,20})?)"
ISO_DURATION = re.compile(
    rf"([-+]?)P(?:{ISO_NUMBER}Y)?(?:{ISO_NUMBER}M)?(?:{ISO_NUMBER}W)?(?:{ISO_NUMBER}D)?"
    rf"(?:T(?:{ISO_NUMBER}H)?(?:{ISO_NUMBER}M)?(?:{ISO_NUMBER}S)?)?",
    re.I,
)
ISO_FIELDS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")


@dataclass(frozen=True)
class IsoDuration:
    """An ISO 8601 duration (PnYnMnWnDTnHnMnS) as written, each number exact; `negative` for a leading '-'."""

    negative: bool
    years: Fraction
    months: Fraction
    weeks: Fraction
    days: Fraction
    hours: Fraction
    minutes: Fraction
    seconds: Fraction

    def fixed_seconds(self) -> Fraction:
        """Weeks, days, hours, minutes and seconds in seconds (years and months have no fixed length)."""
        total = (self.weeks * 7 + self.days) * 86400 + self.hours * 3600 + self.minutes * 60 + self.seconds
        return -total if self.negative else total


def parse_iso_duration(text: str) -> IsoDuration | None:
    """The duration, None when the text is not shaped like one; ValueError for a 'P' without any number."""
    found = ISO_DURATION.fullmatch(text.strip())
    if found is None:
        return None
    numbers = found.groups()[1:]
    if not any(numbers) or found.group(0).upper().endswith("T"):
        raise ValueError("an ISO 8601 duration needs at least one number and unit, e.g. PT30M or P1DT2H")
    values = [Fraction(n.replace(",", ".")) if n else Fraction(0) for n in numbers]
    return IsoDuration(found.group(1) == "-", *values)
