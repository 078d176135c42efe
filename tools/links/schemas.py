"""Input and output models of the links tool (the same field names in forms and JSON)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field, field_validator

from tools.links.rules import MAX_TARGET

MAX_VISITS_LIMIT = 1_000_000_000


def empty_to_none(value):
    """A form's empty field means "not set"."""
    return None if isinstance(value, str) and not value.strip() else value


def as_utc(value: datetime | None) -> datetime | None:
    """A time without a zone is UTC (the form says so); any other zone is converted."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class LinkSettings(BaseModel):
    """The settings of a link an owner can set on creation and change later."""

    target: str = Field(min_length=1, max_length=MAX_TARGET * 3, description="The http(s) URL to redirect to.")
    permanent: bool = Field(default=False, description="Redirect with 301 (cached by browsers) instead of 302.")
    expires_at: datetime | None = Field(
        default=None, description="After this time (UTC when no zone is given) the link answers 410 Gone."
    )
    max_visits: int | None = Field(
        default=None, ge=1, le=MAX_VISITS_LIMIT, description="After this many redirects the link answers 410 Gone."
    )

    blank_is_none = field_validator("expires_at", "max_visits", mode="before")(empty_to_none)
    zone_is_utc = field_validator("expires_at")(as_utc)


class LinkInput(LinkSettings):
    alias: str | None = Field(
        default=None,
        description="A custom code: 3-64 letters, digits, - or _ (case-insensitive); generated when omitted.",
    )

    blank_alias_is_none = field_validator("alias", mode="before")(empty_to_none)


class LinkEdit(BaseModel):
    """PATCH: only the fields sent are changed; null clears expires_at or max_visits."""

    target: str | None = Field(default=None, min_length=1, max_length=MAX_TARGET * 3)
    permanent: bool | None = None
    disabled: bool | None = Field(default=None, description="A disabled link answers 410 Gone.")
    expires_at: datetime | None = None
    max_visits: int | None = Field(default=None, ge=1, le=MAX_VISITS_LIMIT)

    zone_is_utc = field_validator("expires_at")(as_utc)


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


class ClickStatistics(BaseModel):
    total: int = Field(description="Clicks by people.")
    bots: int = Field(description="Crawlers, link-preview fetchers and requests without a User-Agent.")
    per_day: list[DayClicks] = Field(description="The last 30 UTC days, oldest first.")
    top_referrers: list[Referrer] = Field(description="Up to 10 referrer hosts of people's clicks, most first.")


class LinkDetail(LinkOut):
    statistics: ClickStatistics
