"""Fixtures: every database test runs twice, on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import jinja2
import jinja2.bccache
import pytest

from app import create_app
from core.config import load_database_settings
from core.db import metadata
from core.migrate import upgrade_to_head
from tests.offline import guarded_sockets, quiet_dns
from tests.ratelimitutil import LOW_LIMITS, Clock, redis_url

TEST_SECRET = "test-secret-" + "x" * 32
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
# .ci/run sets this: there a missing PostgreSQL is a failure, never a skip.
REQUIRE_PG = os.environ.get("MYTOOLS_REQUIRE_POSTGRES") == "1"


# What `--quick` leaves out: browser tests, slow ones (real server or command processes, sweeps), and the
# PostgreSQL and Redis twins of tests that also run on SQLite and on the database's counter store.
QUICK_LEAVES_OUT = ("e2e", "slow", "postgresql", "redis")


def pytest_addoption(parser):
    parser.addoption(
        "--quick",
        action="store_true",
        help="day-to-day run: leave out tests marked " + ", ".join(QUICK_LEAVES_OUT) + " (CI runs everything)",
    )
    # Tests never rewrite tracked files: screenshots go to a temporary folder unless this names one
    # (./scripts/screenshots passes docs/screenshots).
    parser.addoption("--screenshots", metavar="DIR", help="where the browser tests save their screenshots")


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--quick"):
        return
    kept, left_out = [], []
    for item in items:
        marked = any(item.get_closest_marker(name) for name in QUICK_LEAVES_OUT)
        (left_out if marked else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def stay_on_loopback():
    """No test can reach the internet by accident: sockets connect to loopback only (tests/offline.py)."""
    with pytest.MonkeyPatch.context() as patch:
        guarded_sockets(patch)
        yield


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing(request):
    """Under --quick, argon2 with its cheapest parameters: the default's ~0.15 s of CPU per hash is most of the
    cost of the hundreds of tests that log in. The full run keeps the production parameters."""
    if not request.config.getoption("--quick"):
        yield
        return
    from argon2 import PasswordHasher

    import core.auth

    production = core.auth.password_hasher
    core.auth.password_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    try:
        yield
    finally:
        core.auth.password_hasher = production


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def in_thread(function, *args):
    """Run blocking code that starts its own event loop (asyncio.run, Alembic) from any context."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function, *args).result()


def admin_execute(sql: str) -> None:
    async def execute():
        conn = await asyncpg.connect(PG_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    in_thread(asyncio.run, execute())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An SQLite file migrated once; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    in_thread(upgrade_to_head, load_database_settings({"DATABASE_URL": f"sqlite:///{path}"}))
    return path


@pytest.fixture(scope="session")
def pg_database_url():
    """A fresh PostgreSQL database for this test session, migrated once, dropped at the end."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("TEST_DATABASE_URL is not set but PostgreSQL tests are required")
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"mytools_test_{uuid.uuid4().hex[:12]}"
    admin_execute(f'CREATE DATABASE "{name}"')
    url = with_database(PG_URL, name)
    in_thread(upgrade_to_head, load_database_settings({"DATABASE_URL": url}))
    yield url
    admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def truncate_all(url: str) -> None:
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    if not names:
        return
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


# The PostgreSQL run of each database test: `--quick` leaves it out (the SQLite run stays).
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
async def database_url(request, tmp_path, sqlite_template):
    """A clean, migrated database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "mytools.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database_url")
    await truncate_all(url)
    return url


class SharedTemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept for the whole session: every test makes a new app, and compiling the
    templates again for each one was a good part of the suite's time. Jinja checks each entry against
    the template's source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedTemplateCache()


def make_app(database_url: str, **overrides: str):
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "TESTING": "true",
        "MYTOOLS_AUTO_MIGRATE": "false",
        "DATABASE_POOL_MAX": "5",
        # Every test client comes from one address: the rate-limit tests set low limits themselves.
        "REDIS_URL": "",
        "LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": "1000",
        "PASTE_ANONYMOUS_PER_HOUR": "100000",
        "HOOKS_CAPTURES_PER_MINUTE": "100000",
        # The network tools ask a loopback DNS server that knows no name, unless a test names its own.
        "MYTOOLS_DNS_RESOLVERS": quiet_dns(),
        **overrides,
    }
    application = create_app(env)
    application.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return application


@pytest.fixture
async def app(database_url):
    """The app with its pool connected (before_serving ran), on each database."""
    application = make_app(database_url)
    async with application.test_app():
        yield application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
async def tool_client(tmp_path, sqlite_template):
    """A client for stateless tools: they never touch the database, so SQLite alone is enough."""
    path = tmp_path / "mytools.sqlite3"
    shutil.copy(sqlite_template, path)
    application = make_app(f"sqlite:///{path}")
    async with application.test_app():
        yield application.test_client()


@pytest.fixture
async def owner(app):
    """An owner account 'owner' / 'correct horse battery'; returns its API token."""
    from core.auth import create_token, create_user

    async with app.app_context():
        await create_user("owner", "correct horse battery")
        return await create_token("owner")


@pytest.fixture
async def logged_in(client, owner):
    """The client, logged in as the owner through the login form."""
    response = await client.post("/login", form={"name": "owner", "password": "correct horse battery"})
    assert response.status_code == 302
    return client


# --- rate limits ---------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The rate limiter's clock, moved by the test."""
    from core import ratelimit

    fake = Clock()
    monkeypatch.setattr(ratelimit, "now", fake)
    return fake


# The Redis run of each rate-limit test: `--quick` leaves it out (the database store stays).
@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def store_settings(request) -> dict[str, str]:
    """The rate-limit counter store: the app's database (default), or Redis (REDIS_URL)."""
    return {"REDIS_URL": redis_url()} if request.param == "redis" else {}


@pytest.fixture
async def limited_app(database_url, store_settings):
    """The app on each database and each counter store, with low limits to count against."""
    application = make_app(database_url, **store_settings, **LOW_LIMITS)
    async with application.test_app():
        yield application
