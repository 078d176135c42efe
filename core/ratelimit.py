"""Rate limits shared by every worker: fixed-window counters in the database, or in Redis when REDIS_URL is set."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Protocol

from quart import Quart, current_app, request

from core.config import Settings
from core.netaddr import ip_key
from core.ratelimit_stores import DatabaseStore, RedisStore

EXTENSION_KEY = "mytools.ratelimit"


@dataclass(frozen=True)
class Rule:
    """At most `limit` hits per `window` seconds for one subject (an address, an account)."""

    name: str
    limit: int
    window: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int  # hits in the current window, this one included
    retry_after: int  # whole seconds until the window ends


class CounterStore(Protocol):
    """Where the counters live; every worker of every dyno must see the same ones."""

    async def add(self, key: str, now: float, expires_at: float) -> int:
        """Add one to the counter (created at 1) and return it; it may be dropped after expires_at."""

    async def take_back(self, key: str) -> None:
        """Subtract one from the counter if it exists and is above zero."""

    async def forget(self, key: str) -> None:
        """Drop the counter."""


def now() -> float:
    """Wall-clock seconds: workers and dynos must agree on the window (tests replace this)."""
    return time.time()


def window_key(rule: Rule, subject: str, moment: float) -> tuple[str, float]:
    """The counter's key for this subject in the window holding `moment`, and when that window ends.

    The subject is hashed: it may be anything a client typed (a password in the name field), and the
    key stays short whatever its length.
    """
    index = math.floor(moment / rule.window)
    digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{rule.name}:{digest}:{index}", float((index + 1) * rule.window)


def decide(rule: Rule, count: int, moment: float, window_end: float) -> Decision:
    retry_after = max(1, math.ceil(window_end - moment))
    return Decision(allowed=count <= rule.limit, count=count, retry_after=retry_after)


def current_store() -> CounterStore:
    return current_app.extensions[EXTENSION_KEY]


async def hit(subject: str, rule: Rule) -> Decision:
    """Count one hit for `subject` under `rule` (one atomic step) and say whether it is within the limit."""
    moment = now()
    key, window_end = window_key(rule, subject, moment)
    count = await current_store().add(key, moment, window_end)
    return decide(rule, count, moment, window_end)


async def take_back(subject: str, rule: Rule) -> None:
    """Undo one hit of the current window (a login attempt that turned out to be a success)."""
    await current_store().take_back(window_key(rule, subject, now())[0])


async def reset(subject: str, rule: Rule) -> None:
    """Start the subject's current window from zero."""
    await current_store().forget(window_key(rule, subject, now())[0])


def client_address() -> str:
    """The subject of per-address limits: with MYTOOLS_PROXY_HOPS=1 the address is the rightmost X-Forwarded-For
    hop, the one Heroku's router appended (the leftmost ones are the client's to choose). An IPv6 client counts
    by its /64, which one subscriber holds whole; ::ffff:1.2.3.4 counts as 1.2.3.4."""
    return ip_key(request.remote_addr or "unknown")


async def limit_address(rule: Rule) -> Decision | None:
    """Count this request against the client's address; the decision when it is over the limit, else None."""
    decision = await hit(client_address(), rule)
    return None if decision.allowed else decision


def retry_after_header(decision: Decision) -> dict[str, str]:
    return {"Retry-After": str(decision.retry_after)}


def wait_phrase(seconds: int) -> str:
    """65 -> "2 minutes", 30 -> "30 seconds"."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def too_many_requests_message(decision: Decision) -> str:
    return f"Too many requests from your address. Try again in {wait_phrase(decision.retry_after)}."


def install_rate_limits(app: Quart, settings: Settings) -> None:
    """The app's one counter store: Redis when REDIS_URL is set (its client opens before serving), else the DB."""
    if not settings.redis_url:
        app.extensions[EXTENSION_KEY] = DatabaseStore()
        return
    app.extensions[EXTENSION_KEY] = store = RedisStore(settings.redis_url)
    app.before_serving(store.open)
    app.after_serving(store.close)
