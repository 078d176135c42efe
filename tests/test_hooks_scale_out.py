"""Live webhook captures across processes: two Hypercorn servers (two dynos) on one PostgreSQL database; a capture
sent to server A reaches a stream opened on server B within a second, through LISTEN/NOTIFY or through Redis. A
stream ends at once when its server is told to stop (SIGTERM), so it never holds the graceful shutdown."""

from __future__ import annotations

import asyncio
import secrets
import signal
import time
from contextlib import ExitStack

import httpx
import pytest
import serverutil

from core.config import load_database_settings
from core.migrate import upgrade_to_head
from tests.ratelimitutil import redis_url
from tests.test_events import listener_connections
from tests.test_scale_out import create_owner

pytestmark = pytest.mark.slow

WITHIN = 1.0
GRACEFUL_TIMEOUT = 20  # as in the Procfile: a stream that held the worker would keep it this long


def hypercorn(port: int) -> list[str]:
    return [
        *serverutil.python_module("hypercorn"), "app:app", "--bind", f"127.0.0.1:{port}", "--workers", "1",
        "--graceful-timeout", str(GRACEFUL_TIMEOUT),
    ]  # fmt: skip


def two_servers(extra: dict[str, str]):
    """A fresh database with an owner, served by two single-worker servers; yields (a, b, servers, headers, url)."""
    with serverutil.fresh_database() as database, ExitStack() as stack:
        url = serverutil.with_database(serverutil.require_postgres(), database)
        upgrade_to_head(load_database_settings({"DATABASE_URL": url}))
        env = serverutil.server_env(
            DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), DATABASE_POOL_MAX="3",
            LIVE_HEARTBEAT_SECONDS="0.5", HOOKS_CAPTURES_PER_MINUTE="1000", **extra,
        )  # fmt: skip
        ports = [serverutil.free_port(), serverutil.free_port()]
        servers = [stack.enter_context(serverutil.running(hypercorn(port), env)) for port in ports]
        token = asyncio.run(create_owner(url))
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for server, base in zip(servers, bases, strict=True):
            serverutil.wait_for_status(server, f"{base}/healthz")
        yield bases[0], bases[1], servers, {"Authorization": f"Bearer {token}"}, url


@pytest.fixture(params=["postgresql", "redis"])
def site(request):
    extra = {"REDIS_URL": redis_url()} if request.param == "redis" else {}
    for servers in two_servers(extra):
        yield request.param, *servers


async def read_event(lines, name: str, timeout: float) -> dict[str, str]:
    """The next event called `name` from an SSE line iterator, as {"id": …, "data": …}."""
    fields: dict[str, str] = {}

    async def next_event():
        async for line in lines:
            if line == "":
                if fields.get("event") == name:
                    return dict(fields)
                fields.clear()
            elif not line.startswith(":"):
                key, _, value = line.partition(": ")
                fields[key] = fields[key] + "\n" + value if key == "data" and key in fields else value
        raise AssertionError("the stream ended")

    return await asyncio.wait_for(next_event(), timeout)


async def capture_on_a_arrives_on_b(a: str, b: str, headers: dict, database_url: str) -> None:
    async with httpx.AsyncClient(headers=headers, timeout=10) as client:
        created = await client.post(f"{a}/api/hooks", json={"name": "across"})
        assert created.status_code == 201, created.text
        hook = created.json()
        events_url = f"{b}/tools/hooks/{hook['id']}/events"
        async with client.stream("GET", events_url) as first, client.stream("GET", events_url) as second:
            assert first.status_code == 200 and second.status_code == 200
            assert first.headers["content-type"] == "text/event-stream; charset=utf-8"
            lines, other_lines = first.aiter_lines(), second.aiter_lines()
            await read_event_comment(lines, "retry: 3000")
            await read_event_comment(other_lines, "retry: 3000")
            started = time.monotonic()
            sent = await client.post(f"{a}/hooks/{hook['id']}/from-a", content=b"sent to A")
            assert sent.status_code == 200
            arrived = await read_event(lines, "request", timeout=WITHIN)
            elapsed = time.monotonic() - started
            assert '<span class="hooks-path">/from-a</span>' in arrived["data"]
            assert '<code class="hooks-preview">sent to A</code>' in arrived["data"]
            assert (await read_event(other_lines, "request", timeout=WITHIN))["id"] == arrived["id"]
            print(f"\ncapture on A -> stream on B in {elapsed * 1000:.0f} ms")
            assert elapsed < WITHIN
            # The heartbeat keeps the connection busy (LIVE_HEARTBEAT_SECONDS=0.5 here; 20 by default).
            await read_event_comment(lines, ": ping", timeout=2)
            return await listener_connections(database_url)


async def read_event_comment(lines, prefix: str, timeout: float = 5) -> None:
    async def find():
        async for line in lines:
            if line.startswith(prefix):
                return
        raise AssertionError(f"the stream ended before {prefix!r}")

    await asyncio.wait_for(find(), timeout)


def test_a_capture_on_one_server_reaches_a_stream_on_the_other(site):
    kind, a, b, _, headers, database_url = site
    listening = asyncio.run(capture_on_a_arrives_on_b(a, b, headers, database_url))
    # Through PostgreSQL: one listening connection for server B, however many streams it serves, and none for
    # A, which only published. Through Redis: none at all.
    assert listening == (1 if kind == "postgresql" else 0)


async def open_stream_then_sigterm(b: str, headers: dict, server) -> tuple[float, float]:
    async with httpx.AsyncClient(headers=headers, timeout=30) as client:
        hook = (await client.post(f"{b}/api/hooks", json={})).json()
        async with client.stream("GET", f"{b}/tools/hooks/{hook['id']}/events") as live:
            lines = live.aiter_lines()
            await read_event_comment(lines, "retry: 3000")
            started = time.monotonic()
            server.signal_all(signal.SIGTERM)  # as Heroku signals every process of the dyno
            async for _line in lines:
                pass
            ended = time.monotonic() - started
    exited = await asyncio.to_thread(server.wait, GRACEFUL_TIMEOUT + 10)
    assert exited == 0
    return ended, time.monotonic() - started


def test_sigterm_ends_open_streams_at_once():
    for _, b, servers, headers, _ in two_servers({}):
        ended, exited = asyncio.run(open_stream_then_sigterm(b, headers, servers[1]))
        print(f"\nstream ended {ended:.2f} s after SIGTERM, server exited after {exited:.2f} s")
        assert ended < 2
        assert exited < 5  # far under the graceful timeout (20 s) and Heroku's 30 s before SIGKILL
