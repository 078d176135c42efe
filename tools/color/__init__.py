"""Convert CSS colours between hex, rgb(), hsl(), hwb() and names, and check WCAG contrast."""

from __future__ import annotations

import math

from pydantic import BaseModel, Field

from core.operations import Operation
from core.registry import Tool
from tools.color.parse import NAMED_COLORS, Color, parse_color
from tools.color.picker import picker_value, read_picker_form
from tools.color.spaces import contrast_ratio, relative_luminance, rgb_to_hsl, rgb_to_hwb, to_byte

MAX_INPUT = 200
# WCAG 2.1 success criteria 1.4.3 (Contrast, Minimum: AA) and 1.4.6 (Contrast, Enhanced: AAA); "large" text is
# at least 18 point, or 14 point bold.
AA_NORMAL, AA_LARGE, AAA_NORMAL, AAA_LARGE = 4.5, 3.0, 7.0, 4.5
NAMES_BY_HEX: dict[str, list[str]] = {}
for _name, _hex in NAMED_COLORS.items():
    NAMES_BY_HEX.setdefault(_hex, []).append(_name)


class ColorInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        description="A CSS colour: #rgb, #rgba, #rrggbb, #rrggbbaa, rgb()/rgba(), hsl()/hsla(), hwb() or a name.",
    )
    against: str = Field(
        default="white",
        max_length=MAX_INPUT,
        description="The colour to measure contrast against (same forms); white by default.",
    )


class ColorForms(BaseModel):
    hex: str = Field(description="#rrggbb, or #rrggbbaa when not opaque.")
    rgb: str = Field(description="rgb(r g b) or rgb(r g b / alpha), CSS Color 4 space syntax.")
    rgb_legacy: str = Field(description="rgb(r, g, b) or rgba(r, g, b, alpha).")
    hsl: str = Field(description="hsl(h s% l%), hue in degrees, to 2 decimals.")
    hsl_legacy: str = Field(description="hsl(h, s%, l%) or hsla(h, s%, l%, alpha).")
    hwb: str = Field(description="hwb(h w% b%), to 2 decimals.")
    names: list[str] = Field(description="CSS colour names for exactly this colour (opaque colours only).")
    red: int = Field(ge=0, le=255)
    green: int = Field(ge=0, le=255)
    blue: int = Field(ge=0, le=255)
    alpha: float = Field(ge=0, le=1)
    luminance: float = Field(description="WCAG 2 relative luminance of the opaque colour, 0 (black) to 1 (white).")


class Contrast(BaseModel):
    ratio: float = Field(description="WCAG 2 contrast ratio of input on against, unrounded (1 to 21).")
    ratio_text: str = Field(description='The ratio cut (never rounded up) to 2 decimals, e.g. "4.47:1".')
    aa_normal: bool = Field(description="ratio >= 4.5 (WCAG 2.1 SC 1.4.3)")
    aa_large: bool = Field(description="ratio >= 3 (WCAG 2.1 SC 1.4.3, large text)")
    aaa_normal: bool = Field(description="ratio >= 7 (WCAG 2.1 SC 1.4.6)")
    aaa_large: bool = Field(description="ratio >= 4.5 (WCAG 2.1 SC 1.4.6, large text)")


class ColorOutput(BaseModel):
    input: ColorForms
    against: ColorForms
    contrast: Contrast
    warnings: list[str] = Field(description="Notes on input CSS would refuse, clamping, or blending of transparency.")


def number(value: float, places: int = 2) -> str:
    """A number for CSS: at most `places` decimals, no trailing zeros, never "-0"."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def forms_of(color: Color) -> ColorForms:
    """Every notation of the colour."""
    r, g, b = to_byte(color.red), to_byte(color.green), to_byte(color.blue)
    opaque = to_byte(color.alpha) == 255
    alpha = number(color.alpha, 3)
    hex6 = f"#{r:02x}{g:02x}{b:02x}"
    hue, saturation, lightness = rgb_to_hsl(color.red, color.green, color.blue)
    _, whiteness, blackness = rgb_to_hwb(color.red, color.green, color.blue)
    h = number(hue or 0.0) if number(hue or 0.0) != "360" else "0"
    s, light, white, black = (number(v) for v in (saturation, lightness, whiteness, blackness))
    slash = "" if opaque else f" / {alpha}"
    names = NAMES_BY_HEX.get(hex6, []) if opaque else (["transparent"] if color == Color(0, 0, 0, 0) else [])
    return ColorForms(
        hex=hex6 if opaque else f"{hex6}{to_byte(color.alpha):02x}",
        rgb=f"rgb({r} {g} {b}{slash})",
        rgb_legacy=f"rgb({r}, {g}, {b})" if opaque else f"rgba({r}, {g}, {b}, {alpha})",
        hsl=f"hsl({h} {s}% {light}%{slash})",
        hsl_legacy=f"hsl({h}, {s}%, {light}%)" if opaque else f"hsla({h}, {s}%, {light}%, {alpha})",
        hwb=f"hwb({h} {white}% {black}%{slash})",
        names=list(names),
        red=r,
        green=g,
        blue=b,
        alpha=float(alpha),
        luminance=relative_luminance(r, g, b),
    )


def blend(top: Color, bottom: Color) -> Color:
    """`top` painted over an opaque `bottom` (simple alpha compositing)."""
    a = top.alpha
    mix = lambda t, u: t * a + u * (1 - a)  # noqa: E731
    return Color(mix(top.red, bottom.red), mix(top.green, bottom.green), mix(top.blue, bottom.blue), 1.0)


def ratio_text(ratio: float) -> str:
    """Cut to 2 decimals (WCAG: 4.499:1 does not meet 4.5:1, so never round up)."""
    return f"{number(math.floor(ratio * 100 + 1e-9) / 100)}:1"


def contrast(foreground: Color, background: Color) -> tuple[Contrast, list[str]]:
    """WCAG 2 contrast of text in `foreground` on `background`, blending transparency first."""
    warnings = []
    if to_byte(background.alpha) < 255:
        background = blend(background, Color(1.0, 1.0, 1.0))
        warnings.append("against is translucent: contrast is measured with it painted over white")
    if to_byte(foreground.alpha) < 255:
        foreground = blend(foreground, background)
        warnings.append("input is translucent: contrast is measured with it painted over against")
    luminances = [
        relative_luminance(to_byte(c.red), to_byte(c.green), to_byte(c.blue)) for c in (foreground, background)
    ]
    ratio = contrast_ratio(*luminances)
    meets = lambda threshold: ratio + 1e-9 >= threshold  # noqa: E731 - float noise only
    result = Contrast(
        ratio=ratio,
        ratio_text=ratio_text(ratio),
        aa_normal=meets(AA_NORMAL),
        aa_large=meets(AA_LARGE),
        aaa_normal=meets(AAA_NORMAL),
        aaa_large=meets(AAA_LARGE),
    )
    return result, warnings


def describe(data: ColorInput) -> ColorOutput:
    """Both colours in every notation, and their contrast; raises ToolInputError naming the field."""
    color, warnings = parse_color(data.input, "input")
    against, against_warnings = parse_color(data.against, "against")
    result, contrast_warnings = contrast(color, against)
    return ColorOutput(
        input=forms_of(color),
        against=forms_of(against),
        contrast=result,
        warnings=warnings + [f"against: {w}" for w in against_warnings] + contrast_warnings,
    )


TOOL = Tool(
    slug="color",
    title="Colour",
    category="Design",
    icon="palette",
    keywords=("color", "colour", "hex", "rgb", "hsl", "hwb", "css", "contrast", "wcag", "accessibility", "swatch"),
    examples=(
        ("Hex on white", {"input": "#3366cc", "against": "white"}),
        ("rebeccapurple on black", {"input": "rebeccapurple", "against": "black"}),
        ("hsl() with alpha", {"input": "hsl(120 100% 25% / 0.5)", "against": "white"}),
        ("#767676: just AA on white", {"input": "#767676", "against": "#ffffff"}),
    ),
    operations=(
        Operation(
            ColorInput,
            describe,
            ColorOutput,
            primary=lambda output: output.input.hex,
            summary="Convert a CSS colour to hex, rgb(), hsl(), hwb() and names, with its WCAG 2 contrast against "
            "another.",
            ready=lambda data: bool(data.input.strip()),  # an emptied field is a blank form, not an error
            form=lambda: read_picker_form(ColorInput),
            context=lambda form, result: {"picked": picker_value(result.input.hex if result else None)},
        ),
    ),
)
