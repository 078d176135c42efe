"""Short links under real concurrent requests (each its own task and pool connection, real commits)."""

from __future__ import annotations

import asyncio
import itertools

import asyncpg
import pytest

from tools.links import rules

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"}


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def create(app, token: str, **fields):
    body = {"target": "https://example.com/", **fields}
    return await app.test_client().post("/api/links", json=body, headers=auth(token))


async def statistics(app, token: str, code: str) -> dict:
    return await (await app.test_client().get(f"/api/links/{code}", headers=auth(token))).get_json()


async def test_simultaneous_creations_never_share_a_code(app, owner, monkeypatch):
    """20 requests whose first generated code is the same: the unique constraint lets one have it, the rest retry."""
    first_attempt_done: set = set()
    fresh = itertools.count()

    def colliding_code() -> str:
        task = asyncio.current_task()
        if task not in first_attempt_done:
            first_attempt_done.add(task)
            return "dup2345"
        return f"new{next(fresh):04d}"

    monkeypatch.setattr(rules, "generate_code", colliding_code)
    responses = await asyncio.gather(*(create(app, owner) for _ in range(20)))
    assert [r.status_code for r in responses] == [201] * 20
    codes = [(await r.get_json())["code"] for r in responses]
    assert len(set(codes)) == 20
    assert codes.count("dup2345") == 1
    listed = await (await app.test_client().get("/api/links", headers=auth(owner))).get_json()
    assert sorted(link["code"] for link in listed["links"]) == sorted(codes)


async def test_simultaneous_generated_codes_are_distinct(app, owner):
    responses = await asyncio.gather(*(create(app, owner) for _ in range(30)))
    assert [r.status_code for r in responses] == [201] * 30
    assert len({(await r.get_json())["code"] for r in responses}) == 30


async def test_same_alias_at_once_only_one_wins(app, owner):
    responses = await asyncio.gather(*(create(app, owner, alias="launch") for _ in range(10)))
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9


async def test_no_lost_clicks_under_concurrent_hits(app, owner):
    code = (await (await create(app, owner)).get_json())["code"]

    async def hit(i: int) -> int:
        headers = {"Referer": f"https://site{i % 4}.example/", **BROWSER}
        return (await app.test_client().get(f"/s/{code}", headers=headers)).status_code

    statuses = await asyncio.gather(*(hit(i) for i in range(100)))
    assert statuses == [302] * 100
    detail = await statistics(app, owner, code)
    assert detail["statistics"]["total"] == 100
    assert detail["statistics"]["per_day"][-1]["clicks"] == 100
    assert sorted((r["host"], r["clicks"]) for r in detail["statistics"]["top_referrers"]) == [
        (f"site{i}.example", 25) for i in range(4)
    ]


async def test_max_visits_holds_under_concurrent_hits(app, owner):
    code = (await (await create(app, owner, max_visits=10)).get_json())["code"]

    async def hit() -> int:
        return (await app.test_client().get(f"/s/{code}", headers=BROWSER)).status_code

    statuses = await asyncio.gather(*(hit() for _ in range(40)))
    assert sorted(statuses) == [302] * 10 + [410] * 30
    detail = await statistics(app, owner, code)
    assert (detail["visits"], detail["status"], detail["statistics"]["total"]) == (10, "used up", 10)


@pytest.fixture
async def pg_app_and_owner(pg_database_url):
    """The app on PostgreSQL only (row locks are what this is about), with an owner's token."""
    from core.auth import create_token, create_user
    from tests.conftest import make_app, truncate_all

    await truncate_all(pg_database_url)
    application = make_app(pg_database_url)
    async with application.test_app():
        async with application.app_context():
            await create_user("owner", "correct horse battery")
            token = await create_token("owner")
        yield application, token, pg_database_url


async def test_redirect_takes_no_lock_an_edit_holds(pg_app_and_owner):
    """PostgreSQL: a transaction that has updated the link row (and holds its row lock) does not stall redirects."""
    app, owner, database_url = pg_app_and_owner
    code = (await (await create(app, owner)).get_json())["code"]
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            await conn.execute("UPDATE links SET target = 'https://held.example/' WHERE code = $1", code)

            async def hit() -> int:
                return (await app.test_client().get(f"/s/{code}", headers=BROWSER)).status_code

            statuses = await asyncio.wait_for(asyncio.gather(*(hit() for _ in range(10))), timeout=5)
            assert statuses == [302] * 10
    finally:
        await conn.close()
    assert (await statistics(app, owner, code))["statistics"]["total"] == 10
