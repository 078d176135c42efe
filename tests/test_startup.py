"""An unreachable database at startup: retries until the deadline, then one line and a non-zero exit."""

from __future__ import annotations

import secrets
import time

import pytest
from quart.testing.app import LifespanError
from serverutil import free_port, python_module, running, server_env

from app import create_app

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
