"""core/events.py: a message published reaches every subscriber of its channel, in this process (SQLite), through
PostgreSQL LISTEN/NOTIFY, or through Redis pub/sub; two broadcasters stand for two processes."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from serverutil import require_postgres

from core.config import load_database_settings, load_settings
from core.db import make_database
from core.events import (
    LISTEN_APPLICATION_NAME,
    MAX_PAYLOAD_BYTES,
    QUEUE_SIZE,
    Broadcaster,
    PostgresBroadcaster,
    RedisBroadcaster,
    Unavailable,
    UnavailableBroadcaster,
    decode,
    encode,
    make_broadcaster,
)
from tests.ratelimitutil import redis_url

WITHIN = 1.0  # seconds a message may take to arrive


async def next_message(subscription, timeout: float = WITHIN):
    return await asyncio.wait_for(anext(subscription, "ended"), timeout)


async def nothing_arrives(subscription, wait: float = 0.2) -> bool:
    try:
        await asyncio.wait_for(anext(subscription), wait)
    except TimeoutError:
        return True
    return False


def channel() -> str:
    return f"test:{uuid.uuid4().hex[:12]}"


# --- the wire format and the in-process broadcaster -------------------------------------------


def test_wire_format_round_trip_and_limit():
    assert encode("hooks:abc", "42") == '["hooks:abc","42"]'
    assert decode(encode("hooks:abc", "42")) == ("hooks:abc", "42")
    assert decode("not json") is None and decode("[1, 2]") is None and decode('{"a": 1}') is None
    with pytest.raises(ValueError, match="send an id, not the data"):
        encode("c", "x" * MAX_PAYLOAD_BYTES)


async def test_in_process_each_subscriber_of_a_channel_gets_each_message_in_order():
    hub = Broadcaster()
    first, other = channel(), channel()
    async with hub.subscribe(first) as a, hub.subscribe(first) as b, hub.subscribe(other) as c:
        assert hub.subscriber_count == 3
        for payload in ("1", "2", "3"):
            await hub.publish(first, payload)
        assert [await next_message(a) for _ in range(3)] == ["1", "2", "3"]
        assert [await next_message(b) for _ in range(3)] == ["1", "2", "3"]
        assert await nothing_arrives(c)
    assert hub.subscriber_count == 0  # leaving the block unsubscribes
    await hub.publish(first, "nobody listens")  # no error


async def test_a_slow_subscriber_keeps_the_newest_messages():
    hub = Broadcaster()
    name = channel()
    async with hub.subscribe(name) as slow:
        for i in range(QUEUE_SIZE + 5):
            await hub.publish(name, str(i))
        received = [await next_message(slow) for _ in range(QUEUE_SIZE)]
    assert received == [str(i) for i in range(5, QUEUE_SIZE + 5)]


async def test_losing_the_transport_ends_every_subscription():
    hub = Broadcaster()
    async with hub.subscribe(channel()) as a, hub.subscribe(channel()) as b:
        hub.end_all()
        assert await next_message(a) == "ended" and await next_message(b) == "ended"
        assert await next_message(a) == "ended"  # and stays ended


async def test_behind_pgbouncer_without_redis_nobody_can_subscribe():
    settings = load_settings({"DATABASE_URL": "postgresql://u@db.example/x", "DATABASE_PGBOUNCER": "true"})
    hub = make_broadcaster(settings, database=None)
    assert isinstance(hub, UnavailableBroadcaster)
    with pytest.raises(Unavailable, match="REDIS_URL"):
        async with hub.subscribe("c"):
            pass
    assert type(make_broadcaster(load_settings({}), database=None)) is Broadcaster  # SQLite: this process
    redis = load_settings({"DATABASE_URL": "postgresql://u@db.example/x", "REDIS_URL": "redis://r.example"})
    assert isinstance(make_broadcaster(redis, database=None), RedisBroadcaster)
    postgres = load_settings({"DATABASE_URL": "postgresql://u@db.example/x"})
    assert isinstance(make_broadcaster(postgres, database=None), PostgresBroadcaster)


# --- PostgreSQL LISTEN/NOTIFY -----------------------------------------------------------------


async def listener_connections(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()"
        return await conn.fetchval(sql, LISTEN_APPLICATION_NAME)
    finally:
        await conn.close()


@pytest.fixture
async def two_postgres_processes():
    """Two broadcasters, each with its own pool (two processes of one site on one database)."""
    url = require_postgres()
    settings = load_database_settings({"DATABASE_URL": url, "DATABASE_POOL_MAX": "2"})
    pools = [make_database(settings), make_database(settings)]
    hubs = [PostgresBroadcaster(pool, settings) for pool in pools]
    for pool in pools:
        await pool.connect()
    try:
        yield hubs
    finally:
        for hub in hubs:
            await hub.close()
        for pool in pools:
            await pool.disconnect()


async def test_postgres_a_message_published_in_one_process_reaches_the_other(two_postgres_processes):
    a, b = two_postgres_processes
    before = await listener_connections(require_postgres())
    name = channel()
    async with b.subscribe(name) as on_b, b.subscribe(name) as again_on_b, a.subscribe(name) as on_a:
        # One LISTEN connection per process, whatever the number of subscribers.
        assert await listener_connections(require_postgres()) == before + 2
        started = asyncio.get_running_loop().time()
        await a.publish(name, "17")
        assert await next_message(on_b) == "17"
        assert asyncio.get_running_loop().time() - started < WITHIN
        assert await next_message(again_on_b) == "17"
        assert await next_message(on_a) == "17"  # the publisher's own process too
        await b.publish(channel(), "other channel")
        assert await nothing_arrives(on_a)


async def test_postgres_the_listener_opens_on_the_first_subscriber_and_a_lost_one_ends_streams(
    two_postgres_processes,
):
    a, _ = two_postgres_processes
    assert a.connection is None  # nothing opened before anyone subscribes
    name = channel()
    async with a.subscribe(name) as messages:
        pid = a.connection.get_server_pid()
        admin = await asyncpg.connect(require_postgres())
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        assert await next_message(messages, timeout=5) == "ended"
    async with a.subscribe(name) as messages:  # the next subscriber opens a new listener
        assert a.connection.get_server_pid() != pid
        await a.publish(name, "back")
        assert await next_message(messages) == "back"


# --- Redis pub/sub ------------------------------------------------------------------------------


@pytest.fixture
async def two_redis_processes():
    url = redis_url()
    hubs = [RedisBroadcaster(url), RedisBroadcaster(url)]
    try:
        yield hubs
    finally:
        for hub in hubs:
            await hub.close()


async def test_redis_a_message_published_in_one_process_reaches_the_other(two_redis_processes):
    a, b = two_redis_processes
    name = channel()
    async with b.subscribe(name) as on_b, b.subscribe(name) as again_on_b:
        started = asyncio.get_running_loop().time()
        await a.publish(name, "23")
        assert await next_message(on_b) == "23"
        assert asyncio.get_running_loop().time() - started < WITHIN
        assert await next_message(again_on_b) == "23"
        await a.publish(channel(), "other channel")
        assert await nothing_arrives(on_b)
    # One subscribing connection per process: its reader task is shared by every subscriber.
    assert b.reader is not None and not b.reader.done()


async def test_redis_closing_ends_the_subscriptions(two_redis_processes):
    a, _ = two_redis_processes
    async with a.subscribe(channel()) as messages:
        await a.close()
        assert await next_message(messages) == "ended"
