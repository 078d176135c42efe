"""Small messages between every process of the site: `publish(channel, payload)`, `subscribe(channel)`.

A process keeps its own subscribers and fans each message out to them; a transport carries the message to
every process (this one included): none on SQLite (one process), PostgreSQL LISTEN/NOTIFY on one dedicated
connection per process, or Redis pub/sub (REDIS_URL). A payload is an id, never data: a NOTIFY carries at
most 8,000 bytes, and a subscriber reads what it may see from the database itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import sqlalchemy as sa
from quart import Quart, current_app

from core.config import DatabaseSettings, Settings

log = logging.getLogger("mytools.events")

EXTENSION_KEY = "mytools.events"
# One wire channel for every message: one LISTEN (or SUBSCRIBE) per process, whatever the subscribers.
WIRE_CHANNEL = "mytools_events"
MAX_PAYLOAD_BYTES = 1000
QUEUE_SIZE = 64  # messages a slow subscriber may be behind; past it the oldest are dropped
LISTEN_APPLICATION_NAME = "mytools-listen"  # tells the listener apart from the pool in pg_stat_activity
CONNECT_TIMEOUT = 10.0
ENDED = object()


class Unavailable(RuntimeError):
    """This site has no way to carry events between its processes (viewers poll instead)."""


class Subscription:
    """The messages of one channel, in order, as an async iterator; it ends when the transport is lost."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)

    def put(self, item) -> None:
        if self.queue.full():
            self.queue.get_nowait()  # ids only: a subscriber catches up from the database anyway
        self.queue.put_nowait(item)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> str:
        item = await self.queue.get()
        if item is ENDED:
            self.queue.put_nowait(ENDED)  # stays ended
            raise StopAsyncIteration
        return item


def encode(channel: str, payload: str) -> str:
    wire = json.dumps([channel, payload], separators=(",", ":"))
    if len(wire.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"an event is at most {MAX_PAYLOAD_BYTES} bytes: send an id, not the data")
    return wire


def decode(wire: str) -> tuple[str, str] | None:
    try:
        channel, payload = json.loads(wire)
    except (ValueError, TypeError):
        return None
    return (channel, payload) if isinstance(channel, str) and isinstance(payload, str) else None


class Broadcaster:
    """This process's subscribers, and the transport that brings every process's messages to them."""

    def __init__(self) -> None:
        self.subscribers: dict[str, set[Subscription]] = {}
        self.lock = asyncio.Lock()  # one listening connection, however many subscribe at once

    async def publish(self, channel: str, payload: str) -> None:
        await self.send(encode(channel, payload))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        await self.listen()  # before the caller reads anything, so nothing published after this is missed
        subscription = Subscription()
        self.subscribers.setdefault(channel, set()).add(subscription)
        try:
            yield subscription
        finally:
            members = self.subscribers.get(channel, set())
            members.discard(subscription)
            if not members:
                self.subscribers.pop(channel, None)

    def deliver(self, wire: str) -> None:
        message = decode(wire)
        if message is None:
            log.warning("ignored a malformed event")
            return
        channel, payload = message
        for subscription in tuple(self.subscribers.get(channel, ())):
            subscription.put(payload)

    def end_all(self) -> None:
        """The transport is gone: every subscription ends (viewers reconnect, or poll)."""
        for members in tuple(self.subscribers.values()):
            for subscription in members:
                subscription.put(ENDED)
        self.subscribers.clear()

    @property
    def subscriber_count(self) -> int:
        return sum(len(members) for members in self.subscribers.values())

    # --- the transport: subclasses carry messages between processes ---

    async def send(self, wire: str) -> None:
        self.deliver(wire)  # in-process: one process is the whole site (SQLite)

    async def listen(self) -> None:
        """Make sure this process receives every message (opens the transport's connection on first use)."""
        if self.listening():
            return
        async with self.lock:
            if not self.listening():
                await self.start_listening()

    def listening(self) -> bool:
        return True

    async def start_listening(self) -> None:
        pass

    async def close(self) -> None:
        self.end_all()


class UnavailableBroadcaster(Broadcaster):
    """Behind PgBouncer in transaction mode without REDIS_URL: LISTEN cannot work, so nobody subscribes."""

    async def send(self, wire: str) -> None:
        pass

    def listening(self) -> bool:
        return False

    async def start_listening(self) -> None:
        raise Unavailable("live updates need REDIS_URL when DATABASE_PGBOUNCER is on (LISTEN needs a session)")


class PostgresBroadcaster(Broadcaster):
    """NOTIFY through the app's pool (one statement, committed at once); LISTEN on one connection of its own,
    opened on the first subscription and kept for the process's life (one more connection per worker)."""

    def __init__(self, database, settings: DatabaseSettings) -> None:
        super().__init__()
        self.database = database
        self.settings = settings
        self.connection = None

    async def send(self, wire: str) -> None:
        await self.database.execute(sa.select(sa.func.pg_notify(WIRE_CHANNEL, wire)))

    def listening(self) -> bool:
        return self.connection is not None and not self.connection.is_closed()

    async def start_listening(self) -> None:
        self.connection = await self.connect()

    async def connect(self):
        import asyncpg

        from core.db import asyncpg_ssl

        connection = await asyncpg.connect(
            self.settings.url,
            ssl=asyncpg_ssl(self.settings.ssl),
            timeout=CONNECT_TIMEOUT,
            server_settings={"application_name": LISTEN_APPLICATION_NAME},
        )
        connection.add_termination_listener(self.lost)
        await connection.add_listener(WIRE_CHANNEL, self.notified)
        return connection

    def notified(self, connection, pid: int, channel: str, payload: str) -> None:
        self.deliver(payload)

    def lost(self, connection) -> None:
        if connection is self.connection:  # not our own close()
            log.warning("the event listener's database connection closed; live viewers fall back to polling")
            self.connection = None
            self.end_all()

    async def close(self) -> None:
        connection, self.connection = self.connection, None
        self.end_all()
        if connection is not None and not connection.is_closed():
            await connection.close(timeout=2)


class RedisBroadcaster(Broadcaster):
    """PUBLISH on one connection, SUBSCRIBE on another, opened on the first subscription: at most 2 per worker."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.publisher = None
        self.reader: asyncio.Task | None = None

    def client(self):
        from redis.asyncio import BlockingConnectionPool, Redis

        from core.ratelimit_stores import redis_options

        options = {**redis_options(self.url), "max_connections": 1}
        return Redis(connection_pool=BlockingConnectionPool.from_url(self.url, **options))

    async def send(self, wire: str) -> None:
        if self.publisher is None:
            self.publisher = self.client()
        await self.publisher.publish(WIRE_CHANNEL, wire)

    def listening(self) -> bool:
        return self.reader is not None and not self.reader.done()

    async def start_listening(self) -> None:
        subscriber = self.client()
        pubsub = subscriber.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(WIRE_CHANNEL)
        self.reader = asyncio.create_task(self.read(subscriber, pubsub), name="mytools-events-redis")

    async def read(self, subscriber, pubsub) -> None:
        from redis.exceptions import ConnectionError, TimeoutError

        try:
            while True:
                # A bounded wait: the socket timeout applies to each read, and an idle channel is normal.
                message = await pubsub.get_message(timeout=1.0)
                if message is not None and message.get("type") == "message":
                    data = message["data"]
                    self.deliver(data.decode() if isinstance(data, bytes) else data)
        except (ConnectionError, TimeoutError, OSError) as exc:
            log.warning("the event subscriber's Redis connection failed (%s); live viewers fall back to polling", exc)
        finally:
            self.end_all()
            await pubsub.aclose()
            await subscriber.aclose()

    async def close(self) -> None:
        reader, self.reader = self.reader, None
        if reader is not None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        self.end_all()
        if self.publisher is not None:
            await self.publisher.aclose()
            self.publisher = None


def make_broadcaster(settings: Settings, database) -> Broadcaster:
    """Redis when REDIS_URL is set, else PostgreSQL's LISTEN/NOTIFY (not through PgBouncer), else (SQLite) this
    process alone."""
    if settings.redis_url:
        return RedisBroadcaster(settings.redis_url)
    if not settings.database.is_sqlite:
        if settings.database.pgbouncer:
            return UnavailableBroadcaster()
        return PostgresBroadcaster(database, settings.database)
    return Broadcaster()


def install_events(app: Quart, settings: Settings, database) -> None:
    """One broadcaster per app, closed after serving (its connections are opened on first use)."""
    app.extensions[EXTENSION_KEY] = broadcaster = make_broadcaster(settings, database)

    @app.after_serving
    async def close_events() -> None:
        await broadcaster.close()


def current_broadcaster() -> Broadcaster:
    return current_app.extensions[EXTENSION_KEY]


async def publish(channel: str, payload: str) -> None:
    """Send `payload` (an id: at most ~1,000 bytes with the channel) to every subscriber of `channel`, everywhere."""
    await current_broadcaster().publish(channel, payload)


def subscribe(channel: str) -> Callable:
    """`async with subscribe(channel) as messages: async for payload in messages: …` (ends if the transport is lost)."""
    return current_broadcaster().subscribe(channel)
