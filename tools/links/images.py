"""Server-side SVG: the clicks-per-day bar chart and the QR code of a short URL (no style attributes, no script)."""

from __future__ import annotations

import io
from datetime import date
from html import escape

import segno

# viewBox units. The chart is at most 36rem wide (links.css): labels of FONT_SIZE are about as large as the page's
# text on a wide screen, and still about 11 px on a 360 px phone, where the chart shrinks to ~330 px.
WIDTH, HEIGHT = 480, 204
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 12, 170, 54, 450  # room for half a label right of the last bar
FONT_SIZE = 17
MAX_INTERVALS = 5  # at most 6 labelled ticks on the y axis
LABEL_EVERY = 7  # days between the x axis' labels, counted back from the last day
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def nice_steps():
    """1, 2, 5, 10, 20, 50, …"""
    step = 1
    while True:
        for factor in (1, 2, 5):
            yield step * factor
        step *= 10


def nice_max(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is >= value (at least 1)."""
    return next(step for step in nice_steps() if step >= value)


def axis_ticks(value: int) -> list[int]:
    """The y axis' ticks, 0 to a round top >= value: the smallest step of 1, 2, 5, 10, … that needs at most
    MAX_INTERVALS intervals (7 -> 0, 2, 4, 6, 8; 0 -> 0, 1)."""
    for step in nice_steps():
        intervals = max(1, -(-value // step))
        if intervals <= MAX_INTERVALS:
            return [step * i for i in range(intervals + 1)]
    raise AssertionError("unreachable: the steps grow without bound")


def tick_text(value: int, top: int) -> str:
    """A tick's label, short enough for the margin: on an axis that reaches 10000, thousands as "5k", "15k"."""
    return f"{value // 1000}k" if top >= 10_000 and value else str(value)


def day_text(day: date) -> str:
    """ "27 Nov": the same in every locale, and narrow enough for one label a week."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def labelled_days(count: int) -> list[int]:
    """Indexes of the days that get a label: the last one and every LABEL_EVERY-th before it."""
    return list(range(count - 1, -1, -LABEL_EVERY))[::-1]


def axis_label(x: float, y: float, text: str, anchor: str = "start", css_class: str = "axis-label") -> str:
    attributes = f'x="{x:g}" y="{y:g}" text-anchor="{anchor}" font-size="{FONT_SIZE}" fill="currentColor"'
    return f'<text class="{css_class}" {attributes}>{escape(text)}</text>'


def y_axis(ticks: list[int]) -> list[str]:
    """Gridlines and labels: a solid baseline at 0, dashed lines at the other ticks."""
    parts = []
    for value in ticks:
        y = PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / ticks[-1]
        line = 'stroke-width="1"' if value == 0 else 'stroke-width="0.5" stroke-dasharray="4 4" opacity="0.5"'
        parts.append(f'<line x1="{PLOT_LEFT}" y1="{y:g}" x2="{PLOT_RIGHT}" y2="{y:g}" stroke="currentColor" {line}/>')
        parts.append(axis_label(PLOT_LEFT - 8, y + FONT_SIZE * 0.35, tick_text(value, ticks[-1]), "end", "tick-label"))
    return parts


def clicks_chart(per_day: list[dict], title: str) -> str:
    """A bar chart of per_day[i]["clicks"], one bar per day: round ticks on the y axis, a label a week below."""
    ticks = axis_ticks(max((d["clicks"] for d in per_day), default=0))
    plot_height = PLOT_BOTTOM - PLOT_TOP
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(1, len(per_day))
    bar_width = max(1.0, slot * 0.75)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="links-chart" '
        f'aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
        *y_axis(ticks),
    ]
    for i, day in enumerate(per_day):
        height = plot_height * day["clicks"] / ticks[-1]
        x = PLOT_LEFT + i * slot + (slot - bar_width) / 2
        label = f"{day['day'].isoformat()}: {day['clicks']} click{'s' if day['clicks'] != 1 else ''}"
        parts.append(
            f'<rect x="{x:.1f}" y="{PLOT_BOTTOM - height:.1f}" width="{bar_width:.1f}" height="{height:.1f}" '
            f'class="bar" fill="currentColor"><title>{label}</title></rect>'
        )
    for i in labelled_days(len(per_day)):
        centre = PLOT_LEFT + (i + 0.5) * slot
        parts.append(axis_label(round(centre, 1), PLOT_BOTTOM + FONT_SIZE + 6, day_text(per_day[i]["day"]), "middle"))
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
