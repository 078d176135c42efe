"""The notes' input and output models: the same field names in the forms and the JSON API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from core.forms import MAX_DB_INTEGER, StoredText


class NoteInput(BaseModel):
    title: StoredText = Field(min_length=1, max_length=200, description="Title, 1-200 characters.")
    body: StoredText = Field(default="", max_length=200_000, description="Markdown text.")


class NoteEdit(NoteInput):
    version: int = Field(
        ge=1, le=MAX_DB_INTEGER, description="The version you edited; a newer one on the server gives 409."
    )


class NoteOut(BaseModel):
    id: int
    title: str
    body: str
    html: str = Field(description="The body rendered as sanitized HTML.")
    version: int
    created_at: datetime
    updated_at: datetime


class NoteList(BaseModel):
    notes: list[NoteOut]


class NoteQuery(BaseModel):
    q: str = ""
