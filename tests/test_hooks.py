"""Webhook inspector: bins, captures of any method, retention, expiry, pages and API, on both databases."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import os
import shlex
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from core.config import PROJECT_ROOT
from core.db import get_db
from tests.test_auth import run_cli
from tests.test_curl import RAW_CONTROL, shell_argv
from tools.hooks import answers, display, store

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def configure(app, **changes) -> None:
    """Change hooks settings for this app (tools read them per request)."""
    app.config["MYTOOLS_SETTINGS"] = dataclasses.replace(app.config["MYTOOLS_SETTINGS"], **changes)


async def new_bin(client, token: str, **settings) -> dict:
    response = await client.post("/api/hooks", json=settings, headers=auth(token))
    assert response.status_code == 201, await response.get_data(as_text=True)
    return await response.get_json()


async def captured(client, token: str, bin_id: str, after: int = 0) -> list[dict]:
    response = await client.get(f"/api/hooks/{bin_id}?after={after}", headers=auth(token))
    assert response.status_code == 200
    return (await response.get_json())["requests"]


def path_of(url: str) -> str:
    return urlsplit(url).path


async def expire(app, bin_id: str) -> None:
    async with app.app_context():
        past = datetime.now(UTC) - timedelta(seconds=1)
        await get_db().execute(sa.update(store.hook_bins).where(store.hook_bins.c.id == bin_id).values(expires_at=past))


async def stored_ids(app, bin_id: str) -> list[int]:
    async with app.app_context():
        query = sa.select(store.hook_requests.c.id).where(store.hook_requests.c.bin_id == bin_id)
        return sorted(row.id for row in await get_db().fetch_all(query))


# --- pure functions ---------------------------------------------------------------------


def test_pretty_json_by_type_or_look():
    assert (
        display.pretty_json('{"a":[1,2],"b":"é"}', "application/json")
        == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "é"\n}'
    )
    assert display.pretty_json("[1]", None) == "[\n  1\n]"
    assert display.pretty_json('"just a string"', "text/plain") is None
    assert display.pretty_json("{not json", "application/json") is None


def test_form_fields_urlencoded_and_multipart():
    assert display.form_fields(b"a=1&b=x+y&b=%C3%A9&empty=", "application/x-www-form-urlencoded", False) == [
        ("a", "1"),
        ("b", "x y"),
        ("b", "é"),
        ("empty", ""),
    ]
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="upload"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\x00\x01\x02\r\n--XyZ--\r\n"
    )
    assert display.form_fields(body, "multipart/form-data; boundary=XyZ", False) == [
        ("title", "hello"),
        ("upload", "(file 'a.bin', 3 bytes, application/octet-stream)"),
    ]
    assert display.form_fields(b"a=1", "text/plain", False) is None


def test_hexdump_layout():
    # offset, two spaces, 16 hex columns (47 characters, padded), two spaces, the printable bytes
    assert display.hexdump(b"Hello\x00\xff") == "00000000  48 65 6c 6c 6f 00 ff" + " " * 29 + "|Hello..|"
    assert display.hexdump(bytes(40), limit=16).splitlines()[-1] == "… 24 more bytes (see base64)"


# --- capture ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
async def test_every_method_on_bin_and_sub_path_is_recorded(client, owner, method):
    hook = await new_bin(client, owner)
    base = path_of(hook["capture_url"])
    body = b"" if method in ("GET", "HEAD", "OPTIONS") else b'{"event":"push"}'
    for path in (base, base + "/github/push"):
        response = await client.open(
            path,
            method=method,
            query_string={"a": "1", "b": "two words"},
            headers={"X-Signature": "sha256=abc", "Content-Type": "application/json"},
            data=body,
            scope_base={"client": ("192.0.2.10", 4321)},
        )
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    requests = await captured(client, owner, hook["id"])
    assert [(r["method"], r["path"]) for r in requests] == [(method, base + "/github/push"), (method, base)]
    newest = requests[0]
    assert newest["query"] == "a=1&b=two+words"
    assert {"name": "x-signature", "value": "sha256=abc"} in newest["headers"]
    assert newest["body_text"] == body.decode()
    assert newest["body_size"] == len(body)
    assert newest["client_address"] == "192.0.2.10"
    received = datetime.fromisoformat(newest["received_at"])
    assert abs((datetime.now(UTC) - received).total_seconds()) < 30


async def test_trailing_slash_is_a_sub_path_too(client, owner):
    hook = await new_bin(client, owner)
    assert (await client.post(path_of(hook["capture_url"]) + "/", data=b"x")).status_code == 200
    assert [r["path"] for r in await captured(client, owner, hook["id"])] == [path_of(hook["capture_url"]) + "/"]


async def test_default_answer_and_configured_answer(client, owner):
    hook = await new_bin(client, owner)
    default = await client.post(path_of(hook["capture_url"]), data=b"x")
    assert (default.status_code, await default.get_data(), default.headers["Content-Type"]) == (
        200,
        b"",
        "text/plain; charset=utf-8",
    )
    changed = await client.patch(
        f"/api/hooks/{hook['id']}",
        json={"response_status": 202, "response_body": '{"ok":true}', "response_content_type": "application/json"},
        headers=auth(owner),
    )
    assert changed.status_code == 200
    answer = await client.post(path_of(hook["capture_url"]) + "/x", data=b"x")
    assert (answer.status_code, await answer.get_data(), answer.headers["Content-Type"]) == (
        202,
        b'{"ok":true}',
        "application/json",
    )
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    head = await client.head(path_of(hook["capture_url"]))
    assert head.status_code == 202 and await head.get_data() == b""


async def test_owner_html_answer_is_sandboxed(client, owner):
    """An answer of type text/html runs no script at this site's origin (another owner could be lured there)."""
    hook = await new_bin(client, owner, response_content_type="text/html", response_body="<script>alert(1)</script>")
    answer = await client.get(path_of(hook["capture_url"]))
    assert answer.headers["Content-Type"] == "text/html"
    assert answer.headers["Content-Disposition"] == "attachment"  # downloaded, never shown as a page
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "chosen, served, extra",
    [
        ("application/json", "application/json", {}),
        ("text/plain", "text/plain", {}),
        ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded", {}),
        ("application/javascript", "text/plain; charset=utf-8", {}),
        ("TEXT/JavaScript; charset=utf-8", "text/plain; charset=utf-8", {}),
        ("text/plain, text/javascript", "text/plain; charset=utf-8", {}),  # a browser may take the last type
        ("application/x-ecmascript", "text/plain; charset=utf-8", {}),
        ("text/jscript", "text/plain; charset=utf-8", {}),
        ("text/css", "text/plain; charset=utf-8", {}),
        ("application/wasm", "text/plain; charset=utf-8", {}),
        ("text/html; charset=utf-8", "text/html; charset=utf-8", {"Content-Disposition": "attachment"}),
        ("image/svg+xml", "image/svg+xml", {"Content-Disposition": "attachment"}),
        ("application/xhtml+xml", "application/xhtml+xml", {"Content-Disposition": "attachment"}),
        ("text/xml", "text/xml", {"Content-Disposition": "attachment"}),
    ],
)
def test_served_answer_never_a_script_or_stylesheet_type(chosen, served, extra):
    assert answers.served_answer(chosen) == (served, extra)


@pytest.mark.parametrize("chosen", ["application/javascript", "text/css", "text/plain,text/javascript"])
async def test_script_and_style_answers_are_sent_as_plain_text(logged_in, owner, chosen):
    """Any account could otherwise serve a script that the site's CSP (script-src 'self') would run."""
    hook = await new_bin(logged_in, owner, response_content_type=chosen, response_body="window.pwned = 1;")
    assert (hook["response_content_type"], hook["response_served_content_type"]) == (
        chosen,
        "text/plain; charset=utf-8",
    )
    answer = await logged_in.get(path_of(hook["capture_url"]) + "/x.js")
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert await answer.get_data(as_text=True) == "window.pwned = 1;"
    # The settings keep the chosen type and say what is sent instead.
    page = await (await logged_in.get(f"/tools/hooks/{hook['id']}/")).get_data(as_text=True)
    assert f'id="response_content_type" name="response_content_type" value="{chosen}"' in page
    assert (
        '<p class="hooks-warning" id="response_content_type-note" role="note"><small>Sent as text/plain; '
        "charset=utf-8: a script or stylesheet type could run on this site.</small></p>"
    ) in page


async def test_harmless_answer_type_has_no_note(logged_in, owner):
    hook = await new_bin(logged_in, owner, response_content_type="application/json")
    assert hook["response_served_content_type"] == "application/json"
    page = await (await logged_in.get(f"/tools/hooks/{hook['id']}/")).get_data(as_text=True)
    assert "response_content_type-note" not in page


async def test_configured_answer_at_creation(client, owner):
    hook = await new_bin(client, owner, response_status=418, response_body="teapot")
    answer = await client.put(path_of(hook["capture_url"]), data=b"x")
    assert (answer.status_code, await answer.get_data(as_text=True)) == (418, "teapot")


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"response_status": 199}, "response_status"),
        ({"response_status": 600}, "response_status"),
        ({"response_content_type": "text/plain\r\nSet-Cookie: a=b"}, "response_content_type"),
        ({"response_content_type": ""}, "response_content_type"),
        ({"name": "x" * 101}, "name"),
        ({"response_body": "x" * (64 * 1024 + 1)}, "response_body"),
    ],
)
async def test_api_invalid_settings_name_the_field(client, owner, payload, field):
    response = await client.post("/api/hooks", json=payload, headers=auth(owner))
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == field


async def test_capture_ignores_authorization_is_cross_site_and_sets_no_cookie(app, client, owner):
    """A sender's Authorization header is data (even a bad token), cross-site POSTs pass, no cookie comes back."""
    hook = await new_bin(client, owner)
    logged_in = app.test_client()
    await logged_in.post("/login", form={"name": "owner", "password": "correct horse battery"})
    for headers in (
        {"Authorization": "Bearer mt_not_a_token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Origin": "https://github.com", "Sec-Fetch-Site": "cross-site"},
    ):
        response = await logged_in.post(path_of(hook["capture_url"]), headers=headers, data=b"payload")
        assert response.status_code == 200, headers
        assert "Set-Cookie" not in response.headers
    requests = await captured(client, owner, hook["id"])
    assert len(requests) == 3
    # Stored as received, shown to the owner.
    assert {"name": "authorization", "value": "Bearer mt_not_a_token"} in requests[2]["headers"]


async def test_unknown_bin_is_404(client):
    response = await client.post("/hooks/no-such-bin", data=b"x")
    assert response.status_code == 404
    assert await response.get_data(as_text=True) == "No bin with this id.\n"


async def test_body_cap_keeps_first_bytes_and_real_length(app, client, owner):
    configure(app, hooks_max_body_bytes=10)
    hook = await new_bin(client, owner)
    await client.post(path_of(hook["capture_url"]), data=b"0123456789abcdef")
    [request] = await captured(client, owner, hook["id"])
    assert (request["body_text"], request["body_size"], request["body_stored"], request["body_truncated"]) == (
        "0123456789",
        16,
        10,
        True,
    )


async def test_binary_body_is_base64_in_api_and_hex_on_page(logged_in, owner):
    client = logged_in
    hook = await new_bin(client, owner)
    body = bytes(range(256))
    await client.post(path_of(hook["capture_url"]), data=body, headers={"Content-Type": "application/octet-stream"})
    [request] = await captured(client, owner, hook["id"])
    assert request["body_text"] is None
    assert base64.b64decode(request["body_base64"]) == body
    page = await (await client.get(f"/tools/hooks/{hook['id']}/requests/{request['id']}")).get_data(as_text=True)
    assert "00000000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  |................|" in page
    assert "00000040  40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|" in page
    assert base64.b64encode(body).decode() in page
    assert "--data-binary @-" in page


# --- this site's credentials never reach a capture ----------------------------------------

VICTIM_PASSWORD = "the victim's long password"


async def logged_in_victim(app) -> tuple:
    """A second account's browser: its login cookie, its flash-session cookie, a foreign cookie, and its API token."""
    from core.auth import create_token, create_user

    async with app.app_context():
        await create_user("victim", VICTIM_PASSWORD)
        token = await create_token("victim")
    browser = app.test_client()
    assert (await browser.post("/login", form={"name": "victim", "password": VICTIM_PASSWORD})).status_code == 302
    # Deleting a bin flashes a message: the Quart session cookie is set as well.
    bin_page = (await browser.post("/tools/hooks/", form={"name": "mine"})).headers["Location"]
    assert (await browser.post(bin_page + "delete")).status_code == 302
    browser.set_cookie("localhost", "theme", "dark")  # a cookie that is no credential of this site
    cookies = {cookie.name: cookie.value for cookie in browser.cookie_jar}
    assert set(cookies) == {"QUART_AUTH", "session", "theme"}
    return browser, cookies, token


async def stored_headers(app, bin_id: str) -> list[str]:
    async with app.app_context():
        query = sa.select(store.hook_requests.c.headers).where(store.hook_requests.c.bin_id == bin_id).order_by("id")
        return [row.headers for row in await get_db().fetch_all(query)]


async def owner_sees(client, owner, hook) -> str:
    """Everything the owner can read of the bin's captures: the API answer, each request page, the list."""
    api = await (await client.get(f"/api/hooks/{hook['id']}", headers=auth(owner))).get_data(as_text=True)
    pages = [await (await client.get(f"/tools/hooks/{hook['id']}/")).get_data(as_text=True)]
    for request in json.loads(api)["requests"]:
        page = await client.get(f"/tools/hooks/{hook['id']}/requests/{request['id']}")
        assert page.status_code == 200
        pages.append(await page.get_data(as_text=True))
    return api + "".join(pages)


async def test_capture_never_stores_this_sites_cookies_or_tokens(app, logged_in, owner):
    """A logged-in person's browser loads /hooks/<bin>/a.png: the bin's owner gets neither login nor token."""
    hook = await new_bin(logged_in, owner)
    browser, cookies, token = await logged_in_victim(app)
    image = path_of(hook["capture_url"]) + "/a.png"
    assert (await browser.get(image, headers={"Authorization": f"Bearer {token}"})).status_code == 200
    assert (await browser.get(image, headers={"X-Api-Key": token})).status_code == 200

    # The database row holds no credential.
    raw = "".join(await stored_headers(app, hook["id"]))
    for secret in (cookies["QUART_AUTH"], cookies["session"], token):
        assert secret not in raw
    seen = await owner_sees(logged_in, owner, hook)
    for secret in (cookies["QUART_AUTH"], cookies["session"], token, token[3:20]):
        assert secret not in seen
    [second, first] = await captured(logged_in, owner, hook["id"])
    pairs = [(h["name"], h["value"]) for h in first["headers"]]
    # Quart's test client sends one Cookie header per cookie, sorted by name.
    assert [value for name, value in pairs if name == "cookie"] == [
        "QUART_AUTH=[removed: this site's session cookie]",
        "session=[removed: this site's session cookie]",
        "theme=dark",
    ]
    assert dict(pairs)["authorization"] == "Bearer [removed: this site's API token]"
    assert {"name": "x-api-key", "value": "[removed: this site's API token]"} in second["headers"]
    argv = shlex.split(first["curl"])
    for header in ("cookie: theme=dark", "authorization: Bearer [removed: this site's API token]"):
        assert argv[argv.index(header) - 1] == "-H"
    # The stolen cookie would log the owner in as the victim; what is shown logs nobody in.
    shown = next(value for name, value in pairs if value.startswith("QUART_AUTH=")).split("=", 1)[1]
    victim_page = await app.test_client().get("/tools/notes/", headers={"Cookie": f"QUART_AUTH={shown}"})
    assert victim_page.status_code == 302


async def test_captures_stored_before_redaction_are_redacted_when_read(app, logged_in, owner):
    """Rows written before this fix still hold credentials in the database: every view removes them."""
    hook = await new_bin(logged_in, owner)
    login = "eyJsb2dpbiI6MX0.stolen-login-cookie"
    token = "mt_" + "T" * 43
    old_headers = [
        ("host", "localhost"),
        ("cookie", f"theme=dark; QUART_AUTH={login}; session=flash-session-value"),
        ("authorization", f"Bearer {token}"),
    ]
    async with app.app_context():
        await store.store_capture(
            hook["id"], 10, method="GET", path=path_of(hook["capture_url"]) + "/a.png", query="",
            headers=old_headers, body=b"", body_size=0, client_address=None,
        )  # fmt: skip
    seen = await owner_sees(logged_in, owner, hook)
    for secret in (login, "flash-session-value", token):
        assert secret not in seen
    assert "theme=dark" in seen
    [request] = await captured(logged_in, owner, hook["id"])
    assert {h["name"]: h["value"] for h in request["headers"]}["cookie"] == (
        "theme=dark; QUART_AUTH=[removed: this site's session cookie]; session=[removed: this site's session cookie]"
    )
    assert request["curl"].endswith(
        "-H 'cookie: theme=dark; QUART_AUTH=[removed: this site'\"'\"'s session cookie];"
        " session=[removed: this site'\"'\"'s session cookie]'"
        " -H 'authorization: Bearer [removed: this site'\"'\"'s API token]'"
    )


# --- retention --------------------------------------------------------------------------


async def test_retention_drops_the_oldest(app, client, owner):
    configure(app, hooks_max_requests=3)
    hook = await new_bin(client, owner)
    for i in range(5):
        await client.post(path_of(hook["capture_url"]), data=f"event {i}".encode())
    requests = await captured(client, owner, hook["id"])
    assert [r["body_text"] for r in requests] == ["event 4", "event 3", "event 2"]
    bins = (await (await client.get("/api/hooks", headers=auth(owner))).get_json())["bins"]
    assert [(b["received"], b["stored"]) for b in bins] == [(5, 3)]


async def test_retention_under_50_concurrent_captures_keeps_exactly_the_newest_10(app, owner):
    """50 simultaneous captures into a bin with N=10: all answered 200, all counted, the 10 newest ids remain."""
    configure(app, hooks_max_requests=10)
    client = app.test_client()
    hook = await new_bin(client, owner)
    url = path_of(hook["capture_url"])

    async def send(i: int) -> int:
        return (await app.test_client().post(url, data=f"event {i}".encode())).status_code

    statuses = await asyncio.gather(*(send(i) for i in range(50)))
    assert statuses == [200] * 50
    ids = await stored_ids(app, hook["id"])
    # conftest restarts identities, so the 50 inserts got ids 1..50: the newest 10 are 41..50.
    assert ids == list(range(41, 51))
    requests = await captured(client, owner, hook["id"])
    assert [r["id"] for r in requests] == list(range(50, 40, -1))
    assert len({r["body_text"] for r in requests}) == 10
    listed = (await (await client.get("/api/hooks", headers=auth(owner))).get_json())["bins"]
    assert [(b["received"], b["stored"]) for b in listed] == [(50, 10)]


async def test_concurrent_captures_into_two_bins_do_not_trim_each_other(app, owner):
    configure(app, hooks_max_requests=5)
    client = app.test_client()
    first, second = await new_bin(client, owner), await new_bin(client, owner)

    async def send(hook: dict, i: int) -> int:
        return (await app.test_client().post(path_of(hook["capture_url"]), data=str(i).encode())).status_code

    statuses = await asyncio.gather(*(send(hook, i) for i in range(12) for hook in (first, second)))
    assert statuses == [200] * 24
    assert len(await stored_ids(app, first["id"])) == 5
    assert len(await stored_ids(app, second["id"])) == 5


# --- expiry -----------------------------------------------------------------------------


async def test_new_bin_expires_after_the_setting(app, client, owner):
    configure(app, hooks_bin_ttl_days=3)
    hook = await new_bin(client, owner)
    lifetime = datetime.fromisoformat(hook["expires_at"]) - datetime.fromisoformat(hook["created_at"])
    assert lifetime == timedelta(days=3)


async def test_expired_bin_answers_410_and_is_purged_on_access(app, client, owner):
    hook = await new_bin(client, owner)
    await client.post(path_of(hook["capture_url"]), data=b"before")
    await expire(app, hook["id"])
    gone = await client.post(path_of(hook["capture_url"]), data=b"after")
    assert (gone.status_code, await gone.get_data(as_text=True)) == (410, "This bin has expired.\n")
    assert await stored_ids(app, hook["id"]) == []  # its requests went with it
    assert (await client.get(f"/api/hooks/{hook['id']}", headers=auth(owner))).status_code == 404


async def test_expired_bin_owner_views_answer_410_then_404(app, client, owner):
    hook = await new_bin(client, owner)
    await expire(app, hook["id"])
    first = await client.get(f"/api/hooks/{hook['id']}", headers=auth(owner))
    assert first.status_code == 410
    assert (await first.get_json())["error"]["message"] == "This bin has expired and was deleted."
    assert (await client.get(f"/api/hooks/{hook['id']}", headers=auth(owner))).status_code == 404


async def test_list_purges_expired_bins(app, client, owner):
    kept, old = await new_bin(client, owner, name="kept"), await new_bin(client, owner, name="old")
    await client.post(path_of(old["capture_url"]), data=b"x")
    await expire(app, old["id"])
    bins = (await (await client.get("/api/hooks", headers=auth(owner))).get_json())["bins"]
    assert [b["name"] for b in bins] == ["kept"]
    assert await stored_ids(app, old["id"]) == []
    assert kept["id"] != old["id"]


async def test_purge_command_deletes_expired_bins(app, client, owner, database_url):
    live, dead = await new_bin(client, owner), await new_bin(client, owner)
    for hook in (live, dead):
        await client.post(path_of(hook["capture_url"]), data=b"x")
    await expire(app, dead["id"])
    result = run_cli(database_url, "purge-hooks")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Deleted 1 expired bin."
    assert await stored_ids(app, dead["id"]) == []
    assert len(await stored_ids(app, live["id"])) == 1
    again = run_cli(database_url, "purge-hooks")
    assert again.stdout.strip() == "Deleted 0 expired bins."


# --- API --------------------------------------------------------------------------------


async def test_api_create_list_get_delete(client, owner):
    hook = await new_bin(client, owner, name="GitHub")
    assert len(hook["id"]) >= 16
    assert hook["capture_url"] == f"http://localhost/hooks/{hook['id']}"
    assert (hook["name"], hook["received"], hook["stored"], hook["response_status"]) == ("GitHub", 0, 0, 200)
    await client.post(path_of(hook["capture_url"]) + "/first", data=b"1")
    await client.post(path_of(hook["capture_url"]) + "/second", data=b"2")
    body = await (await client.get(f"/api/hooks/{hook['id']}", headers=auth(owner))).get_json()
    assert body["bin"]["stored"] == 2
    assert [r["body_text"] for r in body["requests"]] == ["2", "1"]  # newest first
    newer = await captured(client, owner, hook["id"], after=body["requests"][1]["id"])
    assert [r["body_text"] for r in newer] == ["2"]
    listed = (await (await client.get("/api/hooks", headers=auth(owner))).get_json())["bins"]
    assert [b["id"] for b in listed] == [hook["id"]]
    assert (await client.delete(f"/api/hooks/{hook['id']}", headers=auth(owner))).status_code == 204
    assert (await client.get(f"/api/hooks/{hook['id']}", headers=auth(owner))).status_code == 404
    assert (await client.post(path_of(hook["capture_url"]), data=b"x")).status_code == 404
    assert (await client.delete(f"/api/hooks/{hook['id']}", headers=auth(owner))).status_code == 404


async def test_api_curl_reproduces_the_request(client, owner):
    hook = await new_bin(client, owner)
    await client.post(
        path_of(hook["capture_url"]) + "/x",
        query_string={"q": "1"},
        headers={"Content-Type": "application/json", "X-Event": "push"},
        data=b'{"a": "it\'s"}',
    )
    [request] = await captured(client, owner, hook["id"])
    argv = shlex.split(request["curl"])
    assert argv[:4] == ["curl", "-X", "POST", f"http://localhost/hooks/{hook['id']}/x?q=1"]
    assert ["-H", "x-event: push"] == argv[argv.index("x-event: push") - 1 : argv.index("x-event: push") + 1]
    assert argv[-2:] == ["--data-raw", '{"a": "it\'s"}']
    assert not any(arg.lower().startswith(("host:", "content-length:")) for arg in argv)


async def test_api_and_page_curl_of_a_body_with_terminal_escapes(logged_in, owner):
    hook = await new_bin(logged_in, owner)
    evil = "\x1b[201~; rm -rf ~\n\u009b"
    await logged_in.post(path_of(hook["capture_url"]), data=evil.encode(), headers={"X-Note": "\x1b]0;title\x07"})
    [request] = await captured(logged_in, owner, hook["id"])
    assert not RAW_CONTROL.search(request["curl"])
    assert " -H $'x-note: \\x1b]0;title\\x07' " in request["curl"]
    assert request["curl"].endswith(" --data-raw $'\\x1b[201~; rm -rf ~\\n\\xc2\\x9b'")
    assert shell_argv(request["curl"])[-2:] == [b"--data-raw", evil.encode()]
    page = await (await logged_in.get(f"/tools/hooks/{hook['id']}/requests/{request['id']}")).get_data(as_text=True)
    shown = page[page.index('<pre class="result-value" id="hooks-curl">') :].split("</pre>", 1)[0]
    assert "--data-raw $&#39;\\x1b[201~; rm -rf ~\\n\\xc2\\x9b&#39;" in shown
    assert not RAW_CONTROL.search(shown)


async def test_api_needs_the_owner(app, client, owner):
    assert (await client.get("/api/hooks")).status_code == 401
    assert (await client.post("/api/hooks", json={})).status_code == 401
    hook = await new_bin(client, owner)
    from core.auth import create_token, create_user

    async with app.app_context():
        await create_user("other", "another password")
        other = await create_token("other")
    assert (await client.get(f"/api/hooks/{hook['id']}", headers=auth(other))).status_code == 404
    assert (await client.delete(f"/api/hooks/{hook['id']}", headers=auth(other))).status_code == 404
    assert (await client.patch(f"/api/hooks/{hook['id']}", json={"name": "x"}, headers=auth(other))).status_code == 404
    assert (await (await client.get("/api/hooks", headers=auth(other))).get_json())["bins"] == []


async def test_api_after_must_be_a_number(client, owner):
    hook = await new_bin(client, owner)
    response = await client.get(f"/api/hooks/{hook['id']}?after=x", headers=auth(owner))
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == "after"


async def test_openapi_documents_every_hooks_endpoint(client):
    spec = await (await client.get("/api/openapi.json")).get_json()
    paths = spec["paths"]
    assert set(paths["/api/hooks"]) >= {"get", "post"}
    assert set(paths["/api/hooks/{bin_id}"]) >= {"get", "patch", "delete"}
    for operations in (paths["/api/hooks"], paths["/api/hooks/{bin_id}"]):
        for operation in operations.values():
            assert operation["security"] == [{"bearer": []}]
            assert operation["summary"]
    assert not any(path.startswith("/hooks/") for path in paths)


# --- pages ------------------------------------------------------------------------------


async def test_pages_need_login(client):
    response = await client.get("/tools/hooks/")
    assert (response.status_code, response.headers["Location"]) == (302, "/login?next=/tools/hooks/")


async def test_page_create_bin_then_live_list(logged_in, owner):
    client = logged_in
    created = await client.post("/tools/hooks/", form={"name": "Stripe"})
    assert created.status_code == 302
    page_url = created.headers["Location"]
    bin_id = page_url.strip("/").rsplit("/", 1)[1]
    page = await (await client.get(page_url)).get_data(as_text=True)
    assert f"http://localhost/hooks/{bin_id}" in page
    assert 'hx-history="false"' in page
    assert f'hx-get="/tools/hooks/{bin_id}/?after=0"' in page
    assert 'hx-trigger="every 2s"' in page

    # Nothing new: the poll is a 204 (htmx swaps nothing).
    poll = await client.get(f"/tools/hooks/{bin_id}/?after=0", headers={"HX-Request": "true"})
    assert poll.status_code == 204
    await client.post(f"/hooks/{bin_id}/charge", query_string={"id": "7"}, data=b"first")
    await client.post(f"/hooks/{bin_id}/refund", data=b"second")
    poll = await client.get(f"/tools/hooks/{bin_id}/?after=0", headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert "HX-Request" in poll.headers["Vary"]
    partial = await poll.get_data(as_text=True)
    assert "<html" not in partial
    assert partial.index("/refund") < partial.index("/charge?id=7")  # newest first
    newest = await captured(client, owner, bin_id)
    assert f'hx-get="/tools/hooks/{bin_id}/?after={newest[0]["id"]}"' in partial
    again = await client.get(f"/tools/hooks/{bin_id}/?after={newest[0]['id']}", headers={"HX-Request": "true"})
    assert again.status_code == 204


async def test_poll_of_a_deleted_bin_stops_polling(logged_in, owner):
    hook = await new_bin(logged_in, owner)
    await logged_in.delete(f"/api/hooks/{hook['id']}", headers=auth(owner))
    poll = await logged_in.get(f"/tools/hooks/{hook['id']}/?after=0", headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx: swap, then stop polling
    assert "no longer exists" in await poll.get_data(as_text=True)


async def test_page_detail_json_pretty_and_curl(logged_in, owner):
    client = logged_in
    hook = await new_bin(client, owner)
    await client.post(
        path_of(hook["capture_url"]), headers={"Content-Type": "application/json"}, data=b'{"b":1,"a":[true,null]}'
    )
    [request] = await captured(client, owner, hook["id"])
    response = await client.get(f"/tools/hooks/{hook['id']}/requests/{request['id']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = await response.get_data(as_text=True)
    pretty = "{\n  &#34;b&#34;: 1,\n  &#34;a&#34;: [\n    true,\n    null\n  ]\n}"
    assert f'<pre class="result-value hooks-body" id="hooks-json">{pretty}</pre>' in page
    assert 'data-copy-target="hooks-curl"' in page
    assert "--data-raw" in page


async def test_page_detail_form_body_as_table(logged_in, owner):
    client = logged_in
    hook = await new_bin(client, owner)
    await client.post(path_of(hook["capture_url"]), form={"name": "Ada <b>", "plan": "pro"})
    [request] = await captured(client, owner, hook["id"])
    page = await (await client.get(f"/tools/hooks/{hook['id']}/requests/{request['id']}")).get_data(as_text=True)
    assert '<tr><th scope="row"><code>name</code></th><td><code>Ada &lt;b&gt;</code></td></tr>' in page
    assert '<tr><th scope="row"><code>plan</code></th><td><code>pro</code></td></tr>' in page


async def test_page_settings_and_errors_next_to_fields(logged_in, owner):
    client = logged_in
    hook = await new_bin(client, owner)
    bad = await client.post(
        f"/tools/hooks/{hook['id']}/settings",
        form={"name": "n", "response_status": "99", "response_content_type": "text/plain", "response_body": "kept"},
    )
    assert bad.status_code == 422
    page = await bad.get_data(as_text=True)
    assert 'id="response_status-error"' in page and "kept" in page
    good = await client.post(
        f"/tools/hooks/{hook['id']}/settings",
        form={"name": "n", "response_status": "201", "response_content_type": "text/plain", "response_body": "thanks"},
    )
    assert good.status_code == 302
    answer = await client.post(path_of(hook["capture_url"]), data=b"x")
    assert (answer.status_code, await answer.get_data(as_text=True)) == (201, "thanks")


async def test_page_delete_bin(logged_in, owner):
    hook = await new_bin(logged_in, owner)
    deleted = await logged_in.post(f"/tools/hooks/{hook['id']}/delete")
    assert (deleted.status_code, deleted.headers["Location"]) == (302, "/tools/hooks/")
    assert (await logged_in.get(f"/tools/hooks/{hook['id']}/")).status_code == 404


async def test_pages_of_another_owners_bin_are_404(app, client, owner):
    from core.auth import create_user

    hook = await new_bin(client, owner)
    await client.post(path_of(hook["capture_url"]), data=b"secret")
    [request] = await captured(client, owner, hook["id"])
    async with app.app_context():
        await create_user("other", "another password")
    other = app.test_client()
    await other.post("/login", form={"name": "other", "password": "another password"})
    assert (await other.get(f"/tools/hooks/{hook['id']}/")).status_code == 404
    assert (await other.get(f"/tools/hooks/{hook['id']}/requests/{request['id']}")).status_code == 404
    assert (await other.post(f"/tools/hooks/{hook['id']}/delete")).status_code == 404
    poll = await other.get(f"/tools/hooks/{hook['id']}/?after=0", headers={"HX-Request": "true"})
    assert poll.status_code == 286


async def test_index_lists_bins(logged_in, owner):
    await new_bin(logged_in, owner, name="Alpha")
    page = await (await logged_in.get("/tools/hooks/")).get_data(as_text=True)
    assert "Alpha" in page and "0 stored · 0 received" in page
    assert "css/tools/hooks.css" in page


def test_json_roundtrip_of_headers_keeps_order_and_repeats():
    row = {"headers": json.dumps([["b", "1"], ["a", "2"], ["b", "3"]])}

    class Row:
        _mapping = row

    assert store.as_dict(Row())["headers"] == [("b", "1"), ("a", "2"), ("b", "3")]


def alembic(database_url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


async def test_migration_removes_credentials_from_captures_stored_before(app, client, owner, database_url):
    """Migration 0008: rows from before the fix no longer hold a login cookie or token in the database."""
    from core.credentials import site_cookie_names

    hook = await new_bin(client, owner)
    alembic(database_url, "downgrade", "0007")
    try:
        token = "mt_" + "T" * 43
        old_headers = [
            ("cookie", "theme=dark; QUART_AUTH=stolen.login; session=flash.value"),
            ("authorization", f"Bearer {token}"),
            ("x-event", "push"),
        ]
        async with app.app_context():
            await store.store_capture(
                hook["id"], 10, method="POST", path="/hooks/x", query="", headers=old_headers,
                body=b"{}", body_size=2, client_address=None,
            )  # fmt: skip
            await store.store_capture(
                hook["id"], 10, method="POST", path="/hooks/x", query="", headers=[("x-event", "ping")],
                body=b"", body_size=0, client_address=None,
            )  # fmt: skip
    finally:
        alembic(database_url, "upgrade", "head")
    assert site_cookie_names(app) == {"QUART_AUTH", "session"}  # the names the migration assumes
    assert [json.loads(headers) for headers in await stored_headers(app, hook["id"])] == [
        [
            ["cookie", "theme=dark; QUART_AUTH=[removed: this site's session cookie]; "
                       "session=[removed: this site's session cookie]"],
            ["authorization", "Bearer [removed: this site's API token]"],
            ["x-event", "push"],
        ],
        [["x-event", "ping"]],
    ]  # fmt: skip
