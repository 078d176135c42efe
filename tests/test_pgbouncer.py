"""Behind a real PgBouncer in transaction mode (Heroku's pooler), DATABASE_PGBOUNCER=true makes the app work."""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg
import pytest
from alembic.script import ScriptDirectory
from serverutil import PROJECT_ROOT, REQUIRE_PG, free_port, fresh_database, port_is_open, require_postgres, running

from core.config import ConfigError, load_database_settings
from core.db import make_database, sqlalchemy_connect_args
from core.migrate import alembic_config, upgrade_to_head

# The suite's database tests; the test files that exist are run (links, paste, hooks came later).
DATABASE_TESTS = (
    "test_notes.py",
    "test_auth.py",
    "test_health.py",
    "test_links.py",
    "test_links_rules.py",
    "test_paste.py",
    "test_hooks.py",
    "test_favorites.py",
)
# A database entry with two server connections at most.
PAIR = "pair"


def pgbouncer_binary() -> str:
    """The pgbouncer executable (Debian's package puts it in /usr/sbin), or skip (fail in CI)."""
    found = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/local/sbin")
    if not found:
        if REQUIRE_PG:
            pytest.fail("pgbouncer is not installed (apt-get install -y pgbouncer; .ci/run does it)")
        pytest.skip("pgbouncer is not installed (apt-get install -y pgbouncer)")
    return found


def write_config(directory: Path, server_url: str, port: int) -> Path:
    """pgbouncer.ini: transaction pooling on 127.0.0.1:`port` for every database of `server_url`'s server."""
    server = urlsplit(server_url)
    user = unquote(server.username or "postgres")
    password = unquote(server.password or "")
    target = f"host={server.hostname or '127.0.0.1'} port={server.port or 5432}"
    database = server.path.lstrip("/") or "postgres"
    # trust: clients are not checked; the auth file still lists the user and gives PgBouncer
    # the password it needs to log in to PostgreSQL where the server asks for one.
    (directory / "userlist.txt").write_text(f'"{user}" "{password}"\n')
    ini = directory / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"{PAIR} = {target} dbname={database} pool_size=2\n"
        f"* = {target}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {directory / 'userlist.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 20\nmax_client_conn = 500\n"
        f"admin_users = {user}\nignore_startup_parameters = extra_float_digits\n"
        f"pidfile = {directory / 'pgbouncer.pid'}\n"
    )
    return ini


@contextmanager
def pgbouncer(server_url: str) -> Iterator[str]:
    """A PgBouncer in transaction mode in front of `server_url`'s server; yields a URL like it, through PgBouncer."""
    binary = pgbouncer_binary()
    directory = Path(tempfile.mkdtemp(prefix="mytools-pgbouncer-"))
    try:
        port = free_port()
        ini = write_config(directory, server_url, port)
        args = [binary, str(ini)]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            account = pwd.getpwnam("postgres")
            os.chown(directory, account.pw_uid, account.pw_gid)
            for path in directory.iterdir():
                os.chown(path, account.pw_uid, account.pw_gid)
            args[1:1] = ["-u", "postgres"]
        with running(args, dict(os.environ)) as process:
            deadline = time.monotonic() + 15
            while not port_is_open(port):
                if process.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"pgbouncer did not start:\n{process.output()}")
                time.sleep(0.05)
            parts = urlsplit(server_url)
            netloc = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
            yield urlunsplit(parts._replace(netloc=f"{netloc}127.0.0.1:{port}"))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def through(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + database))


async def query_twice_while_its_server_connection_is_taken(url: str, pgbouncer_mode: str) -> list[object]:
    """The app's pool runs one query twice; in between, another client holds the server connection
    the first run used, so PgBouncer hands the second run another one. Returns answers or errors."""
    settings = load_database_settings(
        {"DATABASE_URL": url, "DATABASE_POOL_MAX": "1", "DATABASE_PGBOUNCER": pgbouncer_mode}
    )
    database = make_database(settings)
    answers: list[object] = []

    async def query() -> None:
        try:
            # A query with a parameter, as every SQLAlchemy Core query the tools run.
            answers.append(await database.fetch_val("SELECT CAST(:n AS integer) * 2", {"n": 20 + len(answers)}))
        except Exception as exc:  # noqa: BLE001 - the answer under test
            answers.append(exc)

    await database.connect()
    try:
        await query()
        other = await asyncpg.connect(url, statement_cache_size=0)
        try:
            holding = other.transaction()
            await holding.start()
            await other.execute("SELECT 1")  # PgBouncer reuses the most recent idle server connection
            await query()
            await holding.rollback()
        finally:
            await other.close()
    finally:
        await database.disconnect()
    return answers


@pytest.mark.slow
def test_prepared_statements_break_behind_transaction_pooling_unless_the_setting_is_on():
    server_url = require_postgres()
    with pgbouncer(server_url) as bouncer_url:
        url = through(bouncer_url, PAIR)
        without = asyncio.run(query_twice_while_its_server_connection_is_taken(url, "false"))
        with_setting = asyncio.run(query_twice_while_its_server_connection_is_taken(url, "true"))

    # asyncpg cached the statement it prepared on the first server connection; the second has none.
    assert without[0] == 40
    assert isinstance(without[1], asyncpg.InvalidSQLStatementNameError), without
    assert "does not exist" in str(without[1])
    assert with_setting == [40, 42]


async def schema_version(url: str) -> str:
    conn = await asyncpg.connect(url, statement_cache_size=0)
    try:
        return await conn.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await conn.close()


@pytest.mark.slow
def test_migrations_run_through_pgbouncer_with_the_setting():
    server_url = require_postgres()
    with fresh_database() as database, pgbouncer(server_url) as bouncer_url:
        url = through(bouncer_url, database)
        settings = load_database_settings({"DATABASE_URL": url, "DATABASE_PGBOUNCER": "true"})
        upgrade_to_head(settings)
        upgrade_to_head(settings)  # the release phase of the next deploy: finds the schema at head
        version = asyncio.run(schema_version(url))
    assert version == ScriptDirectory.from_config(alembic_config(settings)).get_current_head()


@pytest.mark.slow
def test_database_tests_pass_through_pgbouncer_in_transaction_mode():
    server_url = require_postgres()
    tests = [f"tests/{name}" for name in DATABASE_TESTS if (PROJECT_ROOT / "tests" / name).exists()]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DATABASE_"))}
    with pgbouncer(server_url) as bouncer_url:
        # conftest creates, migrates (Alembic), truncates and drops its database through PgBouncer too.
        env.update(TEST_DATABASE_URL=bouncer_url, DATABASE_PGBOUNCER="true", MYTOOLS_REQUIRE_POSTGRES="1")
        args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow and not e2e"]
        result = subprocess.run(
            [*args, "-k", "postgresql", *tests], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
            timeout=600,
        )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    print(f"\nthrough PgBouncer: {summary}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert " passed" in summary and "skipped" not in summary, summary


def test_the_setting_reaches_asyncpg_for_the_pool_and_for_migrations():
    url = "postgres://u:p@db.example.com:5432/d"
    on = load_database_settings({"DATABASE_URL": url, "DATABASE_PGBOUNCER": "true"})
    off = load_database_settings({"DATABASE_URL": url})
    assert make_database(on)._backend._options["statement_cache_size"] == 0
    assert "statement_cache_size" not in make_database(off)._backend._options
    args = sqlalchemy_connect_args(on)
    assert args["statement_cache_size"] == 0 and args["prepared_statement_cache_size"] == 0
    assert args["prepared_statement_name_func"]() != args["prepared_statement_name_func"]()
    assert "statement_cache_size" not in sqlalchemy_connect_args(off)
    # SQLite has no such thing; a wrong value is refused with the variable's name.
    assert sqlalchemy_connect_args(load_database_settings({"DATABASE_PGBOUNCER": "true"})) == {}
    with pytest.raises(ConfigError, match="DATABASE_PGBOUNCER"):
        load_database_settings({"DATABASE_URL": url, "DATABASE_PGBOUNCER": "maybe"})
