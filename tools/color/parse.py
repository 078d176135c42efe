"""Read a CSS Color 4 sRGB colour: hex, rgb()/rgba(), hsl()/hsla(), hwb() or a named colour."""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from core.forms import ToolInputError
from tools.color.spaces import hsl_to_rgb, hwb_to_rgb

NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "color_names.json"
# CSS Color 4, section 6.1: the 148 named colours, ASCII case-insensitive.
NAMED_COLORS: dict[str, str] = json.loads(NAMES_FILE.read_text(encoding="utf-8"))["colors"]

ACCEPTED = (
    "accepted forms: #rgb, #rgba, #rrggbb, #rrggbbaa; rgb()/rgba(), hsl()/hsla() and hwb() with spaces "
    "(rgb(255 128 0 / 50%), hsl(30deg 100% 50%), hwb(30 0% 0%)) or commas (rgb(255, 128, 0), "
    "hsla(30, 100%, 50%, 0.5)); or one of the 148 CSS colour names (rebeccapurple, steelblue, …) or transparent"
)
FUNCTIONS = ("rgb", "rgba", "hsl", "hsla", "hwb")
# A CSS <number>: optional sign, digits with an optional fraction (or a bare fraction), optional exponent.
NUMBER = r"[+-]?(?:\d*\.\d+|\d+)(?:e[+-]?\d+)?"
TOKEN = re.compile(rf"(?P<number>{NUMBER})(?P<unit>%|[a-z]+)?|(?P<none>none)")
FUNCTION = re.compile(r"(?P<name>[a-z-]+)\((?P<body>.*)\)", re.S)
HEX = re.compile(r"[0-9a-f]+")
ANGLE_UNITS = {"deg": 1.0, "grad": 0.9, "rad": 180 / math.pi, "turn": 360.0}


@dataclass(frozen=True)
class Color:
    """An sRGB colour: channels and alpha from 0 to 1 (clamped into the sRGB gamut)."""

    red: float
    green: float
    blue: float
    alpha: float = 1.0


@dataclass(frozen=True)
class Value:
    """One argument of a colour function: a number, a percentage, an angle, or 'none'."""

    text: str
    kind: str  # "number", "percentage", "angle" or "none"
    amount: float = 0.0  # the number, the percentage (50% -> 50.0) or the angle in degrees


def refuse(message: str, field: str) -> ToolInputError:
    return ToolInputError(f"{message}; {ACCEPTED}", field)


def parse_color(text: str, field: str = "input") -> tuple[Color, list[str]]:
    """The colour the text names, and warnings about forms that CSS itself would not accept."""
    source = text.strip().lower()  # CSS keywords, function names, units and hex digits ignore case
    if not source:
        raise refuse("enter a colour", field)
    if source.startswith("#"):
        return parse_hex(text, field), []
    if "(" in source:
        return parse_function(source, field)
    if source in NAMED_COLORS:
        return parse_hex(NAMED_COLORS[source], field), []
    if source == "transparent":
        return Color(0.0, 0.0, 0.0, 0.0), []
    if HEX.fullmatch(source) and len(source) in (3, 4, 6, 8):
        return parse_hex(text, field), [f"CSS needs a '#' before hex digits: write #{source}"]
    if source == "currentcolor":
        raise refuse("currentcolor takes the colour of the element it is used on: give the colour itself", field)
    close = difflib.get_close_matches(source, NAMED_COLORS, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise refuse(f"{text.strip()!r} is not a colour name{hint}", field)


def parse_hex(text: str, field: str) -> Color:
    """#rgb, #rgba, #rrggbb or #rrggbbaa (CSS Color 4, section 5.2); the '#' may be missing (with a warning)."""
    stripped = text.strip()
    hashed = stripped.startswith("#")
    digits = stripped[1:] if hashed else stripped
    bad = re.search(r"[^0-9a-fA-F]", digits)
    if bad:
        position = len(text) - len(text.lstrip()) + hashed + bad.start() + 1
        raise refuse(f"{bad.group()!r} at position {position} (counting from 1) is not a hex digit (0-9, a-f)", field)
    if len(digits) not in (3, 4, 6, 8):
        raise refuse(f"a hex colour has 3, 4, 6 or 8 digits after '#', not {len(digits)}", field)
    if len(digits) in (3, 4):
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in range(0, len(digits), 2)]
    return Color(*channels)


def split_arguments(name: str, body: str, field: str) -> tuple[list[str], str | None, bool]:
    """(the three main arguments, the alpha argument or None, whether commas separate them)."""
    if "," in body:
        parts = [part.strip() for part in body.split(",")]
        if "/" in body:
            raise refuse(f"{name}() takes either commas or spaces with '/' before the alpha, not both", field)
        for part in parts:
            if not part or len(part.split()) > 1:
                raise refuse(f"{name}() separates its values with commas or with spaces, not both", field)
        if len(parts) not in (3, 4):
            raise refuse(f"{name}() takes 3 values and an optional alpha, not {len(parts)}", field)
        return parts[:3], (parts[3] if len(parts) == 4 else None), True
    main, slash, alpha = body.partition("/")
    values = main.split()
    if len(values) != 3:
        raise refuse(f"{name}() takes 3 values and an optional '/ alpha', not {len(values)}", field)
    if slash and len(alpha.split()) != 1:
        raise refuse(f"{name}() takes one alpha value after '/'", field)
    return values, (alpha.strip() if slash else None), False


def read_value(text: str, name: str, position: int, field: str) -> Value:
    """One argument: a number, a percentage, an angle (deg, grad, rad, turn) or 'none'."""
    match = TOKEN.fullmatch(text)
    if not match:
        raise refuse(f"{text!r} (value {position} of {name}()) is not a number, a percentage or 'none'", field)
    if match["none"]:
        return Value(text, "none")
    amount, unit = float(match["number"]), match["unit"]
    if not math.isfinite(amount):
        raise refuse(f"{text!r} (value {position} of {name}()) is too large", field)
    if unit is None:
        return Value(text, "number", amount)
    if unit == "%":
        return Value(text, "percentage", amount)
    if unit in ANGLE_UNITS:
        return Value(text, "angle", amount * ANGLE_UNITS[unit])
    raise refuse(f"{text!r} (value {position} of {name}()) has a unit CSS colours do not use: {unit!r}", field)


KIND_NAMES = {
    "number": "a number",
    "percentage": "a percentage",
    "angle": "an angle (deg, grad, rad, turn)",
    "none": "'none'",
}


def expect(value: Value, kinds: tuple[str, ...], what: str, name: str, field: str) -> Value:
    """The value when it is of one of the kinds, else the error that says what the place takes."""
    if value.kind not in kinds:
        allowed = ", ".join(KIND_NAMES[k] for k in kinds[:-1]) + (" or " if len(kinds) > 1 else "")
        allowed += KIND_NAMES[kinds[-1]]
        raise refuse(f"{what} in {name}() must be {allowed}, not {value.text!r}", field)
    return value


def read_alpha(text: str | None, name: str, legacy: bool, field: str) -> float:
    """The alpha argument: a number from 0 to 1 or a percentage, clamped; 1 when absent."""
    if text is None:
        return 1.0
    kinds = ("number", "percentage") if legacy else ("number", "percentage", "none")
    value = expect(read_value(text, name, 4, field), kinds, "the alpha", name, field)
    amount = value.amount / 100 if value.kind == "percentage" else value.amount
    return min(1.0, max(0.0, amount))


def hue_of(value: Value) -> float:
    return value.amount % 360  # 'none' reads as 0; numbers are degrees


def parse_function(source: str, field: str) -> tuple[Color, list[str]]:
    match = FUNCTION.fullmatch(source)
    if not match:
        raise refuse(f"{source!r} is not a colour function: expected name(values)", field)
    name = match["name"]
    if name not in FUNCTIONS:
        raise refuse(f"{name}() is not supported here", field)
    raw, alpha_text, legacy = split_arguments(name, match["body"], field)
    values = [read_value(text, name, i + 1, field) for i, text in enumerate(raw)]
    alpha = read_alpha(alpha_text, name, legacy, field)
    warnings: list[str] = []
    if name.startswith("rgb"):
        red, green, blue = rgb_channels(values, name, legacy, field)
    elif name.startswith("hsl"):
        red, green, blue = hsl_channels(values, name, legacy, field)
    else:
        if legacy:
            warnings.append("CSS Color 4 does not allow commas in hwb(): browsers reject it; write it with spaces")
        red, green, blue = hwb_channels(values, name, field)
    if any(c < -1e-9 or c > 1 + 1e-9 for c in (red, green, blue)):
        warnings.append("outside the sRGB range: the channels were clamped to 0-255")
    clamp = lambda c: min(1.0, max(0.0, c))  # noqa: E731
    return Color(clamp(red), clamp(green), clamp(blue), alpha), warnings


def rgb_channels(values: list[Value], name: str, legacy: bool, field: str) -> tuple[float, float, float]:
    """rgb(): numbers 0-255 or percentages; the comma form wants all numbers or all percentages."""
    kinds = ("number", "percentage") if legacy else ("number", "percentage", "none")
    for i, value in enumerate(values):
        expect(value, kinds, f"value {i + 1}", name, field)
    if legacy and len({v.kind for v in values}) > 1:
        raise refuse(f"{name}() with commas takes three numbers or three percentages, not a mix", field)
    return tuple(v.amount / 100 if v.kind == "percentage" else v.amount / 255 for v in values)  # type: ignore[return-value]


def hsl_channels(values: list[Value], name: str, legacy: bool, field: str) -> tuple[float, float, float]:
    """hsl(): hue, saturation, lightness; the comma form wants percentages for S and L."""
    hue_kinds = ("number", "angle") if legacy else ("number", "angle", "none")
    level_kinds = ("percentage",) if legacy else ("percentage", "number", "none")
    hue = expect(values[0], hue_kinds, "the hue", name, field)
    saturation = expect(values[1], level_kinds, "the saturation", name, field)
    lightness = expect(values[2], level_kinds, "the lightness", name, field)
    # CSS Color 4, section 7: a saturation below 0% is clamped to 0% at parsed-value time.
    return hsl_to_rgb(hue_of(hue), max(0.0, saturation.amount), lightness.amount)


def hwb_channels(values: list[Value], name: str, field: str) -> tuple[float, float, float]:
    """hwb(): hue, whiteness, blackness (numbers or percentages)."""
    hue = expect(values[0], ("number", "angle", "none"), "the hue", name, field)
    white = expect(values[1], ("percentage", "number", "none"), "the whiteness", name, field)
    black = expect(values[2], ("percentage", "number", "none"), "the blackness", name, field)
    # Negative whiteness or blackness is left unspecified by CSS Color 4: read as 0.
    return hwb_to_rgb(hue_of(hue), max(0.0, white.amount), max(0.0, black.amount))
