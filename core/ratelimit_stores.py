"""The two homes of rate-limit counters: the `rate_limits` table (default), or Redis when REDIS_URL is set."""

from __future__ import annotations

import math
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from core.db import get_db, metadata, upsert_insert
from core.errors import RateLimitStoreOutage

# One row per subject and window; the key holds the window's number, so a new window is a new row.
rate_limits = sa.Table(
    "rate_limits",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

REDIS_KEY_PREFIX = "mytools:ratelimit:"
# Connections each worker may open to Redis (Heroku Redis Mini allows 20 in all), and how long a
# request waits for one, or for an answer, before it gets a 503.
REDIS_POOL_MAX = 4
REDIS_TIMEOUT = 2.0
# Subtract one only from a counter that exists and is above zero (a window that ended is not revived).
TAKE_BACK_SCRIPT = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


def moment_of(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class DatabaseStore:
    """Counters in the app's database: one INSERT … ON CONFLICT DO UPDATE … RETURNING per hit."""

    async def add(self, key: str, now: float, expires_at: float) -> int:
        db = get_db()
        statement = upsert_insert(rate_limits).values(key=key, count=1, expires_at=moment_of(expires_at))
        statement = statement.on_conflict_do_update(
            index_elements=[rate_limits.c.key], set_={"count": rate_limits.c.count + 1}
        ).returning(rate_limits.c.count)
        count = await db.fetch_val(statement)
        if count == 1:
            # A new window began: drop the ended ones now, so the table holds only live windows.
            await db.execute(rate_limits.delete().where(rate_limits.c.expires_at <= moment_of(now)))
        return count

    async def take_back(self, key: str) -> None:
        query = sa.update(rate_limits).where(rate_limits.c.key == key, rate_limits.c.count > 0)
        await get_db().execute(query.values(count=rate_limits.c.count - 1))

    async def forget(self, key: str) -> None:
        await get_db().execute(rate_limits.delete().where(rate_limits.c.key == key))


def redis_options(url: str) -> dict:
    """Client options for REDIS_URL. Heroku Redis serves rediss:// with a self-signed certificate,
    which no certificate authority vouches for: TLS still encrypts, but the certificate is not checked."""
    options = {"max_connections": REDIS_POOL_MAX, "timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}
    options["socket_connect_timeout"] = REDIS_TIMEOUT
    if urlsplit(url).scheme == "rediss":
        options["ssl_cert_reqs"] = None
    return options


class RedisStore:
    """Counters in Redis: INCR and EXPIRE in one MULTI/EXEC per hit; the key expires with its window."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = None

    async def open(self) -> None:
        # Imported here: only apps with REDIS_URL pay for it (about 0.1 s of each worker's startup).
        from redis.asyncio import BlockingConnectionPool, Redis

        self.client = Redis(connection_pool=BlockingConnectionPool.from_url(self.url, **redis_options(self.url)))
        self.take_back_script = self.client.register_script(TAKE_BACK_SCRIPT)

    async def close(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None

    @asynccontextmanager
    async def reachable(self):
        """Redis down or too slow is an outage (503 with Retry-After), as for the database."""
        from redis.exceptions import ConnectionError, TimeoutError

        try:
            yield
        except (ConnectionError, TimeoutError) as exc:
            raise RateLimitStoreOutage(f"Redis (rate limits) unreachable: {exc}") from exc

    async def add(self, key: str, now: float, expires_at: float) -> int:
        async with self.reachable(), self.client.pipeline(transaction=True) as pipe:
            pipe.incr(REDIS_KEY_PREFIX + key)
            # Relative to the app's clock, so workers whose clocks differ from Redis's still agree.
            pipe.expire(REDIS_KEY_PREFIX + key, max(1, math.ceil(expires_at - now)))
            count, _ = await pipe.execute()
        return count

    async def take_back(self, key: str) -> None:
        async with self.reachable():
            await self.take_back_script(keys=[REDIS_KEY_PREFIX + key])

    async def forget(self, key: str) -> None:
        async with self.reachable():
            await self.client.delete(REDIS_KEY_PREFIX + key)
