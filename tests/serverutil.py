"""Real server processes for the slow tests: a free loopback port, polling, and a cleanup that always runs."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from tests.offline import quiet_dns

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The interpreter running the tests (whatever venv or install it is): servers and commands start with it.
PYTHON = sys.executable
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
# Same rule as conftest.py: where this is set (CI), a missing PostgreSQL is a failure, never a skip.
REQUIRE_PG = os.environ.get("MYTOOLS_REQUIRE_POSTGRES") == "1"
# Settings a developer's shell may carry that must not leak into a server under test.
APP_VARIABLES = (
    "DATABASE_URL",
    "DATABASE_POOL_MIN",
    "DATABASE_POOL_MAX",
    "DATABASE_SSL",
    "DATABASE_CONNECT_TIMEOUT",
    "DYNO",
    "MYTOOLS_ENV",
    "MYTOOLS_AUTO_MIGRATE",
    "MYTOOLS_PROXY_HOPS",
    "MYTOOLS_DISABLED_TOOLS",
    "SECRET_KEY",
    "TESTING",
    "WEB_CONCURRENCY",
    "PORT",
    "REDIS_URL",
    "MYTOOLS_BASE_URL",
    "MYTOOLS_ALLOWED_HOSTS",
    "HEROKU_APP_NAME",
    "HEROKU_APP_DEFAULT_DOMAIN_NAME",
)
# Importing app.py configures the root logger at INFO; one line per polled request would bury `-s` output.
logging.getLogger("httpx").setLevel(logging.WARNING)


def require_postgres() -> str:
    """TEST_DATABASE_URL, or skip (fail when MYTOOLS_REQUIRE_POSTGRES=1)."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("TEST_DATABASE_URL is not set but PostgreSQL tests are required")
        pytest.skip("TEST_DATABASE_URL is not set")
    return PG_URL


def with_database(url: str, name: str, scheme: str | None = None) -> str:
    """`url` pointing at database `name` (and, if given, with another scheme such as Heroku's postgres)."""
    parts = urlsplit(url)._replace(path="/" + name)
    if scheme:
        parts = parts._replace(scheme=scheme)
    return urlunsplit(parts)


async def _admin_execute(sql: str) -> None:
    conn = await asyncpg.connect(PG_URL, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its name and drops it (WITH FORCE) at the end."""
    require_postgres()
    name = f"mytools_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def python_module(module: str, *args: str) -> list[str]:
    """The command line `python -m <module> <args>` with the interpreter running the tests."""
    return [PYTHON, "-m", module, *args]


def server_env(**settings: str) -> dict[str, str]:
    """This environment without the app's settings, plus `settings`, with this interpreter's scripts first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    # The Procfile names `hypercorn` and `quart`: they must be the ones installed beside this interpreter.
    env["PATH"] = f"{Path(PYTHON).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    env["MYTOOLS_DNS_RESOLVERS"] = quiet_dns()  # a server the tests start never asks a public resolver either
    env.update(settings)
    return env


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, read from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def process_groups(pid: int) -> set[int]:
    """The process groups of `pid` and of all its descendants (honcho gives each process its own)."""
    groups = set()
    for member in [pid, *descendants(pid)]:
        try:
            groups.add(os.getpgid(member))
        except ProcessLookupError:
            pass
    return groups


class Server:
    """A process started in its own session, its output in a file (a full pipe never blocks it)."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path = PROJECT_ROOT):
        log_fd, self.log_path = tempfile.mkstemp(prefix="mytools-server-", suffix=".log")
        self.started = time.monotonic()
        try:
            self.process = subprocess.Popen(
                args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log_fd, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        finally:
            os.close(log_fd)  # the child has its own copy
        self.groups = {self.process.pid}

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return Path(self.log_path).read_text(errors="replace")

    def remember_groups(self) -> None:
        """Note the process groups below us now, so cleanup reaches them even once reparented."""
        if self.process.poll() is None:
            self.groups |= process_groups(self.pid)

    def signal_all(self, signum: int) -> None:
        """Signal every process group of the tree, as Heroku signals every process of a dyno."""
        self.remember_groups()
        for group in self.groups:
            try:
                os.killpg(group, signum)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float) -> int:
        """The exit status; raises AssertionError (with the output) when it does not exit in time."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running after {timeout} s; output:\n{self.output()}") from None

    def stop(self) -> None:
        """Kill everything this server started, whatever state it is in, and remove its log."""
        self.remember_groups()
        pids = descendants(self.pid)
        for group in self.groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(10)
        finally:
            os.unlink(self.log_path)


@contextmanager
def running(args: list[str], env: dict[str, str], cwd: Path = PROJECT_ROOT) -> Iterator[Server]:
    server = Server(args, env, cwd)
    try:
        yield server
    finally:
        server.stop()


def wait_for_status(
    server: Server, url: str, status: int = 200, timeout: float = 60.0, headers: dict | None = None
) -> httpx.Response:
    """Poll `url` until it answers `status`; fail early (with the output) if the server exits."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"exited with {server.process.returncode}; output:\n{server.output()}")
        try:
            response = httpx.get(url, headers=headers, timeout=2.0)
            if response.status_code == status:
                server.remember_groups()
                return response
            last = response.status_code
        except httpx.TransportError as exc:
            last = exc
        time.sleep(0.05)
    output = server.output()
    raise AssertionError(f"{url} did not answer {status} within {timeout} s (last: {last!r}):\n{output}")


def wait_port_closed(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while port_is_open(port):
        if time.monotonic() > deadline:
            raise AssertionError(f"port {port} still open after {timeout} s")
        time.sleep(0.05)


def run_command(args: list[str], env: dict[str, str], timeout: float = 60.0, input: str | None = None):
    """Run a short command (a CLI call) to completion in its own session; kill its group on timeout."""
    process = subprocess.Popen(
        args, cwd=PROJECT_ROOT, env=env, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"{args} did not finish within {timeout} s") from None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)
