"""The short-link redirect answered without Quart (core/direct.py, tools/links/views.follow_directly): the same
answer as the view's, one click per request, and every other case left to the view (both databases)."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import get_db
from tests.test_direct import call, direct_layer, refusing_quart
from tools.links import store


def get_scope(path: str, method: str = "GET", headers: list | None = None) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), *(headers or [])],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
        "extensions": {},
    }


async def make_link(client, token: str, **fields) -> str:
    response = await client.post(
        "/api/links",
        json={"target": "https://example.com/page?a=1", **fields},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, await response.get_data()
    return (await response.get_json())["code"]


async def clicks(app, code: str) -> list[tuple]:
    async with app.app_context():
        link_id = sa.select(store.links.c.id).where(store.links.c.code == code).scalar_subquery()
        query = sa.select(store.clicks).where(store.clicks.c.link_id == link_id)
        rows = await get_db().fetch_all(query)
        return sorted((row["referrer_host"], row["is_bot"], row["browser"], row["os"]) for row in rows)


async def test_a_redirect_is_the_views_answer_and_counts_one_click_each_way(app, client, owner):
    code = await make_link(client, owner)
    layer = direct_layer(app)
    agent = b"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    headers = [(b"referer", b"https://news.example/item"), (b"user-agent", agent)]
    direct = await call(layer, get_scope(f"/s/{code}", headers=headers), [b""])
    quart = await call(layer.app, get_scope(f"/s/{code}", headers=headers), [b""])
    assert direct == quart
    assert direct[0] == 302 and (b"location", b"https://example.com/page?a=1") in direct[1]
    assert (b"cache-control", b"no-store") in direct[1] and (b"x-frame-options", b"DENY") in direct[1]
    assert await clicks(app, code) == [("news.example", False, "Firefox", "Linux")] * 2


async def test_a_permanent_redirect_without_quart(app, client, owner):
    code = await make_link(client, owner, permanent=True)
    layer = direct_layer(app)
    inner, layer.app = layer.app, refusing_quart
    try:
        status, headers, body = await call(layer, get_scope(f"/s/{code.upper()}"), [b""])
    finally:
        layer.app = inner
    assert status == 301 and body == b""
    assert (b"cache-control", b"max-age=86400") in headers
    assert await clicks(app, code) == [(None, True, None, None)]  # no User-Agent: a bot, as the view counts it


async def test_what_does_not_simply_redirect_is_left_to_the_view(app, client, owner):
    limited = await make_link(client, owner, max_visits=1)
    disabled = await make_link(client, owner)
    await client.patch(f"/api/links/{disabled}", json={"disabled": True}, headers={"Authorization": f"Bearer {owner}"})
    layer = direct_layer(app)
    first = await call(layer, get_scope(f"/s/{limited}"), [b""])
    second = await call(layer, get_scope(f"/s/{limited}"), [b""])
    assert (first[0], second[0]) == (302, 410)  # the visit limit holds: counted once, by the view
    assert len(await clicks(app, limited)) == 1
    assert (await call(layer, get_scope(f"/s/{disabled}"), [b""]))[0] == 410
    assert await clicks(app, disabled) == []
    missing = await call(layer, get_scope("/s/nosuchlink"), [b""])
    assert missing == await call(layer.app, get_scope("/s/nosuchlink"), [b""])
    assert missing[0] == 404 and b"no short link" in missing[2]
    assert (await call(layer, get_scope("/s/bad%code"), [b""]))[0] == 404


async def test_a_head_request_is_answered_by_the_view_and_not_counted(app, client, owner):
    code = await make_link(client, owner)
    layer = direct_layer(app)
    status, headers, _ = await call(layer, get_scope(f"/s/{code}", method="HEAD"), [b""])
    assert status == 302
    assert await clicks(app, code) == []


async def test_a_failing_direct_answer_is_left_to_the_view(app, client, owner, monkeypatch):
    code = await make_link(client, owner)
    from tools.links import views

    async def broken(*args):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(views.store, "follow", broken)
    layer = direct_layer(app)
    with_view = await call(layer, get_scope(f"/s/{code}"), [b""])
    assert with_view == await call(layer.app, get_scope(f"/s/{code}"), [b""])
    assert with_view[0] >= 500  # the view's own error answer, not a dropped connection
