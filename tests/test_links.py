"""Short links over HTTP, on SQLite and PostgreSQL: API, redirects, limits, statistics and pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.db import get_db
from tools.links import store

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
BROWSER = {"User-Agent": CHROME}
GOOGLEBOT = {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def create(client, token: str, **fields) -> dict:
    response = await client.post(
        "/api/links", json={"target": "https://example.com/page", **fields}, headers=auth(token)
    )
    assert response.status_code == 201, await response.get_data(as_text=True)
    return await response.get_json()


async def error_of(response) -> dict:
    return (await response.get_json())["error"]


async def set_columns(app, code: str, **values) -> None:
    """Change a link behind the API's back (e.g. an expiry in the past, which the API refuses)."""
    async with app.app_context():
        await get_db().execute(sa.update(store.links).where(store.links.c.code == code).values(**values))


async def click_rows(app, code: str) -> int:
    async with app.app_context():
        link_id = sa.select(store.links.c.id).where(store.links.c.code == code).scalar_subquery()
        query = sa.select(sa.func.count()).select_from(store.clicks).where(store.clicks.c.link_id == link_id)
        return await get_db().fetch_val(query)


# --- access -----------------------------------------------------------------------------


async def test_api_needs_a_token(client):
    response = await client.post("/api/links", json={"target": "https://example.com/"})
    assert response.status_code == 401
    assert (await client.get("/api/links")).status_code == 401


async def test_pages_redirect_to_login(client):
    response = await client.get("/tools/links/")
    assert (response.status_code, response.headers["Location"]) == (302, "/login?next=/tools/links/")


async def test_links_are_private_to_their_owner(app, client, owner):
    from core.auth import create_token, create_user

    async with app.app_context():
        await create_user("other", "another password")
        other = await create_token("other")
    link = await create(client, owner, alias="mine")
    assert (await client.get("/api/links/mine", headers=auth(other))).status_code == 404
    assert (await client.patch("/api/links/mine", json={"disabled": True}, headers=auth(other))).status_code == 404
    assert (await client.delete("/api/links/mine", headers=auth(other))).status_code == 404
    assert (await (await client.get("/api/links", headers=auth(other))).get_json())["links"] == []
    # ...and the alias is taken for everyone: short URLs share one namespace.
    taken = await client.post("/api/links", json={"target": "https://x.org/", "alias": "MINE"}, headers=auth(other))
    assert taken.status_code == 409
    assert link["status"] == "active"


# --- creating -----------------------------------------------------------------------------


async def test_create_with_generated_code_returns_the_short_url(client, owner):
    link = await create(client, owner)
    assert re.fullmatch(r"[23456789abcdefghjkmnpqrstuvwxyz]{7}", link["code"])
    assert link["short_url"] == f"http://localhost/s/{link['code']}"
    assert (link["target"], link["permanent"], link["disabled"], link["status"]) == (
        "https://example.com/page",
        False,
        False,
        "active",
    )
    assert (link["expires_at"], link["max_visits"], link["visits"]) == (None, None, 0)


async def test_custom_alias_and_taken_alias(client, owner):
    link = await create(client, owner, alias="Team-Offsite_2026")
    assert link["code"] == "team-offsite_2026"
    assert link["short_url"] == "http://localhost/s/team-offsite_2026"
    again = await client.post(
        "/api/links", json={"target": "https://other.example/", "alias": "team-OFFSITE_2026"}, headers=auth(owner)
    )
    assert again.status_code == 409
    assert await error_of(again) == {
        "message": "the alias 'team-offsite_2026' is already taken: choose another one",
        "field": "alias",
    }


@pytest.mark.parametrize(
    "fields, status, field, message",
    [
        ({"target": "javascript:alert(1)"}, 422, "target", "only http:// and https:// addresses can be shortened"),
        ({"target": "data:text/html,hi"}, 422, "target", "only http:// and https:// addresses can be shortened"),
        (
            {"target": "http://localhost/s/abc"},
            422,
            "target",
            "a short link cannot point to another short link of this site",
        ),
        ({"target": ""}, 422, "target", None),
        ({"alias": "a!"}, 422, "alias", "an alias has 3 to 64 characters: letters, digits, - and _"),
        ({"alias": "static"}, 422, "alias", "the alias 'static' is reserved: choose another one"),
        ({"max_visits": 0}, 422, "max_visits", None),
        ({"expires_at": "2001-01-01T00:00:00Z"}, 422, "expires_at", "the expiry time must be in the future"),
        ({"expires_at": "tomorrow"}, 422, "expires_at", None),
    ],
)
async def test_invalid_input_names_the_field(client, owner, fields, status, field, message):
    response = await client.post("/api/links", json={"target": "https://example.com/", **fields}, headers=auth(owner))
    assert response.status_code == status
    error = await error_of(response)
    assert error["field"] == field
    if message:
        assert error["message"] == message


# --- redirecting --------------------------------------------------------------------------


async def test_redirect_302_and_301(client, owner):
    temporary = await create(client, owner, target="https://example.com/a?b=1")
    response = await client.get(f"/s/{temporary['code']}")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://example.com/a?b=1"
    assert response.headers["Cache-Control"] == "no-store"
    # codes are case-insensitive
    assert (await client.get(f"/s/{temporary['code'].upper()}")).status_code == 302

    permanent = await create(client, owner, permanent=True)
    response = await client.get(f"/s/{permanent['code']}")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://example.com/page"
    assert response.headers["Cache-Control"] == "max-age=86400"


async def test_unknown_code_is_a_friendly_404(client):
    response = await client.get("/s/nothing")
    assert response.status_code == 404
    page = await response.get_data(as_text=True)
    assert "<h1>No such link</h1>" in page
    assert (await client.get("/s/" + "a" * 5000)).status_code == 404


async def test_expired_link_is_a_friendly_410(app, client, owner):
    link = await create(client, owner, expires_at=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    assert (await client.get(f"/s/{link['code']}")).status_code == 302
    await set_columns(app, link["code"], expires_at=datetime.now(UTC) - timedelta(seconds=1))
    response = await client.get(f"/s/{link['code']}")
    assert response.status_code == 410
    assert "<h1>This link has expired</h1>" in await response.get_data(as_text=True)
    assert (await (await client.get(f"/api/links/{link['code']}", headers=auth(owner))).get_json())["status"] == (
        "expired"
    )


async def test_max_visits_then_410_and_head_is_not_counted(app, client, owner):
    link = await create(client, owner, max_visits=2)
    code = link["code"]
    assert (await client.head(f"/s/{code}")).status_code == 302  # a link checker's HEAD: not a visit
    assert [(await client.get(f"/s/{code}")).status_code for _ in range(3)] == [302, 302, 410]
    assert (await client.head(f"/s/{code}")).status_code == 410
    response = await client.get(f"/s/{code}")
    assert "<h1>This link has been used up</h1>" in await response.get_data(as_text=True)
    detail = await (await client.get(f"/api/links/{code}", headers=auth(owner))).get_json()
    assert (detail["visits"], detail["status"], detail["statistics"]["total"]) == (2, "used up", 2)
    # raising the limit gives it life again
    raised = await client.patch(f"/api/links/{code}", json={"max_visits": 3}, headers=auth(owner))
    assert (await raised.get_json())["status"] == "active"
    assert (await client.get(f"/s/{code}")).status_code == 302


async def test_disabled_link_is_410_until_enabled(client, owner):
    link = await create(client, owner)
    off = await client.patch(f"/api/links/{link['code']}", json={"disabled": True}, headers=auth(owner))
    assert (await off.get_json())["status"] == "disabled"
    response = await client.get(f"/s/{link['code']}")
    assert response.status_code == 410
    assert "<h1>This link is switched off</h1>" in await response.get_data(as_text=True)
    await client.patch(f"/api/links/{link['code']}", json={"disabled": False}, headers=auth(owner))
    assert (await client.get(f"/s/{link['code']}")).status_code == 302


# --- statistics ---------------------------------------------------------------------------


async def test_click_statistics_with_referrers_and_bots(app, client, owner):
    code = (await create(client, owner))["code"]
    visits = (
        [{"Referer": "https://news.ycombinator.com/item?id=1", **BROWSER}] * 3
        + [{"Referer": "https://t.co/xyz", **BROWSER}] * 2
        + [BROWSER]
        + [{"Referer": "https://www.google.com/", **GOOGLEBOT}]
        + [{"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}]
        + [{"User-Agent": ""}]  # an empty User-Agent: no browser sends that
    )
    for headers in visits:
        assert (await client.get(f"/s/{code}", headers=headers)).status_code == 302
    detail = await (await client.get(f"/api/links/{code}", headers=auth(owner))).get_json()
    statistics = detail["statistics"]
    assert (statistics["total"], statistics["bots"]) == (6, 3)
    assert statistics["top_referrers"] == [
        {"host": "news.ycombinator.com", "clicks": 3},
        {"host": "t.co", "clicks": 2},
        {"host": None, "clicks": 1},
    ]
    assert len(statistics["per_day"]) == 30
    today = datetime.now(UTC).date().isoformat()
    assert statistics["per_day"][-1] == {"day": today, "clicks": 6, "bots": 3}
    assert all(day["clicks"] == 0 for day in statistics["per_day"][:-1])
    listed = await (await client.get("/api/links", headers=auth(owner))).get_json()
    assert listed["links"][0]["clicks"] == 6


async def test_clicks_are_grouped_by_utc_day(app, client, owner):
    code = (await create(client, owner))["code"]
    today = datetime.now(UTC).date()
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
    moments = [
        midnight - timedelta(minutes=1),  # yesterday, 23:59 UTC
        midnight - timedelta(minutes=1),
        midnight + timedelta(seconds=1),  # today, 00:00:01 UTC
        midnight - timedelta(days=29) + timedelta(hours=12),  # the chart's first day
        midnight - timedelta(days=31),  # older than the chart: in the total only
    ]
    async with app.app_context():
        link_id = (await store.get_link(1, code))["id"]
        for moment in moments:
            await get_db().execute(
                sa.insert(store.clicks).values(link_id=link_id, clicked_at=moment, referrer_host=None, is_bot=False)
            )
    statistics = (await (await client.get(f"/api/links/{code}", headers=auth(owner))).get_json())["statistics"]
    per_day = {day["day"]: day["clicks"] for day in statistics["per_day"]}
    assert per_day[today.isoformat()] == 1
    assert per_day[(today - timedelta(days=1)).isoformat()] == 2
    assert per_day[(today - timedelta(days=29)).isoformat()] == 1
    assert statistics["per_day"][0]["day"] == (today - timedelta(days=29)).isoformat()
    assert sum(per_day.values()) == 4
    assert statistics["total"] == 5


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


async def test_clicks_by_browser_and_os(app, client, owner):
    code = (await create(client, owner))["code"]
    agents = [CHROME] * 3 + [IPHONE] * 2 + [FIREFOX_LINUX] * 2 + ["curl/8.5.0"] + [GOOGLEBOT["User-Agent"]] * 2
    for agent in agents:
        assert (await client.get(f"/s/{code}", headers={"User-Agent": agent})).status_code == 302
    limited = (await create(client, owner, max_visits=5))["code"]  # the other path: claim, then record
    assert (await client.get(f"/s/{limited}", headers={"User-Agent": IPHONE})).status_code == 302
    statistics = (await (await client.get(f"/api/links/{code}", headers=auth(owner))).get_json())["statistics"]
    assert (statistics["total"], statistics["bots"]) == (8, 2)  # bots are in no browser's count
    assert statistics["browsers"] == [
        {"name": "Chrome", "clicks": 3},
        {"name": "Firefox", "clicks": 2},  # ties by name
        {"name": "Mobile Safari", "clicks": 2},
        {"name": "curl", "clicks": 1},
    ]
    assert statistics["operating_systems"] == [
        {"name": "Windows", "clicks": 3},
        {"name": "Linux", "clicks": 2},
        {"name": "iOS", "clicks": 2},
        {"name": None, "clicks": 1},  # curl names no system
    ]
    other = (await (await client.get(f"/api/links/{limited}", headers=auth(owner))).get_json())["statistics"]
    assert (other["browsers"], other["operating_systems"]) == (
        [{"name": "Mobile Safari", "clicks": 1}],
        [{"name": "iOS", "clicks": 1}],
    )
    async with app.app_context():  # only the families are kept, never the User-Agent itself
        stored = await get_db().fetch_all(sa.select(store.clicks.c.browser, store.clicks.c.os, store.clicks.c.is_bot))
    assert ("Chrome", "Windows", False) in [(row.browser, row.os, bool(row.is_bot)) for row in stored]
    assert all(row.browser is None and row.os is None for row in stored if row.is_bot)


# --- list, search, edit, delete -----------------------------------------------------------


async def test_list_and_search(client, owner):
    await create(client, owner, alias="docs", target="https://docs.example.com/guide")
    await create(client, owner, alias="blog", target="https://example.org/blog/100%25-done")
    await create(client, owner, alias="shop_2", target="https://shop.example.net/")
    listed = await (await client.get("/api/links", headers=auth(owner))).get_json()
    assert [link["code"] for link in listed["links"]] == ["shop_2", "blog", "docs"]

    async def search(q: str) -> list[str]:
        found = await (await client.get("/api/links", query_string={"q": q}, headers=auth(owner))).get_json()
        return sorted(link["code"] for link in found["links"])

    assert await search("example.com") == ["docs"]
    assert await search("BLOG") == ["blog"]
    assert await search("shop _") == ["shop_2"]  # "_" is a literal character, not a wildcard
    assert await search("%25") == ["blog"]
    assert await search("nothing") == []


async def test_edit_target_and_clear_settings(client, owner):
    expiry = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    link = await create(client, owner, alias="edit-me", max_visits=5, expires_at=expiry.isoformat())
    assert link["expires_at"] == expiry.isoformat().replace("+00:00", "Z")
    patched = await client.patch(
        "/api/links/edit-me", json={"target": "https://new.example/", "permanent": True}, headers=auth(owner)
    )
    assert patched.status_code == 200
    body = await patched.get_json()
    assert (body["target"], body["permanent"], body["max_visits"]) == ("https://new.example/", True, 5)
    response = await client.get("/s/edit-me")
    assert (response.status_code, response.headers["Location"]) == (301, "https://new.example/")

    cleared = await (
        await client.patch("/api/links/edit-me", json={"expires_at": None, "max_visits": None}, headers=auth(owner))
    ).get_json()
    assert (cleared["expires_at"], cleared["max_visits"], cleared["target"]) == (None, None, "https://new.example/")

    bad = await client.patch("/api/links/edit-me", json={"target": "javascript:x"}, headers=auth(owner))
    assert (bad.status_code, (await error_of(bad))["field"]) == (422, "target")
    null = await client.patch("/api/links/edit-me", json={"target": None}, headers=auth(owner))
    assert await error_of(null) == {"message": "target cannot be null", "field": "target"}
    nothing = await client.patch("/api/links/edit-me", json={}, headers=auth(owner))
    assert (await nothing.get_json())["target"] == "https://new.example/"
    missing = await client.patch("/api/links/nope", json={"disabled": True}, headers=auth(owner))
    assert missing.status_code == 404


async def test_delete_removes_link_and_clicks(app, client, owner):
    await create(client, owner, alias="gone-soon")
    await client.get("/s/gone-soon", headers=BROWSER)
    assert await click_rows(app, "gone-soon") == 1
    assert (await client.delete("/api/links/gone-soon", headers=auth(owner))).status_code == 204
    assert (await client.get("/s/gone-soon")).status_code == 404
    assert (await client.get("/api/links/gone-soon", headers=auth(owner))).status_code == 404
    assert (await client.delete("/api/links/gone-soon", headers=auth(owner))).status_code == 404
    async with app.app_context():
        assert await get_db().fetch_val(sa.select(sa.func.count()).select_from(store.clicks)) == 0
    # the alias is free again
    await create(client, owner, alias="gone-soon")


async def test_api_is_in_the_openapi_document(client):
    document = await (await client.get("/api/openapi.json")).get_json()
    assert set(document["paths"]["/api/links"]) == {"get", "post"}
    assert set(document["paths"]["/api/links/{code}"]) == {"get", "patch", "delete"}
    for path in ("/api/links", "/api/links/{code}"):
        for operation in document["paths"][path].values():
            assert operation["security"] == [{"bearer": []}]
            assert operation["summary"]


# --- pages --------------------------------------------------------------------------------


async def test_page_create_show_edit_disable_delete(logged_in):
    client = logged_in
    empty = await (await client.get("/tools/links/")).get_data(as_text=True)
    assert "No short links yet" in empty
    created = await client.post(
        "/tools/links/",
        form={"target": "https://example.com/long", "alias": "Page-Link", "expires_at": "", "max_visits": ""},
    )
    assert (created.status_code, created.headers["Location"]) == (302, "/tools/links/page-link")
    await client.get("/s/page-link", headers={"Referer": "https://mail.example/", **BROWSER})
    shown = await client.get("/tools/links/page-link")
    assert shown.headers["Cache-Control"] == "private, no-store"
    page = await shown.get_data(as_text=True)
    assert "Short link created: http://localhost/s/page-link" in page
    assert '<code id="short-url">http://localhost/s/page-link</code>' in page
    assert '<strong id="clicks-total">1</strong>' in page
    assert "<td>mail.example</td><td>1</td>" in page
    browsers = page.split('<table class="links-counts" id="browsers"', 1)[1].split("</table>", 1)[0]
    systems = page.split('<table class="links-counts" id="systems"', 1)[1].split("</table>", 1)[0]
    assert "<tr><td>Chrome</td><td>1</td></tr>" in browsers and "<tr><td>Windows</td><td>1</td></tr>" in systems
    assert '<title id="chart-title">Clicks per day for /s/page-link, last 30 days (UTC)</title>' in page
    assert "<title>QR code for http://localhost/s/page-link</title>" in page
    assert 'hx-history="false"' in page

    saved = await client.post(
        "/tools/links/page-link",
        form={"target": "https://example.com/new", "permanent": "true", "expires_at": "", "max_visits": "3"},
    )
    assert saved.status_code == 302
    response = await client.get("/s/page-link")
    assert (response.status_code, response.headers["Location"]) == (301, "https://example.com/new")

    assert (await client.post("/tools/links/page-link/disable", form={"disabled": "true"})).status_code == 302
    assert (await client.get("/s/page-link")).status_code == 410
    assert (await client.post("/tools/links/page-link/disable", form={"disabled": "false"})).status_code == 302
    assert (await client.get("/s/page-link")).status_code == 301

    qr = await client.get("/tools/links/page-link/qr.svg")
    assert qr.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert qr.headers["Content-Disposition"] == 'attachment; filename="qr-page-link.svg"'
    assert "<title>QR code for http://localhost/s/page-link</title>" in await qr.get_data(as_text=True)

    assert (await client.post("/tools/links/page-link/delete")).status_code == 302
    assert (await client.get("/tools/links/page-link")).status_code == 404


async def test_page_errors_are_shown_next_to_the_field(logged_in):
    client = logged_in
    await client.post("/tools/links/", form={"target": "https://example.com/", "alias": "taken"})
    taken = await client.post("/tools/links/", form={"target": "https://example.com/kept", "alias": "taken"})
    assert taken.status_code == 409
    page = await taken.get_data(as_text=True)
    assert '<small class="field-error" id="alias-error" role="alert">' in page
    assert "already taken" in page
    assert 'value="https://example.com/kept"' in page

    bad = await client.post("/tools/links/", form={"target": "javascript:alert(1)"})
    assert bad.status_code == 422
    assert 'id="target-error"' in await bad.get_data(as_text=True)

    bad_edit = await client.post("/tools/links/taken", form={"target": "https://x.org/", "max_visits": "-1"})
    assert bad_edit.status_code == 422
    assert 'id="max_visits-error"' in await bad_edit.get_data(as_text=True)


async def test_page_search_htmx_partial(logged_in):
    await logged_in.post("/tools/links/", form={"target": "https://alpha.example/", "alias": "alpha"})
    await logged_in.post("/tools/links/", form={"target": "https://beta.example/", "alias": "beta"})
    response = await logged_in.get("/tools/links/?q=beta", headers={"HX-Request": "true"})
    page = await response.get_data(as_text=True)
    assert "<html" not in page
    assert "/s/beta" in page and "/s/alpha" not in page
    assert "HX-Request" in response.headers["Vary"]
