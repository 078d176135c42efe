"""The pastes table and the queries on it (one code path for SQLite and PostgreSQL)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa

from core.auth import hash_token
from core.db import get_db, metadata, owner_id_column, row_dict
from tools.paste.models import EXPIRY, Created, PasteInput, PasteTooLarge, size_limit, too_large_message
from tools.paste.render import AUTO, guess_language, rendered

pastes = sa.Table(
    "pastes",
    metadata,
    # secrets.token_urlsafe(16): 128 random bits, 22 characters.
    sa.Column("id", sa.String(32), primary_key=True),
    # None for an anonymous paste (allowed only when PASTE_ANONYMOUS is on).
    owner_id_column(nullable=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("language", sa.String(64), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),  # UTF-8 bytes, so lists need not load the content
    sa.Column("burn_after_read", sa.Boolean, nullable=False),
    # SHA-256 of the anonymous creator's delete token; the token itself is shown once.
    sa.Column("delete_token_hash", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True, index=True),
)

COLUMNS = tuple(c for c in pastes.c if c.name != "delete_token_hash")
LIST_COLUMNS = tuple(c for c in COLUMNS if c.name != "content")
LIST_LIMIT = 200


def not_expired(now: datetime):
    return sa.or_(pastes.c.expires_at.is_(None), pastes.c.expires_at > now)


async def insert_paste(values: dict) -> dict:
    return row_dict(await get_db().fetch_one(sa.insert(pastes).values(**values).returning(*COLUMNS)))


async def get_paste(paste_id: str) -> dict | None:
    """The paste, or None when there is none; an expired paste is deleted on the spot."""
    now = datetime.now(UTC)
    paste = row_dict(await get_db().fetch_one(sa.select(*COLUMNS).where(pastes.c.id == paste_id)))
    if paste is not None and paste["expires_at"] is not None and paste["expires_at"] <= now:
        await get_db().execute(sa.delete(pastes).where(pastes.c.id == paste_id, pastes.c.expires_at <= now))
        return None
    return paste


async def take_burning_paste(paste_id: str) -> dict | None:
    """Read a burn-after-read paste and delete it in one statement: of racing readers, exactly one gets it."""
    query = (
        sa.delete(pastes)
        .where(pastes.c.id == paste_id, pastes.c.burn_after_read.is_(True), not_expired(datetime.now(UTC)))
        .returning(*COLUMNS)
    )
    return row_dict(await get_db().fetch_one(query))


async def list_pastes(owner_id: int) -> list[dict]:
    """The owner's live pastes, newest first, without their content."""
    query = (
        sa.select(*LIST_COLUMNS)
        .where(pastes.c.owner_id == owner_id, not_expired(datetime.now(UTC)))
        .order_by(pastes.c.created_at.desc(), pastes.c.id)
        .limit(LIST_LIMIT)
    )
    return [row_dict(row) for row in await get_db().fetch_all(query)]


async def delete_paste(paste_id: str, owner_id: int | None, delete_token: str | None) -> bool:
    """Delete when the caller owns the paste or holds its delete token; False otherwise."""
    allowed = []
    if owner_id is not None:
        allowed.append(pastes.c.owner_id == owner_id)
    if delete_token:
        allowed.append(pastes.c.delete_token_hash == hash_token(delete_token))
    if not allowed:
        return False
    query = sa.delete(pastes).where(pastes.c.id == paste_id, sa.or_(*allowed)).returning(pastes.c.id)
    return await get_db().fetch_val(query) is not None


async def purge_expired() -> int:
    """Delete every expired paste; how many were deleted."""
    query = sa.delete(pastes).where(pastes.c.expires_at <= datetime.now(UTC)).returning(pastes.c.id)
    return len(await get_db().fetch_all(query))


# --- creating a paste ------------------------------------------------------------------


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
    now = datetime.now(UTC)
    await purge_expired()  # the scheduler's job too, so an app without one still stays clean
    paste = await insert_paste(
        {
            "id": secrets.token_urlsafe(16),
            "owner_id": owner_id,
            "title": data.title,
            "language": language,
            "content": data.content,
            "size": size,
            "burn_after_read": data.burn_after_read,
            "delete_token_hash": hash_token(token) if token else None,
            "created_at": now,
            "expires_at": expires_at(data.expires, now),
        }
    )
    await rendered(paste)  # now, while its author waits: its first viewers find it rendered (cached)
    return Created(paste=paste, delete_token=token)
