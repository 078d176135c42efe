"""Under load, two workers never hold more than workers × DATABASE_POOL_MAX connections."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from contextlib import AsyncExitStack, contextmanager

import asyncpg
import httpx
import pytest
from serverutil import (
    free_port,
    fresh_database,
    python_module,
    require_postgres,
    run_command,
    running,
    server_env,
    wait_for_status,
    with_database,
)

from core.config import load_database_settings
from core.migrate import upgrade_to_head

WORKERS = 2
POOL_MAX = 4
REQUESTS = 200
NOTE_TITLES = ["Groceries", "Ideas", "Reading list"]
CONNECTIONS_SQL = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'mytools'"
# The pools and each worker's LISTEN connection (core/events.py), which the budget counts as one more per worker.
ALL_CONNECTIONS_SQL = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name IN ('mytools', 'mytools-listen')"
)
LISTEN_SQL = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'mytools-listen'"
STREAMS = 8
CAPTURES = 60


def quart(*args: str) -> list[str]:
    return python_module("quart", "--app", "app", *args)


def create_owner_token(env: dict[str, str]) -> str:
    """The operator's path: `quart create-user` then `quart create-token`, which prints the token."""
    created = run_command(quart("create-user", "owner", "--password", "correct horse battery"), env)
    assert created.returncode == 0, created.stderr
    assert "Created user owner." in created.stdout
    issued = run_command(quart("create-token", "owner"), env)
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip().splitlines()[-1]
    assert token.startswith("mt_"), issued.stdout
    return token


class ConnectionSampler:
    """Counts the app's connections every ~10 ms from its own thread, so client load cannot starve it."""

    def __init__(self, url: str, database: str, every: float = 0.01, sql: str = CONNECTIONS_SQL):
        self.url, self.database, self.every, self.sql = url, database, every, sql
        self.samples: list[int] = []
        self.ready, self.stop = threading.Event(), threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self.run, name="connection-sampler", daemon=True)

    def run(self) -> None:
        try:
            asyncio.run(self.sample())
        except BaseException as exc:  # noqa: BLE001 - reported by __exit__
            self.error = exc
            self.ready.set()

    async def sample(self) -> None:
        conn = await asyncpg.connect(self.url, timeout=10)
        try:
            while not self.stop.is_set():
                self.samples.append(await conn.fetchval(self.sql, self.database))
                self.ready.set()
                await asyncio.sleep(self.every)
        finally:
            await conn.close()

    def __enter__(self) -> ConnectionSampler:
        self.thread.start()
        assert self.ready.wait(10), "the sampler did not connect"
        time.sleep(0.1)  # a few samples at rest
        return self

    def __exit__(self, *exc_info) -> None:
        time.sleep(0.1)
        self.stop.set()
        self.thread.join(10)
        if self.error is not None:
            raise self.error


async def create_notes(client: httpx.AsyncClient) -> None:
    for title in NOTE_TITLES:
        created = await client.post("/api/notes", json={"title": title, "body": f"*{title}*"})
        assert created.status_code == 201, created.text


async def fire(base_url: str, token: str, sampler_args: tuple[str, str]):
    """Create the notes, then send all requests at once while the sampler counts connections."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=REQUESTS, max_keepalive_connections=REQUESTS)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=30) as client:
        await create_notes(client)
        with ConnectionSampler(*sampler_args) as sampler:
            responses = await asyncio.gather(*(client.get("/api/notes") for _ in range(REQUESTS)))
    return responses, sampler.samples


@contextmanager
def two_worker_server(**settings: str):
    """A fresh database with an owner, served by WORKERS workers with DATABASE_POOL_MAX=POOL_MAX; yields
    (base URL, the owner's API token, (database URL, database name) for a ConnectionSampler)."""
    require_postgres()
    with fresh_database() as database:
        url = with_database(require_postgres(), database)
        upgrade_to_head(load_database_settings({"DATABASE_URL": url}))
        port = free_port()
        env = server_env(
            DATABASE_URL=url,
            DATABASE_POOL_MAX=str(POOL_MAX),
            MYTOOLS_ENV="production",
            MYTOOLS_ALLOWED_HOSTS="127.0.0.1",
            SECRET_KEY=secrets.token_hex(32),
            **settings,
        )
        token = create_owner_token(env)
        args = [
            *python_module("hypercorn"), "app:app", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
        ]  # fmt: skip
        with running(args, env) as server:
            base_url = f"http://127.0.0.1:{port}"
            wait_for_status(server, f"{base_url}/healthz", timeout=60)
            yield base_url, token, (url, database)


@pytest.mark.slow
def test_two_workers_stay_within_the_pool_budget():
    with two_worker_server() as (base_url, token, sampler_args):
        started = time.monotonic()
        responses, samples = asyncio.run(fire(base_url, token, sampler_args))
        seconds = time.monotonic() - started

    statuses = sorted({r.status_code for r in responses})
    failures = [r.text for r in responses if r.status_code != 200]
    assert statuses == [200], f"statuses {statuses}: {failures[:3]}"
    titles = {tuple(note["title"] for note in r.json()["notes"]) for r in responses}
    assert titles == {tuple(reversed(NOTE_TITLES))}  # newest first, same answer for every request
    peak, budget = max(samples), WORKERS * POOL_MAX
    report = (
        f"peak {peak} connections (budget {WORKERS} workers × {POOL_MAX} = {budget}) over {len(samples)} "
        f"samples, {REQUESTS} concurrent requests in {seconds:.2f} s"
    )
    print(f"\n{report}")
    assert peak <= budget, report
    # The sampler does see the app's pools: each worker keeps at least one connection.
    assert peak >= WORKERS, report


async def read_requests(response, wanted: int) -> int:
    """Count `event: request` lines on an open SSE response until `wanted` have come."""
    seen = 0
    async for line in response.aiter_lines():
        if line == "event: request":
            seen += 1
            if seen == wanted:
                break
    return seen


async def watch_and_capture(base_url: str, token: str, sampler_args: tuple[str, str]):
    """Live streams on both workers while captures pour in: every stream gets every capture."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=STREAMS + CAPTURES, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=30) as client:
        hook = (await client.post("/api/hooks", json={})).json()
        with (
            ConnectionSampler(*sampler_args, sql=ALL_CONNECTIONS_SQL) as all_sampler,
            ConnectionSampler(*sampler_args, sql=LISTEN_SQL) as listen_sampler,
        ):
            async with AsyncExitStack() as stack:
                streams = [
                    await stack.enter_async_context(client.stream("GET", f"/tools/hooks/{hook['id']}/events"))
                    for _ in range(STREAMS)
                ]
                assert {s.status_code for s in streams} == {200}
                readers = [asyncio.create_task(read_requests(s, CAPTURES)) for s in streams]
                await asyncio.sleep(0.5)  # every stream subscribed
                captures = await asyncio.gather(
                    *(client.post(f"/hooks/{hook['id']}/load", content=b"x") for _ in range(CAPTURES))
                )
                counts = await asyncio.wait_for(asyncio.gather(*readers), 30)
    return captures, counts, all_sampler.samples, listen_sampler.samples


@pytest.mark.slow
def test_live_streams_add_one_listening_connection_per_worker_at_most():
    """With live viewers on both workers, pools and listeners together stay within workers × (pool max + 1)."""
    with two_worker_server(HOOKS_CAPTURES_PER_MINUTE="10000") as (base_url, token, sampler_args):
        captures, counts, totals, listeners = asyncio.run(watch_and_capture(base_url, token, sampler_args))

    assert {c.status_code for c in captures} == {200}
    assert counts == [CAPTURES] * STREAMS  # every viewer saw every capture, whichever worker served it
    budget = WORKERS * (POOL_MAX + 1)
    report = f"peak {max(totals)} connections with {max(listeners)} listening (budget {WORKERS} × ({POOL_MAX} + 1))"
    print(f"\n{report}")
    assert max(totals) <= budget, report
    assert 1 <= max(listeners) <= WORKERS, report  # one per worker that serves a stream, however many streams
