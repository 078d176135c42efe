"""`quart --app app check-deploy`: each check with known settings, and the command's exit status."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core.config import PROJECT_ROOT, default_pool_max, load_settings
from core.deploycheck import FAIL, OK, WARN, check_deploy

KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  # sha256("test"), 64 hex characters
HEROKU = {
    "DYNO": "web.1",
    "SECRET_KEY": KEY,
    "DATABASE_URL": "postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1",
    "WEB_CONCURRENCY": "2",
    "HEROKU_APP_NAME": "mytools-demo",  # dyno metadata (heroku labs:enable runtime-dyno-metadata)
}


def results(**env: str) -> dict[str, tuple[str, str]]:
    environ = {k: v for k, v in env.items() if v is not None}
    return {r.name: (r.status, r.message) for r in check_deploy(load_settings(environ), environ)}


def status(name: str, **env: str) -> str:
    return results(**env)[name][0]


def test_a_good_heroku_setup_passes_every_check():
    found = results(**HEROKU)
    assert {name: s for name, (s, _) in found.items()} == {
        "SECRET_KEY": OK,
        "production mode": OK,
        "DATABASE_URL": OK,
        "DATABASE_SSL": OK,
        "pool budget": OK,
        "debug": OK,
        "MYTOOLS_PROXY_HOPS": OK,
        "host names": OK,
    }
    assert found["pool budget"][1] == "2 workers × (pool max 8 + 1 listener) + 2 one-off = 20 ≤ 20"
    assert found["DATABASE_SSL"][1] == "require for ec2-1-2-3-4.compute-1.amazonaws.com"
    assert "u:p" not in str(found)


@pytest.mark.parametrize(
    ("key", "expected", "words"),
    [
        ("", FAIL, "not set"),
        ("a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d", FAIL, "only 31 characters"),  # one short of 32
        ("x" * 40, FAIL, "low entropy: only 1 distinct"),
        ("abcabcabcabcabcabcabcabcabcabcabcabc", FAIL, "low entropy: only 3 distinct"),
        (KEY[:32], OK, "32 characters"),
    ],
)
def test_secret_key(key, expected, words):
    found = results(SECRET_KEY=key)["SECRET_KEY"]
    assert found[0] == expected and words in found[1]


def test_production_mode():
    assert status("production mode", SECRET_KEY=KEY) == WARN
    assert status("production mode", SECRET_KEY=KEY, MYTOOLS_ENV="production") == OK
    assert results(**HEROKU)["production mode"][1] == "on (DYNO is set)"


def test_database_url_on_and_off_heroku():
    assert status("DATABASE_URL", SECRET_KEY=KEY) == WARN  # unset, not on Heroku: the SQLite file
    assert status("DATABASE_URL", **{**HEROKU, "DATABASE_URL": ""}) == FAIL
    sqlite_on_heroku = results(**{**HEROKU, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"})["DATABASE_URL"]
    assert sqlite_on_heroku == (FAIL, "SQLite on Heroku: the dyno filesystem is wiped on every restart")
    assert status("DATABASE_URL", SECRET_KEY=KEY, DATABASE_URL="sqlite:////tmp/x.sqlite3") == WARN


def test_database_ssl():
    assert status("DATABASE_SSL", **{**HEROKU, "DATABASE_SSL": "disable"}) == FAIL
    assert status("DATABASE_SSL", **{**HEROKU, "DATABASE_SSL": "verify-full"}) == OK
    local = {**HEROKU, "DATABASE_URL": "postgresql://postgres@127.0.0.1/x", "DATABASE_SSL": "disable"}
    assert results(**local)["DATABASE_SSL"] == (OK, "disable (local database)")


def test_pool_budget():
    over = results(**{**HEROKU, "WEB_CONCURRENCY": "3", "DATABASE_POOL_MAX": "6"})["pool budget"]
    assert over == (FAIL, "3 workers × (pool max 6 + 1 listener) + 2 one-off = 23 > DATABASE_CONNECTION_LIMIT 20")
    exact = results(**{**HEROKU, "WEB_CONCURRENCY": "3", "DATABASE_POOL_MAX": "5"})["pool budget"]
    assert exact == (OK, "3 workers × (pool max 5 + 1 listener) + 2 one-off = 20 ≤ 20")
    bigger_plan = {**HEROKU, "WEB_CONCURRENCY": "3", "DATABASE_POOL_MAX": "7", "DATABASE_CONNECTION_LIMIT": "120"}
    assert status("pool budget", **bigger_plan) == OK


def test_connection_limit_sets_the_default_pool():
    assert default_pool_max(4, 120) == 10  # capped at 10
    assert default_pool_max(4, 20) == 3  # 4 × (3 + 1 listener) + 2 = 18
    assert load_settings({"WEB_CONCURRENCY": "4", "DATABASE_CONNECTION_LIMIT": "46"}).database.pool_max == 10
    assert load_settings({"WEB_CONCURRENCY": "4", "DATABASE_CONNECTION_LIMIT": "14"}).database.pool_max == 2
    assert load_settings({}).database.connection_limit == 20


def test_debug():
    assert status("debug", **HEROKU, QUART_DEBUG="1") == FAIL
    assert status("debug", **HEROKU, TESTING="true") == FAIL
    assert status("debug", **HEROKU, LOG_LEVEL="DEBUG") == WARN


def test_proxy_hops():
    assert results(**{**HEROKU, "MYTOOLS_PROXY_HOPS": "0"})["MYTOOLS_PROXY_HOPS"][0] == FAIL
    assert status("MYTOOLS_PROXY_HOPS", **HEROKU) == OK  # 1 by default when DYNO is set
    assert status("MYTOOLS_PROXY_HOPS", SECRET_KEY=KEY) == OK  # no proxy off Heroku


def test_host_names():
    assert results(**HEROKU)["host names"] == (OK, "mytools-demo.herokuapp.com; absolute URLs from the request's host")
    without_metadata = {**HEROKU, "HEROKU_APP_NAME": None}
    assert status("host names", **without_metadata) == OK  # the dyno's own *.herokuapp.com domains
    assert status("host names", **{**without_metadata, "DYNO": None, "MYTOOLS_ENV": "production"}) == FAIL
    assert status("host names", **without_metadata, MYTOOLS_ALLOWED_HOSTS="tools.example.com") == OK
    assert status("host names", SECRET_KEY=KEY) == OK  # development: the loopback names


def run_check(**env: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    return subprocess.run(
        [sys.executable, "-m", "quart", "--app", "app", "check-deploy"],
        cwd=PROJECT_ROOT,
        env={**keep, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow  # runs the quart command in a new process
def test_command_prints_one_line_per_check_and_exits_non_zero_on_fail():
    good = run_check(**HEROKU)
    assert good.returncode == 0, good.stderr
    lines = good.stdout.splitlines()
    assert len(lines) == 9 and all(line.startswith("OK ") for line in lines[:8])
    assert lines[-1] == "8 checks: 0 failed, 0 warnings."

    bad = run_check(**{**HEROKU, "DATABASE_URL": "sqlite:////tmp/mytools-check.sqlite3", "DATABASE_SSL": ""})
    assert bad.returncode == 1
    assert "FAIL  DATABASE_URL: SQLite on Heroku" in bad.stdout
    assert bad.stdout.splitlines()[-1] == "8 checks: 1 failed, 0 warnings."
