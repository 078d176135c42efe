"""The bin settings the page forms and the JSON API share (same field names)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.forms import StoredText

# A header value: printable ASCII, no line breaks (so nothing can be smuggled into the response).
CONTENT_TYPE_PATTERN = r"^[!-~][ -~]*$"
MAX_RESPONSE_BODY = 64 * 1024


class BinSettings(BaseModel):
    name: StoredText = Field(default="", max_length=100, description="A label for you; never sent anywhere.")
    response_status: int = Field(default=200, ge=200, le=599, description="Status the capture URL answers.")
    response_content_type: str = Field(
        default="text/plain; charset=utf-8",
        min_length=1,
        max_length=200,
        pattern=CONTENT_TYPE_PATTERN,
        description="Content-Type of that answer.",
    )
    response_body: StoredText = Field(default="", max_length=MAX_RESPONSE_BODY, description="Body of that answer.")


class BinUpdate(BaseModel):
    name: StoredText | None = Field(default=None, max_length=100)
    response_status: int | None = Field(default=None, ge=200, le=599)
    response_content_type: str | None = Field(default=None, min_length=1, max_length=200, pattern=CONTENT_TYPE_PATTERN)
    response_body: StoredText | None = Field(default=None, max_length=MAX_RESPONSE_BODY)
