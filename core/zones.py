"""IANA time zone names shared by the time and cron tools: the list, and a forgiving validator."""

from __future__ import annotations

import difflib
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# "localtime" is the server's own setting, not an IANA zone; "Factory" means "no zone set".
NOT_ZONES = {"localtime", "Factory"}


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone this server knows (tzdata is pinned, so the list does not depend on the OS)."""
    return tuple(sorted(available_timezones() - NOT_ZONES))


@cache
def _by_lower() -> dict[str, str]:
    return {name.lower(): name for name in zone_names()}


def canonical_zone(name: str) -> str:
    """The IANA spelling of `name` ("europe/berlin" -> "Europe/Berlin"); ValueError with suggestions if unknown."""
    found = _by_lower().get(name.strip().lower())
    if found:
        return found
    close = difflib.get_close_matches(name.strip(), zone_names(), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else " such as Europe/Berlin, America/New_York or UTC"
    raise ValueError(f"unknown time zone {name.strip()!r}: use an IANA name{hint}")


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(canonical_zone(name))
