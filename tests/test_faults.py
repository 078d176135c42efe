"""Database outages: pages that need it answer 503 (friendly, with Retry-After), stateless tools keep working,
/healthz says 503, and everything recovers without a restart. SIGTERM lets in-flight requests finish."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import signal
import time
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from serverutil import (
    PROJECT_ROOT,
    free_port,
    fresh_database,
    python_module,
    require_postgres,
    run_command,
    running,
    server_env,
    wait_for_status,
)

from core.auth import create_token, create_user
from core.config import load_database_settings
from core.migrate import upgrade_to_head
from tests.conftest import make_app, truncate_all, with_database
from tests.pgproxy import CuttableProxy

PASSWORD = "correct horse battery"
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2 B.1
DOWN = "The database is unavailable right now"


async def owner_clients(app):
    """(a logged-in browser, bearer headers) for a new owner."""
    async with app.app_context():
        await create_user("owner", PASSWORD)
        token = await create_token("owner")
    browser = app.test_client()
    assert (await browser.post("/login", form={"name": "owner", "password": PASSWORD})).status_code == 302
    return browser, {"Authorization": f"Bearer {token}"}


async def assert_database_pages_are_503(browser, bearer):
    page = await browser.get("/tools/notes/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert page.content_type.startswith("text/html")
    text = await page.get_data(as_text=True)
    assert "503 · Database unavailable" in text and DOWN in text and "Traceback" not in text

    api = await browser.post("/api/notes", json={"title": "lost?"}, headers=bearer)
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert (await api.get_json())["error"]["message"].startswith(DOWN)

    htmx = await browser.get("/tools/notes/?q=x", headers={"HX-Request": "true"})
    assert htmx.status_code == 503 and DOWN in await htmx.get_data(as_text=True)


async def assert_stateless_tools_work(browser):
    api = await browser.post("/api/hash", json={"input": "abc", "algorithms": ["sha256"]})
    assert api.status_code == 200
    assert (await api.get_json())["digests"] == {"sha256": SHA256_ABC}
    # The owner's cookie cannot be checked now: the page still renders (as for a visitor).
    page = await browser.get("/tools/hash/")
    assert page.status_code == 200
    assert (await browser.get("/")).status_code == 200


async def test_postgresql_outage_then_recovery(pg_database_url):
    await truncate_all(pg_database_url)
    proxy = CuttableProxy()
    await proxy.start()
    name = urlsplit(pg_database_url).path.lstrip("/")
    app = make_app(with_database(f"postgresql://postgres@127.0.0.1:{proxy.port}/x", name))
    async with app.test_app():
        browser, bearer = await owner_clients(app)
        assert (await browser.get("/tools/notes/")).status_code == 200

        await proxy.cut()
        await assert_database_pages_are_503(browser, bearer)
        await assert_stateless_tools_work(browser)
        health = await browser.get("/healthz")
        assert health.status_code == 503
        login = await app.test_client().post("/login", form={"name": "owner", "password": PASSWORD})
        assert login.status_code == 503

        await proxy.start()  # same port: the pool reconnects by itself
        assert (await browser.get("/healthz")).status_code == 200
        notes = await browser.get("/tools/notes/")
        assert notes.status_code == 200 and "Log out" in await notes.get_data(as_text=True)
        created = await browser.post("/api/notes", json={"title": "after"}, headers=bearer)
        assert created.status_code == 201
    await proxy.cut()


async def terminate_app_connections(admin_url: str, database: str) -> int:
    conn = await asyncpg.connect(admin_url)
    try:
        return await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND application_name = 'mytools'",
            database,
        )
    finally:
        await conn.close()


async def test_terminated_backends_are_replaced_without_a_500(pg_database_url):
    await truncate_all(pg_database_url)
    name = urlsplit(pg_database_url).path.lstrip("/")
    app = make_app(pg_database_url, DATABASE_POOL_MIN="3")
    async with app.test_app():
        browser, bearer = await owner_clients(app)
        for round_ in range(3):
            assert (await browser.get("/tools/notes/")).status_code == 200
            assert await terminate_app_connections(pg_database_url, name) >= 1
            # A request racing the termination may get a 503; never a 500, and the next ones succeed.
            statuses = [(await browser.get("/tools/notes/")).status_code for _ in range(3)]
            assert set(statuses) <= {200, 503} and statuses[-1] == 200, statuses
            created = await browser.post("/api/notes", json={"title": f"round {round_}"}, headers=bearer)
            assert created.status_code in (201, 503)
        assert (await browser.get("/healthz")).status_code == 200


async def test_terminated_backend_during_a_query_gives_503(pg_database_url):
    """A connection killed while its query runs: the request that used it gets the friendly 503."""
    from core.db import get_db

    name = urlsplit(pg_database_url).path.lstrip("/")
    app = make_app(pg_database_url)

    @app.get("/slow-query-for-test")
    async def slow_query():
        await get_db().fetch_val("SELECT pg_sleep(5)")
        return "done"

    async with app.test_app():
        client = app.test_client()
        request = asyncio.create_task(client.get("/slow-query-for-test"))
        for _ in range(100):
            await asyncio.sleep(0.05)
            conn = await asyncpg.connect(pg_database_url)
            try:
                busy = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'SELECT pg_sleep%'"
                    " AND application_name = 'mytools'",
                    name,
                )
            finally:
                await conn.close()
            if busy:
                break
        await terminate_app_connections(pg_database_url, name)
        response = await request
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert (await client.get("/healthz")).status_code == 200


async def test_sqlite_file_gone_then_back(tmp_path, sqlite_template):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(sqlite_template, folder / "db.sqlite3")
    app = make_app(f"sqlite:///{folder / 'db.sqlite3'}")
    async with app.test_app():
        browser, bearer = await owner_clients(app)
        assert (await browser.get("/tools/notes/")).status_code == 200
        folder.rename(tmp_path / "moved")
        await assert_database_pages_are_503(browser, bearer)
        await assert_stateless_tools_work(browser)
        assert (await browser.get("/healthz")).status_code == 503
        (tmp_path / "moved").rename(folder)
        assert (await browser.get("/tools/notes/")).status_code == 200
        assert (await browser.post("/api/notes", json={"title": "back"}, headers=bearer)).status_code == 201


@pytest.mark.parametrize(
    "error",
    [FileNotFoundError("tools/missing.txt"), ValueError("a bug"), asyncpg.exceptions.QueryCanceledError("timeout")],
)
async def test_other_errors_stay_500(tool_client, error):
    app = tool_client.app

    @app.get("/raise-for-test")
    async def raise_it():
        raise error

    response = await tool_client.get("/raise-for-test")
    assert response.status_code == 500 and "Retry-After" not in response.headers


# --- SIGTERM with requests in flight (a real Hypercorn, started by the Procfile's web line) --------

NOTES = 400
# Small bodies: requests are parsed quickly and then queue for the pool, so many are in flight at once.
BODY = "# Heading\n\n" + "Some *markdown* text with `code` and a [link](https://example.com).\n\n" * 30


def procfile_web_command(port: int) -> list[str]:
    lines = dict(line.split(":", 1) for line in (PROJECT_ROOT / "Procfile").read_text().splitlines() if ":" in line)
    web = lines["web"].strip().replace("--bind 0.0.0.0:$PORT", f"--bind 127.0.0.1:{port}")
    return ["sh", "-c", web]


async def post_notes_and_sigterm(server, base_url: str, token: str):
    """Send NOTES note creations at once; SIGTERM every process once the first responses are back.

    Times are the loop's clock, which is time.monotonic()."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=NOTES, max_keepalive_connections=NOTES)
    signalled: list[float] = []
    loop = asyncio.get_running_loop()

    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=40) as client:

        async def create(i: int):
            try:
                response = await client.post("/api/notes", json={"title": f"note {i}", "body": BODY})
            except httpx.HTTPError as exc:
                return i, None, None, exc
            return i, response, loop.time(), None

        tasks = [asyncio.create_task(create(i)) for i in range(NOTES)]
        while sum(t.done() for t in tasks) < 10:
            await asyncio.sleep(0.005)
        server.signal_all(signal.SIGTERM)
        signalled.append(loop.time())
        results = await asyncio.gather(*tasks)
    return results, signalled[0]


@pytest.mark.slow
def test_sigterm_lets_in_flight_requests_finish_and_loses_nothing():
    with fresh_database() as database:
        url = with_database(require_postgres(), database)
        upgrade_to_head(load_database_settings({"DATABASE_URL": url}))
        port = free_port()
        env = server_env(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), WEB_CONCURRENCY="2", PORT=str(port))
        quart = python_module("quart", "--app", "app")
        assert run_command([*quart, "create-user", "owner", "--password", PASSWORD], env).returncode == 0
        token = run_command([*quart, "create-token", "owner"], env).stdout.strip().splitlines()[-1]

        with running(procfile_web_command(port), env) as web:
            wait_for_status(web, f"http://127.0.0.1:{port}/healthz")
            results, signalled = asyncio.run(post_notes_and_sigterm(web, f"http://127.0.0.1:{port}", token))
            status = web.wait(timeout=30)
            stopped = time.monotonic()
            output = web.output()

        async def saved_notes() -> dict[int, str]:
            conn = await asyncpg.connect(url)
            try:
                return {r["id"]: r["title"] for r in await conn.fetch("SELECT id, title FROM notes")}
            finally:
                await conn.close()

        saved = asyncio.run(saved_notes())

    ok = [(i, r.json()["id"], t) for i, r, t, _ in results if r is not None and 200 <= r.status_code < 300]
    other = [r.status_code for _, r, _, _ in results if r is not None and not 200 <= r.status_code < 300]
    failed = [e for _, r, _, e in results if r is None]
    after_signal = [t for _, _, t in ok if t > signalled]
    print(
        f"\nSIGTERM: {len(ok)} created ({len(after_signal)} answered after the signal), "
        f"{len(other)} other statuses {sorted(set(other))}, {len(failed)} refused/reset; exit {status}"
    )
    unacknowledged = len(saved) - len(ok)
    print(f"committed but the client saw a disconnect: {unacknowledged}; SIGTERM to exit {stopped - signalled:.2f} s")
    assert status == 0, output
    assert "Traceback" not in output, output
    # Hundreds are queued at the pool when the signal comes: a server that drains answers them (≈ 230–390 here);
    # workers that die on SIGTERM answer almost none (0–12 measured) and exit in under a second.
    assert len(after_signal) >= NOTES // 20, "in-flight requests were cut instead of finished"
    assert not other, (other, output)  # refused connections are fine; a 5xx is not
    for i, note_id, _ in ok:
        assert saved.get(note_id) == f"note {i}"  # every 2xx is in the database
    assert len(saved) >= len(ok)
