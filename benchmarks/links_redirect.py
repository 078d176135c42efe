"""Redirect throughput: GET /s/<code> of mytools (1 Hypercorn worker, PostgreSQL) against a bare Quart 302.

Both servers run at the same time on loopback; the client (httpx, bounded concurrency, one process unless
--clients says more) sends a fixed number of requests per round, alternating baseline and mytools so that
drift hits both alike.
It reports requests/second (median of the rounds), the server's CPU time per request (from /proc, so a
client-bound figure can be told apart), the ratio, and checks that every redirect left exactly one click row.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/links_redirect.py
    ... --requests 5000 --concurrency 32 --rounds 3

The PostgreSQL database is created, migrated and dropped by the script (on the server of --pg-url or
TEST_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

from cold_start import HYPERCORN, PROJECT_ROOT, free_port, postgres_database, stop  # noqa: E402

CODE = "bench23"
TARGET = "https://example.com/page"
BASELINE_APP = "benchmarks/bare_redirect_app.py:app"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_env(database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "MYTOOLS_", "DYNO"))}
    env.update(
        MYTOOLS_ENV="production",
        MYTOOLS_ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY=secrets.token_hex(32),
        WEB_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
    )
    if database_url:
        env.update(DATABASE_URL=database_url, DATABASE_POOL_MIN="2", DATABASE_POOL_MAX="10")
    return env


def start_server(app: str, database_url: str | None, log) -> tuple[subprocess.Popen, int]:
    port = free_port()
    args = [*HYPERCORN, app, "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        args,
        cwd=PROJECT_ROOT,
        env=server_env(database_url),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, port


def wait_ready(process: subprocess.Popen, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 302:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"no 302 from {url} within {timeout} s")


def cpu_seconds(session_id: int) -> float:
    """User + system CPU time of every process in the server's session (Hypercorn master and worker)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session_id:  # fields after ")": state ppid pgrp session ... utime(11) stime(12)
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


async def seed(database_url: str) -> None:
    """One owner and one plain link (no expiry, no visit limit: the fast path)."""
    conn = await asyncpg.connect(database_url)
    now = datetime.now(UTC)
    try:
        owner = await conn.fetchval(
            "INSERT INTO users (name, password_hash, created_at) VALUES ('bench', 'x', $1) RETURNING id", now
        )
        await conn.execute(
            "INSERT INTO links (owner_id, code, target, permanent, disabled, visits, created_at, updated_at)"
            " VALUES ($1, $2, $3, false, false, 0, $4, $4)",
            owner,
            CODE,
            TARGET,
            now,
        )
    finally:
        await conn.close()


async def click_count(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetchval("SELECT count(*) FROM clicks")
    finally:
        await conn.close()


async def hammer(url: str, requests: int, concurrency: int, timeout: float) -> float:
    """Send `requests` GETs with at most `concurrency` in flight; returns the elapsed seconds."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"}
    remaining = iter(range(requests))
    async with httpx.AsyncClient(limits=limits, timeout=10.0, headers=headers) as client:

        async def worker() -> None:
            for _ in remaining:
                response = await client.get(url)
                if response.status_code != 302 or response.headers["location"] != TARGET:
                    raise RuntimeError(f"{url}: unexpected {response.status_code} {response.headers}")

        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout)
        return time.perf_counter() - started


def client_share(url: str, requests: int, concurrency: int, timeout: float) -> float:
    """One client process's part of a round; returns the CPU seconds it used."""
    started = time.process_time()
    asyncio.run(hammer(url, requests, concurrency, timeout))
    return time.process_time() - started


def measure(name: str, process: subprocess.Popen, url: str, args, pool: ProcessPoolExecutor) -> tuple[float, ...]:
    """(requests/second, server CPU µs per request, client CPU µs per request) of one round."""
    shares = [args.requests // args.clients + (i < args.requests % args.clients) for i in range(args.clients)]
    cpu_before = cpu_seconds(process.pid)
    started = time.perf_counter()
    futures = [pool.submit(client_share, url, share, args.concurrency, args.timeout) for share in shares]
    client_cpu = sum(future.result(timeout=args.timeout + 10) for future in futures)
    elapsed = time.perf_counter() - started
    server_cpu = cpu_seconds(process.pid) - cpu_before
    rate = args.requests / elapsed
    server_us, client_us = server_cpu / args.requests * 1e6, client_cpu / args.requests * 1e6
    print(
        f"  {name:<26} {rate:8.0f} req/s  server {server_us:5.0f} µs CPU/req  client {client_us:5.0f}", file=sys.stderr
    )
    return rate, server_us, client_us


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests per round (default 5000)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight per client (default 8)")
    parser.add_argument("--clients", type=int, default=1, help="client processes (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per server (default 3)")
    parser.add_argument("--warmup", type=int, default=500, help="requests before measuring (default 500)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for one round")
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL", ""), help="PostgreSQL server")
    args = parser.parse_args()
    if not args.pg_url:
        sys.exit("set TEST_DATABASE_URL or pass --pg-url: the benchmark runs mytools on PostgreSQL")

    pool = ProcessPoolExecutor(max_workers=args.clients)
    with pool, postgres_database(args.pg_url) as database_url, tempfile.TemporaryFile() as log:
        asyncio.run(seed(database_url))
        mytools, mytools_port = start_server("app:app", database_url, log)
        bare, bare_port = start_server(BASELINE_APP, None, log)
        try:
            cases = {
                "bare Quart 302 (baseline)": (bare, f"http://127.0.0.1:{bare_port}/s/{CODE}"),
                "mytools GET /s/<code>": (mytools, f"http://127.0.0.1:{mytools_port}/s/{CODE}"),
            }
            for process, url in cases.values():
                wait_ready(process, url, 60)
                asyncio.run(hammer(url, args.warmup, args.concurrency, args.timeout))
            list(pool.map(time.sleep, [0.1] * args.clients))  # start the client processes before timing
            results: dict[str, list[tuple[float, ...]]] = {name: [] for name in cases}
            for round_number in range(args.rounds):
                print(f"round {round_number + 1}/{args.rounds}", file=sys.stderr)
                for name, (process, url) in cases.items():
                    results[name].append(measure(name, process, url, args, pool))
            clicks = asyncio.run(click_count(database_url))
        except Exception:
            log.seek(0)
            print(log.read().decode(errors="replace")[-4000:], file=sys.stderr)
            raise
        finally:
            stop(mytools)
            stop(bare)

    expected_clicks = 1 + args.warmup + args.rounds * args.requests  # + the readiness probe
    print(
        f"\nRedirect throughput, {args.requests} requests x {args.rounds} rounds, concurrency {args.concurrency}, "
        f"1 Hypercorn worker each, {args.clients} httpx client process(es), {os.cpu_count()} CPUs (medians)"
    )
    print(f"{'case':<28} {'req/s':>8} {'server µs CPU/req':>18} {'client µs CPU/req':>18}")
    medians = {}
    for name, rows in results.items():
        rate, cpu, client = (statistics.median(row[i] for row in rows) for i in range(3))
        medians[name] = (rate, cpu)
        print(f"{name:<28} {rate:>8.0f} {cpu:>18.0f} {client:>18.0f}")
    (base_rate, base_cpu), (links_rate, links_cpu) = medians.values()
    print(f"mytools / baseline: {links_rate / base_rate:.2f}x the throughput, {links_cpu / base_cpu:.2f}x the CPU")
    status = "ok" if clicks == expected_clicks else "MISMATCH"
    print(f"click rows recorded: {clicks} of {expected_clicks} redirects ({status})")
    if clicks != expected_clicks:
        sys.exit(1)


if __name__ == "__main__":
    main()
