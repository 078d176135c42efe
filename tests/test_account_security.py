"""Audit findings on accounts: a token needs the password, a password change revokes tokens, a wrong current
password is counted like a failed login, owner responses are never cached, names ignore letter case."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import uuid

import asyncpg
import pytest
import sqlalchemy as sa
from alembic import command

from core.auth import create_token, create_user, users
from core.config import load_database_settings
from core.db import get_db
from core.migrate import alembic_config, upgrade_to_head
from tests.conftest import PG_URL, REQUIRE_PG, admin_execute, in_thread, with_database
from tests.ratelimitutil import unique, unique_address

PASSWORD = "correct horse battery"
NEW_PASSWORD = "Tangerine-Walrus-8811"
TOKEN_RE = re.compile(r'<code id="new-token">(mt_[A-Za-z0-9_-]+)</code>')


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- a new token needs the current password ------------------------------------------------------


async def test_creating_a_token_needs_the_current_password(app, logged_in, owner):
    for sent in ({}, {"current_password": ""}, {"current_password": "not my password"}):
        refused = await logged_in.post("/account/tokens", form={"name": "stolen", **sent})
        assert refused.status_code == 422, sent
        page = await refused.get_data(as_text=True)
        assert 'id="token_current_password-error" role="alert">This is not your current password.' in page
        assert TOKEN_RE.search(page) is None
    listing = await (await app.test_client().get("/api/tokens", headers=bearer(owner))).get_json()
    assert [t["name"] for t in listing["tokens"]] == [""]  # only the fixture's token

    created = await logged_in.post("/account/tokens", form={"name": "deploy", "current_password": PASSWORD})
    assert created.status_code == 201
    token = TOKEN_RE.search(await created.get_data(as_text=True)).group(1)
    assert (await app.test_client().get("/api/notes", headers=bearer(token))).status_code == 200


# --- a password change revokes every API token ----------------------------------------------------


async def test_a_password_change_revokes_all_api_tokens_and_says_so(app, logged_in, owner):
    created = await logged_in.post("/account/tokens", form={"name": "ci", "current_password": PASSWORD})
    second = TOKEN_RE.search(await created.get_data(as_text=True)).group(1)
    before = await (await logged_in.get("/account")).get_data(as_text=True)
    assert "revokes all your\n  API tokens (2 now)" in before
    for token in (owner, second):
        assert (await app.test_client().get("/api/notes", headers=bearer(token))).status_code == 200

    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    changed = await logged_in.post("/account/password", form=form)
    assert changed.status_code == 302
    after = await (await logged_in.get("/account")).get_data(as_text=True)
    assert "Password changed. 0 other login sessions ended; 2 API tokens revoked." in after
    assert "No API tokens." in after
    for token in (owner, second):
        response = await app.test_client().get("/api/notes", headers=bearer(token))
        assert response.status_code == 401
        assert (await response.get_json())["error"]["message"] == "Invalid API token."


async def test_another_accounts_tokens_survive_a_password_change(app, logged_in, owner):
    async with app.app_context():
        await create_user("other", "another password")
        other = await create_token("other")
    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    assert (await logged_in.post("/account/password", form=form)).status_code == 302
    assert (await app.test_client().get("/api/notes", headers=bearer(other))).status_code == 200


# --- a wrong current password counts like a failed login ------------------------------------------
# LOW_LIMITS: 3 failures per account, 4 per address, in a 900 s window.


async def logged_in_client(app, address: str):
    """A fresh account, logged in from `address`; returns (client, name, post) with post() sent from `address`."""
    name = unique("owner")
    async with app.app_context():
        await create_user(name, PASSWORD)
    client = app.test_client()

    async def post(path: str, form: dict):
        return await client.post(path, form=form, scope_base={"client": (address, 1)})

    assert (await post("/login", {"name": name, "password": PASSWORD})).status_code == 302
    return client, name, post


async def test_wrong_current_passwords_are_limited_with_the_login_counter(limited_app, clock):
    clock.advance(60)
    _, name, post = await logged_in_client(limited_app, unique_address())
    change = {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    statuses = [(await post("/account/password", {**change, "current_password": "guess"})).status_code]
    statuses.append((await post("/account/tokens", {"name": "x", "current_password": "guess"})).status_code)
    statuses.append((await post("/account/password", {**change, "current_password": "guess"})).status_code)
    assert statuses == [422, 422, 422]

    refused = await post("/account/password", {**change, "current_password": PASSWORD})  # even the right one
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "840"
    assert "Too many failed logins. Try again in 14 minutes." in await refused.get_data(as_text=True)
    token = await post("/account/tokens", {"name": "x", "current_password": PASSWORD})
    assert token.status_code == 429 and TOKEN_RE.search(await token.get_data(as_text=True)) is None
    # The same counter as /login's, wherever the next guess comes from.
    client = limited_app.test_client()
    login = await client.post(
        "/login", form={"name": name, "password": PASSWORD}, scope_base={"client": (unique_address(), 1)}
    )
    assert login.status_code == 429

    clock.advance(840)
    assert (await post("/account/password", {**change, "current_password": PASSWORD})).status_code == 302


async def test_a_right_current_password_clears_the_account_counter(limited_app, clock):
    _, _, post = await logged_in_client(limited_app, unique_address())
    wrong = {"name": "x", "current_password": "guess"}
    right = {"name": "x", "current_password": PASSWORD}
    statuses = [(await post("/account/tokens", form)).status_code for form in (wrong, wrong, right, wrong, wrong)]
    assert statuses == [422, 422, 201, 422, 422]


# --- owner responses are never cached -------------------------------------------------------------


async def test_every_owner_response_is_no_store(app, logged_in, owner):
    pages = ["/", "/tools/notes/", "/tools/links/", "/tools/hooks/", "/tools/paste/", "/account"]
    for path in pages:
        response = await logged_in.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"].split(", "), path
    apis = ["/api/notes", "/api/links", "/api/hooks", "/api/paste", "/api/favorites", "/api/tokens"]
    client = app.test_client()
    for path in apis:
        response = await client.get(path, headers=bearer(owner))
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


async def test_anonymous_pages_and_static_files_keep_their_caching(app, logged_in):
    anonymous = await app.test_client().get("/tools/hash/")
    # Not no-store: the same page for every visitor, revalidated by its ETag (core/page_cache.py).
    assert anonymous.status_code == 200 and anonymous.headers["Cache-Control"] == "no-cache"
    assert anonymous.headers["ETag"]
    # A static file does not depend on who asks, even with the owner's cookie.
    static = await logged_in.get("/static/favicon.svg")
    assert static.status_code == 200
    assert static.headers["Cache-Control"] == "public, max-age=3600"  # SEND_FILE_MAX_AGE_DEFAULT


# --- account names ignore letter case -------------------------------------------------------------


async def test_names_differing_only_in_case_cannot_both_exist(app):
    async with app.app_context():
        await create_user("bob", "a long password")
        with pytest.raises(ValueError, match="a user named 'bob' already exists"):
            await create_user("Bob", "another password")
        # The database refuses it too (the unique index on lower(name)), whatever code inserts the row.
        with pytest.raises((sqlite3.IntegrityError, asyncpg.UniqueViolationError)):
            await get_db().execute(
                sa.insert(users).values(name="BOB", password_hash="x", created_at=sa.func.current_timestamp())
            )
        assert await get_db().fetch_val(sa.select(sa.func.count()).select_from(users)) == 1


async def test_login_by_name_ignores_letter_case(app, owner):
    client = app.test_client()
    response = await client.post("/login", form={"name": "OWNER", "password": PASSWORD})
    assert response.status_code == 302
    page = await (await client.get("/account")).get_data(as_text=True)
    assert response.status_code == 302 and "Account" in page
    wrong = await app.test_client().post("/login", form={"name": "Owner", "password": "wrong password"})
    assert wrong.status_code == 401


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_database(request, tmp_path):
    """A database URL with no schema yet, on each kind of database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'names.sqlite3'}"
        return
    if not PG_URL:
        pytest.fail("TEST_DATABASE_URL is not set") if REQUIRE_PG else pytest.skip("TEST_DATABASE_URL is not set")
    name = f"mytools_names_{uuid.uuid4().hex[:10]}"
    admin_execute(f'CREATE DATABASE "{name}"')
    yield with_database(PG_URL, name)
    admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def execute(url: str, *statements: str) -> None:
    """Run SQL directly, as an operator would before migrating."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split(":///", 1)[1]) as conn:
            for statement in statements:
                conn.execute(statement)
        return

    async def run():
        conn = await asyncpg.connect(url)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    in_thread(asyncio.run, run())


def test_the_migration_refuses_existing_case_duplicates_naming_them(empty_database):
    settings = load_database_settings({"DATABASE_URL": empty_database})
    in_thread(command.upgrade, alembic_config(settings), "0007")
    insert = "INSERT INTO users (name, password_hash, created_at) VALUES ('{}', 'x', CURRENT_TIMESTAMP)"
    execute(empty_database, *(insert.format(name) for name in ("bob", "Bob", "alice", "carol", "CAROL")))
    with pytest.raises(RuntimeError) as refused:
        in_thread(upgrade_to_head, settings)
    message = str(refused.value)
    assert "differ only in case: 'Bob' and 'bob'; 'CAROL' and 'carol'." in message
    assert "alice" not in message and "then migrate again" in message

    execute(
        empty_database, "UPDATE users SET name = 'bob-2' WHERE name = 'Bob'", "DELETE FROM users WHERE name = 'CAROL'"
    )
    in_thread(upgrade_to_head, settings)
    with pytest.raises((sqlite3.IntegrityError, asyncpg.UniqueViolationError)):
        execute(empty_database, insert.format("ALICE"))
