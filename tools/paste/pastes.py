"""What a paste is: the input schema, expiry choices, size limit, and creation."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.bounded_render import render_bounded, site_hosts
from core.config import current_settings
from core.errors import human_size
from core.executor import WorkLimitExceeded, default_limits, run_bounded
from core.ratelimit import Decision, Rule, limit_address
from tools.paste import store
from tools.paste.render import AUTO, PLAIN, detect_language, is_language, language_name, render_paste

EXPIRY = {
    "10m": timedelta(minutes=10),
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "1w": timedelta(weeks=1),
    "never": None,
}
EXPIRY_LABELS = {"10m": "10 minutes", "1h": "1 hour", "1d": "1 day", "1w": "1 week", "never": "Never"}
DEFAULT_EXPIRY = "1w"
Expiry = Literal["10m", "1h", "1d", "1w", "never"]


class PasteInput(BaseModel):
    content: str = Field(min_length=1, description="The text (UTF-8); at most PASTE_MAX_BYTES bytes.")
    title: str = Field(default="", max_length=200, description="Optional title, up to 200 characters.")
    language: str = Field(
        default=AUTO,
        max_length=64,
        description='"auto" (detect), "text", "markdown" (rendered, sanitized) or any Pygments language name.',
    )
    expires: Expiry = Field(default=DEFAULT_EXPIRY, description="Lifetime: 10m, 1h, 1d, 1w or never.")
    burn_after_read: bool = Field(default=False, description="Delete the paste the first time it is read.")

    @field_validator("content", "title")
    @classmethod
    def text_only(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("Contains a NUL character: only text can be pasted.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("Contains a lone surrogate: only valid Unicode text can be pasted.") from None
        return value

    @field_validator("title")
    @classmethod
    def one_line_title(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("language")
    @classmethod
    def known_language(cls, value: str) -> str:
        value = value.strip().lower() or AUTO
        if not is_language(value):
            raise ValueError(f"Unknown language {value!r}: choose auto, text, markdown or a Pygments language name.")
        return language_name(value)


class PasteTooLarge(Exception):
    """The content is over PASTE_MAX_BYTES; the message states the limit."""


class Created(BaseModel):
    paste: dict
    delete_token: str | None


def size_limit() -> int:
    return current_settings().paste_max_bytes


def too_large_message() -> str:
    return f"The paste is too large: the limit is {human_size(size_limit())}."


def anonymous_allowed() -> bool:
    return current_settings().paste_anonymous


def anonymous_rule() -> Rule:
    return Rule("paste-anonymous", current_settings().paste_anonymous_per_hour, 3600)


async def anonymous_refusal(owner_id: int | None) -> Decision | None:
    """An anonymous creation counts against the client's address (PASTE_ANONYMOUS_PER_HOUR); the owner's never do.

    The refusal when the address is over its limit, else None.
    """
    return None if owner_id is not None else await limit_address(anonymous_rule())


DETECT_SECONDS = 1.0  # auto-detection is a guess: past this, the paste is plain text


async def guess_language(content: str) -> str:
    """Pygments' guess, bounded: some texts make its lexers' analysis slow."""
    limits = default_limits()
    try:
        return await run_bounded(
            detect_language, content, limits=limits.replace(seconds=min(limits.seconds, DETECT_SECONDS))
        )
    except WorkLimitExceeded:
        return PLAIN


def expires_at(expires: str, now: datetime) -> datetime | None:
    lifetime = EXPIRY[expires]
    return None if lifetime is None else now + lifetime


async def create_paste(data: PasteInput, owner_id: int | None) -> Created:
    """Store a paste; anonymous ones get a delete token (returned once, stored hashed)."""
    size = len(data.content.encode("utf-8"))
    if size > size_limit():
        raise PasteTooLarge(too_large_message())
    language = data.language
    if language == AUTO:
        language = await guess_language(data.content)
    token = None if owner_id is not None else secrets.token_urlsafe(24)
    now = store.utcnow()
    await store.purge_expired()  # the scheduler's job too, so an app without one still stays clean
    paste = await store.insert_paste(
        {
            "id": secrets.token_urlsafe(16),
            "owner_id": owner_id,
            "title": data.title,
            "language": language,
            "content": data.content,
            "size": size,
            "burn_after_read": data.burn_after_read,
            "delete_token_hash": store.hash_token(token) if token else None,
            "created_at": now,
            "expires_at": expires_at(data.expires, now),
        }
    )
    # Render now, while its author waits, so its first viewers find it rendered (core.bounded_render caches).
    await render_bounded(render_paste, paste["content"], paste["language"], site_hosts())
    return Created(paste=paste, delete_token=token)
