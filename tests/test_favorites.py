"""Favorites and recent tools: API and pages on SQLite and PostgreSQL; visitors never write."""

from __future__ import annotations

import re

import sqlalchemy as sa

from core import favorites as favorites_module
from core.auth import create_token, create_user
from core.db import get_db
from core.favorites import RECENT_LIMIT, user_tools

HTMX = {"HX-Request": "true"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def listed(client, token: str) -> tuple[list[str], list[str]]:
    response = await client.get("/api/favorites", headers=bearer(token))
    assert response.status_code == 200
    data = await response.get_json()
    return [t["slug"] for t in data["favorites"]], [t["slug"] for t in data["recent"]]


async def row_count(app) -> int:
    async with app.app_context():
        return await get_db().fetch_val(sa.select(sa.func.count()).select_from(user_tools))


def star_of(page: str, slug: str) -> str:
    """The aria-pressed value of the first star of that tool on the page."""
    return re.search(rf'data-star="{slug}" aria-pressed="(true|false)"', page).group(1)


# --- JSON API ------------------------------------------------------------------------------------


async def test_api_stars_lists_and_unstars(client, owner):
    assert await listed(client, owner) == ([], [])
    for slug in ("jwt", "hash", "jwt"):  # PUT is idempotent; the order is the order starred
        response = await client.put(f"/api/favorites/{slug}", headers=bearer(owner))
        assert response.status_code == 200 and await response.get_json() == {"slug": slug, "favorite": True}
    favorites, _ = await listed(client, owner)
    assert favorites == ["jwt", "hash"]
    data = await (await client.get("/api/favorites", headers=bearer(owner))).get_json()
    assert data["favorites"][0] == {"slug": "jwt", "title": "JWT", "url": "/tools/jwt/"}
    assert (await client.delete("/api/favorites/jwt", headers=bearer(owner))).status_code == 204
    assert (await client.delete("/api/favorites/jwt", headers=bearer(owner))).status_code == 204
    assert (await listed(client, owner))[0] == ["hash"]


async def test_api_refuses_unknown_tools_and_visitors(client, owner):
    response = await client.put("/api/favorites/no-such-tool", headers=bearer(owner))
    assert response.status_code == 404
    assert (await response.get_json())["error"]["field"] == "slug"
    assert (await client.delete("/api/favorites/no-such-tool", headers=bearer(owner))).status_code == 404
    assert (await client.get("/api/favorites")).status_code == 401
    assert (await client.put("/api/favorites/hash")).status_code == 401
    assert (await client.get("/api/favorites", headers=bearer("mt_wrong"))).status_code == 401


async def test_one_owners_favorites_are_not_anothers(app, client, owner):
    async with app.app_context():
        await create_user("second", "another good password")
        other = await create_token("second")
    await client.put("/api/favorites/hash", headers=bearer(owner))
    await client.get("/tools/json/")  # a visitor's visit: nobody's recent
    assert await listed(client, owner) == (["hash"], [])
    assert await listed(client, other) == ([], [])
    await client.put("/api/favorites/uuid", headers=bearer(other))
    assert (await listed(client, owner))[0] == ["hash"]
    assert (await listed(client, other))[0] == ["uuid"]
    # Owner B's home page shows B's favorites, not A's.
    second = app.test_client()
    await second.post("/login", form={"name": "second", "password": "another good password"})
    page = await (await second.get("/")).get_data(as_text=True)
    favorites = page.split('id="favorites-title"', 1)[1].split("</section>", 1)[0]
    assert 'data-slug="uuid"' in favorites and 'data-slug="hash"' not in favorites


async def test_openapi_documents_the_favorites_api(client):
    spec = await (await client.get("/api/openapi.json")).get_json()
    assert "get" in spec["paths"]["/api/favorites"]
    item = spec["paths"]["/api/favorites/{slug}"]
    assert {"put", "delete"} <= set(item)
    assert item["put"]["security"] == [{"bearer": []}]
    assert spec["paths"]["/api/favorites"]["get"]["security"] == [{"bearer": []}]


# --- pages ----------------------------------------------------------------------------------------


async def test_star_form_without_javascript_redirects_back(logged_in, owner):
    client = logged_in
    response = await client.post("/favorites/hash", form={"favorite": "true", "next": "/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    home = await (await client.get("/")).get_data(as_text=True)
    favorites = home.split('id="favorites-title"', 1)[1].split("</section>", 1)[0]
    assert 'data-slug="hash"' in favorites
    assert star_of(home, "hash") == "true" and star_of(home, "jwt") == "false"
    # The form now offers the opposite: unstar.
    assert re.search(r'action="/favorites/hash"[^>]*>\s*<input type="hidden" name="favorite" value="false">', home)
    page = await (await client.get("/tools/hash/")).get_data(as_text=True)
    assert star_of(page, "hash") == "true"
    response = await client.post("/favorites/hash", form={"favorite": "false", "next": "/tools/hash/"})
    assert response.headers["Location"] == "/tools/hash/"
    assert star_of(await (await client.get("/tools/hash/")).get_data(as_text=True), "hash") == "false"
    assert (await listed(client, owner))[0] == []


async def test_star_form_answers_json_to_fetch(logged_in):
    response = await logged_in.post(
        "/favorites/json", form={"favorite": "true"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200 and await response.get_json() == {"slug": "json", "favorite": True}


async def test_star_form_refuses_bad_input_and_other_sites(logged_in):
    assert (await logged_in.post("/favorites/hash", form={"favorite": "maybe"})).status_code == 400
    assert (await logged_in.post("/favorites/nope", form={"favorite": "true"})).status_code == 404
    # Only a path on this site is a place to go back to.
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = await logged_in.post("/favorites/hash", form={"favorite": "true", "next": target})
        assert response.headers["Location"] == "/tools/hash/", target
    cross = await logged_in.post(
        "/favorites/hash", form={"favorite": "false"}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403


async def test_visitor_star_is_a_script_button_and_writes_nothing(app, client):
    page = await (await client.get("/")).get_data(as_text=True)
    assert 'class="star js-only" data-star="hash" aria-pressed="false"' in page
    assert "/favorites/hash" not in page  # no form: without JavaScript a visitor has no favorites
    response = await client.post("/favorites/hash", form={"favorite": "true"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert await row_count(app) == 0


async def test_visitor_tool_pages_never_touch_the_favorites_table(app, client, monkeypatch):
    async def no_write(*args):
        raise AssertionError("a visitor's request wrote to the database")

    monkeypatch.setattr(favorites_module, "record_visit", no_write)
    monkeypatch.setattr(favorites_module, "set_favorite", no_write)
    for path in ("/tools/hash/", "/tools/encode/?input=abc&format=base64&direction=encode", "/", "/tools/json/"):
        assert (await client.get(path)).status_code == 200, path
    assert (await client.post("/tools/hash/", form={"input": "abc"})).status_code == 200
    assert await row_count(app) == 0


async def test_owner_visits_make_the_recent_row(logged_in, owner):
    client = logged_in
    for slug in ("hash", "encode", "jwt", "hash"):
        assert (await client.get(f"/tools/{slug}/")).status_code == 200
    assert (await listed(client, owner))[1] == ["hash", "jwt", "encode"]
    # Live results while typing (htmx) and the JSON API are not visits.
    await client.post("/tools/uuid/", form={"count": "1"}, headers=HTMX)
    await client.post("/api/uuid", json={}, headers=bearer(owner))
    assert (await listed(client, owner))[1] == ["hash", "jwt", "encode"]
    home = await (await client.get("/")).get_data(as_text=True)
    recent = home.split('id="recent-title"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="/tools/([^/]+)/">', recent) == ["hash", "jwt", "encode"]


async def test_recent_keeps_the_last_six(logged_in, owner):
    slugs = ["hash", "encode", "jwt", "uuid", "json", "time", "cron", "regex"]
    for slug in slugs:
        await logged_in.get(f"/tools/{slug}/")
    _, recent = await listed(logged_in, owner)
    assert len(recent) == RECENT_LIMIT and recent == list(reversed(slugs))[:RECENT_LIMIT]


async def test_a_visit_keeps_the_star_and_a_star_keeps_the_visit(logged_in, owner):
    await logged_in.get("/tools/hash/")
    await logged_in.put("/api/favorites/hash", headers=bearer(owner))
    await logged_in.get("/tools/hash/")
    assert await listed(logged_in, owner) == (["hash"], ["hash"])
    await logged_in.delete("/api/favorites/hash", headers=bearer(owner))
    assert await listed(logged_in, owner) == ([], ["hash"])


async def test_a_visitor_home_page_has_empty_sections_for_the_browser_to_fill(client):
    page = await (await client.get("/")).get_data(as_text=True)
    live, template = page.split('<template id="home-sections">', 1)
    # Nothing to show yet: no (hidden) Favorites heading in the page, only in the inert template.
    assert 'id="favorites-title"' not in live and 'id="recent-title"' not in live
    assert "data-favorites-grid" in template and "data-recent-list" in template
    assert "data-owner" not in page.split("<body", 1)[1].split(">", 1)[0]


# --- a visitor's stars join the owner's on login ----------------------------------------------------


def test_visitor_slugs_keep_known_tools_once_in_order():
    known = {"hash", "jwt", "uuid"}
    assert favorites_module.visitor_slugs("hash jwt nope hash  uuid\njwt", known) == ["hash", "jwt", "uuid"]
    assert favorites_module.visitor_slugs("", known) == []
    assert favorites_module.visitor_slugs("hash " * 5000 + "uuid", known) == ["hash"]  # the field is bounded


async def test_login_merges_a_visitors_stars_without_duplicates(app, client, owner):
    await client.put("/api/favorites/jwt", headers=bearer(owner))  # starred before, as the owner
    login_page = await (await client.get("/login")).get_data(as_text=True)
    assert '<input type="hidden" name="visitor_favorites" value="" data-visitor-favorites>' in login_page
    stars = "hash jwt no-such-tool hash uuid"  # what app.js sends from localStorage
    wrong = await client.post("/login", form={"name": "owner", "password": "wrong", "visitor_favorites": stars})
    assert wrong.status_code == 401
    assert (await listed(client, owner))[0] == ["jwt"]  # a failed login merges nothing
    response = await client.post(
        "/login", form={"name": "owner", "password": "correct horse battery", "visitor_favorites": stars}
    )
    assert response.status_code == 302
    assert (await listed(client, owner))[0] == ["jwt", "hash", "uuid"]  # the owner's first, then the visitor's
    assert await row_count(app) == 3
    again = app.test_client()  # the same stars from another browser: nothing doubles, nothing moves
    await again.post(
        "/login", form={"name": "owner", "password": "correct horse battery", "visitor_favorites": "uuid hash"}
    )
    assert (await listed(client, owner))[0] == ["jwt", "hash", "uuid"]
    assert await row_count(app) == 3
    home = await (await client.get("/")).get_data(as_text=True)
    favorites = home.split('id="favorites-title"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'data-slug="([\w-]+)"', favorites) == ["jwt", "hash", "uuid"]
