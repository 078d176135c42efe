"""The one shared connection pool, and the metadata every tool's tables join."""

from __future__ import annotations

import asyncio
import logging
import os
import ssl as ssl_lib
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from databases import Database
from quart import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import ColumnElement

from core.config import DatabaseSettings, sqlite_path
from core.prepared import AppDatabase

log = logging.getLogger("mytools.db")

# Every tool declares its tables on this metadata, so Alembic sees one schema.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

EXTENSION_KEY = "mytools.db"
HEALTH_TIMEOUT = 3.0
CONNECT_ATTEMPT_SECONDS = 10.0


class DatabaseUnavailable(RuntimeError):
    """The database did not answer within the startup deadline."""


def asyncpg_ssl(mode: str) -> bool | str | ssl_lib.SSLContext:
    """The `ssl` keyword for asyncpg (databases ignores `sslmode` in the URL)."""
    if mode == "verify-full":
        return ssl_lib.create_default_context()
    return "require" if mode == "require" else False


def pgbouncer_keywords(settings: DatabaseSettings) -> dict:
    """asyncpg options for PgBouncer in transaction mode, where each transaction may get another
    server connection: a named prepared statement would be missing there, or already taken."""
    return {"statement_cache_size": 0} if settings.pgbouncer and not settings.is_sqlite else {}


async def keep_session_state(connection) -> None:
    """The pool's reset on release: nothing to undo.

    asyncpg's default reset sends `pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` on every
    release, a second round trip for each query made through `databases`. The app never sets session
    state (no SET, LISTEN, WITH HOLD cursors or session advisory locks: the migration lock is
    transaction-scoped and not taken through this pool), and asyncpg still rolls back an open
    transaction itself before calling this.
    """


def make_database(settings: DatabaseSettings) -> Database:
    """Build (without connecting) the app's one Database object."""
    if settings.is_sqlite:
        url = "sqlite+aiosqlite:///" + sqlite_path(settings.url)
        return AppDatabase(url, timeout=15)
    return AppDatabase(
        settings.url,
        min_size=settings.pool_min,
        max_size=settings.pool_max,
        ssl=asyncpg_ssl(settings.ssl),
        server_settings={"application_name": "mytools"},
        # Each new connection, at startup or as the pool grows: a server that accepts and then says nothing
        # must not hold startup past its deadline, nor a request past Heroku's 30 s (asyncpg waits 60 s).
        timeout=min(settings.connect_timeout, CONNECT_ATTEMPT_SECONDS),
        # Free idle connections so a quiet app does not sit on the plan's budget.
        max_inactive_connection_lifetime=60.0,
        reset=keep_session_state,
        **pgbouncer_keywords(settings),
    )


def sqlalchemy_url(settings: DatabaseSettings) -> str:
    """The same database as an async SQLAlchemy URL (for Alembic)."""
    if settings.is_sqlite:
        return "sqlite+aiosqlite:///" + sqlite_path(settings.url)
    scheme, rest = settings.url.split("://", 1)
    return "postgresql+asyncpg://" + rest


def sqlalchemy_connect_args(settings: DatabaseSettings) -> dict:
    if settings.is_sqlite:
        return {}
    args: dict = {"ssl": asyncpg_ssl(settings.ssl), **pgbouncer_keywords(settings)}
    if settings.pgbouncer:
        # SQLAlchemy prepares every statement by name; unique names never collide on a shared
        # server connection, and no dialect-level cache keeps one past its transaction.
        args.update(prepared_statement_cache_size=0, prepared_statement_name_func=unique_statement_name)
    return args


def unique_statement_name() -> str:
    return f"__asyncpg_{uuid.uuid4().hex}__"


def prepare_sqlite_file(path: str) -> None:
    """Create the SQLite file owner-only (0600), in an owner-only folder (0700) when it makes the folder.

    It holds password hashes and every owner's data; SQLite would create it 0644 (umask 022), and its
    -wal and -shm files take the database file's permissions.
    """
    if not path or path == ":memory:":
        return
    folder = Path(path).parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))  # an empty file is a new SQLite database
    mode = os.stat(path).st_mode
    if mode & 0o077:
        try:
            os.chmod(path, 0o600)  # a file an older version created readable by all
        except PermissionError:
            log.warning("%s is readable by other users and not ours to chmod", path)


def owner_id_column(nullable: bool = False) -> sa.Column:
    """A tool table's owner: a user, whose deletion deletes the row (backups find a row's owner through it)."""
    return sa.Column(
        "owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=nullable, index=True
    )


def get_db() -> Database:
    """The shared pool of the current app: the only way tools reach the database."""
    return current_app.extensions[EXTENSION_KEY]


def get_app_database(app) -> Database:
    """The pool of `app` (for platform parts built before any request, such as core/events.py)."""
    return app.extensions[EXTENSION_KEY]


def is_postgres(database: Database | None = None) -> bool:
    """Whether the app's database (or `database`) is PostgreSQL; the only other kind is SQLite."""
    return (database or get_db()).url.dialect.startswith("postgres")


def upsert_insert(table: sa.Table):
    """An INSERT in the app database's dialect, which has `on_conflict_do_update` (both kinds support it)."""
    return (postgresql if is_postgres() else sqlite).insert(table)


def utc(moment: datetime | None) -> datetime | None:
    """`moment` in UTC: SQLite gives naive datetimes back (everything is stored in UTC), a form may send any zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def row_dict(row) -> dict | None:
    """A result row as a dict, its datetimes in UTC whichever database gave them (None stays None)."""
    if row is None:
        return None
    values = dict(row._mapping)  # databases' Record hands out its Row here: a mapping without .items()
    return {key: utc(value) if isinstance(value, datetime) else value for key, value in values.items()}


def escape_like(text: str) -> str:
    """`text` matched literally by LIKE … ESCAPE '\\' (its % and _ are no wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_words(search: str, *columns: sa.ColumnElement) -> ColumnElement[bool]:
    """Every word of `search` appears in one of `columns`, any case: the condition a tool's `?q=` adds."""
    if "\x00" in search:
        return sa.false()  # no stored text holds NUL (PostgreSQL cannot store one), and it refuses one in a query
    words = [f"%{escape_like(word)}%" for word in search.split()]
    return sa.and_(sa.true(), *(sa.or_(*(c.ilike(word, escape="\\") for c in columns)) for word in words))


async def ping(database: Database, timeout: float = HEALTH_TIMEOUT) -> None:
    """One real round trip; raises when the database does not answer in time."""
    await asyncio.wait_for(database.fetch_val("SELECT 1"), timeout)


async def connect_with_retry(database: Database, settings: DatabaseSettings) -> None:
    """Connect the pool, retrying with backoff until settings.connect_timeout has passed."""
    if settings.is_sqlite:
        prepare_sqlite_file(sqlite_path(settings.url))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.connect_timeout
    delay, attempt = 0.25, 0
    while True:
        attempt += 1
        try:
            if not database.is_connected:
                await database.connect()
            await ping(database)
            return
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable yet"
            remaining = deadline - loop.time()
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if remaining <= 0:
                raise DatabaseUnavailable(
                    f"cannot reach the database at {settings.host_port} after "
                    f"{settings.connect_timeout:.0f} s ({attempt} attempts): {reason}"
                ) from None
            log.warning("database at %s not reachable yet (%s); retrying", settings.host_port, reason)
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, 4.0)
