"""Paste: pastebin with highlighting, expiry and burn after read, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db import get_db
from tests.conftest import make_app
from tests.test_auth import run_cli
from tools.paste import store
from tools.paste.models import PasteInput
from tools.paste.render import detect_language, highlight_code, language_name, render_paste, stylesheet

ID = re.compile(r"^[A-Za-z0-9_-]{22}$")  # token_urlsafe(16): 128 bits
PY = "def add(a, b):\n    return a + b\n"


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def anon_app(database_url):
    """The app with PASTE_ANONYMOUS on and a 1 KB limit, on each database."""
    application = make_app(database_url, PASTE_ANONYMOUS="true", PASTE_MAX_BYTES="1024")
    async with application.test_app():
        yield application


async def create(client, token=None, **fields) -> dict:
    response = await client.post("/api/paste", json={"content": PY, **fields}, headers=auth(token) if token else {})
    assert response.status_code == 201, await response.get_data(as_text=True)
    return await response.get_json()


async def set_expiry(app, paste_id: str, when: datetime) -> None:
    async with app.app_context():
        await get_db().execute(sa.update(store.pastes).where(store.pastes.c.id == paste_id).values(expires_at=when))


async def count_rows(app) -> int:
    async with app.app_context():
        return await get_db().fetch_val(sa.select(sa.func.count()).select_from(store.pastes))


# --- pure functions ---------------------------------------------------------------------


def test_language_names_are_canonical():
    assert [language_name(n) for n in ("py", "JS", "sh", "yml", "auto", "markdown")] == [
        "python",
        "javascript",
        "bash",
        "yaml",
        "auto",
        "markdown",
    ]
    assert detect_language("#!/usr/bin/env python3\nimport os\n") == "python"


def test_highlight_uses_classes_and_line_anchors():
    html = highlight_code(PY, "python")
    assert '<span id="L-1"><a href="#L-1"><span class="linenos">1</span></a><span class="k">def</span>' in html
    assert '<span id="L-2"><a href="#L-2"><span class="linenos">2</span></a>' in html
    assert "L-3" not in html
    assert "style=" not in html


def test_highlight_escapes_html_and_keeps_leading_blank_lines():
    html = highlight_code("\n<script>alert(1)</script>", "text")
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'id="L-2"' in html  # the first, empty line is kept, so the numbers match the raw text


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ("[x](javascript:alert(1))", 'href="javascript'),
        ("<img src=x>", "<img"),
    ],
)
def test_markdown_is_sanitized(source, forbidden):
    assert forbidden not in render_paste(source, "markdown")


def test_stylesheet_file_is_generated_and_has_no_global_rules():
    css = stylesheet()
    assert Path("static/css/tools/paste.css").read_text() == css
    assert "\npre {" not in css and "span.linenos" not in css
    assert "@media (prefers-color-scheme: dark)" in css and "[data-theme=dark] .highlight .k" in css


@pytest.mark.parametrize(
    "values, field",
    [
        ({"content": ""}, "content"),
        ({"content": "a\x00b"}, "content"),
        ({"content": "x", "language": "klingon"}, "language"),
        ({"content": "x", "expires": "2y"}, "expires"),
        ({"content": "x", "title": "t" * 201}, "title"),
    ],
)
def test_input_validation_names_the_field(values, field):
    with pytest.raises(Exception) as info:
        PasteInput.model_validate(values)
    assert info.value.errors()[0]["loc"] == (field,)


# --- API: create, read, raw --------------------------------------------------------------


async def test_api_create_get_and_raw(client, owner):
    paste = await create(client, owner, title="Adder", language="py", expires="1d")
    assert ID.match(paste["id"])
    assert (paste["language"], paste["size"], paste["delete_token"], paste["burn_after_read"]) == (
        "python",
        len(PY),
        None,
        False,
    )
    assert paste["url"] == f"http://localhost/p/{paste['id']}"
    assert paste["raw_url"] == f"http://localhost/p/{paste['id']}/raw"
    created = datetime.fromisoformat(paste["created_at"])
    assert datetime.fromisoformat(paste["expires_at"]) - created == timedelta(days=1)

    got = await client.get(f"/api/paste/{paste['id']}")  # anyone with the link may read it
    assert got.status_code == 200
    assert (await got.get_json())["content"] == PY

    raw = await client.get(f"/p/{paste['id']}/raw")
    assert raw.status_code == 200
    assert await raw.get_data(as_text=True) == PY
    assert raw.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert raw.headers["X-Content-Type-Options"] == "nosniff"
    assert raw.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert raw.headers["Content-Disposition"] == "inline"

    listed = await (await client.get("/api/paste", headers=auth(owner))).get_json()
    assert [(p["id"], p["title"]) for p in listed["pastes"]] == [(paste["id"], "Adder")]


async def test_ids_are_unique_and_random(client, owner):
    ids = {(await create(client, owner))["id"] for _ in range(20)}
    assert len(ids) == 20 and all(ID.match(i) for i in ids)


@pytest.mark.parametrize(
    ("content", "language"),
    [
        ("KEY=value", "text"),  # Pygments' guess_lexer calls this scdoc
        ("KEY=value\nOTHER=thing\n", "text"),
        ("hello world", "text"),
        ("x = 1\n", "text"),  # valid Python, but nothing says it is Python rather than a config line
        (PY, "python"),  # guess_lexer: "teratermmacro"
        ("import os\n\nprint(os.getcwd())\n", "python"),
        ('{"name": "mytools", "tags": ["a", "b"], "n": 1}', "json"),  # guess_lexer: plain text
        ("[1, 2, 3]\n", "json"),
        ('{"cut": "short', "text"),
        ("#!/bin/sh\nset -e\necho hello\n", "bash"),
        ("[server]\nport = 8080\n", "ini"),
        ("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", "diff"),
        ("# Title\n\nSome *text*.\n", "text"),  # never guessed as Markdown: that would render it
    ],
)
def test_detection_names_a_language_only_when_confident(content, language):
    assert detect_language(content) == language


def test_detection_of_a_long_python_file_reads_whole_statements():
    block = "def f(a):\n    return (a +\n        1)\n\n"  # a cut inside the parentheses is no Python
    assert detect_language(block * 600) == "python"


async def test_auto_detection_through_the_api(client, owner):
    assert (await create(client, owner, content="KEY=value"))["language"] == "text"
    assert (await create(client, owner, content='{"a": 1}'))["language"] == "json"


def form_values(page: str) -> tuple[str, str, str]:
    """The create form's text, title and selected language, as the page shows them."""
    form = page.split('<form id="paste-form"', 1)[1].split("</form>", 1)[0]
    text = re.search(r"<textarea id=\"content\"[^>]*>\n(.*?)</textarea>", form, re.S).group(1)
    title = re.search(r'<input id="title" [^>]*value="([^"]*)"', form).group(1)
    language = re.search(r'<option value="([^"]*)" selected>', form).group(1)
    return text, title, language


async def test_the_form_is_empty_again_after_a_paste_is_made(anon_app):
    client = anon_app.test_client()
    fields = {"content": "secret notes", "title": "Mine", "language": "python", "expires": "1h"}
    page = await (await client.post("/tools/paste/", form=fields)).get_data(as_text=True)  # no JavaScript
    assert form_values(page) == ("", "", "auto")
    assert 'id="paste-url"' in page
    fragment = await (await client.post("/tools/paste/", form=fields, headers={"HX-Request": "true"})).get_data(
        as_text=True
    )
    assert '<form id="paste-form" method="post"' in fragment and 'hx-swap-oob="true">' in fragment
    assert form_values(fragment) == ("", "", "auto")
    refused = await client.post("/tools/paste/", form={**fields, "expires": "2y"}, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert 'id="paste-form"' not in await refused.get_data(as_text=True)  # a refused paste keeps what was typed


async def test_auto_detects_the_language(client, owner):
    paste = await create(client, owner, content='#!/usr/bin/env python3\nprint("hi")\n')
    assert paste["language"] == "python"


async def test_html_paste_never_executes(client, owner):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    for language in ("html", "markdown", "text"):
        paste = await create(client, owner, content=evil, language=language)
        page = await (await client.get(f"/p/{paste['id']}")).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        raw = await client.get(f"/p/{paste['id']}/raw")
        assert raw.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert "sandbox" in raw.headers["Content-Security-Policy"]


async def test_page_highlights_with_linkable_lines(client, owner):
    paste = await create(client, owner, title="Adder", language="python")
    response = await client.get(f"/p/{paste['id']}")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Adder</h1>" in page
    assert '<span id="L-1"><a href="#L-1">' in page and '<span class="k">def</span>' in page
    assert "css/tools/paste.css" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


async def test_markdown_paste_is_rendered_sanitized(client, owner):
    paste = await create(client, owner, content="# Title\n\n**bold** <b>raw</b>", language="markdown")
    page = await (await client.get(f"/p/{paste['id']}")).get_data(as_text=True)
    shown = '<div class="paste-markdown markdown-content"><h1>Title</h1>\n'
    assert shown + "<p><strong>bold</strong> &lt;b&gt;raw&lt;/b&gt;</p>" in page


async def test_missing_paste_is_404(client):
    assert (await client.get("/p/nope")).status_code == 404
    assert (await client.get("/p/nope/raw")).status_code == 404
    missing = await client.get("/api/paste/nope")
    assert missing.status_code == 404 and "No paste" in (await missing.get_json())["error"]["message"]


@pytest.mark.parametrize(
    "payload, field", [({"content": ""}, "content"), ({"content": "x", "language": "nope"}, "language")]
)
async def test_api_invalid_input_names_the_field(client, owner, payload, field):
    response = await client.post("/api/paste", json=payload, headers=auth(owner))
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == field


# --- who may create ------------------------------------------------------------------------


async def test_anonymous_creation_is_off_by_default(client):
    api = await client.post("/api/paste", json={"content": "x"})
    assert api.status_code == 401
    plain = await client.post("/paste", data=b"x")
    assert plain.status_code == 401
    assert "Anonymous pastes are off" in await plain.get_data(as_text=True)
    page = await client.get("/tools/paste/")
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=/tools/paste/"
    assert await count_rows(client.app) == 0


async def test_wrong_token_is_refused(client, owner):
    response = await client.post("/paste", data=b"x", headers=auth("mt_wrong"))
    assert response.status_code == 401
    assert await response.get_data(as_text=True) == "Invalid API token.\n"


async def test_anonymous_paste_gets_a_delete_token(anon_app):
    client = anon_app.test_client()
    paste = await create(client)
    token = paste["delete_token"]
    assert len(token) == 32
    wrong = await client.delete(f"/api/paste/{paste['id']}", headers={"X-Delete-Token": "nope"})
    assert wrong.status_code == 403
    none = await client.delete(f"/api/paste/{paste['id']}")
    assert none.status_code == 403
    deleted = await client.delete(f"/api/paste/{paste['id']}", headers={"X-Delete-Token": token})
    assert deleted.status_code == 204
    assert (await client.get(f"/p/{paste['id']}")).status_code == 404
    again = await client.delete(f"/api/paste/{paste['id']}", headers={"X-Delete-Token": token})
    assert again.status_code == 404


async def test_anonymous_page_form_and_delete_by_token(anon_app):
    client = anon_app.test_client()
    response = await client.post("/tools/paste/", form={"content": "hello", "language": "text", "expires": "1h"})
    assert response.status_code == 201
    page = await response.get_data(as_text=True)
    paste_id = re.search(r'id="paste-url">http://localhost/p/([\w-]{22})<', page).group(1)
    token = re.search(r'<code id="delete-token">([\w-]{32})</code>', page).group(1)
    refused = await client.post(f"/p/{paste_id}/delete", form={"delete_token": "wrong"})
    assert refused.status_code == 403
    deleted = await client.post(f"/p/{paste_id}/delete", form={"delete_token": token})
    assert deleted.status_code == 303
    assert (await client.get(f"/p/{paste_id}")).status_code == 404


async def test_owner_deletes_from_the_page(logged_in):
    client = logged_in
    response = await client.post("/tools/paste/", form={"content": PY, "title": "Mine", "expires": "never"})
    assert response.status_code == 201
    paste_id = re.search(r"/p/([\w-]{22})", await response.get_data(as_text=True)).group(1)
    shown = await (await client.get(f"/p/{paste_id}")).get_data(as_text=True)
    assert "never expires" in shown and f'action="/p/{paste_id}/delete"' in shown
    listing = await (await client.get("/tools/paste/")).get_data(as_text=True)
    assert f'href="/p/{paste_id}">Mine</a>' in listing
    deleted = await client.post(f"/p/{paste_id}/delete")
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/tools/paste/"
    assert (await client.get(f"/p/{paste_id}")).status_code == 404


async def test_other_owner_cannot_delete(app, client, owner):
    from core.auth import create_token, create_user

    async with app.app_context():
        await create_user("other", "another password")
        other = await create_token("other")
    paste = await create(client, owner)
    assert (await client.delete(f"/api/paste/{paste['id']}", headers=auth(other))).status_code == 403
    assert (await client.delete(f"/api/paste/{paste['id']}", headers=auth(owner))).status_code == 204


# --- POST /paste (curl) ----------------------------------------------------------------------


async def test_plain_post_takes_the_whole_body_even_when_labelled_form_data(client, owner):
    body = "a=1&b=2+3 %41\nline two é\n"
    headers = {**auth(owner), "Content-Type": "application/x-www-form-urlencoded"}  # what curl --data-binary sends
    response = await client.post("/paste?language=ini&title=conf&expires=10m", data=body.encode(), headers=headers)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = await response.get_data(as_text=True)
    match = re.fullmatch(r"http://localhost/p/([\w-]{22})\n", text)
    assert match
    paste = await (await client.get(f"/api/paste/{match.group(1)}")).get_json()
    assert (paste["content"], paste["language"], paste["title"], paste["size"]) == (body, "ini", "conf", len(body) + 1)


async def test_plain_post_multipart_file(client, owner):
    from quart.datastructures import FileStorage

    upload = FileStorage(stream=__import__("io").BytesIO(b"print(1)\n"), filename="a.py", name="content")
    response = await client.post("/paste", files={"content": upload}, headers=auth(owner))
    assert response.status_code == 201
    paste_id = (await response.get_data(as_text=True)).strip().rsplit("/", 1)[1]
    assert await (await client.get(f"/p/{paste_id}/raw")).get_data(as_text=True) == "print(1)\n"


async def test_plain_post_anonymous_prints_url_and_delete_token(anon_app):
    client = anon_app.test_client()
    response = await client.post("/paste?burn_after_read=true", data=b"secret")
    assert response.status_code == 201
    text = await response.get_data(as_text=True)
    assert re.fullmatch(r"http://localhost/p/[\w-]{22}\ndelete token: [\w-]{32}\n", text)


async def test_plain_post_rejects_bad_input(client, owner):
    binary = await client.post("/paste", data=b"\xff\xfe", headers=auth(owner))
    assert binary.status_code == 422
    assert await binary.get_data(as_text=True) == "The body is not UTF-8 text.\n"
    bad_option = await client.post("/paste?expires=forever", data=b"x", headers=auth(owner))
    assert bad_option.status_code == 422
    assert (await bad_option.get_data(as_text=True)).startswith("expires: Input should be")
    empty = await client.post("/paste", data=b"", headers=auth(owner))
    assert empty.status_code == 422


# --- size limit --------------------------------------------------------------------------


async def test_default_limit_is_one_megabyte(client, owner):
    exact = await client.post("/paste", data=b"a" * (1024 * 1024), headers=auth(owner))
    assert exact.status_code == 201
    over = await client.post("/paste", data=b"a" * (1024 * 1024 + 1), headers=auth(owner))
    assert over.status_code == 413
    assert await over.get_data(as_text=True) == "The paste is too large: the limit is 1 MB.\n"
    api = await client.post("/api/paste", json={"content": "é" * (512 * 1024 + 1)}, headers=auth(owner))
    assert api.status_code == 413  # 2 bytes per é in UTF-8: 1 MB + 2 bytes
    assert await api.get_json() == {
        "error": {"message": "The paste is too large: the limit is 1 MB.", "field": "content"}
    }


async def test_limit_setting_on_the_page(anon_app):
    client = anon_app.test_client()
    response = await client.post("/tools/paste/", form={"content": "x" * 1025}, headers={"HX-Request": "true"})
    assert response.status_code == 413
    page = await response.get_data(as_text=True)
    assert (
        '<small class="field-error" id="content-error" role="alert">The paste is too large: the limit is 1 KB.</small>'
        in page
    )
    assert "<html" not in page
    ok = await client.post("/tools/paste/", form={"content": "x" * 1024})
    assert ok.status_code == 201


async def test_page_errors_are_shown_next_to_the_field(logged_in):
    response = await logged_in.post("/tools/paste/", form={"content": "", "title": "kept title"})
    assert response.status_code == 422
    page = await response.get_data(as_text=True)
    assert 'id="content-error"' in page and 'value="kept title"' in page


async def test_page_htmx_partial(logged_in):
    response = await logged_in.post("/tools/paste/", form={"content": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 201
    page = await response.get_data(as_text=True)
    assert "<html" not in page and "Paste created" in page and 'hx-swap-oob="true"' in page
    assert "HX-Request" in response.headers["Vary"]


# --- expiry -----------------------------------------------------------------------------


async def test_expired_paste_is_never_shown_and_purged_on_access(client, owner):
    paste = await create(client, owner, expires="10m")
    expires = datetime.fromisoformat(paste["expires_at"])
    assert expires - datetime.fromisoformat(paste["created_at"]) == timedelta(minutes=10)
    await set_expiry(client.app, paste["id"], datetime.now(UTC) - timedelta(seconds=1))
    for path in (f"/p/{paste['id']}", f"/p/{paste['id']}/raw", f"/api/paste/{paste['id']}"):
        assert (await client.get(path)).status_code == 404, path
    assert await count_rows(client.app) == 0
    assert (await client.get("/api/paste", headers=auth(owner))).status_code == 200


@pytest.mark.parametrize("expires, lifetime", [("1h", timedelta(hours=1)), ("1w", timedelta(weeks=1)), ("never", None)])
async def test_expiry_choices(client, owner, expires, lifetime):
    paste = await create(client, owner, expires=expires)
    if lifetime is None:
        assert paste["expires_at"] is None
    else:
        start = datetime.fromisoformat(paste["created_at"])
        assert datetime.fromisoformat(paste["expires_at"]) - start == lifetime


async def test_purge_expired_command(app, client, owner, database_url):
    keep = await create(client, owner, expires="never")
    # Created first, then expired: each creation also purges what has expired so far.
    doomed = [await create(client, owner, expires="1h") for _ in range(2)]
    for paste in doomed:
        await set_expiry(app, paste["id"], datetime.now(UTC) - timedelta(minutes=1))
    result = run_cli(database_url, "purge-expired")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Deleted 2 expired pastes.\n"
    assert await count_rows(app) == 1
    assert (await client.get(f"/p/{keep['id']}")).status_code == 200
    again = run_cli(database_url, "purge-expired")
    assert again.stdout == "Deleted 0 expired pastes.\n"


# --- burn after read ---------------------------------------------------------------------


async def test_burn_after_read_needs_a_click(client, owner):
    paste = await create(client, owner, content="top secret", burn_after_read=True)
    assert paste["raw_url"] is None
    for _ in range(3):  # link previews fetch the page: nothing is burnt, nothing is shown
        preview = await client.get(f"/p/{paste['id']}")
        page = await preview.get_data(as_text=True)
        assert preview.status_code == 200
        assert "top secret" not in page and f'action="/p/{paste["id"]}/reveal"' in page
        assert preview.headers["Cache-Control"] == "no-store"
    assert (await client.get(f"/p/{paste['id']}/raw")).status_code == 409
    assert (await client.get(f"/api/paste/{paste['id']}")).status_code == 409
    revealed = await client.post(f"/p/{paste['id']}/reveal")
    page = await revealed.get_data(as_text=True)
    assert revealed.status_code == 200
    assert "top secret" in page and "deleted now that you have read it" in page
    assert revealed.headers["Cache-Control"] == "no-store"
    assert (await client.post(f"/p/{paste['id']}/reveal")).status_code == 404
    assert (await client.get(f"/p/{paste['id']}")).status_code == 404
    assert await count_rows(client.app) == 0


async def test_burn_after_read_by_curl(client, owner):
    paste = await create(client, owner, content="once", burn_after_read=True)
    first = await client.post(f"/p/{paste['id']}/raw", headers=auth(owner))
    assert (first.status_code, await first.get_data(as_text=True)) == (200, "once")
    assert (await client.post(f"/p/{paste['id']}/raw", headers=auth(owner))).status_code == 404


async def test_expired_burn_paste_cannot_be_revealed(client, owner):
    paste = await create(client, owner, burn_after_read=True, expires="10m")
    await set_expiry(client.app, paste["id"], datetime.now(UTC) - timedelta(seconds=1))
    assert (await client.post(f"/p/{paste['id']}/reveal")).status_code == 404


@pytest.mark.parametrize("path", ["/p/{id}/reveal", "/api/paste/{id}/reveal"])
async def test_twenty_simultaneous_reveals_get_the_content_exactly_once(app, owner, path):
    paste = await create(app.test_client(), owner, content="the one secret", burn_after_read=True)
    url = path.format(id=paste["id"])

    async def reveal() -> tuple[int, str]:
        response = await app.test_client().post(url)
        return response.status_code, await response.get_data(as_text=True)

    results = await asyncio.gather(*(reveal() for _ in range(20)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [404] * 19
    assert sum("the one secret" in body for _, body in results) == 1
    assert await count_rows(app) == 0


# --- OpenAPI ------------------------------------------------------------------------------


async def test_openapi_documents_the_paste_api(client):
    spec = await (await client.get("/api/openapi.json")).get_json()
    paths = spec["paths"]
    assert {"post", "get"} <= set(paths["/api/paste"])
    assert {"get", "delete"} <= set(paths["/api/paste/{paste_id}"])
    assert "post" in paths["/api/paste/{paste_id}/reveal"]
    assert paths["/api/paste"]["get"]["security"] == [{"bearer": []}]
    assert paths["/api/paste"]["post"]["security"] == [{"bearer": []}, {}]
