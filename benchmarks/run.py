"""All the performance figures in one run, each as a ratio to a bare Quart app measured in the same run.

    .venv/bin/python -m benchmarks.run                 # everything (about 4 minutes on 2 CPUs)
    .venv/bin/python -m benchmarks.run --only 1 2      # some scenarios
    .venv/bin/python -m benchmarks.run --worker-class uvloop

Needs `wrk` (apt-get install -y wrk) and PostgreSQL (TEST_DATABASE_URL or --pg-url; a fresh database is
created, migrated and dropped). Every server is started and stopped here, on loopback, with the same
Hypercorn settings as the baseline (benchmarks/hello_app.py: one trivial route). Scenarios:

 1  POST /api/hash, short input                       target ≥ 0.85 × baseline requests/s
 2  GET /tools/json/ (whole page)                     target ≥ 0.75 ×
 3  GET /s/<code> short-link redirect, PostgreSQL     target ≥ 0.60 ×
 4  (3) with 200 clients, 2 workers, default pool     no errors; peak connections ≤ workers × DATABASE_POOL_MAX
 5  cold start to the first 200 on /healthz           (benchmarks/cold_start.py)
 6  RSS per worker after ≥ 10 000 and ≥ 50 000 mixed requests: no growth
 7  page weight                                       (benchmarks/page_weight.py)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

BENCHMARKS = Path(__file__).resolve().parent
PROJECT_ROOT = BENCHMARKS.parent
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(BENCHMARKS))

from cold_start import HYPERCORN, Case, cold_start, free_port, postgres_database, stop  # noqa: E402

from core.config import default_pool_max  # noqa: E402

SCRIPTS_BIN = Path(sys.executable).parent  # the console scripts installed beside this interpreter
BASELINE_APP = "benchmarks/hello_app.py:app"
BASELINE_PATH = "/healthz"
LUA = BENCHMARKS / "wrk"
HASH_BODY = '{"input": "abc", "algorithms": ["sha256"]}'
LINK_CODE = "bench23"
LINK_TARGET = "https://example.com/page"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CONNECTIONS_SQL = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'mytools'"


@dataclass
class Load:
    """What wrk reports for one run."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    cpu_us: float | None = None  # server CPU time per request (immune to a busy machine's lost cycles)


@dataclass
class Row:
    scenario: str
    figures: str
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    notes: list[str] = field(default_factory=list)


# --- servers -------------------------------------------------------------------------------------


def server_env(database_url: str | None, workers: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "MYTOOLS_", "DYNO"))}
    env.update(
        MYTOOLS_ENV="production",
        MYTOOLS_ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY=secrets.token_hex(32),
        WEB_CONCURRENCY=str(workers),
    )
    env.update(LOG_LEVEL="WARNING", PATH=f"{SCRIPTS_BIN}{os.pathsep}{env.get('PATH', '')}")
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


@contextmanager
def server(app: str, workers: int, env: dict[str, str], worker_class: str):
    """A Hypercorn server (its own session); yields (process, base URL) once /healthz answers 200."""
    port = free_port()
    args = [*HYPERCORN, app, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--keep-alive", "5"]
    if worker_class != "asyncio":
        args += ["--worker-class", worker_class]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"{app} did not start:\n{log.read().decode(errors='replace')[-3000:]}")
                try:
                    if httpx.get(base + "/healthz", timeout=1.0).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
            yield process, base
        finally:
            stop(process)


def worker_pids(master: int) -> list[int]:
    """The Hypercorn workers: the master's child processes (from /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            command = (entry / "cmdline").read_bytes()
            if int(fields[1]) == master and b"resource_tracker" not in command:  # multiprocessing's helper
                children.append(int(entry.name))
    return sorted(children) or [master]  # one worker: Hypercorn may serve from the master itself


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


# --- load ----------------------------------------------------------------------------------------


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    return found


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, seconds: float, connections: int, threads: int = 1, script: str | None = None, **env) -> Load:
    """Run wrk against `url` on loopback; errors = socket errors + non-2xx/3xx answers."""
    duration = f"-d{max(1, round(seconds))}s"
    args = [wrk_binary(), f"-t{threads}", f"-c{connections}", duration, "--timeout", "10s", "--latency"]
    if script:
        args += ["-s", str(LUA / script)]
    result = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 60, env={**os.environ, **env}
    )
    out = result.stdout
    if result.returncode != 0 or "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed: {out}\n{result.stderr}")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = sum(map(int, socket_errors.groups())) if socket_errors else 0
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        p99_ms=milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        errors=errors + (int(non_2xx.group(1)) if non_2xx else 0),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
    )


def cpu_seconds(session: int) -> float:
    """User + system CPU time of every process in a server's session (master and workers)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session:  # after ")": state ppid pgrp session ... utime(11) stime(12)
                total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def timed_wrk(session: int, url: str, seconds: float, connections: int, threads: int = 1, script=None) -> Load:
    """wrk, plus the server's CPU time per request."""
    before = cpu_seconds(session)
    load = wrk(url, seconds, connections, threads, script)
    load.cpu_us = (cpu_seconds(session) - before) / max(1, load.requests) * 1e6
    return load


def compare(name: str, runs: dict[str, tuple[int, str, str | None]], args, connections: int = 16, threads: int = 1):
    """Alternate baseline and mytools `args.rounds` times; the median run of each."""
    results: dict[str, list[Load]] = {key: [] for key in runs}
    for _, url, script in runs.values():  # warm-up: imports, template compilation, pool
        wrk(url, 1, connections, threads, script)
    for _ in range(args.rounds):
        for key, (session, url, script) in runs.items():
            results[key].append(timed_wrk(session, url, args.duration, connections, threads, script))
    medians = {}
    for key, loads in results.items():
        middle = sorted(loads, key=lambda load: load.rps)[len(loads) // 2]
        medians[key] = Load(
            middle.rps, middle.p50_ms, middle.p99_ms, sum(x.errors for x in loads), middle.requests,
            statistics.median(x.cpu_us for x in loads),
        )  # fmt: skip
        print(f"  {name} / {key}: {[round(x.rps) for x in loads]} req/s", file=sys.stderr)
    return medians


def figures(load: Load, base: Load) -> str:
    text = (
        f"{load.rps:,.0f} req/s (base {base.rps:,.0f}); p50 {load.p50_ms:.1f} ms (base {base.p50_ms:.1f}); "
        f"p99 {load.p99_ms:.1f} ms (base {base.p99_ms:.1f}); errors {load.errors}"
    )
    if load.cpu_us is not None and base.cpu_us:
        text += f"; server CPU {load.cpu_us:,.0f} µs/req (base {base.cpu_us:,.0f}, {base.cpu_us / load.cpu_us:.2f}×)"
    return text


def throughput_row(scenario: str, loads: dict[str, Load], target: float) -> Row:
    base, app = loads["baseline"], loads["mytools"]
    ratio = app.rps / base.rps
    return Row(scenario, figures(app, base), ratio, f"≥ {target:.2f}×", ratio >= target and app.errors == 0)


# --- setup ---------------------------------------------------------------------------------------


def owner_token(env: dict[str, str]) -> str:
    """The operator's path: `quart create-user`, then `quart create-token` prints the token."""
    quart = [sys.executable, "-m", "quart", "--app", "app"]
    run = dict(cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    subprocess.run([*quart, "create-user", "bench", "--password", "correct horse battery"], **run)
    return subprocess.run([*quart, "create-token", "bench"], **run).stdout.strip().splitlines()[-1]


def create_link(base: str, token: str) -> str:
    response = httpx.post(
        f"{base}/api/links",
        json={"target": LINK_TARGET, "alias": LINK_CODE},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    if response.status_code != 201:
        raise RuntimeError(f"creating the link: {response.status_code} {response.text}")
    return f"/s/{LINK_CODE}"


class ConnectionSampler:
    """The app's connections in pg_stat_activity, counted every ~10 ms from a thread of its own."""

    def __init__(self, url: str, database: str):
        self.url, self.database, self.samples = url, database, []
        self.done = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self.sample()), daemon=True)

    async def sample(self) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            while not self.done.is_set():
                self.samples.append(await conn.fetchval(CONNECTIONS_SQL, self.database))
                await asyncio.sleep(0.01)
        finally:
            await conn.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.done.set()
        self.thread.join(10)


# --- scenarios -----------------------------------------------------------------------------------


def scenario_throughput(args, pg_url: str, rows: list[Row]) -> None:
    """Scenarios 1-3: one worker each, 16 connections, alternating with the baseline."""
    env = server_env(pg_url, 1)
    with (
        server(BASELINE_APP, 1, server_env(None, 1), args.worker_class) as (bare_process, bare),
        server("app:app", 1, env, args.worker_class) as (app_process, mytools),
    ):
        b, m = bare_process.pid, app_process.pid
        if 1 in args.only:
            runs = {
                "baseline": (b, bare + BASELINE_PATH, "post.lua"),
                "mytools": (m, mytools + "/api/hash", "post.lua"),
            }
            rows.append(throughput_row("1 POST /api/hash", compare("POST /api/hash", runs, args), 0.85))
        if 2 in args.only:
            runs = {"baseline": (b, bare + BASELINE_PATH, None), "mytools": (m, mytools + "/tools/json/", None)}
            rows.append(throughput_row("2 GET /tools/json/", compare("GET /tools/json/", runs, args), 0.75))
        if 3 in args.only:
            path = create_link(mytools, owner_token(env))
            runs = {"baseline": (b, bare + BASELINE_PATH, None), "mytools": (m, mytools + path, None)}
            rows.append(throughput_row("3 GET /s/<code> (PostgreSQL)", compare("GET /s/<code>", runs, args), 0.60))


def scenario_many_clients(args, pg_url: str, rows: list[Row]) -> None:
    """Scenario 4: 200 clients on the redirect, 2 workers, the default pool size."""
    workers, clients = 2, 200
    env = server_env(pg_url, workers)
    database = pg_url.rsplit("/", 1)[1]
    pool_max = default_pool_max(workers)
    with (
        server(BASELINE_APP, workers, server_env(None, workers), args.worker_class) as (bare_process, bare),
        server("app:app", workers, env, args.worker_class) as (app_process, mytools),
    ):
        try:
            path = create_link(mytools, owner_token(env))
        except subprocess.CalledProcessError:  # scenario 3 ran first: the user and link exist
            path = f"/s/{LINK_CODE}"
        wrk(mytools + path, 1, clients, 2)  # warm-up: both workers fill their pools
        base = timed_wrk(bare_process.pid, bare + BASELINE_PATH, args.duration, clients, 2)
        with ConnectionSampler(pg_url, database) as sampler:
            app = timed_wrk(app_process.pid, mytools + path, args.duration, clients, 2)
    peak, budget = max(sampler.samples), workers * pool_max
    ratio = app.rps / base.rps
    row = Row(f"4 GET /s/<code>, {clients} clients, {workers} workers", figures(app, base), ratio)
    row.target = f"0 errors; peak ≤ {budget} conns"
    row.met = app.errors == 0 and peak <= budget
    row.notes.append(f"peak {peak} app connections in pg_stat_activity ({len(sampler.samples)} samples), "
                     f"budget {workers} × DATABASE_POOL_MAX {pool_max} = {budget}")  # fmt: skip
    rows.append(row)


def scenario_cold_start(args, pg_url: str, rows: list[Row]) -> None:
    """Scenario 5: cold start, the median of args.cold_runs starts, interleaved."""
    cases = []
    for workers in (1, 2):
        cases += [Case("bare Quart", BASELINE_APP, workers, None), Case("mytools", "app:app", workers, pg_url)]
    timings: dict[Case, list[float]] = {case: [] for case in cases}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.cold_runs):
            for case in cases:
                timings[case].append(cold_start(case, Path(tmp), 60))
    for workers in (1, 2):
        base, app = (statistics.median(timings[c]) for c in cases if c.workers == workers)
        rows.append(
            Row(
                f"5 cold start, {workers} worker{'s' if workers > 1 else ''} (PostgreSQL)",
                f"{app:.2f} s to first 200 (base {base:.2f} s), median of {args.cold_runs}",
                app / base,
                "(lower is better)",
            )
        )


def drive(url: str, requests: int, script: str, **env: str) -> tuple[int, int]:
    """Send at least `requests` requests with wrk, in 5-second runs (wrk always runs its whole duration);
    returns (requests sent, errors)."""
    sent = errors = 0
    while sent < requests:
        load = wrk(url, 5, 16, 2, script, **env)
        sent, errors = sent + load.requests, errors + load.errors
    return sent, errors


def scenario_memory(args, pg_url: str, rows: list[Row]) -> None:
    """Scenario 6: RSS of each worker after 10 000 and after 50 000 requests (2 workers)."""
    workers, checkpoints = 2, (10_000, 50_000)
    env = server_env(pg_url, workers)

    def measure(app: str, app_env: dict[str, str], script: str, **script_env: str) -> list[list[float]]:
        with server(app, workers, app_env, args.worker_class) as (process, base):
            if app == "app:app":
                try:
                    create_link(base, owner_token(app_env))
                except subprocess.CalledProcessError:
                    pass
            sent, samples = 0, []
            for checkpoint in checkpoints:
                more, errors = drive(base + "/", checkpoint - sent, script, **script_env)
                sent += more
                samples.append([rss_mb(pid) for pid in worker_pids(process.pid)])
                notes.append(f"{app}: {sent:,} requests, {errors} errors, workers {worker_pids(process.pid)}")
                failed.append(errors)
        return samples

    notes: list[str] = []
    failed: list[int] = []

    bare = measure(BASELINE_APP, server_env(None, workers), "path.lua", BENCH_PATH=BASELINE_PATH)
    mytools = measure("app:app", env, "mixed.lua", BENCH_CODE=LINK_CODE)
    growth = max(b - a for a, b in zip(mytools[0], mytools[1], strict=True))
    row = Row(
        f"6 RSS per worker ({workers} workers, mixed requests)",
        f"after 10k: {', '.join(f'{x:.1f}' for x in mytools[0])} MB; after 50k: "
        f"{', '.join(f'{x:.1f}' for x in mytools[1])} MB (base {bare[0][0]:.1f} → {bare[1][0]:.1f} MB)",
        statistics.mean(mytools[1]) / statistics.mean(bare[1]),
        "no growth (≤ 2 MB), 0 errors",
        growth <= 2.0 and not any(failed),
    )
    row.notes.append(f"largest growth 10k → 50k: {growth:+.1f} MB per worker")
    row.notes.extend(notes)
    rows.append(row)


def scenario_page_weight(args, pg_url: str, rows: list[Row]) -> None:
    """Scenario 7: benchmarks/page_weight.py, when another branch has added it."""
    script = BENCHMARKS / "page_weight.py"
    if not script.exists():
        rows.append(Row("7 page weight", "benchmarks/page_weight.py not present: skipped"))
        return
    result = subprocess.run(
        [sys.executable, str(script), "/", "/tools/hash/", "/tools/json/"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
        env=server_env(None, 1),
    )  # fmt: skip
    totals = re.findall(r"total\s+([\d,]+)\s+([\d,]+)\s+\((\w+) the", result.stdout)
    summary = "; ".join(f"{sent} B gzip ({raw} raw, {verdict} budget)" for raw, sent, verdict in totals)
    row = Row("7 page weight (/, /tools/hash/, /tools/json/)", summary or "see below", met=result.returncode == 0)
    row.notes.extend(result.stdout.strip().splitlines())
    rows.append(row)


SCENARIOS = {
    (1, 2, 3): scenario_throughput,
    (4,): scenario_many_clients,
    (5,): scenario_cold_start,
    (6,): scenario_memory,
    (7,): scenario_page_weight,
}


def print_table(rows: list[Row], args) -> None:
    print(
        f"\nmytools benchmarks: {os.cpu_count()} CPUs, Hypercorn worker class {args.worker_class}, "
        f"wrk {args.duration:g} s × {args.rounds} rounds per server (medians), 16 connections unless stated"
    )
    print(f"{'scenario':<44} {'× base':>7}  {'target':<24} {'met':<4} figures")
    for row in rows:
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "-"
        met = {True: "yes", False: "NO", None: "-"}[row.met]
        print(f"{row.scenario:<44} {ratio:>7}  {row.target:<24} {met:<4} {row.figures}")
        for note in row.notes:
            print(f"{'':<44}   {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=int, nargs="+", default=list(range(1, 8)), help="scenario numbers")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server in scenarios 1-3 (median)")
    parser.add_argument("--cold-runs", type=int, default=3, help="starts per case in scenario 5")
    parser.add_argument("--worker-class", default="asyncio", choices=["asyncio", "uvloop"])
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL", ""), help="PostgreSQL server")
    args = parser.parse_args()
    if not args.pg_url:
        sys.exit("set TEST_DATABASE_URL or pass --pg-url (scenarios 3-6 run mytools on PostgreSQL)")
    wrk_binary()
    rows: list[Row] = []
    try:
        with postgres_database(args.pg_url) as pg_url:
            for numbers, scenario in SCENARIOS.items():
                if set(numbers) & set(args.only):
                    print(f"scenario {'/'.join(map(str, numbers))}", file=sys.stderr)
                    scenario(args, pg_url, rows)
    finally:
        print_table(rows, args)  # what was measured, also when a later scenario fails


if __name__ == "__main__":
    main()
