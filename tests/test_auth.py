"""Owner accounts: login/logout, argon2 hashes, API tokens stored hashed, CLI commands."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from core.auth import api_tokens, hash_token, users
from core.config import PROJECT_ROOT
from core.db import get_db


async def test_login_page_and_wrong_password(client, owner):
    assert (await client.get("/login")).status_code == 200
    response = await client.post("/login", form={"name": "owner", "password": "wrong password"})
    assert response.status_code == 401
    assert "Wrong name or password." in await response.get_data(as_text=True)
    unknown = await client.post("/login", form={"name": "nobody", "password": "whatever1"})
    assert unknown.status_code == 401


async def test_login_redirects_to_next_and_logout(client, owner):
    response = await client.post(
        "/login?next=/tools/notes/", form={"name": "owner", "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/tools/notes/"
    notes = await client.get("/tools/notes/")
    page = await notes.get_data(as_text=True)
    assert notes.status_code == 200
    assert "Log out" in page and "Logged in as owner." in page
    await client.post("/logout")
    assert (await client.get("/tools/notes/")).status_code == 302


async def test_login_never_redirects_off_site(client, owner):
    response = await client.post(
        "/login?next=//evil.example/x", form={"name": "owner", "password": "correct horse battery"}
    )
    assert response.headers["Location"] == "/"


async def test_passwords_and_tokens_are_stored_hashed(app, owner):
    async with app.app_context():
        row = await get_db().fetch_one(sa.select(users.c.password_hash))
        assert row.password_hash.startswith("$argon2id$")
        assert "correct horse battery" not in row.password_hash
        stored = await get_db().fetch_val(sa.select(api_tokens.c.token_hash))
        assert stored == hash_token(owner) and owner not in stored


def run_cli(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40, "MYTOOLS_AUTO_MIGRATE": "true"}
    return subprocess.run(
        [sys.executable, "-m", "quart", "--app", "app", *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow  # runs the quart command in new processes
async def test_cli_create_user_prompts_and_token_works(app, database_url):
    created = run_cli(database_url, "create-user", "me", stdin="a long password\na long password\n")
    assert created.returncode == 0, created.stderr
    assert "Created user me." in created.stdout
    duplicate = run_cli(database_url, "create-user", "me", stdin="a long password\na long password\n")
    assert duplicate.returncode == 1
    assert "a user named 'me' already exists" in duplicate.stderr

    token = run_cli(database_url, "create-token", "me")
    assert token.returncode == 0, token.stderr
    value = token.stdout.strip()
    assert value.startswith("mt_") and len(value) > 40

    client = app.test_client()
    response = await client.post(
        "/api/notes", json={"title": "via token"}, headers={"Authorization": f"Bearer {value}"}
    )
    assert response.status_code == 201
    login = await client.post("/login", form={"name": "me", "password": "a long password"})
    assert login.status_code == 302


@pytest.mark.slow  # runs the quart command in new processes
async def test_cli_rejects_short_password_and_unknown_user(database_url):
    short = run_cli(database_url, "create-user", "me", stdin="short\nshort\n")
    assert short.returncode == 1 and "at least 8 characters" in short.stderr
    missing = run_cli(database_url, "create-token", "ghost")
    assert missing.returncode == 1 and "no user named 'ghost'" in missing.stderr


@pytest.mark.slow  # runs the quart command in a new process
def test_cli_reports_an_unreachable_database_in_one_line():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres:pw@127.0.0.1:{port}/x",
        "DATABASE_CONNECT_TIMEOUT": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "quart", "--app", "app", "create-token", "me"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"Error: cannot reach the database at 127.0.0.1:{port} after 1 s" in result.stderr
