"""Login sessions live on the server: logout and password changes end them; API tokens can be listed and revoked;
no password, token or session id ever reaches a log line."""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa
from hypercorn.config import Config
from hypercorn.logging import AccessLogAtoms
from quart_auth import QuartAuth

from core.auth import api_tokens, create_token, create_user, hash_token, login_sessions
from core.db import get_db
from tests.test_auth import run_cli

PASSWORD = "correct horse battery"
NEW_PASSWORD = "Tangerine-Walrus-8811"
LOGIN = {"name": "owner", "password": PASSWORD}


def auth_cookie(client) -> str:
    return next(cookie.value for cookie in client.cookie_jar if cookie.name == "QUART_AUTH")


def session_id_in(app, cookie: str) -> str:
    """The login session id inside the signed cookie."""
    extension = next(e for e in app.extensions["QUART_AUTH"] if isinstance(e, QuartAuth))
    return extension.load_token(cookie, app=app)


async def status_with_cookie(app, cookie: str, path: str = "/tools/notes/") -> int:
    """What a second browser holding a copy of the cookie gets."""
    response = await app.test_client().get(path, headers={"Cookie": f"QUART_AUTH={cookie}"})
    return response.status_code


async def session_rows(app) -> list:
    async with app.app_context():
        return await get_db().fetch_all(sa.select(login_sessions))


async def login(app, password: str = PASSWORD):
    client = app.test_client()
    response = await client.post("/login", form={"name": "owner", "password": password})
    assert response.status_code == 302, await response.get_data(as_text=True)
    return client


# --- sessions ------------------------------------------------------------------------------------


async def test_the_cookie_names_a_session_stored_only_as_a_hash(app, logged_in):
    session_id = session_id_in(app, auth_cookie(logged_in))
    assert len(session_id) >= 43  # 256 random bits, URL-safe base64
    [row] = await session_rows(app)
    assert row.id == hash_token(session_id) and session_id not in row.id
    assert row.user_id == 1 and row.created_at is not None and row.last_seen_at is not None


async def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, logged_in):
    cookie = auth_cookie(logged_in)
    assert await status_with_cookie(app, cookie) == 200  # a copied cookie works while the session lives
    await logged_in.post("/logout")
    assert await session_rows(app) == []
    assert await status_with_cookie(app, cookie) == 302  # ...and not after logout
    page = await (await app.test_client().get("/", headers={"Cookie": f"QUART_AUTH={cookie}"})).get_data(as_text=True)
    assert "Log out" not in page and "Log in" in page


async def test_a_forged_or_unknown_session_id_is_not_logged_in(app, owner):
    extension = next(e for e in app.extensions["QUART_AUTH"] if isinstance(e, QuartAuth))
    for auth_id in ("1", "not-a-session"):  # e.g. an old cookie that carried the user id
        cookie = extension.dump_token(auth_id, app=app)
        assert await status_with_cookie(app, cookie) == 302


async def test_a_new_login_replaces_the_browsers_old_session(app, logged_in):
    old = auth_cookie(logged_in)
    response = await logged_in.post("/login", form=LOGIN)
    assert response.status_code == 302
    assert auth_cookie(logged_in) != old
    assert len(await session_rows(app)) == 1
    assert await status_with_cookie(app, old) == 302


async def test_password_change_ends_other_sessions_only(app, owner):
    here, elsewhere = await login(app), await login(app)
    assert len(await session_rows(app)) == 2
    response = await here.post(
        "/account/password",
        form={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = await (await here.get("/account")).get_data(as_text=True)
    assert "Password changed. 1 other login session ended; 1 API token revoked." in page
    assert (await elsewhere.get("/tools/notes/")).status_code == 302
    assert (await here.get("/tools/notes/")).status_code == 200
    assert len(await session_rows(app)) == 1
    wrong = await app.test_client().post("/login", form=LOGIN)
    assert wrong.status_code == 401
    await login(app, NEW_PASSWORD)


async def test_password_change_refuses_bad_input_and_changes_nothing(app, owner):
    here, elsewhere = await login(app), await login(app)
    cases = [
        ({"current_password": "wrong one!", "new_password": NEW_PASSWORD}, "This is not your current password."),
        ({"current_password": PASSWORD, "new_password": "short7!"}, "at least 8 characters"),
        ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "again": "different"}, "differ"),
    ]
    for form, message in cases:
        again = form.pop("again", form["new_password"])
        response = await here.post("/account/password", form={**form, "new_password_again": again})
        assert response.status_code == 422
        assert message in await response.get_data(as_text=True)
    assert (await elsewhere.get("/tools/notes/")).status_code == 200
    await login(app, PASSWORD)


async def test_end_other_sessions_button(app, owner):
    here, elsewhere = await login(app), await login(app)
    response = await here.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert (await elsewhere.get("/tools/notes/")).status_code == 302
    assert (await here.get("/tools/notes/")).status_code == 200


async def test_account_page_needs_an_owner(client, owner):
    response = await client.get("/account")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/account"
    assert (await client.post("/account/tokens", form={"name": "x"})).status_code == 302


# --- API tokens ----------------------------------------------------------------------------------


async def test_account_page_creates_shows_once_lists_and_revokes_tokens(app, logged_in, owner):
    page = await (await logged_in.get("/")).get_data(as_text=True)
    assert 'href="/account"' in page
    created = await logged_in.post("/account/tokens", form={"name": "deploy script", "current_password": PASSWORD})
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    body = await created.get_data(as_text=True)
    token = re.search(r'<code id="new-token">(mt_[A-Za-z0-9_-]+)</code>', body).group(1)
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await app.test_client().get("/api/notes", headers=bearer)).status_code == 200

    listing = await (await logged_in.get("/account")).get_data(as_text=True)
    assert token not in listing  # shown once
    assert "deploy script" in listing and listing.count("Revoke token ") == 2  # with the fixture's token
    async with app.app_context():
        token_id = await get_db().fetch_val(
            sa.select(api_tokens.c.id).where(api_tokens.c.token_hash == hash_token(token))
        )
    revoked = await logged_in.post(f"/account/tokens/{token_id}/revoke")
    assert revoked.status_code == 302
    assert (await app.test_client().get("/api/notes", headers=bearer)).status_code == 401
    assert (await app.test_client().get("/api/notes", headers={"Authorization": f"Bearer {owner}"})).status_code == 200


async def test_token_name_is_limited(logged_in):
    response = await logged_in.post("/account/tokens", form={"name": "n" * 101})
    assert response.status_code == 422
    assert "at most 100 characters" in await response.get_data(as_text=True)


async def test_api_lists_and_revokes_tokens(app, client, owner):
    bearer = {"Authorization": f"Bearer {owner}"}
    async with app.app_context():
        second = await create_token("owner", "ci")
        await create_user("other", "another password")
        others = await create_token("other")
    listing = await client.get("/api/tokens", headers=bearer)
    assert listing.status_code == 200
    tokens = (await listing.get_json())["tokens"]
    assert [(t["id"], t["name"]) for t in tokens] == [(1, ""), (2, "ci")]
    assert tokens[0]["last_used_at"] is not None  # this very request used it
    assert tokens[1]["last_used_at"] is None
    text = await listing.get_data(as_text=True)
    assert owner not in text and second not in text and hash_token(owner) not in text

    assert (await client.delete("/api/tokens/3", headers=bearer)).status_code == 404  # another user's token
    assert (await client.get("/api/notes", headers={"Authorization": f"Bearer {others}"})).status_code == 200
    assert (await client.delete("/api/tokens/2", headers=bearer)).status_code == 204
    assert (await client.get("/api/notes", headers={"Authorization": f"Bearer {second}"})).status_code == 401
    assert (await client.delete("/api/tokens/2", headers=bearer)).status_code == 404
    assert (await client.get("/api/tokens")).status_code == 401


@pytest.mark.slow  # runs the quart command in new processes
async def test_cli_lists_and_revokes_tokens_and_sets_the_password(app, database_url, owner):
    async with app.app_context():
        await create_token("owner", "laptop")
    await login(app)
    listed = run_cli(database_url, "list-tokens", "owner")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["ID", "CREATED", "(UTC)", "LAST", "USED", "(UTC)", "LABEL"]
    assert re.fullmatch(r"\s+1  \d{4}-\d\d-\d\d \d\d:\d\d  never\s*", lines[1])
    assert re.fullmatch(r"\s+2  \d{4}-\d\d-\d\d \d\d:\d\d  never\s+laptop", lines[2])
    assert owner not in listed.stdout

    revoked = run_cli(database_url, "revoke-token", "owner", "1")
    assert revoked.returncode == 0 and "Revoked token 1 of owner." in revoked.stdout
    again = run_cli(database_url, "revoke-token", "owner", "1")
    assert again.returncode == 1 and "owner has no token with id 1" in again.stderr
    assert (await app.test_client().get("/api/notes", headers={"Authorization": f"Bearer {owner}"})).status_code == 401

    changed = run_cli(database_url, "set-password", "owner", stdin=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert changed.returncode == 0, changed.stderr
    assert "Password of owner changed; 1 login session ended, 1 API token revoked." in changed.stdout
    assert await session_rows(app) == []
    await login(app, NEW_PASSWORD)
    short = run_cli(database_url, "set-password", "owner", stdin="short\nshort\n")
    assert short.returncode == 1 and "at least 8 characters" in short.stderr
    ghost = run_cli(database_url, "list-tokens", "ghost")
    assert ghost.returncode == 1 and "no user named 'ghost'" in ghost.stderr


# --- nothing secret in the logs ------------------------------------------------------------------


async def test_no_password_token_or_session_id_in_any_log_line(app, owner, caplog):
    """Everything logged at DEBUG (the app, databases' query log, quart) plus Hypercorn's access lines."""
    scopes = []

    async def keep_scope(response):
        from quart import request

        scopes.append(request.scope)
        return response

    app.after_request(keep_scope)
    caplog.set_level(logging.DEBUG)
    for name in ("databases", "mytools", "quart.app", "hypercorn.access", "hypercorn.error"):
        caplog.set_level(logging.DEBUG, logger=name)
    client = app.test_client()
    await client.post("/login", form={"name": "owner", "password": "wrong password 1"})
    await client.post("/login", form=LOGIN)
    await client.get("/account")
    await client.post(
        "/account/password",
        form={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    form = {"name": "logged?", "current_password": NEW_PASSWORD}
    created = await (await client.post("/account/tokens", form=form)).get_data(as_text=True)
    new_token = re.search(r'<code id="new-token">([^<]+)</code>', created).group(1)
    for token in (owner, new_token, "mt_not-a-real-token"):
        await client.get("/api/notes", headers={"Authorization": f"Bearer {token}"})
    await client.post("/api/notes", json={"title": "t"}, headers={"Authorization": f"Bearer {owner}"})
    session_id = session_id_in(app, auth_cookie(client))
    await client.post("/logout")

    access_lines = [
        Config().access_log_format % AccessLogAtoms(s, {"status": 200, "headers": []}, 0.01) for s in scopes
    ]
    logged = "\n".join([r.getMessage() for r in caplog.records] + [caplog.text, *access_lines])
    assert any("Query:" in r.getMessage() for r in caplog.records)  # the query log really was on
    assert len(access_lines) >= 10 and '"POST /login ' in logged
    secrets = [PASSWORD, NEW_PASSWORD, "wrong password 1", owner, new_token, "mt_not-a-real-token", session_id]
    for secret in secrets:
        assert secret not in logged, secret
