"""The notes table and the queries on it (one code path for SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from core.db import contains_words, get_db, metadata, owner_id_column, row_dict

notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    owner_id_column(),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    # Bumped by every edit: an edit based on an older version is refused, never silently applied.
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

COLUMNS = (notes.c.id, notes.c.title, notes.c.body, notes.c.version, notes.c.created_at, notes.c.updated_at)
LIST_LIMIT = 200


async def create_note(owner_id: int, title: str, body: str) -> dict:
    now = datetime.now(UTC)
    query = (
        sa.insert(notes)
        .values(owner_id=owner_id, title=title, body=body, version=1, created_at=now, updated_at=now)
        .returning(*COLUMNS)
    )
    return row_dict(await get_db().fetch_one(query))


async def list_notes(owner_id: int, search: str = "") -> list[dict]:
    """The owner's notes, newest edit first; `search` matches title or body, any case."""
    query = (
        sa.select(*COLUMNS)
        .where(notes.c.owner_id == owner_id, contains_words(search, notes.c.title, notes.c.body))
        .order_by(notes.c.updated_at.desc(), notes.c.id.desc())
        .limit(LIST_LIMIT)
    )
    return [row_dict(row) for row in await get_db().fetch_all(query)]


async def get_note(owner_id: int, note_id: int) -> dict | None:
    query = sa.select(*COLUMNS).where(notes.c.id == note_id, notes.c.owner_id == owner_id)
    return row_dict(await get_db().fetch_one(query))


async def update_note(owner_id: int, note_id: int, title: str, body: str, version: int) -> dict | None:
    """Save an edit made on `version`; None when the note changed meanwhile (or is gone)."""
    query = (
        sa.update(notes)
        .where(notes.c.id == note_id, notes.c.owner_id == owner_id, notes.c.version == version)
        .values(title=title, body=body, version=notes.c.version + 1, updated_at=datetime.now(UTC))
        .returning(*COLUMNS)
    )
    return row_dict(await get_db().fetch_one(query))


async def delete_note(owner_id: int, note_id: int) -> bool:
    query = sa.delete(notes).where(notes.c.id == note_id, notes.c.owner_id == owner_id).returning(notes.c.id)
    return await get_db().fetch_val(query) is not None
