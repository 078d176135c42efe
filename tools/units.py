"""Convert bytes (SI and IEC), durations (ISO 8601, seconds, "1 d 2 h"), temperatures and lengths, exactly."""

from __future__ import annotations

import re
from fractions import Fraction

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.quantities import AMBIGUOUS, BYTE_UNITS, TIME_UNITS, decimal_text, human_duration, parse_iso_duration
from core.registry import Tool

# Lengths in metres: the inch is 2.54 cm exactly (international yard and pound agreement, 1959).
INCH = Fraction(254, 10000)
LENGTH_UNITS = {
    "m": Fraction(1),
    "mm": Fraction(1, 1000),
    "cm": Fraction(1, 100),
    "km": Fraction(1000),
    "µm": Fraction(1, 10**6),
    "nm": Fraction(1, 10**9),
    "in": INCH,
    "ft": 12 * INCH,
    "yd": 36 * INCH,
    "mi": 63360 * INCH,  # 1609.344 m
    "nmi": Fraction(1852),  # the international nautical mile
}
LENGTH_ALIASES = {"inch": "in", "inches": "in", '"': "in", "foot": "ft", "feet": "ft", "'": "ft", "yard": "yd"}
LENGTH_ALIASES |= {"mile": "mi", "miles": "mi", "metre": "m", "meter": "m", "um": "µm"}
# Temperatures as (scale, offset) of kelvin: K = (value + offset) * scale.
TEMPERATURE_UNITS = {
    "°C": (Fraction(1), Fraction(27315, 100)),
    "°F": (Fraction(5, 9), Fraction(45967, 100)),
    "K": (Fraction(1), Fraction(0)),
    "°R": (Fraction(5, 9), Fraction(0)),  # Rankine
}
TEMPERATURE_ALIASES = {"C": "°C", "degC": "°C", "celsius": "°C", "F": "°F", "degF": "°F", "fahrenheit": "°F"}
TEMPERATURE_ALIASES |= {"kelvin": "K", "R": "°R", "rankine": "°R", "℃": "°C", "℉": "°F"}
BYTE_SHOWN = ("B", "kB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "PiB", "bit")
TIME_SHOWN = ("s", "ms", "min", "h", "d", "week")
KINDS = {
    "bytes": ({name: BYTE_UNITS[name] for name in BYTE_SHOWN}, {"byte": "B", "bytes": "B", "bits": "bit"}),
    "duration": ({name: TIME_UNITS[name] for name in TIME_SHOWN}, {**{n: n for n in TIME_UNITS}, "hours": "h"}),
    "length": (LENGTH_UNITS, LENGTH_ALIASES),
    "temperature": (dict.fromkeys(TEMPERATURE_UNITS, None), TEMPERATURE_ALIASES),
}
NUMBER = r"[-+]?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})(?:[eE][-+]?\d{1,2})?"
QUANTITY = re.compile(rf"\s*({NUMBER})\s*([^\d\s.+-][^\s]*)?\s*")


class UnitsInput(BaseModel):
    input: str = Field(
        max_length=200,
        title="Quantity",
        description="A number and a unit: 1.5 GiB, 1 kB, P1DT2H (ISO 8601), 93600 s, 1 d 2 h 30 min, -40 °C, "
        "98.6 F, 1 in, 5280 ft.",
    )
    to: str = Field(
        default="", max_length=20, description="Optional: the unit passed on when tools are chained (e.g. MB, h, °F)."
    )


class Conversion(BaseModel):
    unit: str
    value: str = Field(description="The value in this unit, exact when `exact` (else rounded to 15 digits).")
    exact: bool


class UnitsOutput(BaseModel):
    kind: str = Field(description="bytes, duration, length or temperature.")
    result: str = Field(description="The value in `to` (else in the first unit listed), with its unit.")
    conversions: list[Conversion]
    iso: str | None = Field(description="A duration in ISO 8601 (P1DT2H); null for other kinds.")
    human: str | None = Field(description="A duration in days, hours, minutes, seconds; null for other kinds.")


def unit_kind(name: str) -> tuple[str, str]:
    """(kind, canonical unit name) of a unit as typed."""
    for kind, (units, aliases) in KINDS.items():
        if name in units or name in aliases:
            return kind, aliases.get(name, name)
    known = "; ".join(f"{kind}: {', '.join(units)}" for kind, (units, _) in KINDS.items())
    hint = f"'{name}' is ambiguous: write {AMBIGUOUS[name]}" if name in AMBIGUOUS else f"unknown unit '{name}'"
    raise ToolInputError(f"{hint} (the units are {known})")


def iso_seconds(text: str) -> Fraction | None:
    """Seconds of an ISO 8601 duration (None when the text is not one); years and months are refused."""
    try:
        duration = parse_iso_duration(text)
    except ValueError as exc:
        raise ToolInputError(str(exc)) from None
    if duration and (duration.years or duration.months):
        raise ToolInputError("a year or a month has no fixed number of seconds: the date tool adds them to a date")
    return duration and duration.fixed_seconds()


def read_quantity(text: str) -> tuple[str, str, Fraction]:
    """(kind, unit, value) of the input; a duration may be ISO 8601 or several parts ("1 h 30 min")."""
    text = text.strip().replace("\u2212", "-")
    seconds = iso_seconds(text)
    if seconds is not None:
        return "duration", "s", seconds
    parts, position = [], 0
    while position < len(text):
        part = QUANTITY.match(text, position)
        if part is None or part.end() == position:
            raise ToolInputError(f"cannot read '{text[position:]}': write a number and a unit, e.g. 1.5 GiB or -40 °C")
        parts.append(part)
        position = part.end()
    if not parts:
        raise ToolInputError("enter a number and a unit, e.g. 1.5 GiB, P1DT2H, -40 °C or 1 in")
    if any(part.group(2) is None for part in parts):
        raise ToolInputError("a unit is missing after the number, e.g. 1.5 GiB, 90 min or 1 in")
    read = [(*unit_kind(part.group(2)), Fraction(part.group(1))) for part in parts]
    if len(read) > 1 and any(kind != "duration" for kind, _, _ in read):
        raise ToolInputError("only a duration may have several parts (1 h 30 min); convert one quantity at a time")
    if len(read) > 1:
        return "duration", "s", sum(value * TIME_UNITS[unit] for _, unit, value in read)
    return read[0]


def to_kelvin(value: Fraction, unit: str) -> Fraction:
    scale, offset = TEMPERATURE_UNITS[unit]
    kelvin = (value + offset) * scale
    if kelvin < 0:
        raise ToolInputError(f"{decimal_text(value)[0]} {unit} is below absolute zero (0 K, -273.15 °C, -459.67 °F)")
    return kelvin


def conversions(kind: str, unit: str, value: Fraction) -> list[Conversion]:
    if kind == "temperature":
        kelvin = to_kelvin(value, unit)
        values = {name: kelvin / scale - offset for name, (scale, offset) in TEMPERATURE_UNITS.items()}
    else:
        units, _ = KINDS[kind]
        base = value * (TIME_UNITS[unit] if kind == "duration" else units[unit])
        values = {name: base / size for name, size in units.items()}
    return [Conversion(unit=name, value=text, exact=exact) for name, (text, exact) in decimal_texts(values)]


def decimal_texts(values: dict[str, Fraction]):
    return ((name, decimal_text(number)) for name, number in values.items())


def iso_duration(seconds: Fraction) -> str:
    """P1DT2H30M; PT0S for nothing; a leading '-' for a negative duration (ISO 8601-2)."""
    sign, rest = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(rest, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    time = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M")) if n)
    time += f"{decimal_text(rest, 9)[0]}S" if rest else ""
    text = (f"{days}D" if days else "") + (f"T{time}" if time else "")
    return f"{sign}P{text or 'T0S'}"


def convert(data: UnitsInput) -> UnitsOutput:
    """Convert a quantity to every unit of its kind: bytes, a duration, a temperature or a length."""
    kind, unit, value = read_quantity(data.input)
    rows = conversions(kind, unit, value)
    chosen = rows[0]
    if data.to.strip():
        to_kind, to_unit = unit_kind(data.to.strip())
        if to_kind != kind:
            raise ToolInputError(f"cannot convert {kind} to {to_unit} ({to_kind})", "to")
        if to_unit not in KINDS[kind][0]:  # a time unit the table leaves out (ns, µs …)
            text, exact = decimal_text(value * TIME_UNITS[unit] / TIME_UNITS[to_unit])
            rows.append(Conversion(unit=to_unit, value=text, exact=exact))
        chosen = next(row for row in rows if row.unit == to_unit)
    seconds = value * TIME_UNITS[unit] if kind == "duration" else None
    return UnitsOutput(
        kind=kind,
        result=f"{chosen.value} {chosen.unit}",
        conversions=rows,
        iso=None if seconds is None else iso_duration(seconds),
        human=None if seconds is None else human_duration(seconds),
    )


TOOL = Tool(
    slug="units",
    title="Units",
    category="Numbers",
    icon="ruler",
    keywords=("bytes", "kib", "mib", "gib", "iso 8601", "duration", "seconds", "celsius", "fahrenheit", "inch"),
    examples=(
        ("1.5 GiB", {"input": "1.5 GiB", "to": "MB"}),
        ("ISO 8601 duration P1DT2H", {"input": "P1DT2H"}),
        ("-40 °C", {"input": "-40 °C", "to": "°F"}),
        ("1 inch", {"input": "1 in", "to": "cm"}),
    ),
    operations=(
        Operation(
            UnitsInput,
            convert,
            UnitsOutput,
            ready=lambda data: bool(data.input.strip()),
        ),
    ),
)
