"""sRGB <-> HSL / HWB (CSS Color 4, sections 7 and 8) and WCAG 2 relative luminance and contrast."""

from __future__ import annotations

import math


def hsl_to_rgb(hue: float, saturation: float, lightness: float) -> tuple[float, float, float]:
    """CSS Color 4, section 7.1 (hslToRgb.js): hue in degrees, saturation and lightness 0-100; RGB 0-1."""
    hue %= 360
    saturation /= 100
    lightness /= 100

    def f(n: int) -> float:
        k = (n + hue / 30) % 12
        a = saturation * min(lightness, 1 - lightness)
        return lightness - a * max(-1, min(k - 3, 9 - k, 1))

    return f(0), f(8), f(4)


def hwb_to_rgb(hue: float, white: float, black: float) -> tuple[float, float, float]:
    """CSS Color 4, section 8.1 (hwbToRgb.js): whiteness and blackness 0-100; a sum >= 100 is a grey."""
    white /= 100
    black /= 100
    if white + black >= 1:
        grey = white / (white + black)
        return grey, grey, grey
    red, green, blue = hsl_to_rgb(hue, 100, 50)
    return tuple(c * (1 - white - black) + white for c in (red, green, blue))  # type: ignore[return-value]


def rgb_to_hue(red: float, green: float, blue: float) -> float | None:
    """The HSL/HWB hue in degrees, or None for a grey (the hue is powerless)."""
    high, low = max(red, green, blue), min(red, green, blue)
    d = high - low
    if d == 0:
        return None
    if high == red:
        hue = (green - blue) / d + (6 if green < blue else 0)
    elif high == green:
        hue = (blue - red) / d + 2
    else:
        hue = (red - green) / d + 4
    return (hue * 60) % 360


def rgb_to_hsl(red: float, green: float, blue: float) -> tuple[float | None, float, float]:
    """CSS Color 4, section 7.2 (better-rgbToHsl.js), for in-gamut colours: hue, saturation %, lightness %."""
    high, low = max(red, green, blue), min(red, green, blue)
    lightness = (high + low) / 2
    saturation = 0.0
    if high != low and 0 < lightness < 1:
        saturation = (high - lightness) / min(lightness, 1 - lightness)
    return rgb_to_hue(red, green, blue), saturation * 100, lightness * 100


def rgb_to_hwb(red: float, green: float, blue: float) -> tuple[float | None, float, float]:
    """CSS Color 4, section 8.2 (rgbToHwb.js): hue, whiteness %, blackness %."""
    return rgb_to_hue(red, green, blue), min(red, green, blue) * 100, (1 - max(red, green, blue)) * 100


def to_byte(channel: float) -> int:
    """A 0-1 channel as 0-255, rounded half up (127.5 -> 128) after removing float noise."""
    return math.floor(round(channel * 255, 6) + 0.5)


def relative_luminance(red: int, green: int, blue: int) -> float:
    """WCAG 2 relative luminance of 8-bit sRGB (WCAG 2.1, definition of "relative luminance")."""

    def linear(byte: int) -> float:
        c = byte / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(first: float, second: float) -> float:
    """WCAG 2 contrast ratio (L1 + 0.05) / (L2 + 0.05) of two relative luminances, lighter over darker."""
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)
