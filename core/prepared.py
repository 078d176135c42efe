"""Hot queries compiled once: a Core statement with bindparam() values, run without a compile per call.

`databases` compiles every statement it is given, on every call: 100-300 µs of CPU for a small SELECT or
INSERT, more than the round trip. A Prepared statement is built once (at import), compiled once per
dialect on first use, and each call only fills in its values:

    by_code = Prepared(sa.select(links.c.id).where(links.c.code == sa.bindparam("code", None)))
    row = await get_db().fetch_one(by_code(code="abc"))

A bindparam needs a value (None will do) so that SQLAlchemy does not insist on one at compile time;
every call must pass all of the statement's bindparams by name. Only the app's Database (AppDatabase,
built by core.db.make_database) knows how to run one.

Public APIs only: SQLAlchemy's own asyncpg and aiosqlite dialects compile the statement and give each
type's bind and result processors; the SQL text runs on the driver connection of the task's `databases`
Connection (`Connection.raw_connection`), where asyncpg's statement cache keeps it prepared per server
connection (off behind PgBouncer: core.db.pgbouncer_keywords).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from databases import Database
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql import ClauseElement

DIALECTS: dict[str, Dialect] = {"postgresql": PGDialect_asyncpg(), "sqlite": SQLiteDialect_aiosqlite()}
DIALECTS["postgres"] = DIALECTS["postgresql"]  # Heroku's scheme


class Row(tuple):
    """A result row: by position, by column name (row["code"]), as an attribute (row.code) or row._mapping."""

    __slots__ = ()
    columns: dict[str, int] = {}  # set on each template's subclass

    def __getitem__(self, key):
        return tuple.__getitem__(self, self.columns[key] if isinstance(key, str) else key)

    def __getattr__(self, name: str):
        try:
            return tuple.__getitem__(self, self.columns[name])
        except KeyError:
            raise AttributeError(name) from None

    @property
    def _mapping(self) -> dict[str, Any]:  # the name SQLAlchemy's and databases' rows use
        return dict(zip(self.columns, self, strict=True))


@dataclass(frozen=True)
class Template:
    """A statement compiled for one dialect: the SQL text and how to turn values into its arguments."""

    sql: str
    names: tuple[str, ...]  # the bind names, in argument order
    required: frozenset[str]  # the statement's named bindparams: each call passes them all
    literals: dict[str, Any]  # the values SQLAlchemy bound itself (e.g. the 1 of `visits + 1`)
    processors: dict[str, Callable]  # bind name -> the dialect's conversion of a Python value
    converters: tuple[Callable | None, ...]  # per result column: the dialect's conversion of a value read
    row_class: type[Row]

    def arguments(self, values: dict[str, Any]) -> list:
        if missing := self.required - values.keys():
            raise TypeError(f"values missing for bind parameters {sorted(missing)}")
        processors, literals = self.processors, self.literals
        args = []
        for name in self.names:
            value = values[name] if name in values else literals[name]
            args.append(processors[name](value) if name in processors else value)
        return args

    def row(self, values) -> Row | None:
        if values is None:
            return None
        return self.row_class(
            value if convert is None else convert(value) for value, convert in zip(values, self.converters, strict=True)
        )


class Prepared:
    """A Core statement whose changing values are bindparam()s; call it with those values to run it."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self.templates: dict[str, Template] = {}

    def __call__(self, **values: Any) -> Bound:
        return Bound(self, values)

    def template(self, dialect_name: str) -> Template:
        template = self.templates.get(dialect_name)
        if template is None:
            template = self.templates[dialect_name] = compile_template(self.statement, DIALECTS[dialect_name])
        return template


@dataclass(frozen=True)
class Bound:
    """A Prepared statement with the values of one call."""

    prepared: Prepared
    values: dict[str, Any]

    def statement(self) -> ClauseElement:
        """The statement with this call's values, for databases' own (compiling) path."""
        return self.prepared.statement.params(**self.values)


def compile_template(statement: ClauseElement, dialect: Dialect) -> Template:
    compiled = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        raise ValueError("a Prepared statement cannot hold expanding (IN) or literal-execute parameters")
    if compiled.escaped_bind_names:
        raise ValueError(f"bind names must be plain identifiers: {sorted(compiled.escaped_bind_names)}")
    # Both dialects are positional (? and $n): positiontup is the argument order, a name once per number.
    names = tuple(dict.fromkeys(compiled.positiontup)) if dialect.paramstyle != "qmark" else compiled.positiontup
    binds = {name: compiled.binds[name] for name in names}
    processors = {}
    for name, param in binds.items():
        if (process := param.type.dialect_impl(dialect).bind_processor(dialect)) is not None:
            processors[name] = process
    columns = list(getattr(statement, "exported_columns", ()))
    keys = {column.key: index for index, column in enumerate(columns)}
    converters = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    return Template(
        sql=compiled.string,
        names=tuple(names),
        required=frozenset(name for name, param in binds.items() if not param.unique),
        literals={name: param.value for name, param in binds.items() if param.unique},
        processors=processors,
        converters=converters,
        row_class=type("Row", (Row,), {"__slots__": (), "columns": keys}),
    )


class AppDatabase(Database):
    """databases.Database that also runs Prepared statements (PostgreSQL via asyncpg, and SQLite)."""

    def __init__(self, url, *, force_rollback: bool = False, **options: Any) -> None:
        super().__init__(url, force_rollback=force_rollback, **options)
        # One connection shared by every task: databases serialises its queries with a lock of its own,
        # which the driver connection does not have, so Prepared statements take databases' path there.
        self.shares_one_connection = force_rollback
        self.dialect_name = self.url.dialect

    async def fetch_one(self, query, values=None):
        if isinstance(query, Bound) and not self.shares_one_connection:
            return await self.run(query, "one")
        return await super().fetch_one(self.compiling(query), values)

    async def fetch_all(self, query, values=None):
        if isinstance(query, Bound) and not self.shares_one_connection:
            return await self.run(query, "all")
        return await super().fetch_all(self.compiling(query), values)

    async def fetch_val(self, query, values=None, column=0):
        if isinstance(query, Bound) and not self.shares_one_connection:
            row = await self.run(query, "one")
            return None if row is None else row[column]
        return await super().fetch_val(self.compiling(query), values, column)

    async def execute(self, query, values=None):
        if isinstance(query, Bound) and not self.shares_one_connection:
            return await self.run(query, "execute")
        return await super().execute(self.compiling(query), values)

    @staticmethod
    def compiling(query):
        return query.statement() if isinstance(query, Bound) else query

    async def run(self, query: Bound, want: str):
        """Run on the task's connection (its transaction, if any): rows for "one"/"all", else as databases'
        execute (PostgreSQL: the first value; SQLite: the last row id)."""
        template = query.prepared.template(self.dialect_name)
        args = template.arguments(query.values)
        async with self.connection() as connection:
            driver = connection.raw_connection
            if self.dialect_name != "sqlite":  # asyncpg
                if want == "all":
                    return [template.row(row) for row in await driver.fetch(template.sql, *args)]
                if want == "one":
                    return template.row(await driver.fetchrow(template.sql, *args))
                return await driver.fetchval(template.sql, *args)
            async with driver.execute(template.sql, args) as cursor:  # aiosqlite, autocommit as in databases
                if want == "all":
                    return [template.row(row) for row in await cursor.fetchall()]
                if want == "one":
                    return template.row(await cursor.fetchone())
                return cursor.lastrowid
