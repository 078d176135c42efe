"""Hot queries compiled once: a Core statement with bindparam() values, run without a compile per call.

`databases` compiles every statement it is given, on every call: 100-300 µs of CPU for a small SELECT or
INSERT, more than the round trip. A Prepared statement is built once (at import), compiled once per
dialect on first use, and each call only fills in its values:

    by_code = Prepared(sa.select(links.c.id).where(links.c.code == sa.bindparam("code", None)))
    row = await get_db().fetch_one(by_code(code="abc"))

A bindparam needs a value (None will do) so that SQLAlchemy does not insist on one at compile time;
every call must pass all of the statement's bindparams by name. Only the app's Database (AppDatabase,
built by core.db.make_database) knows how to run one.

On PostgreSQL, `fetch_one` of a Prepared statement outside a transaction goes straight to asyncpg's pool
(acquire, fetchrow, release): what databases does too, without its per-call Connection object and locks.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from databases import Database
from databases.backends.common.records import Record, create_column_maps
from databases.backends.postgres import PostgresBackend, PostgresConnection
from databases.backends.sqlite import CompilationContext, SQLiteBackend, SQLiteConnection
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True)
class Template:
    """A statement compiled for one dialect: the SQL text and how to turn values into its arguments."""

    sql: str
    names: tuple[str, ...]  # the bind names, in argument order
    required: frozenset[str]  # the statement's named bindparams: each call passes them all
    literals: dict[str, Any]  # the values SQLAlchemy bound itself (e.g. the 1 of `visits + 1`)
    processors: dict  # bind name -> the dialect's conversion of a Python value (e.g. datetime for SQLite)
    result_columns: Any
    column_maps: Any  # what databases' Record needs to convert result values, built once
    compiled: Any

    def arguments(self, values: dict[str, Any]) -> list:
        if missing := self.required - values.keys():
            raise TypeError(f"values missing for bind parameters {sorted(missing)}")
        processors, literals = self.processors, self.literals
        args = []
        for name in self.names:
            value = values[name] if name in values else literals[name]
            args.append(processors[name](value) if name in processors else value)
        return args


class Prepared:
    """A Core statement whose changing values are bindparam()s; call it with those values to run it."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self.templates: dict[str, Template] = {}

    def __call__(self, **values: Any) -> Bound:
        return Bound(self, values)

    def template(self, dialect: Dialect) -> Template:
        template = self.templates.get(dialect.name)
        if template is None:
            template = self.templates[dialect.name] = compile_template(self.statement, dialect)
        return template


@dataclass(frozen=True)
class Bound:
    """A Prepared statement with the values of one call."""

    prepared: Prepared
    values: dict[str, Any]

    def arguments(self, template: Template) -> list:
        return template.arguments(self.values)


def compile_template(statement: ClauseElement, dialect: Dialect) -> Template:
    compiled = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        raise ValueError("a Prepared statement cannot hold expanding (IN) or literal-execute parameters")
    if compiled.escaped_bind_names:
        raise ValueError(f"bind names must be plain identifiers: {sorted(compiled.escaped_bind_names)}")
    if dialect.paramstyle == "qmark":  # SQLite: positional ?, in the order the compiler wrote them
        names, sql = tuple(compiled.positiontup), compiled.string
    else:  # databases' PostgreSQL dialect writes %(name)s: number them $1… in sorted order, as databases does
        names = tuple(sorted(compiled.params))
        sql = compiled.string % {name: f"${i}" for i, name in enumerate(names, start=1)}
    required = frozenset(name for param, name in compiled.bind_names.items() if not param.unique)
    literals = {name: param.value for param, name in compiled.bind_names.items() if param.unique}
    result_columns = compiled._result_columns
    column_maps = create_column_maps(result_columns)
    return Template(
        sql, names, required, literals, dict(compiled._bind_processors), result_columns, column_maps, compiled
    )


class PreparedPostgresConnection(PostgresConnection):
    def _compile(self, query):
        if not isinstance(query, Bound):
            return super()._compile(query)
        template = query.prepared.template(self._dialect)
        return template.sql, query.arguments(template), template.result_columns

    async def fetch_one(self, query):
        if not isinstance(query, Bound):
            return await super().fetch_one(query)
        # databases' own fetch_one, with the column maps of the template instead of new ones per row
        template = query.prepared.template(self._dialect)
        row = await self._connection.fetchrow(template.sql, *query.arguments(template))
        return None if row is None else Record(row, template.result_columns, self._dialect, template.column_maps)


class PreparedSQLiteConnection(SQLiteConnection):
    def _compile(self, query):
        if not isinstance(query, Bound):
            return super()._compile(query)
        template = query.prepared.template(self._dialect)
        compiled = template.compiled
        context = self._dialect.execution_ctx_cls()
        context.dialect = self._dialect
        context.result_column_struct = (
            compiled._result_columns,
            compiled._ordered_columns,
            compiled._textual_ordered_columns,
            compiled._ad_hoc_textual,
            compiled._loose_column_name_matching,
        )
        return template.sql, query.arguments(template), template.result_columns, CompilationContext(context)


class PreparedPostgresBackend(PostgresBackend):
    def connection(self) -> PreparedPostgresConnection:
        return PreparedPostgresConnection(self, self._dialect)


class PreparedSQLiteBackend(SQLiteBackend):
    def connection(self) -> PreparedSQLiteConnection:
        return PreparedSQLiteConnection(self._pool, self._dialect)


class AppDatabase(Database):
    """databases.Database that also runs Prepared statements (PostgreSQL via asyncpg, and SQLite)."""

    async def fetch_one(self, query, values=None):
        if isinstance(query, Bound) and isinstance(self._backend, PreparedPostgresBackend) and self._no_connection():
            # databases would acquire a pool connection for this one query and release it: the same, minus
            # its Connection object (three locks) and the task's entry in its connection map.
            template = query.prepared.template(self._backend._dialect)
            async with self._backend._pool.acquire() as connection:
                row = await connection.fetchrow(template.sql, *query.arguments(template))
            if row is None:
                return None
            return Record(row, template.result_columns, self._backend._dialect, template.column_maps)
        return await super().fetch_one(query, values)

    def _no_connection(self) -> bool:
        """True when this task holds no connection (so no transaction) that the query must run on."""
        return self._global_connection is None and asyncio.current_task() not in self._connection_map

    SUPPORTED_BACKENDS = {
        **Database.SUPPORTED_BACKENDS,
        "postgresql": f"{__name__}:PreparedPostgresBackend",
        "postgres": f"{__name__}:PreparedPostgresBackend",
        "sqlite": f"{__name__}:PreparedSQLiteBackend",
    }
