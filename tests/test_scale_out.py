"""Scale-out: two Hypercorn servers (two dynos) on one PostgreSQL database and one SECRET_KEY serve one site.

Nothing two processes must share lives in process memory: what one server does, the other sees at once.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest
from serverutil import (
    Server,
    free_port,
    fresh_database,
    python_module,
    require_postgres,
    running,
    server_env,
    wait_for_status,
    with_database,
)

from core.auth import create_token, create_user
from core.config import load_database_settings, load_settings
from core.migrate import upgrade_to_head
from tests.conftest import make_app

pytestmark = pytest.mark.slow

OWNER, PASSWORD = "owner", "correct horse battery"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
TARGET = "https://example.com/scaled"
# The access log names the process that answered (Hypercorn's %(p)s atom is "<pid>").
ACCESS_LOG_FORMAT = "served-by %(p)s %(R)s %(s)s"


@dataclass
class Site:
    a: str  # base URL of server A
    b: str  # base URL of server B
    w: str  # base URL of the server with two workers
    w_server: Server
    bearer: dict[str, str]


def hypercorn(port: int, workers: int = 1) -> list[str]:
    return [
        *python_module("hypercorn"), "app:app", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
    ]  # fmt: skip


async def create_owner(database_url: str) -> str:
    """The owner account; returns an API token for it."""
    app = make_app(database_url)
    async with app.test_app(), app.app_context():
        await create_user(OWNER, PASSWORD)
        return await create_token(OWNER)


@pytest.fixture(scope="module")
def site():
    """A fresh database with an owner, served by two single-worker servers (two dynos) and one with two workers."""
    with fresh_database() as database, ExitStack() as servers:
        url = with_database(require_postgres(), database)
        upgrade_to_head(load_database_settings({"DATABASE_URL": url}))
        env = server_env(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), DATABASE_POOL_MAX="3")
        ports = [free_port(), free_port(), free_port()]
        started = [
            servers.enter_context(running(hypercorn(port, workers), env))
            for port, workers in zip(ports, [1, 1, 2], strict=True)
        ]
        token = asyncio.run(create_owner(url))  # while the servers boot
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for server, base in zip(started, bases, strict=True):
            wait_for_status(server, f"{base}/healthz")
        yield Site(*bases, started[2], {"Authorization": f"Bearer {token}"})


def log_in(base: str) -> httpx.Cookies:
    """The cookies a browser holds after the login form on `base`."""
    response = httpx.post(f"{base}/login", data={"name": OWNER, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/", response.text
    return response.cookies


def account_status(base: str, cookies: httpx.Cookies) -> tuple[int, str]:
    response = httpx.get(f"{base}/account", cookies=cookies)
    return response.status_code, response.headers.get("Location", response.text)


def test_a_login_on_one_server_is_valid_on_the_other(site):
    cookies = log_in(site.a)
    assert account_status(site.b, httpx.Cookies())[1].startswith("/login")  # control: no cookie, no account
    status, page = account_status(site.b, cookies)
    assert status == 200 and "<h1>Account</h1>" in page
    # The flash set at login on A rides in Quart's signed session cookie: B reads it with the shared SECRET_KEY.
    assert "Logged in as owner." in httpx.get(f"{site.b}/", cookies=cookies).text


def test_logout_on_one_server_ends_the_session_on_the_other(site):
    cookies = log_in(site.a)
    assert account_status(site.a, cookies)[0] == 200
    assert httpx.post(f"{site.b}/logout", cookies=cookies).status_code == 302
    # A still holds the very same cookie (a copy, as a thief would): the session row is gone for both servers.
    status, location = account_status(site.a, cookies)
    assert status == 302 and location == "/login?next=/account"


def test_a_short_link_made_on_one_server_redirects_and_counts_on_both(site):
    created = httpx.post(f"{site.a}/api/links", json={"target": TARGET}, headers=site.bearer)
    assert created.status_code == 201, created.text
    code = created.json()["code"]
    clicks = [site.a] * 7 + [site.b] * 5
    for base in clicks:
        response = httpx.get(f"{base}/s/{code}", headers=BROWSER)
        assert response.status_code == 302 and response.headers["Location"] == TARGET
    for base in (site.a, site.b):
        statistics = httpx.get(f"{base}/api/links/{code}", headers=site.bearer).json()["statistics"]
        assert (statistics["total"], statistics["bots"]) == (12, 0)


async def test_a_visit_limit_holds_across_servers(site):
    created = httpx.post(f"{site.b}/api/links", json={"target": TARGET, "max_visits": 5}, headers=site.bearer)
    code = created.json()["code"]
    async with httpx.AsyncClient(headers=BROWSER) as client:
        # Eight visitors at once, half on each server, for five allowed visits.
        responses = await asyncio.gather(*(client.get(f"{base}/s/{code}") for base in [site.a, site.b] * 4))
    assert sorted(r.status_code for r in responses) == [302] * 5 + [410] * 3
    detail = httpx.get(f"{site.a}/api/links/{code}", headers=site.bearer).json()
    assert (detail["visits"], detail["status"], detail["statistics"]["total"]) == (5, "used up", 5)


def test_a_favorite_starred_on_one_server_is_listed_on_the_other(site):
    starred = httpx.put(f"{site.a}/api/favorites/hash", headers=site.bearer)
    assert starred.json() == {"slug": "hash", "favorite": True}
    listed = httpx.get(f"{site.b}/api/favorites", headers=site.bearer).json()["favorites"]
    assert [tool["slug"] for tool in listed] == ["hash"]
    assert httpx.delete(f"{site.b}/api/favorites/hash", headers=site.bearer).status_code == 204
    assert httpx.get(f"{site.a}/api/favorites", headers=site.bearer).json()["favorites"] == []


async def test_the_same_note_version_saved_on_both_servers_at_once_wins_once(site):
    created = httpx.post(f"{site.a}/api/notes", json={"title": "v1", "body": ""}, headers=site.bearer)
    note = f"/api/notes/{created.json()['id']}"
    rounds, winners = 5, []
    async with httpx.AsyncClient(headers=site.bearer) as client:
        for round_ in range(rounds):
            version = (await client.get(site.b + note)).json()["version"]
            assert version == 1 + round_
            edits = [{"title": f"{name} {round_}", "body": "", "version": version} for name in ("A", "B")]
            a, b = await asyncio.gather(
                client.put(site.a + note, json=edits[0]), client.put(site.b + note, json=edits[1])
            )
            assert sorted([a.status_code, b.status_code]) == [200, 409], (a.text, b.text)
            loser = b if a.status_code == 200 else a
            assert loser.json()["error"]["field"] == "version"
            winners.append(edits[0 if a.status_code == 200 else 1]["title"])
    final = httpx.get(site.a + note, headers=site.bearer).json()
    assert (final["version"], final["title"]) == (1 + rounds, winners[-1])


def answering_pids(server, marker: str, count: int, timeout: float = 10.0) -> list[str]:
    """The pid of the process that answered each of `count` requests whose path holds `marker`."""
    deadline = time.monotonic() + timeout
    while True:  # the access log line is written just after the response is sent
        found = re.findall(rf"served-by <(\d+)> GET \S*{marker}\S* \S+ 200$", server.output(), re.M)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_two_workers_of_one_server_share_the_login(site):
    cookies = log_in(site.w)
    # Which worker accepts a connection is the kernel's choice: one after another, the worker that has just
    # answered often wins every time. Ten at once keep one busy while the other accepts; batches go on until
    # both have answered (the first batch, in practice).
    statuses: list[int] = []
    pids: set[str] = set()

    async def batch(first: int) -> None:
        no_keep_alive = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=site.w, cookies=cookies, limits=no_keep_alive) as browser:
            responses = await asyncio.gather(*(browser.get(f"/account?probe={first + i}") for i in range(10)))
        statuses.extend(response.status_code for response in responses)

    for round_number in range(10):
        asyncio.run(batch(round_number * 10))
        pids = set(answering_pids(site.w_server, "probe=", len(statuses)))
        if len(pids) == 2:
            break
    assert statuses == [200] * len(statuses)
    assert len(pids) == 2 and str(site.w_server.pid) not in pids, pids


def test_failed_logins_meet_one_limit_across_servers_and_workers(site):
    """A guesser who spreads attempts over dynos and workers meets one limit (the default per account)."""
    defaults = load_settings({})
    window, limit = defaults.login_failure_window_seconds, defaults.login_max_failures_per_account
    if window - time.time() % window < 10:  # the counters start afresh at the window's end: not mid-test
        time.sleep(window - time.time() % window + 0.1)
    form = {"name": f"nobody-{secrets.token_hex(4)}", "password": "wrong guess"}
    bases = ([site.a, site.b, site.w] * limit)[:limit]
    with httpx.Client(limits=httpx.Limits(max_keepalive_connections=0)) as client:
        assert [client.post(f"{base}/login", data=form).status_code for base in bases] == [401] * limit
        refused = [client.post(f"{base}/login", data=form) for base in (site.a, site.b, site.w)]
    assert [r.status_code for r in refused] == [429] * 3
    assert all(0 < int(r.headers["Retry-After"]) <= window for r in refused)
