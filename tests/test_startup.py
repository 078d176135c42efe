"""An unreachable database at startup: retries until the deadline, then one line and a non-zero exit; SIGTERM
meanwhile stops the server at once."""

from __future__ import annotations

import secrets
import signal
import socket
import threading
import time

import pytest
from quart.testing.app import LifespanError
from serverutil import free_port, python_module, running, server_env

from app import create_app
from core.config import load_database_settings
from core.db import DatabaseUnavailable, connect_with_retry, make_database

PASSWORD = "s3cret"


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_hypercorn_exits_non_zero_when_the_database_is_unreachable(workers):
    closed_port = free_port()  # nothing listens there
    env = server_env(
        DATABASE_URL=f"postgresql://postgres:{PASSWORD}@127.0.0.1:{closed_port}/x",
        DATABASE_CONNECT_TIMEOUT="2",
        MYTOOLS_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
    )
    args = [
        *python_module("hypercorn"),
        "app:app",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{free_port()}",
    ]
    with running(args, env) as server:
        status = server.wait(timeout=15)
        seconds = time.monotonic() - server.started
        time.sleep(0.5)  # let a sibling worker write its own last line
        output = server.output()

    # Hypercorn 0.18's master exits 0 whatever its workers did, unless the app ends it (core.lifecycle.stop_server).
    assert status != 0, output
    assert seconds >= 2, "gave up before DATABASE_CONNECT_TIMEOUT"
    critical = [line for line in output.splitlines() if line.startswith("CRITICAL")]
    assert critical, output
    assert all(f"cannot reach the database at 127.0.0.1:{closed_port}" in line for line in critical), output
    assert PASSWORD not in output
    assert "Traceback" not in output


async def test_inside_test_app_the_error_is_raised_not_exited():
    """Under TESTING the hook raises (Quart's test app reports it) instead of ending the test process."""
    closed_port = free_port()
    app = create_app(
        {
            "DATABASE_URL": f"postgresql://postgres:{PASSWORD}@127.0.0.1:{closed_port}/x",
            "DATABASE_CONNECT_TIMEOUT": "1",
            "SECRET_KEY": secrets.token_hex(32),
            "TESTING": "true",
        }
    )
    expected = f"cannot reach the database at 127.0.0.1:{closed_port}"
    with pytest.raises(LifespanError, match=expected) as caught:
        async with app.test_app():
            pass
    assert PASSWORD not in str(caught.value)


class SilentDatabase:
    """A loopback port that accepts connections and never says a word: a database hung at startup."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_database():
    database = SilentDatabase()
    yield database
    database.close()


async def test_a_database_that_never_answers_is_given_up_at_the_deadline(silent_database):
    settings = load_database_settings(
        {"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{silent_database.port}/x", "DATABASE_CONNECT_TIMEOUT": "2"}
    )
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as caught:
        await connect_with_retry(make_database(settings), settings)
    elapsed = time.monotonic() - started
    # asyncpg alone waits 60 s for an answer; each attempt is held to the deadline.
    assert 1.9 <= elapsed < 6
    assert str(caught.value).startswith(f"cannot reach the database at 127.0.0.1:{silent_database.port} after 2 s (")
    assert silent_database.accepted, "the attempt never reached the silent server"


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_stops_workers_that_are_still_starting(silent_database, workers):
    """Heroku signals every process of a restarting dyno; a worker still waiting on its database must not hold
    the dyno until SIGKILL (Hypercorn's master waits for every worker)."""
    env = server_env(
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{silent_database.port}/x",
        DATABASE_CONNECT_TIMEOUT="60",
        MYTOOLS_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
    )
    args = [*python_module("hypercorn"), "app:app", "--workers", str(workers), "--bind", f"127.0.0.1:{free_port()}"]
    with running(args, env) as server:
        deadline = time.monotonic() + 30
        while len(silent_database.accepted) < workers and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(silent_database.accepted) == workers, server.output()  # every worker is in its startup
        server.signal_all(signal.SIGTERM)
        signalled = time.monotonic()
        server.wait(timeout=10)
        seconds = time.monotonic() - signalled
        output = server.output()
    assert seconds < 3, output
    assert "Traceback" not in output, output
