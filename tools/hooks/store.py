"""The webhook bins and captured requests tables, and the queries on them."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core import events
from core.db import escape_like, get_db, is_postgres, metadata, owner_id_column, row_dict, utc

log = logging.getLogger("mytools.hooks")

hook_bins = sa.Table(
    "hook_bins",
    metadata,
    # The id is the capture URL's secret: 16 random bytes, URL-safe base64 (22 characters).
    sa.Column("id", sa.String(32), primary_key=True),
    owner_id_column(),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("response_status", sa.Integer, nullable=False),
    sa.Column("response_content_type", sa.String(200), nullable=False),
    sa.Column("response_body", sa.Text, nullable=False),
    # Every capture ever accepted, including the ones retention has dropped since.
    sa.Column("received", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

hook_requests = sa.Table(
    "hook_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("bin_id", sa.String(32), sa.ForeignKey("hook_bins.id", ondelete="CASCADE"), nullable=False),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("query", sa.Text, nullable=False),
    sa.Column("headers", sa.Text, nullable=False),  # JSON list of [name, value], as received, in order
    sa.Column("body", sa.LargeBinary, nullable=False),  # the first HOOKS_MAX_BODY_BYTES bytes
    sa.Column("body_size", sa.Integer, nullable=False),  # the real length
    sa.Column("client_address", sa.String(64), nullable=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    # Newest-first listing and retention both walk (bin_id, id).
    sa.Index(None, "bin_id", "id"),
)

BIN_COLUMNS = tuple(c for c in hook_bins.c if c.name != "owner_id")
SUMMARY_COLUMNS = (
    hook_requests.c.id,
    hook_requests.c.method,
    hook_requests.c.path,
    hook_requests.c.query,
    hook_requests.c.body_size,
    hook_requests.c.client_address,
    hook_requests.c.received_at,
    # The body's first bytes, for the list's preview (display.body_preview).
    sa.func.substr(hook_requests.c.body, 1, 160).label("body_head"),
)
DEFAULT_RESPONSE = {"response_status": 200, "response_content_type": "text/plain; charset=utf-8", "response_body": ""}


def now() -> datetime:
    return datetime.now(UTC)


def as_dict(row) -> dict | None:
    """A bin or request row as a dict: UTC datetimes, headers as (name, value) pairs, the body as bytes."""
    item = row_dict(row)
    if item is None:
        return None
    if "headers" in item:
        item["headers"] = [tuple(pair) for pair in json.loads(item["headers"])]
    for key in ("body", "body_head"):
        if key in item:
            item[key] = bytes(item[key] or b"")
    return item


def is_expired(hook_bin: dict, moment: datetime | None = None) -> bool:
    return hook_bin["expires_at"] <= (moment or now())


def new_bin_id() -> str:
    return secrets.token_urlsafe(16)


# --- bins ----------------------------------------------------------------------------------


async def create_bin(owner_id: int, ttl_days: int, name: str = "", **response) -> dict:
    created = now()
    values = {**DEFAULT_RESPONSE, **{k: v for k, v in response.items() if v is not None}}
    query = (
        sa.insert(hook_bins)
        .values(
            id=new_bin_id(),
            owner_id=owner_id,
            name=name,
            received=0,
            created_at=created,
            expires_at=created + timedelta(days=ttl_days),
            **values,
        )
        .returning(*BIN_COLUMNS)
    )
    return as_dict(await get_db().fetch_one(query))


def stored_count():
    return sa.select(sa.func.count()).where(hook_requests.c.bin_id == hook_bins.c.id).scalar_subquery().label("stored")


async def list_bins(owner_id: int) -> list[dict]:
    """The owner's live bins, newest first, with how many requests each holds now."""
    query = (
        sa.select(*BIN_COLUMNS, stored_count())
        .where(hook_bins.c.owner_id == owner_id, hook_bins.c.expires_at > now())
        .order_by(hook_bins.c.created_at.desc(), hook_bins.c.id)
    )
    return [as_dict(row) for row in await get_db().fetch_all(query)]


async def get_bin(owner_id: int, bin_id: str) -> dict | None:
    query = sa.select(*BIN_COLUMNS, stored_count()).where(hook_bins.c.id == bin_id, hook_bins.c.owner_id == owner_id)
    return as_dict(await get_db().fetch_one(query))


async def update_response(owner_id: int, bin_id: str, **changes) -> dict | None:
    """Change the name or the answer captures get; None when the bin is not the owner's."""
    # An empty change still answers with the bin (a no-op UPDATE ... RETURNING).
    values = {k: v for k, v in changes.items() if v is not None} or {"name": hook_bins.c.name}
    query = sa.update(hook_bins).where(hook_bins.c.id == bin_id, hook_bins.c.owner_id == owner_id).values(**values)
    return as_dict(await get_db().fetch_one(query.returning(*BIN_COLUMNS)))


async def delete_bin(bin_id: str, owner_id: int | None = None) -> bool:
    """Delete a bin and its requests (SQLite does not enforce ON DELETE CASCADE, so both explicitly)."""
    db = get_db()
    query = sa.delete(hook_bins).where(hook_bins.c.id == bin_id)
    if owner_id is not None:
        query = query.where(hook_bins.c.owner_id == owner_id)
    async with db.transaction():
        deleted = await db.fetch_val(query.returning(hook_bins.c.id))
        if deleted is not None:
            await db.execute(sa.delete(hook_requests).where(hook_requests.c.bin_id == bin_id))
    return deleted is not None


async def purge_expired(owner_id: int | None = None) -> int:
    """Delete expired bins (all, or one owner's) and their requests; returns how many bins went."""
    db = get_db()
    expired = hook_bins.c.expires_at <= now()
    if owner_id is not None:
        expired = sa.and_(expired, hook_bins.c.owner_id == owner_id)
    ids = [row.id for row in await db.fetch_all(sa.delete(hook_bins).where(expired).returning(hook_bins.c.id))]
    if ids:
        await db.execute(sa.delete(hook_requests).where(hook_requests.c.bin_id.in_(ids)))
    if owner_id is None:
        # The full sweep (the scheduled command) also removes orphans: requests whose capture passed its bin
        # check just before the bin was deleted (SQLite does not enforce ON DELETE CASCADE).
        orphan = ~sa.exists().where(hook_bins.c.id == hook_requests.c.bin_id)
        await db.execute(sa.delete(hook_requests).where(orphan))
    return len(ids)


# --- captures ------------------------------------------------------------------------------


async def count_capture(bin_id: str) -> dict | None:
    """Count one more capture and return the bin's answer and expiry (None: no such bin).

    One round trip does both the lookup and the count.
    """
    query = (
        sa.update(hook_bins)
        .where(hook_bins.c.id == bin_id)
        .values(received=hook_bins.c.received + 1)
        .returning(*BIN_COLUMNS)
    )
    return as_dict(await get_db().fetch_one(query))


async def store_capture(bin_id: str, keep: int, **captured) -> int:
    """Insert a captured request, then drop all but the `keep` newest of the bin; returns the new request's id.

    Two autocommitted statements on purpose: each trim starts after its own insert is visible, so
    the last trim to run sees every insert and leaves exactly the newest `keep` rows. Putting both
    in one transaction would let two concurrent captures each miss the other's row and keep keep+1.
    """
    db = get_db()
    values = {**captured, "headers": json.dumps(captured["headers"]), "received_at": now()}
    request_id = await db.fetch_val(
        sa.insert(hook_requests).values(bin_id=bin_id, **values).returning(hook_requests.c.id)
    )
    newer_than_kept = (
        sa.select(hook_requests.c.id)
        .where(hook_requests.c.bin_id == bin_id)
        .order_by(hook_requests.c.id.desc())
        .limit(1)
        .offset(keep)
        .scalar_subquery()
    )
    # When the bin holds `keep` rows or fewer the subquery is NULL and nothing matches.
    await db.execute(
        sa.delete(hook_requests).where(hook_requests.c.bin_id == bin_id, hook_requests.c.id <= newer_than_kept)
    )
    return request_id


def contains_bytes(column: sa.ColumnElement, needle: bytes) -> sa.ColumnElement[bool]:
    """`needle` occurs in the binary `column`, byte for byte (no wildcard: nothing to escape)."""
    literal = sa.literal(needle, sa.LargeBinary)
    if is_postgres():
        return sa.func.position(literal.op("IN")(column)) > 0
    return sa.func.instr(column, literal) > 0


def request_filter(method: str = "", path: str = "", text: str = "") -> list[sa.ColumnElement[bool]]:
    """Conditions of the list's filter: the method, a piece of the path (any case), and words that each appear
    in the path, query or headers (any case) or in the body (as sent)."""
    conditions = []
    if method:
        conditions.append(hook_requests.c.method == method)
    if path:
        conditions.append(hook_requests.c.path.ilike(f"%{escape_like(path)}%", escape="\\"))
    for word in text.split():
        pattern = f"%{escape_like(word)}%"
        columns = (hook_requests.c.path, hook_requests.c.query, hook_requests.c.headers)
        in_text = [column.ilike(pattern, escape="\\") for column in columns]
        conditions.append(sa.or_(*in_text, contains_bytes(hook_requests.c.body, word.encode())))
    return conditions


async def list_requests(
    bin_id: str, limit: int, full: bool = False, after: int = 0, where: list | tuple = ()
) -> list[dict]:
    """The bin's requests newer than id `after` (and matching `where`), newest first, at most `limit`
    (summaries, or every column with `full`)."""
    columns = tuple(hook_requests.c) if full else SUMMARY_COLUMNS
    query = (
        sa.select(*columns)
        .where(hook_requests.c.bin_id == bin_id, hook_requests.c.id > after, *where)
        .order_by(hook_requests.c.id.desc())
        .limit(limit)
    )
    return [as_dict(row) for row in await get_db().fetch_all(query)]


async def get_request(owner_id: int, bin_id: str, request_id: int) -> dict | None:
    query = (
        sa.select(*hook_requests.c)
        .join(hook_bins, hook_bins.c.id == hook_requests.c.bin_id)
        .where(hook_requests.c.id == request_id, hook_bins.c.id == bin_id, hook_bins.c.owner_id == owner_id)
    )
    return as_dict(await get_db().fetch_one(query))


async def newest_request_id(owner_id: int, bin_id: str) -> tuple[bool, int]:
    """(the bin is the owner's and live, the id of its newest request or 0): the cheap poll query."""
    newest = sa.select(sa.func.max(hook_requests.c.id)).where(hook_requests.c.bin_id == bin_id).scalar_subquery()
    query = sa.select(hook_bins.c.expires_at, newest.label("newest")).where(
        hook_bins.c.id == bin_id, hook_bins.c.owner_id == owner_id
    )
    row = await get_db().fetch_one(query)
    if row is None or utc(row.expires_at) <= now():
        return False, 0
    return True, row.newest or 0


# --- live viewers -----------------------------------------------------------------------------


def bin_channel(bin_id: str) -> str:
    """The events channel of a bin: each new request's id, and "gone" when the bin is deleted."""
    return f"hooks:{bin_id}"


async def announce(bin_id: str, payload: str) -> None:
    """Tell the bin's live viewers, on every process; a failure only costs them the push (they poll)."""
    try:
        await events.publish(bin_channel(bin_id), payload)
    except Exception:  # noqa: BLE001 - what changed is stored; live viewers are a convenience
        log.warning("could not announce an event of a bin", exc_info=True)
