"""Dyno memory: the whole process tree of the web process, at rest and with 8 hostile requests in flight.

Starts the Procfile's `web` command as Heroku does (2 workers, production settings, SQLite in a temporary
directory), then sums the memory of every process under it — the Hypercorn master, its workers,
multiprocessing's resource tracker and the bounded executor's forked children. Both sums are printed:
RSS counts a page shared copy-on-write by a worker and its forks once per process; PSS (from
/proc/<pid>/smaps_rollup) divides it among them, which is how a dyno's memory counts it once.

    .venv/bin/python -m benchmarks.dyno_memory [--rounds 3] [--work-memory-mb 96] [--work-processes 2]

At rest is after a few plain requests to every tool (lazy imports done); the peak is the largest sum seen
by sampling every 50 ms while rounds of 8 hostile requests (each pushing its child to a bound) run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
TARGETS_MB = {"at rest": 400, "8 hostile requests": 512}
IN_FLIGHT = 8


def web_command() -> str:
    """The Procfile's web line."""
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise SystemExit("no web process in the Procfile")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the process tree and its memory ----------------------------------------------------------------------


def children_map() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_of(root: int) -> dict[int, int]:
    """Every process under `root` (itself included), mapped to its depth: 0 the master, 1 a worker, 2 a fork."""
    tree, found, todo = children_map(), {root: 0}, [root]
    while todo:
        parent = todo.pop()
        for child in tree.get(parent, []):
            found[child] = found[parent] + 1
            todo.append(child)
    return found


def kib(path: str, field: str) -> int:
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) * 1024 if found else 0


def role(pid: int, depth: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    if b"resource_tracker" in command:
        return "resource tracker"
    return {0: "master", 1: "worker"}.get(depth, "executor child")


@dataclass
class Sample:
    rss: int
    pss: int
    by_role: dict[str, tuple[int, int, int]]  # role -> (processes, RSS, PSS)


def sample(root: int) -> Sample:
    rss = pss = 0
    by_role: dict[str, tuple[int, int, int]] = {}
    for pid, depth in tree_of(root).items():
        one_rss, one_pss = kib(f"/proc/{pid}/status", "VmRSS"), kib(f"/proc/{pid}/smaps_rollup", "Pss")
        name = role(pid, depth)
        count, role_rss, role_pss = by_role.get(name, (0, 0, 0))
        by_role[name] = (count + 1, role_rss + one_rss, role_pss + one_pss)
        rss, pss = rss + one_rss, pss + one_pss
    return Sample(rss, pss, by_role)


# --- load ---------------------------------------------------------------------------------------------------


def hostile_requests() -> list[tuple[str, dict]]:
    """Eight requests whose work runs into a bound (memory, time or output) in an executor child."""
    table = "|" + "a|" * 2000 + "\n|" + "-|" * 2000 + "\n" + "|x\n" * 300_000
    csv = ",".join(f"c{i}" for i in range(3000)) + "\n" + "\n" * 950_000
    yaml = "a: &a " + "x" * 200_000 + "\nb: [" + ", ".join(["*a"] * 150_000) + "]\n"
    deep = "[" * 400_000 + "]" * 400_000
    words = " ".join(f"w{i:x}" for i in range(150_000))
    sql = "SELECT " + ", ".join(f"c{i}" for i in range(120_000)) + " FROM t"
    heavy = [  # memory first: each of these takes its child to WORK_MEMORY_MB or near it
        ("/api/convert", {"input": csv, "source_format": "csv", "target_format": "json"}),
        ("/api/markdown", {"input": table[:1_000_000]}),
        ("/api/convert", {"input": yaml, "source_format": "yaml", "target_format": "json"}),
        ("/api/json", {"input": deep, "indent": "tab"}),
        ("/api/convert", {"input": csv, "source_format": "csv", "target_format": "yaml"}),
        ("/api/text-stats", {"input": words}),
        ("/api/sql", {"input": sql}),
        ("/api/convert", {"input": csv, "source_format": "csv", "target_format": "json"}),
    ]
    return heavy


async def one_round(base: str, requests: list[tuple[str, dict]]) -> list[int]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        responses = await asyncio.gather(*(client.post(path, json=body) for path, body in requests))
    return [response.status_code for response in responses]


def warm_up(base: str) -> None:
    with httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        slugs = [tool["slug"] for tool in client.get("/tools.json").json()["tools"]]
        for _ in range(4):  # both workers
            for slug in slugs:
                client.get(f"/tools/{slug}/")
            client.post("/api/markdown", json={"input": "# a\n\n|a|\n|-|\n|b|\n"})


def measure(rounds: int, env_overrides: dict[str, str]) -> dict[str, Sample]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "MYTOOLS_", "DYNO", "WORK_"))}
    with tempfile.TemporaryDirectory() as directory:
        env.update(
            PORT=str(port),
            WEB_CONCURRENCY="2",
            MYTOOLS_ENV="production",
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL=f"sqlite:///{directory}/mytools.sqlite3",
            MYTOOLS_AUTO_MIGRATE="true",
            PASTE_ANONYMOUS="true",
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            **env_overrides,
        )
        log = open(Path(directory) / "server.log", "wb")  # noqa: SIM115 - closed with the directory
        server = subprocess.Popen(
            ["bash", "-c", web_command()], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start:\n" + (Path(directory) / "server.log").read_text())
                time.sleep(0.1)
            warm_up(base)
            time.sleep(1)
            rest = sample(server.pid)
            peak = Sample(0, 0, {})
            stop = threading.Event()

            def sampler() -> None:
                nonlocal peak
                while not stop.is_set():
                    now = sample(server.pid)
                    if now.pss > peak.pss:
                        peak = now
                    stop.wait(0.05)

            thread = threading.Thread(target=sampler)
            thread.start()
            statuses = []
            try:
                for _ in range(rounds):
                    statuses += asyncio.run(one_round(base, hostile_requests()))
            finally:
                stop.set()
                thread.join()
            print(f"hostile answers: {sorted(statuses)}")
            return {"at rest": rest, "8 hostile requests": peak}
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(25)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            log.close()


def mb(value: int) -> str:
    return f"{value / 2**20:6.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of 8 hostile requests (default 3)")
    parser.add_argument("--work-memory-mb", help="WORK_MEMORY_MB for the server (default: the app's)")
    parser.add_argument("--work-processes", help="WORK_PROCESSES for the server (default: the app's)")
    args = parser.parse_args()
    overrides = {}
    if args.work_memory_mb:
        overrides["WORK_MEMORY_MB"] = args.work_memory_mb
    if args.work_processes:
        overrides["WORK_PROCESSES"] = args.work_processes
    results = measure(args.rounds, overrides)
    print(f"web process tree (Procfile, 2 workers{', ' if overrides else ''}{overrides or ''}):")
    from core.config import load_settings

    settings = load_settings(overrides)
    children = 2 * settings.work_processes
    print(
        f"  executor: up to {children} children at once (2 workers × WORK_PROCESSES {settings.work_processes}), "
        f"each allowed WORK_MEMORY_MB {settings.work_memory_bytes // 2**20} MB of address space of its own"
    )
    for label, found in results.items():
        verdict = "ok" if found.pss < TARGETS_MB[label] * 2**20 else "OVER"
        print(
            f"  {label:20} RSS sum {mb(found.rss)}   PSS sum {mb(found.pss)}   target {TARGETS_MB[label]} MB: {verdict}"
        )
        for name, (count, rss, pss) in sorted(found.by_role.items()):
            print(f"    {name:18} ×{count:<2} RSS {mb(rss)}   PSS {mb(pss)}")


if __name__ == "__main__":
    sys.exit(main())
