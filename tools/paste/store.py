"""The pastes table and the queries on it (one code path for SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa

from core.db import get_db, metadata

pastes = sa.Table(
    "pastes",
    metadata,
    # secrets.token_urlsafe(16): 128 random bits, 22 characters.
    sa.Column("id", sa.String(32), primary_key=True),
    # None for an anonymous paste (allowed only when PASTE_ANONYMOUS is on).
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True),
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


def utcnow() -> datetime:
    return datetime.now(UTC)


def hash_token(token: str) -> str:
    """Delete tokens are 192 random bits, so one SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def as_dict(row) -> dict | None:
    if row is None:
        return None
    paste = dict(row._mapping)
    for key in ("created_at", "expires_at"):
        value = paste.get(key)
        if value is not None and value.tzinfo is None:  # SQLite gives naive datetimes back; stored as UTC
            paste[key] = value.replace(tzinfo=UTC)
    return paste


def not_expired(now: datetime):
    return sa.or_(pastes.c.expires_at.is_(None), pastes.c.expires_at > now)


async def insert_paste(values: dict) -> dict:
    return as_dict(await get_db().fetch_one(sa.insert(pastes).values(**values).returning(*COLUMNS)))


async def get_paste(paste_id: str) -> dict | None:
    """The paste, or None when there is none; an expired paste is deleted on the spot."""
    now = utcnow()
    paste = as_dict(await get_db().fetch_one(sa.select(*COLUMNS).where(pastes.c.id == paste_id)))
    if paste is not None and paste["expires_at"] is not None and paste["expires_at"] <= now:
        await get_db().execute(sa.delete(pastes).where(pastes.c.id == paste_id, pastes.c.expires_at <= now))
        return None
    return paste


async def take_burning_paste(paste_id: str) -> dict | None:
    """Read a burn-after-read paste and delete it in one statement: of racing readers, exactly one gets it."""
    query = (
        sa.delete(pastes)
        .where(pastes.c.id == paste_id, pastes.c.burn_after_read.is_(True), not_expired(utcnow()))
        .returning(*COLUMNS)
    )
    return as_dict(await get_db().fetch_one(query))


async def list_pastes(owner_id: int) -> list[dict]:
    """The owner's live pastes, newest first, without their content."""
    query = (
        sa.select(*LIST_COLUMNS)
        .where(pastes.c.owner_id == owner_id, not_expired(utcnow()))
        .order_by(pastes.c.created_at.desc(), pastes.c.id)
        .limit(LIST_LIMIT)
    )
    return [as_dict(row) for row in await get_db().fetch_all(query)]


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
    query = sa.delete(pastes).where(pastes.c.expires_at <= utcnow()).returning(pastes.c.id)
    return len(await get_db().fetch_all(query))
