"""Alembic environment: async engine over asyncpg or aiosqlite, one migrator at a time."""

import asyncio
import fcntl
import os
from contextlib import contextmanager
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from core.config import DatabaseSettings, load_database_settings, sqlite_path
from core.db import metadata, prepare_sqlite_file, sqlalchemy_connect_args, sqlalchemy_url
from core.registry import import_tool_modules

# Any fixed number works; every process that migrates this database asks for the same lock.
MIGRATION_LOCK_KEY = 7_020_424_711

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

import_tool_modules()  # each tool module adds its tables to `metadata`


def database_settings() -> DatabaseSettings:
    return config.attributes.get("database") or load_database_settings(os.environ)


@contextmanager
def sqlite_file_lock(settings: DatabaseSettings):
    """Serialise migrators of one SQLite file (PostgreSQL uses an advisory lock instead)."""
    if not settings.is_sqlite:
        yield
        return
    prepare_sqlite_file(sqlite_path(settings.url))
    path = sqlite_path(settings.url) + ".migrate-lock"
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_migrations(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Held until commit: a second migrator waits here, then finds the schema at head.
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    else:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()


async def run_async_migrations(settings: DatabaseSettings) -> None:
    engine = create_async_engine(
        sqlalchemy_url(settings), connect_args=sqlalchemy_connect_args(settings), poolclass=sa.NullPool
    )
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=sqlalchemy_url(database_settings()),
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    settings = database_settings()
    with sqlite_file_lock(settings):
        asyncio.run(run_async_migrations(settings))
