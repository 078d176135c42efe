"""One Alembic history; concurrent migrators never apply a migration twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid

import asyncpg
import pytest
from alembic.script import ScriptDirectory

from core.config import PROJECT_ROOT, load_database_settings
from core.db import metadata
from core.migrate import alembic_config
from tests.conftest import PG_URL, REQUIRE_PG, admin_execute, in_thread, make_app, with_database

HEAD = ScriptDirectory.from_config(alembic_config(load_database_settings({}))).get_current_head()
TABLES = {t.name for t in metadata.sorted_tables}


def upgrade_processes(database_url: str, count: int = 3) -> list[subprocess.CompletedProcess]:
    """Start `count` `alembic upgrade head` processes at the same moment."""
    env = {**os.environ, "DATABASE_URL": database_url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def test_there_is_one_head():
    heads = ScriptDirectory.from_config(alembic_config(load_database_settings({}))).get_heads()
    assert heads == [HEAD]


@pytest.mark.slow  # upgrades from several processes at once
def test_concurrent_upgrades_on_sqlite(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    results = upgrade_processes(f"sqlite:///{path}")
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert TABLES <= names
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    # Exactly one process applied the revision; the others found the schema at head.
    applied = [r for r in results if "Running upgrade  -> 0001" in r.stderr]
    assert len(applied) == 1


@pytest.mark.slow  # upgrades from several processes at once
def test_concurrent_upgrades_on_postgresql():
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("TEST_DATABASE_URL is not set")
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"mytools_mig_{uuid.uuid4().hex[:10]}"
    admin_execute(f'CREATE DATABASE "{name}"')
    url = with_database(PG_URL, name).replace("postgresql://", "postgres://")  # Heroku's scheme
    try:
        results = upgrade_processes(url)
        assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
        applied = [r for r in results if "Running upgrade  -> 0001" in r.stderr]
        assert len(applied) == 1

        async def inspect():
            conn = await asyncpg.connect(with_database(PG_URL, name))
            try:
                versions = await conn.fetch("SELECT version_num FROM alembic_version")
                tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                return [v[0] for v in versions], {t[0] for t in tables}
            finally:
                await conn.close()

        import asyncio

        versions, tables = in_thread(asyncio.run, inspect())
        assert versions == [HEAD]
        assert TABLES <= tables
    finally:
        admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_fresh_sqlite_checkout_migrates_on_startup(tmp_path):
    path = tmp_path / "instance" / "mytools.sqlite3"  # the folder does not exist yet
    app = make_app(f"sqlite:///{path}", MYTOOLS_AUTO_MIGRATE="true")
    async with app.test_app():
        response = await app.test_client().get("/healthz")
        assert response.status_code == 200
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
