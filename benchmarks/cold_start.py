"""Cold start: seconds from `hypercorn` process start to the first 200 on /healthz.

Measures mytools on SQLite and on PostgreSQL, and a bare Quart app (benchmarks/hello_app.py) as the
baseline, each with 1 and 2 workers, N runs each (interleaved, so drift hits every case alike), and
prints the medians and mytools' ratio to the baseline.

    .venv/bin/python benchmarks/cold_start.py --runs 7
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/cold_start.py

PostgreSQL runs use a fresh database (created, migrated, then dropped) on the server named by
--pg-url or TEST_DATABASE_URL; without either they are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.config import load_database_settings  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402

# Hypercorn run by this interpreter, wherever its venv is.
HYPERCORN = [sys.executable, "-m", "hypercorn"]
BASELINE_APP = "benchmarks/hello_app.py:app"


@dataclass(frozen=True)
class Case:
    name: str
    app: str
    workers: int
    database_url: str | None  # None: the baseline, which has no database

    @property
    def label(self) -> str:
        return f"{self.name}, {self.workers} worker{'s' if self.workers > 1 else ''}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(case: Case, sqlite_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "MYTOOLS_", "DYNO"))}
    env.update(
        MYTOOLS_ENV="production",
        MYTOOLS_ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY=secrets.token_hex(32),
        WEB_CONCURRENCY=str(case.workers),
    )
    url = case.database_url
    if url and url.startswith("sqlite"):
        # Each run starts from its own copy of a migrated file (the app still checks it is at head).
        copy = sqlite_dir / f"{uuid.uuid4().hex}.sqlite3"
        shutil.copy(url.split(":///", 1)[1], copy)
        url = f"sqlite:///{copy}"
    if url:
        env["DATABASE_URL"] = url
    return env


def stop(process: subprocess.Popen) -> None:
    """End the server's whole process group (master and workers), gently first."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # a worker that outlived its master
    except ProcessLookupError:
        pass
    process.wait()


def cold_start(case: Case, sqlite_dir: Path, timeout: float) -> float:
    """Seconds from spawning hypercorn to the first 200 on /healthz."""
    port = free_port()
    env = environment(case, sqlite_dir)
    args = [*HYPERCORN, case.app, "--workers", str(case.workers), "--bind", f"127.0.0.1:{port}"]
    url = f"http://127.0.0.1:{port}/healthz"
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            while time.perf_counter() - started < timeout:
                if process.poll() is not None:
                    log.seek(0)
                    output = log.read().decode()
                    raise RuntimeError(f"{case.label}: exited with {process.returncode}:\n{output}")
                try:
                    if httpx.get(url, timeout=1.0).status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                time.sleep(0.01)
            raise RuntimeError(f"{case.label}: no 200 on /healthz within {timeout} s")
        finally:
            stop(process)


async def admin_execute(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def postgres_database(admin_url: str):
    """A fresh, migrated database on the server of `admin_url`, dropped afterwards."""
    name = f"mytools_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(admin_execute(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        url = urlunsplit(urlsplit(admin_url)._replace(path="/" + name))
        upgrade_to_head(load_database_settings({"DATABASE_URL": url}))
        yield url
    finally:
        asyncio.run(admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def report(cases: list[Case], timings: dict[Case, list[float]]) -> None:
    baselines = {c.workers: statistics.median(timings[c]) for c in cases if c.database_url is None}
    print(f"\n{'case':<34} {'median s':>9} {'min s':>7} {'max s':>7} {'× baseline':>11}")
    for case in cases:
        values = timings[case]
        median = statistics.median(values)
        ratio = median / baselines[case.workers]
        print(f"{case.label:<34} {median:>9.3f} {min(values):>7.3f} {max(values):>7.3f} {ratio:>10.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default 5)")
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL", ""), help="PostgreSQL server")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one start")
    args = parser.parse_args()

    postgres = postgres_database(args.pg_url) if args.pg_url else nullcontext(None)
    with tempfile.TemporaryDirectory(prefix="mytools-cold-start-") as tmp, postgres as pg_url:
        sqlite_dir = Path(tmp)
        template = sqlite_dir / "template.sqlite3"
        upgrade_to_head(load_database_settings({"DATABASE_URL": f"sqlite:///{template}"}))
        cases = []
        for workers in (1, 2):
            cases.append(Case("bare Quart (baseline)", BASELINE_APP, workers, None))
            cases.append(Case("mytools on SQLite", "app:app", workers, f"sqlite:///{template}"))
            if pg_url:
                cases.append(Case("mytools on PostgreSQL", "app:app", workers, pg_url))
        timings: dict[Case, list[float]] = {case: [] for case in cases}
        for run in range(args.runs):
            for case in cases:
                timings[case].append(cold_start(case, sqlite_dir, args.timeout))
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)

    print(f"Cold start to first 200 on /healthz, {args.runs} runs per case, {os.cpu_count()} CPUs")
    if not args.pg_url:
        print("(PostgreSQL left out: set TEST_DATABASE_URL or pass --pg-url)")
    report(cases, timings)


if __name__ == "__main__":
    main()
