"""What a paste is: its input and output models, expiry choices, size limit, anonymous pastes and links."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from quart import url_for

from core.config import current_settings
from core.errors import human_size
from core.ratelimit import Decision, Rule, limit_address
from tools.paste.render import AUTO, is_language, language_name

# Paste pages hold private text and must not be cached (a shared cache would keep a burnt paste) or indexed.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}
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


class Created(BaseModel):
    paste: dict
    delete_token: str | None


class PasteTooLarge(Exception):
    """The content is over PASTE_MAX_BYTES; the message states the limit."""


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


class PasteSummary(BaseModel):
    id: str
    title: str
    language: str = Field(description="The Pygments language name (detected when created with auto).")
    size: int = Field(description="Size of the content in UTF-8 bytes.")
    burn_after_read: bool
    created_at: datetime
    expires_at: datetime | None = Field(description="When the paste is deleted; null: never.")
    url: str = Field(description="The paste's page.")
    raw_url: str | None = Field(description="The raw text (text/plain); null for burn-after-read pastes.")


class PasteOut(PasteSummary):
    content: str


class PasteCreated(PasteSummary):
    delete_token: str | None = Field(
        description="Anonymous pastes only: send it as X-Delete-Token to DELETE the paste. Shown once."
    )


class PasteList(BaseModel):
    pastes: list[PasteSummary]


def paste_links(paste: dict) -> dict:
    return {
        "url": url_for("paste.show", paste_id=paste["id"], _external=True),
        "raw_url": None if paste["burn_after_read"] else url_for("paste.raw", paste_id=paste["id"], _external=True),
    }
