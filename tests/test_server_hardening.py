"""The server tells no one what it runs (no Server header); the SQLite file is readable by its owner only."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from serverutil import PROJECT_ROOT, free_port, running, server_env, wait_for_status
from test_procfile import honcho, loopback_procfile

from core.config import load_database_settings
from core.migrate import upgrade_to_head
from tests.conftest import in_thread, make_app


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_the_procfile_web_server_sends_no_server_header(tmp_path):
    port = free_port()
    env = server_env(PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'instance' / 'db.sqlite3'}")
    with running(honcho(loopback_procfile(tmp_path), "web"), env) as web:
        health = wait_for_status(web, f"http://127.0.0.1:{port}/healthz", timeout=60)
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        missing = httpx.get(f"http://127.0.0.1:{port}/no-such-page", timeout=10)
    for response in (health, page, missing):
        assert "server" not in response.headers, response.headers
        assert "date" in response.headers  # the other headers Hypercorn adds are still there
    assert page.status_code == 200 and missing.status_code == 404


def test_scripts_run_uses_the_same_hypercorn_config():
    run = (PROJECT_ROOT / "scripts" / "run").read_text()
    assert "hypercorn app:app --config hypercorn.toml " in run
    assert "include_server_header = false" in (PROJECT_ROOT / "hypercorn.toml").read_text()


async def test_the_app_creates_the_sqlite_file_0600_in_a_0700_folder(tmp_path):
    folder = tmp_path / "instance"  # does not exist yet, as in a fresh checkout
    app = make_app(f"sqlite:///{folder / 'mytools.sqlite3'}", MYTOOLS_AUTO_MIGRATE="true")
    async with app.test_app():
        assert (await app.test_client().get("/healthz")).status_code == 200
        files = sorted(p.name for p in folder.iterdir() if p.name.startswith("mytools.sqlite3"))
        assert "mytools.sqlite3" in files
        for name in files:
            if name.endswith(".migrate-lock"):
                continue  # empty: only its lock matters
            assert mode(folder / name) == 0o600, name
    assert mode(folder) == 0o700


def test_migrating_creates_the_file_0600_and_tightens_an_old_0644_one(tmp_path):
    fresh = tmp_path / "new" / "db.sqlite3"
    in_thread(upgrade_to_head, load_database_settings({"DATABASE_URL": f"sqlite:///{fresh}"}))
    assert mode(fresh) == 0o600 and mode(fresh.parent) == 0o700

    old = tmp_path / "old.sqlite3"
    old.touch(mode=0o644)
    old.chmod(0o644)
    in_thread(upgrade_to_head, load_database_settings({"DATABASE_URL": f"sqlite:///{old}"}))
    assert mode(old) == 0o600
