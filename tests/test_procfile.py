"""The Procfile and app.json as Heroku uses them: release migrates, web serves, SIGTERM stops it."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import signal
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from serverutil import (
    PROJECT_ROOT,
    free_port,
    fresh_database,
    python_module,
    require_postgres,
    running,
    server_env,
    wait_for_status,
    wait_port_closed,
    with_database,
)

HONCHO = python_module("honcho")
PROCFILE = PROJECT_ROOT / "Procfile"
EXPECTED_TABLES = {"users", "api_tokens", "notes", "alembic_version"}
HSTS = "Strict-Transport-Security"


def procfile_lines() -> dict[str, str]:
    lines = (line.split(":", 1) for line in PROCFILE.read_text().splitlines() if ":" in line)
    return {name.strip(): command.strip() for name, command in lines}


def loopback_procfile(tmp_path: Path) -> Path:
    """The real Procfile with only the bind address changed: tests listen on 127.0.0.1 alone."""
    web = procfile_lines()["web"]
    # Heroku's router reaches the dyno from outside: the real web line must bind every interface.
    assert "--bind 0.0.0.0:$PORT" in web
    path = tmp_path / "Procfile"
    path.write_text(PROCFILE.read_text().replace("--bind 0.0.0.0:$PORT", "--bind 127.0.0.1:$PORT"))
    return path


def honcho(procfile: Path, process: str) -> list[str]:
    # `--env /dev/null`: a developer's .env file must not change what the test runs.
    return [*HONCHO, "--no-colour", "--env", "/dev/null", "--procfile", str(procfile), "start", process]


def heroku_env(database: str, **settings: str) -> dict[str, str]:
    """What Heroku gives a dyno: a postgres:// URL, a port, a generated secret and WEB_CONCURRENCY (and the
    loopback address standing in for the app's herokuapp.com name)."""
    return server_env(
        DATABASE_URL=with_database(require_postgres(), database, scheme="postgres"),
        PORT=str(free_port()),
        MYTOOLS_ENV="production",
        MYTOOLS_ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY=secrets.token_hex(32),
        WEB_CONCURRENCY="2",
        **settings,
    )


async def schema_state(url: str) -> tuple[set[str], str | None]:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {row["tablename"] for row in rows}
        version = None
        if "alembic_version" in tables:
            version = await conn.fetchval("SELECT version_num FROM alembic_version")
        return tables, version
    finally:
        await conn.close()


def alembic_head() -> str:
    return ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini"))).get_current_head()


def test_app_json_declares_the_heroku_button_setup():
    manifest = json.loads((PROJECT_ROOT / "app.json").read_text())
    assert manifest["name"] == "mytools"
    assert manifest["description"]
    assert {"plan": "heroku-postgresql:essential-0"} in manifest["addons"]
    assert manifest["env"]["SECRET_KEY"]["generator"] == "secret"
    assert manifest["env"]["WEB_CONCURRENCY"]["value"] == "2"
    assert manifest["buildpacks"] == [{"url": "heroku/python"}]
    # The release phase migrates: a postdeploy script would migrate a second time.
    assert "scripts" not in manifest


def test_procfile_has_release_and_web():
    lines = procfile_lines()
    assert set(lines) == {"web", "release"}
    assert "alembic upgrade head" in lines["release"]
    assert "hypercorn app:app" in lines["web"] and "--workers ${WEB_CONCURRENCY" in lines["web"]


@pytest.mark.slow
def test_release_migrates_then_web_serves_and_stops_on_sigterm(tmp_path):
    procfile = loopback_procfile(tmp_path)
    with fresh_database() as database:
        env = heroku_env(database, DYNO="web.1")
        admin_url = with_database(require_postgres(), database)

        with running(honcho(procfile, "release"), {**env, "DYNO": "release.1"}) as release:
            assert release.wait(timeout=90) == 0, release.output()
        tables, version = asyncio.run(schema_state(admin_url))
        assert EXPECTED_TABLES <= tables
        assert version == alembic_head()

        port = int(env["PORT"])
        with running(honcho(procfile, "web"), env) as web:
            started = time.monotonic()
            health = wait_for_status(web, f"http://127.0.0.1:{port}/healthz", timeout=60)
            boot_seconds = time.monotonic() - started
            assert health.json() == {"status": "ok", "database": "ok"}
            # Every worker serving before the signal: a worker still starting dies of it (tests/test_startup.py).
            workers = int(env["WEB_CONCURRENCY"])
            deadline = time.monotonic() + 60
            while len(set(re.findall(r"\[(\d+)\] \[INFO\] Running on", web.output()))) < workers:
                assert time.monotonic() < deadline, web.output()
                time.sleep(0.1)

            # DYNO is set, so the app trusts one proxy hop: Heroku's router says whether the client used TLS.
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                behind_tls = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
                plain = client.get("/healthz")
            assert behind_tls.status_code == plain.status_code == 200
            assert behind_tls.headers[HSTS].startswith("max-age=")
            assert HSTS not in plain.headers

            web.signal_all(signal.SIGTERM)
            signalled = time.monotonic()
            status = web.wait(timeout=30)
            shutdown_seconds = time.monotonic() - signalled
            wait_port_closed(port, timeout=2)
            output = web.output()

    print(f"\nweb boot to first 200: {boot_seconds:.2f} s; SIGTERM to exit: {shutdown_seconds:.2f} s")
    assert status == 143, output  # honcho's status after a SIGTERM
    # Hypercorn stopped by itself: honcho never had to escalate to SIGKILL (it does after 5 s).
    assert re.search(r"web\.1 stopped \(rc=0\)", output), output
    assert "SIGKILL" not in output, output


@pytest.mark.slow
def test_web_refuses_to_start_in_production_without_secret_key(tmp_path):
    procfile = loopback_procfile(tmp_path)
    env = server_env(PORT=str(free_port()), MYTOOLS_ENV="production")
    with running(honcho(procfile, "web"), env) as web:
        status = web.wait(timeout=20)
        seconds = time.monotonic() - web.started
        output = web.output()
    assert status != 0, output
    assert seconds < 10, output
    app_lines = [line for line in output.splitlines() if re.search(r"\bweb\.1\s+\|", line)]
    mentions = [line for line in app_lines if "SECRET_KEY" in line]
    assert len(mentions) == 1, output
    assert "configuration error: SECRET_KEY is missing" in mentions[0]
    assert "Traceback" not in output
