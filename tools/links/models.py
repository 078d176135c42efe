"""The links' input and output models (the same field names in forms and JSON), and the checks and shaping
that pages and API share."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field, field_validator
from quart import url_for

from core.db import utc
from core.forms import ToolInputError
from core.hosts import own_hosts
from tools.links import rules

MAX_VISITS_LIMIT = 1_000_000_000


def empty_to_none(value):
    """A form's empty field means "not set"."""
    return None if isinstance(value, str) and not value.strip() else value


class LinkSettings(BaseModel):
    """The settings of a link an owner can set on creation and change later."""

    target: str = Field(min_length=1, max_length=rules.MAX_TARGET * 3, description="The http(s) URL to redirect to.")
    permanent: bool = Field(default=False, description="Redirect with 301 (cached by browsers) instead of 302.")
    expires_at: datetime | None = Field(
        default=None, description="After this time (UTC when no zone is given) the link answers 410 Gone."
    )
    max_visits: int | None = Field(
        default=None, ge=1, le=MAX_VISITS_LIMIT, description="After this many redirects the link answers 410 Gone."
    )

    blank_is_none = field_validator("expires_at", "max_visits", mode="before")(empty_to_none)
    zone_is_utc = field_validator("expires_at")(utc)  # a time without a zone is UTC (the form says so)


class LinkInput(LinkSettings):
    alias: str | None = Field(
        default=None,
        description="A custom code: 3-64 letters, digits, - or _ (case-insensitive); generated when omitted.",
    )

    blank_alias_is_none = field_validator("alias", mode="before")(empty_to_none)


class LinkEdit(BaseModel):
    """PATCH: only the fields sent are changed; null clears expires_at or max_visits."""

    target: str | None = Field(default=None, min_length=1, max_length=rules.MAX_TARGET * 3)
    permanent: bool | None = None
    disabled: bool | None = Field(default=None, description="A disabled link answers 410 Gone.")
    expires_at: datetime | None = None
    max_visits: int | None = Field(default=None, ge=1, le=MAX_VISITS_LIMIT)

    zone_is_utc = field_validator("expires_at")(utc)


class LinkQuery(BaseModel):
    q: str = Field(default="", description="Words that must all appear in the code or the target.")


class LinkOut(BaseModel):
    code: str
    short_url: str = Field(description="The short URL to share.")
    target: str
    permanent: bool
    disabled: bool
    expires_at: datetime | None
    max_visits: int | None
    visits: int = Field(description="Redirects counted against max_visits (0 when there is no maximum).")
    status: str = Field(description="active, disabled, expired or used up.")
    created_at: datetime
    updated_at: datetime


class LinkSummary(LinkOut):
    clicks: int = Field(description="Clicks by people (bots and link previews not included).")


class LinkList(BaseModel):
    links: list[LinkSummary]


class DayClicks(BaseModel):
    day: date
    clicks: int
    bots: int


class Referrer(BaseModel):
    host: str | None = Field(description="The Referer's host; null for direct visits (no Referer).")
    clicks: int


class SoftwareClicks(BaseModel):
    name: str | None = Field(
        description='The browser ("Chrome", "Mobile Safari") or OS ("Windows", "iOS") family, '
        "as ua-parser names it; null when the User-Agent names none (or the click predates it)."
    )
    clicks: int


class ClickStatistics(BaseModel):
    total: int = Field(description="Clicks by people.")
    bots: int = Field(description="Crawlers, link-preview fetchers and requests without a User-Agent.")
    per_day: list[DayClicks] = Field(description="The last 30 UTC days, oldest first.")
    top_referrers: list[Referrer] = Field(description="Up to 10 referrer hosts of people's clicks, most first.")
    browsers: list[SoftwareClicks] = Field(description="People's clicks by browser (up to 10), most first.")
    operating_systems: list[SoftwareClicks] = Field(description="People's clicks by OS (up to 10), most first.")


class LinkDetail(LinkOut):
    statistics: ClickStatistics


class AliasTakenError(ToolInputError):
    """A custom alias that another link already uses (HTTP 409)."""


def link_status(link: dict, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    if link["disabled"]:
        return "disabled"
    if link["expires_at"] is not None and link["expires_at"] <= now:
        return "expired"
    if link["max_visits"] is not None and link["visits"] >= link["max_visits"]:
        return "used up"
    return "active"


def short_url(code: str) -> str:
    return url_for("links.follow", code=code, _external=True)


def link_out(link: dict) -> LinkOut:
    fields = {name: link[name] for name in LinkOut.model_fields if name in link}
    return LinkOut(**fields, short_url=short_url(link["code"]), status=link_status(link))


def link_summary(link: dict) -> LinkSummary:
    return LinkSummary(**link_out(link).model_dump(), clicks=link["clicks"])


def checked_settings(data: LinkSettings | LinkEdit, fields: set[str]) -> dict:
    """The given fields of `data`, checked against the rules (raises ToolInputError naming the field)."""
    changes = {name: getattr(data, name) for name in fields}
    for name in ("target", "permanent", "disabled"):
        if name in changes and changes[name] is None:
            raise ToolInputError(f"{name} cannot be null", name)
    if "target" in changes:
        changes["target"] = rules.clean_target(changes["target"], own_hosts())
    if changes.get("expires_at") is not None and changes["expires_at"] <= datetime.now(UTC):
        raise ToolInputError("the expiry time must be in the future", "expires_at")
    return changes
