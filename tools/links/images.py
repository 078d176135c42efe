"""Server-side SVG: the clicks-per-day bar chart and the QR code of a short URL (no style attributes, no script)."""

from __future__ import annotations

import io
from html import escape

import segno

WIDTH, HEIGHT = 600, 176
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 20, 140, 44, 596
FONT_SIZE = 16  # viewBox units: about 10 px when the chart is squeezed to a 360 px phone


def nice_max(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is >= value (at least 1): the y axis' top."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def axis_label(x: float, y: float, text: str, anchor: str = "start") -> str:
    attributes = f'x="{x}" y="{y}" text-anchor="{anchor}" font-size="{FONT_SIZE}" fill="currentColor"'
    return f"<text {attributes}>{escape(text)}</text>"


def clicks_chart(per_day: list[dict], title: str) -> str:
    """A bar chart of per_day[i]["clicks"], one bar per day, labelled with the first and last day."""
    top = nice_max(max((d["clicks"] for d in per_day), default=0))
    plot_height = PLOT_BOTTOM - PLOT_TOP
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(1, len(per_day))
    bar_width = max(1.0, slot * 0.75)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="links-chart" '
        f'aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<line x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_RIGHT}" y2="{PLOT_BOTTOM}" stroke="currentColor" '
        f'stroke-width="1"/>',
        f'<line x1="{PLOT_LEFT}" y1="{PLOT_TOP}" x2="{PLOT_RIGHT}" y2="{PLOT_TOP}" stroke="currentColor" '
        f'stroke-width="0.5" stroke-dasharray="4 4" opacity="0.5"/>',
        axis_label(PLOT_LEFT - 6, PLOT_TOP + 6, str(top), "end"),
        axis_label(PLOT_LEFT - 6, PLOT_BOTTOM, "0", "end"),
    ]
    for i, day in enumerate(per_day):
        height = plot_height * day["clicks"] / top
        x = PLOT_LEFT + i * slot + (slot - bar_width) / 2
        y = PLOT_BOTTOM - height
        label = f"{day['day'].isoformat()}: {day['clicks']} click{'s' if day['clicks'] != 1 else ''}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{height:.1f}" class="bar" '
            f'fill="currentColor"><title>{label}</title></rect>'
        )
    if per_day:
        first, last = per_day[0]["day"].isoformat(), per_day[-1]["day"].isoformat()
        parts.append(axis_label(PLOT_LEFT, HEIGHT - 6, first))
        parts.append(axis_label(PLOT_RIGHT, HEIGHT - 6, last, "end"))
    parts.append("</svg>")
    return "".join(parts)


def qr_svg(url: str, inline: bool = True, scale: int = 8) -> str:
    """The QR code of `url`: black on white (readable on a dark page), with a title; viewBox only when inline."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        title=f"QR code for {url}",
        scale=1 if inline else scale,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=inline,
        nl=False,
    )
    return out.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" ', 1)
