"""/healthz does a real round trip and recovers by itself; startup retries then gives up clearly."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from databases import Database

from core.config import load_database_settings
from core.db import DatabaseUnavailable, connect_with_retry, make_database
from tests.conftest import make_app, with_database
from tests.pgproxy import CuttableProxy


async def test_healthz_ok(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert await response.get_json() == {"status": "ok", "database": "ok"}


async def test_healthz_503_then_recovers_sqlite(tmp_path, sqlite_template):
    import shutil

    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(sqlite_template, folder / "db.sqlite3")
    app = make_app(f"sqlite:///{folder / 'db.sqlite3'}")
    async with app.test_app():
        client = app.test_client()
        assert (await client.get("/healthz")).status_code == 200
        folder.rename(tmp_path / "moved")  # the database file disappears
        down = await client.get("/healthz")
        assert down.status_code == 503
        assert (await down.get_json())["status"] == "unavailable"
        (tmp_path / "moved").rename(folder)  # and comes back: no restart needed
        assert (await client.get("/healthz")).status_code == 200


async def test_healthz_503_then_recovers_postgresql(pg_database_url):
    proxy = CuttableProxy()
    await proxy.start()
    name = urlsplit(pg_database_url).path.lstrip("/")
    url = with_database(f"postgresql://postgres@127.0.0.1:{proxy.port}/x", name)
    app = make_app(url)
    async with app.test_app():
        client = app.test_client()
        assert (await client.get("/healthz")).status_code == 200
        await proxy.cut()
        assert (await client.get("/healthz")).status_code == 503
        assert (await client.get("/healthz")).status_code == 503
        await proxy.start()  # the same port again
        assert (await client.get("/healthz")).status_code == 200


def closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_startup_gives_up_after_the_deadline_with_one_clear_line():
    port = closed_port()
    settings = load_database_settings(
        {"DATABASE_URL": f"postgresql://postgres:s3cret@127.0.0.1:{port}/x", "DATABASE_CONNECT_TIMEOUT": "2"}
    )
    started = time.monotonic()
    try:
        await connect_with_retry(make_database(settings), settings)
    except DatabaseUnavailable as error:
        message = str(error)
    else:
        raise AssertionError("connect_with_retry should have given up")
    elapsed = time.monotonic() - started
    assert 1.9 <= elapsed < 6
    assert message.startswith(f"cannot reach the database at 127.0.0.1:{port} after 2 s (")
    assert "attempts" in message and "\n" not in message and "s3cret" not in message


async def test_startup_waits_for_a_database_that_comes_up(pg_database_url):
    proxy = CuttableProxy()
    await proxy.start()
    await proxy.cut()  # nothing listens yet
    name = urlsplit(pg_database_url).path.lstrip("/")
    settings = load_database_settings(
        {"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{proxy.port}/{name}", "DATABASE_CONNECT_TIMEOUT": "20"}
    )
    database: Database = make_database(settings)

    async def database_comes_up():
        await asyncio.sleep(1.0)
        await proxy.start()

    started = time.monotonic()
    await asyncio.gather(connect_with_retry(database, settings), database_comes_up())
    try:
        assert database.is_connected
        assert await database.fetch_val("SELECT 41 + 1") == 42
        assert time.monotonic() - started < 10
    finally:
        await database.disconnect()
        await proxy.cut()
