"""Round trips: prepared statements (compiled once) on SQLite and PostgreSQL, the redirect, the pool's release."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core.db import get_db
from core.prepared import Prepared
from tests.conftest import make_app
from tests.test_links import BROWSER, click_rows, create
from tools.links import store

by_code = Prepared(
    sa.select(store.links.c.code, store.links.c.expires_at, store.links.c.disabled).where(
        store.links.c.code == sa.bindparam("code", None)
    )
)
add_visit = Prepared(
    sa.update(store.links)
    .where(store.links.c.code == sa.bindparam("code", None))
    .values(visits=store.links.c.visits + 1)
    .returning(store.links.c.visits)
)


async def test_prepared_statements_return_typed_rows_and_take_literals(app, client, owner):
    expiry = datetime(2099, 5, 17, 12, 30, tzinfo=UTC)
    await create(client, owner, alias="typed", expires_at=expiry.isoformat())
    async with app.app_context():
        db = get_db()
        row = await db.fetch_one(by_code(code="typed"))
        # SQLite stores text: the result processor must still make a datetime of it (naive UTC there).
        assert row.expires_at.replace(tzinfo=UTC) == expiry and row.disabled is False
        assert await db.fetch_one(by_code(code="missing")) is None
        assert [await db.fetch_val(add_visit(code="typed")) for _ in range(2)] == [1, 2]  # the `+ 1` literal


async def test_a_prepared_statement_needs_every_named_value(app):
    async with app.app_context():
        with pytest.raises(TypeError, match=r"values missing for bind parameters \['code'\]"):
            await get_db().fetch_one(by_code())


async def test_expanding_parameters_cannot_be_prepared(app):
    in_list = Prepared(sa.select(store.links.c.id).where(store.links.c.code.in_(["a", "b"])))
    async with app.app_context():
        with pytest.raises(ValueError, match="expanding"):
            await get_db().fetch_one(in_list())


async def test_a_counted_redirect_is_one_statement_on_postgresql(app, client, owner, monkeypatch):
    await create(client, owner, alias="once")
    statements = []
    async with app.app_context():
        db = get_db()
    for method in ("fetch_one", "fetch_val", "execute", "fetch_all"):
        original = getattr(db, method)

        async def counted(query, values=None, *, _original=original):
            statements.append(query)
            return await _original(query, values)

        monkeypatch.setattr(db, method, counted)
    response = await client.get("/s/once", headers=BROWSER)
    assert response.status_code == 302 and response.headers["Location"] == "https://example.com/page"
    assert len(statements) == (1 if db.url.dialect.startswith("postgres") else 2)  # SQLite: SELECT, INSERT
    monkeypatch.undo()
    assert await click_rows(app, "once") == 1
    assert (await client.head("/s/once")).status_code == 302
    assert await click_rows(app, "once") == 1  # a HEAD is not counted


async def test_a_released_connection_keeps_no_transaction_and_needs_no_reset_query(pg_database_url):
    """The pool skips asyncpg's RESET ALL round trip; asyncpg still rolls back what a task left open."""
    app = make_app(pg_database_url, DATABASE_POOL_MIN="1", DATABASE_POOL_MAX="1")  # one connection, reused
    async with app.test_app(), app.app_context():
        pool = get_db()._backend._pool
        async with pool.acquire() as connection:
            pid = connection.get_server_pid()
            await connection.execute("SET mytools.probe = 'kept'")  # what RESET ALL would undo
            await connection.execute("BEGIN")
            await connection.execute("CREATE TEMPORARY TABLE left_open (x int)")
        async with pool.acquire() as again:
            assert again.get_server_pid() == pid  # the same server connection
            assert await again.fetchval("SELECT current_setting('mytools.probe', true)") == "kept"
            assert not again.is_in_transaction()
            assert await again.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
