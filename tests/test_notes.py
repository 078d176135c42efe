"""Notes: owner-only markdown notes, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from core.markdown import render_markdown as render_any


def render_markdown(source: str) -> str:
    return render_any(source, raw_html=False)


BEARER = "Authorization"


def auth(token: str) -> dict:
    return {BEARER: f"Bearer {token}"}


# --- pure functions ---------------------------------------------------------------------


def test_markdown_renders_basic_syntax():
    assert render_markdown("# Title\n\n**bold** and `code`") == (
        "<h1>Title</h1>\n<p><strong>bold</strong> and <code>code</code></p>\n"
    )


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ('<a href="javascript:alert(1)">x</a>', "<a "),
    ],
)
def test_markdown_never_emits_script(source, forbidden):
    assert forbidden not in render_markdown(source)


def test_markdown_links_get_safe_rel():
    html = render_markdown("[site](https://example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


# --- access -----------------------------------------------------------------------------


async def test_pages_redirect_to_login_when_logged_out(client):
    response = await client.get("/tools/notes/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/tools/notes/"


async def test_api_needs_a_token(client):
    response = await client.get("/api/notes")
    assert response.status_code == 401
    assert "token" in (await response.get_json())["error"]["message"]


async def test_wrong_token_is_refused(client, owner):
    response = await client.get("/api/notes", headers=auth("mt_wrong"))
    assert response.status_code == 401
    assert (await response.get_json())["error"]["message"] == "Invalid API token."


# --- API --------------------------------------------------------------------------------


async def test_api_create_list_get_update_delete(client, owner):
    created = await client.post(
        "/api/notes", json={"title": "Shopping", "body": "- milk\n- *eggs*"}, headers=auth(owner)
    )
    assert created.status_code == 201
    note = await created.get_json()
    assert note["version"] == 1
    assert note["html"] == "<ul>\n<li>milk</li>\n<li><em>eggs</em></li>\n</ul>\n"

    listed = await (await client.get("/api/notes", headers=auth(owner))).get_json()
    assert [n["title"] for n in listed["notes"]] == ["Shopping"]

    updated = await client.put(
        f"/api/notes/{note['id']}", json={"title": "Groceries", "body": "- milk", "version": 1}, headers=auth(owner)
    )
    assert updated.status_code == 200
    assert (await updated.get_json())["version"] == 2

    fetched = await (await client.get(f"/api/notes/{note['id']}", headers=auth(owner))).get_json()
    assert (fetched["title"], fetched["body"], fetched["version"]) == ("Groceries", "- milk", 2)

    deleted = await client.delete(f"/api/notes/{note['id']}", headers=auth(owner))
    assert deleted.status_code == 204
    missing = await client.get(f"/api/notes/{note['id']}", headers=auth(owner))
    assert missing.status_code == 404


async def test_api_stale_edit_is_refused_and_text_kept(client, owner):
    note = await (await client.post("/api/notes", json={"title": "T", "body": "v1"}, headers=auth(owner))).get_json()
    first = await client.put(
        f"/api/notes/{note['id']}", json={"title": "T", "body": "A", "version": 1}, headers=auth(owner)
    )
    assert first.status_code == 200
    stale = await client.put(
        f"/api/notes/{note['id']}", json={"title": "T", "body": "B", "version": 1}, headers=auth(owner)
    )
    assert stale.status_code == 409
    error = (await stale.get_json())["error"]
    assert error["field"] == "version"
    assert "now at version 2" in error["message"]
    current = await (await client.get(f"/api/notes/{note['id']}", headers=auth(owner))).get_json()
    assert current["body"] == "A"


async def test_concurrent_edits_only_one_wins(app, owner):
    """Ten simultaneous edits of version 1: exactly one is saved, nine are told they are stale."""
    client = app.test_client()
    note = await (await client.post("/api/notes", json={"title": "T", "body": "v1"}, headers=auth(owner))).get_json()

    async def edit(i: int) -> int:
        body = {"title": "T", "body": f"edit {i}", "version": 1}
        return (await app.test_client().put(f"/api/notes/{note['id']}", json=body, headers=auth(owner))).status_code

    statuses = await asyncio.gather(*(edit(i) for i in range(10)))
    assert sorted(statuses) == [200] + [409] * 9
    current = await (await client.get(f"/api/notes/{note['id']}", headers=auth(owner))).get_json()
    assert current["version"] == 2


@pytest.mark.parametrize(
    "payload, field",
    [({"body": "x"}, "title"), ({"title": ""}, "title"), ({"title": "x" * 201}, "title"), ({"title": 5}, "title")],
)
async def test_api_invalid_note_names_the_field(client, owner, payload, field):
    response = await client.post("/api/notes", json=payload, headers=auth(owner))
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == field


async def test_api_search(client, owner):
    for title, body in [("Postgres tips", "use EXPLAIN"), ("Recipes", "pasta 100%"), ("Misc", "explain plans")]:
        await client.post("/api/notes", json={"title": title, "body": body}, headers=auth(owner))
    found = await (await client.get("/api/notes?q=explain", headers=auth(owner))).get_json()
    assert sorted(n["title"] for n in found["notes"]) == ["Misc", "Postgres tips"]
    # LIKE wildcards in the search are literal characters
    found = await (await client.get("/api/notes?q=100%25", headers=auth(owner))).get_json()
    assert [n["title"] for n in found["notes"]] == ["Recipes"]
    found = await (await client.get("/api/notes?q=_", headers=auth(owner))).get_json()
    assert found["notes"] == []


async def test_api_refuses_nul_characters_on_both_databases(client, owner):
    # PostgreSQL's text cannot hold U+0000: it was a 500 there (and stored on SQLite).
    for payload, field in [({"title": "a\x00b"}, "title"), ({"title": "ok", "body": "\x00"}, "body")]:
        response = await client.post("/api/notes", json=payload, headers=auth(owner))
        assert response.status_code == 422
        assert (await response.get_json())["error"]["field"] == field
    note = await (await client.post("/api/notes", json={"title": "Kept"}, headers=auth(owner))).get_json()
    edit = {"title": "Kept", "body": "x\x00", "version": 1}
    response = await client.put(f"/api/notes/{note['id']}", json=edit, headers=auth(owner))
    assert response.status_code == 422 and (await response.get_json())["error"]["field"] == "body"
    found = await client.get("/api/notes?q=%00", headers=auth(owner))  # a search for NUL finds nothing
    assert found.status_code == 200 and (await found.get_json())["notes"] == []


async def test_ids_and_versions_past_the_integer_column_are_refused(client, owner):
    # The URL takes any digits; the database's INTEGER does not (SQLite: 64 bits, PostgreSQL: 32). Were 500s.
    note = await (await client.post("/api/notes", json={"title": "Kept"}, headers=auth(owner))).get_json()
    for note_id in (2**31, 2**63, 10**30):
        assert (await client.get(f"/api/notes/{note_id}", headers=auth(owner))).status_code == 404
        assert (await client.delete(f"/api/notes/{note_id}", headers=auth(owner))).status_code == 404
        edit = {"title": "x", "version": 1}
        assert (await client.put(f"/api/notes/{note_id}", json=edit, headers=auth(owner))).status_code == 404
    for version in (2**31, 2**63):
        edit = {"title": "x", "version": version}
        response = await client.put(f"/api/notes/{note['id']}", json=edit, headers=auth(owner))
        assert response.status_code == 422 and (await response.get_json())["error"]["field"] == "version"


async def test_page_refuses_nul_characters_and_huge_ids(logged_in):
    response = await logged_in.post("/tools/notes/new", form={"title": "a\x00b", "body": ""})
    assert response.status_code == 422
    assert "NUL" in await response.get_data(as_text=True)
    assert (await logged_in.get(f"/tools/notes/{2**63}")).status_code == 404
    assert (await logged_in.get("/tools/notes/?q=%00")).status_code == 200


async def test_notes_are_private_to_their_owner(app, client, owner):
    from core.auth import create_token, create_user

    async with app.app_context():
        await create_user("other", "another password")
        other = await create_token("other")
    note = await (await client.post("/api/notes", json={"title": "Mine"}, headers=auth(owner))).get_json()
    assert (await client.get(f"/api/notes/{note['id']}", headers=auth(other))).status_code == 404
    assert (await (await client.get("/api/notes", headers=auth(other))).get_json())["notes"] == []
    assert (await client.delete(f"/api/notes/{note['id']}", headers=auth(other))).status_code == 404


# --- pages ------------------------------------------------------------------------------


async def test_page_create_view_edit_delete(logged_in):
    client = logged_in
    created = await client.post("/tools/notes/new", form={"title": "Plan", "body": "# Goals\n\n<b>x</b>"})
    assert created.status_code == 302
    location = created.headers["Location"]
    shown = await (await client.get(location)).get_data(as_text=True)
    assert "<h1>Goals</h1>" in shown
    assert "&lt;b&gt;x&lt;/b&gt;" in shown  # raw HTML shown as text

    note_id = int(location.rsplit("/", 1)[1])
    form_page = await (await client.get(f"/tools/notes/{note_id}/edit")).get_data(as_text=True)
    assert 'name="version" value="1"' in form_page
    saved = await client.post(f"/tools/notes/{note_id}/edit", form={"title": "Plan B", "body": "new", "version": "1"})
    assert saved.status_code == 302
    listing = await (await client.get("/tools/notes/")).get_data(as_text=True)
    assert "Plan B" in listing

    deleted = await client.post(f"/tools/notes/{note_id}/delete")
    assert deleted.status_code == 302
    assert (await client.get(f"/tools/notes/{note_id}")).status_code == 404


TASKS = "- [ ] write tests\n- [x] read the spec\n"
TASK_LIST = (
    '<ul class="contains-task-list">\n'
    '<li class="task-list-item"><label><input class="task-list-item-checkbox" type="checkbox" disabled="">'
    " write tests</label></li>\n"
    '<li class="task-list-item"><label><input class="task-list-item-checkbox" checked="checked" type="checkbox" '
    'disabled=""> read the spec</label></li>\n'
    "</ul>\n"
)


def test_task_lists_render_as_read_only_checkboxes():
    assert render_markdown(TASKS) == TASK_LIST


async def test_note_page_shows_task_lists_as_the_markdown_tool_does(logged_in):
    created = await logged_in.post("/tools/notes/new", form={"title": "Todo", "body": TASKS})
    shown = await (await logged_in.get(created.headers["Location"])).get_data(as_text=True)
    assert f'<div class="note-body markdown-content">{TASK_LIST}</div>' in shown
    assert shown.count("disabled") == 2  # no checkbox of a note can be ticked on the page
    preview = await (await logged_in.post("/api/markdown", json={"input": TASKS})).get_json()
    assert preview["html"] == TASK_LIST  # one renderer, one plugin set: the same HTML as the markdown tool
    tool_page = await (await logged_in.post("/tools/markdown/", form={"input": TASKS})).get_data(as_text=True)
    assert 'class="markdown-preview markdown-content"' in tool_page
    stylesheet = "/static/css/markdown-content.css?v="
    assert stylesheet in shown and stylesheet in tool_page  # and the same rules: no bullets, checkbox then text
    rules = await (await logged_in.get("/static/css/markdown-content.css")).get_data(as_text=True)
    assert ".markdown-content .task-list-item { list-style: none; }" in rules


async def test_page_stale_edit_keeps_the_users_text(logged_in):
    client = logged_in
    location = (await client.post("/tools/notes/new", form={"title": "Doc", "body": "original"})).headers["Location"]
    note_id = int(location.rsplit("/", 1)[1])
    await client.post(f"/tools/notes/{note_id}/edit", form={"title": "Doc", "body": "edited elsewhere", "version": "1"})
    stale = await client.post(
        f"/tools/notes/{note_id}/edit", form={"title": "Doc", "body": "my long text", "version": "1"}
    )
    assert stale.status_code == 409
    page = await stale.get_data(as_text=True)
    assert "changed since you opened it" in page
    assert "my long text" in page  # the user's text is in the form
    assert "edited elsewhere" in page  # the saved version is shown beside it
    assert 'name="version" value="2"' in page  # saving again now applies on top of version 2


async def test_page_invalid_form_shows_error_next_to_field(logged_in):
    response = await logged_in.post("/tools/notes/new", form={"title": "", "body": "kept text"})
    assert response.status_code == 422
    page = await response.get_data(as_text=True)
    assert 'id="title-error"' in page
    assert "kept text" in page


async def test_page_search_htmx_partial(logged_in):
    await logged_in.post("/tools/notes/new", form={"title": "Alpha", "body": "one"})
    await logged_in.post("/tools/notes/new", form={"title": "Beta", "body": "two"})
    response = await logged_in.get("/tools/notes/?q=beta", headers={"HX-Request": "true"})
    page = await response.get_data(as_text=True)
    assert "<html" not in page
    assert "Beta" in page and "Alpha" not in page
    assert "HX-Request" in response.headers["Vary"]
