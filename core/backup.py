"""Export and import of owners' data: every owned table as one JSON document, in foreign-key order.

The document: {"format", "version", "schema_revision", "exported_at", "user", "tables": [{"name",
"columns", "rows": [[value, …], …]}, …]}. Values keep their exact meaning across SQLite and
PostgreSQL: datetimes as ISO 8601 in UTC with the offset, bytes as base64, integers as JSON integers.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import IO

import asyncpg
import sqlalchemy as sa
from databases import Database
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.dialects.sqlite import pysqlite

from core.auth import users
from core.db import is_postgres, metadata, utc
from core.forms import MAX_DB_INTEGER
from core.registry import import_tool_modules

FORMAT = "mytools-backup"
VERSION = 1
# Not data an owner keeps: login sessions end with a move (log in again on the new instance), and
# rate-limit counters only matter for the minutes of their window.
EXCLUDED_TABLES = frozenset({"login_sessions", "rate_limits"})
BATCH_ROWS = 500
BATCH_CHARACTERS = 4_000_000  # keeps one INSERT of large hook bodies to a few megabytes
INTEGER_RANGES = {sa.BigInteger: 2**63 - 1, sa.SmallInteger: 2**15 - 1, sa.Integer: MAX_DB_INTEGER}


class BackupError(Exception):
    """A backup cannot be written or read; the message is one line for the person at the terminal."""


def backup_tables() -> list[sa.Table]:
    """Every table that holds owners' data, parents before children."""
    import_tool_modules()  # each tool adds its tables to `metadata` on import
    return [table for table in metadata.sorted_tables if table.name not in EXCLUDED_TABLES]


def owner_condition(table: sa.Table, user_id: int) -> sa.ColumnElement | None:
    """The rows of `table` that belong to the user: by a foreign key to users, or to a table they own."""
    if table is users:
        return users.c.id == user_id
    for key in table.foreign_keys:
        if key.column.table is users:
            return key.parent == user_id
    for key in table.foreign_keys:
        parent_condition = owner_condition(key.column.table, user_id)
        if parent_condition is not None:
            return key.parent.in_(sa.select(key.column).where(parent_condition))
    return None


def encode_value(column: sa.Column, value):
    """A column's value as JSON."""
    if value is None:
        return None
    if isinstance(column.type, sa.DateTime):
        return utc(value).isoformat()
    if isinstance(column.type, sa.LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(column.type, sa.Boolean):
        return bool(value)
    return value


def integer_limit(column_type: sa.Integer) -> int:
    return next(limit for kind, limit in INTEGER_RANGES.items() if isinstance(column_type, kind))


def decode_value(column: sa.Column, value):
    """A JSON value as the column's Python value; ValueError says what is wrong with it."""
    kind = column.type
    if value is None:
        if not column.nullable:
            raise ValueError("may not be null")
        return None
    if isinstance(kind, sa.DateTime):
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        if moment is None or moment.tzinfo is None:
            raise ValueError("must be an ISO 8601 date and time with a UTC offset")
        return moment.astimezone(UTC)
    if isinstance(kind, sa.LargeBinary):
        if not isinstance(value, str):
            raise ValueError("must be base64 text")
        return base64.b64decode(value, validate=True)
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if isinstance(kind, sa.Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("must be an integer")
        if abs(value) > integer_limit(kind):
            raise ValueError(f"is out of the column's range (±{integer_limit(kind)})")
        return value
    if isinstance(kind, sa.String):
        if not isinstance(value, str):
            raise ValueError("must be text")
        if kind.length is not None and len(value) > kind.length:
            raise ValueError(f"is longer than {kind.length} characters")
        if "\x00" in value:
            raise ValueError("must not contain the NUL character (U+0000)")
    return value


def decode_row(table: sa.Table, columns: list[str], values, number: int) -> dict:
    """One row of the document as {column: value} for an INSERT into `table`."""
    if not isinstance(values, list) or len(values) != len(columns):
        raise BackupError(f"table {table.name}, row {number}: expected a list of {len(columns)} values")
    row = {}
    for name, value in zip(columns, values, strict=True):
        try:
            row[name] = decode_value(table.c[name], value)
        except (ValueError, binascii.Error) as exc:
            raise BackupError(f"table {table.name}, row {number}, column {name}: {exc}") from None
    return row


# --- the document ------------------------------------------------------------------------


def header(revision: str, user_name: str | None) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema_revision": revision,
        "exported_at": datetime.now(UTC).isoformat(),
        "user": user_name,
    }


def open_object(document: dict, key: str) -> str:
    """`document` as JSON, left open at the start of a list under `key`."""
    return json.dumps(document)[:-1] + f", {json.dumps(key)}: ["


def read_document(source: IO[bytes], name: str) -> dict:
    """Parse and check a backup file (before any database work); BackupError when it is not one."""
    try:
        document = json.load(source)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BackupError(f"{name} is not a JSON document: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f'{name} is not a mytools backup (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise BackupError(f"{name} has format version {document.get('version')!r}; this instance reads {VERSION}")
    if not isinstance(document.get("schema_revision"), str):
        raise BackupError(f"{name} has no schema_revision")
    document["tables"] = table_entries(document.get("tables"), name)
    return document


def table_entries(entries, name: str) -> dict[str, dict]:
    """{table name: entry} for exactly the backup tables, each entry with its columns and rows checked."""
    if not isinstance(entries, list):
        raise BackupError(f"{name} has no list of tables")
    known = {table.name: table for table in backup_tables()}
    found: dict[str, dict] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise BackupError(f"{name}: every table needs a name")
        table = known.get(entry["name"])
        if table is None or entry["name"] in found:
            raise BackupError(f"{name}: unexpected table {entry['name']!r}")
        if not isinstance(entry.get("rows"), list):
            raise BackupError(f"{name}: table {table.name} has no list of rows")
        columns = entry.get("columns")
        if not isinstance(columns, list) or sorted(columns) != sorted(table.c.keys()):
            raise BackupError(f"{name}: the columns of table {table.name} differ from this instance's")
        found[table.name] = entry
    missing = [table for table in known if table not in found]
    if missing:
        raise BackupError(f"{name} lacks the tables {', '.join(missing)}")
    return found


# --- export -------------------------------------------------------------------------------


async def schema_revision(database: Database) -> str:
    try:
        revision = await database.fetch_val(sa.text("SELECT version_num FROM alembic_version"))
    except (sqlite3.Error, asyncpg.PostgresError):
        revision = None
    if revision is None:
        raise BackupError("the database has no schema yet: run `quart --app app migrate` first")
    return revision


async def user_id_of(database: Database, user_name: str) -> int:
    user_id = await database.fetch_val(sa.select(users.c.id).where(users.c.name == user_name))
    if user_id is None:
        raise BackupError(f"no user named {user_name!r}")
    return user_id


async def export_chunks(database: Database, user_name: str | None, counts: dict[str, int]) -> AsyncIterator[str]:
    """The document as text, one row per chunk (streamed: no table is held in memory).

    All owners' data (and anonymous pastes), or only that of `user_name`; rows per table go to `counts`.
    """
    user_id = None if user_name is None else await user_id_of(database, user_name)
    yield open_object(header(await schema_revision(database), user_name), "tables")
    for position, table in enumerate(backup_tables()):
        query = sa.select(table).order_by(*table.primary_key.columns)
        if user_id is not None:
            query = query.where(owner_condition(table, user_id))
        entry = {"name": table.name, "columns": list(table.c.keys())}
        yield ("," if position else "") + "\n" + open_object(entry, "rows")
        counts[table.name] = 0
        async for row in database.iterate(query):
            values = [encode_value(column, row[column.name]) for column in table.columns]
            yield ("\n" if counts[table.name] == 0 else ",\n") + json.dumps(values)
            counts[table.name] += 1
        yield "]}"
    yield "\n]}\n"


async def write_export(database: Database, output: IO[str], user_name: str | None) -> dict[str, int]:
    """Write the document to `output` from one consistent snapshot; returns the rows per table."""
    counts: dict[str, int] = {}
    async with database.transaction(isolation="repeatable_read", readonly=True):  # SQLite ignores the options
        async for chunk in export_chunks(database, user_name, counts):
            output.write(chunk)
    return counts


# --- import -------------------------------------------------------------------------------


def batches(rows: list) -> Iterator[list]:
    """Consecutive slices of at most BATCH_ROWS rows and roughly BATCH_CHARACTERS of text."""
    batch: list = []
    size = 0
    for values in rows:
        batch.append(values)
        size += sum(len(value) for value in values if isinstance(value, str)) if isinstance(values, list) else 1
        if len(batch) >= BATCH_ROWS or size >= BATCH_CHARACTERS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def unique_keys(table: sa.Table) -> list[list[sa.Column]]:
    """Every unique constraint or index of `table`, then its primary key (a name says more than an id)."""
    keys = [list(c.columns) for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    keys += [list(index.columns) for index in table.indexes if index.unique]
    return [*keys, list(table.primary_key.columns)]


async def refuse_existing(database: Database, table: sa.Table, rows: list[dict]) -> None:
    """BackupError naming the first row of the batch whose key the database already holds."""
    for key in unique_keys(table):
        wanted = [tuple(row[column.name] for column in key) for row in rows]
        match = key[0].in_([values[0] for values in wanted]) if len(key) == 1 else sa.tuple_(*key).in_(wanted)
        existing = await database.fetch_one(sa.select(*key).where(match).limit(1))
        if existing is not None:
            described = ", ".join(f"{column.name}={existing[column.name]!r}" for column in key)
            raise BackupError(f"table {table.name} already has the row {described}; nothing was imported")


def insert_statement(database: Database, table: sa.Table, columns: list[str]):
    """(SQL, row → driver values): one INSERT compiled once per table, for the driver's executemany.

    A multi-row INSERT through SQLAlchemy compiles every value of every row: five times slower.
    """
    dialect = asyncpg_dialect.dialect() if is_postgres(database) else pysqlite.dialect(paramstyle="qmark")
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=columns)
    names = [compiled.binds[key].key for key in compiled.positiontup]
    processors = {name: table.c[name].type.bind_processor(dialect) for name in names}

    def driver_values(row: dict) -> tuple:
        return tuple(row[n] if processors[n] is None or row[n] is None else processors[n](row[n]) for n in names)

    return compiled.string, driver_values


async def insert_table(database: Database, table: sa.Table, entry: dict) -> int:
    columns, number = entry["columns"], 0
    sql, driver_values = insert_statement(database, table, columns)
    connection = database.connection().raw_connection  # this task's connection: the import's transaction
    for batch in batches(entry["rows"]):
        rows = [decode_row(table, columns, values, number + offset + 1) for offset, values in enumerate(batch)]
        number += len(rows)
        await refuse_existing(database, table, rows)
        try:
            await connection.executemany(sql, [driver_values(row) for row in rows])
        except (sqlite3.Error, asyncpg.PostgresError) as exc:
            reason = str(exc).splitlines()[0]
            raise BackupError(
                f"table {table.name}: the database refused rows {number - len(rows) + 1}–{number}: {reason}"
            ) from None
    return number


async def reset_sequences(database: Database, tables: list[sa.Table]) -> None:
    """PostgreSQL: move each serial column's sequence past the imported ids, so new rows get free ones."""
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        highest = sa.func.max(column)
        sequence = sa.func.pg_get_serial_sequence(table.name, column.name)
        await database.execute(
            sa.select(sa.func.setval(sequence, sa.func.coalesce(highest, 1), highest.is_not(None))).select_from(table)
        )


async def import_document(database: Database, document: dict) -> dict[str, int]:
    """Insert every row of a checked document in one transaction (all or nothing); rows per table."""
    revision = await schema_revision(database)
    if document["schema_revision"] != revision:
        raise BackupError(
            f"the backup is of schema revision {document['schema_revision']}, this database of {revision}: "
            "import into an instance of the same version"
        )
    tables = backup_tables()
    counts = {}
    async with database.transaction():
        for table in tables:
            counts[table.name] = await insert_table(database, table, document["tables"][table.name])
        if is_postgres(database):
            await reset_sequences(database, tables)
    return counts
