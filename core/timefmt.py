"""Human-readable times shared by tools: "3 h ago", "in 2 days"."""

from __future__ import annotations

from datetime import datetime

UNITS = (("year", 365 * 86400), ("day", 86400), ("h", 3600), ("min", 60), ("s", 1))


def relative(moment: datetime, now: datetime) -> str:
    """`moment` relative to `now`, in the largest whole unit: "3 h ago", "in 2 days", "now"."""
    seconds = int((moment - now).total_seconds())
    if seconds == 0:
        return "now"
    amount = abs(seconds)
    for name, size in UNITS:
        if amount >= size:
            count = amount // size
            label = f"{count} {name}" + ("s" if name in ("year", "day") and count != 1 else "")
            return f"in {label}" if seconds > 0 else f"{label} ago"
    return "now"
