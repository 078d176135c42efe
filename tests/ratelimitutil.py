"""Shared by the rate-limit tests: low limits, a clock they can move, the real Redis, fresh subjects."""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest

# A separate Redis database for tests; every test uses its own subjects (addresses, names), so runs never collide.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# .ci/run sets this: there a missing Redis is a failure, never a skip.
REQUIRE_REDIS = os.environ.get("MYTOOLS_REQUIRE_REDIS") == "1"
# A multiple of every window used in the tests, so the first window starts exactly here.
START = 1_800_000_000.0


LOW_LIMITS = {
    "LOGIN_MAX_FAILURES_PER_ADDRESS": "4",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": "3",
    "LOGIN_FAILURE_WINDOW_SECONDS": "900",
    "PASTE_ANONYMOUS": "true",
    "PASTE_ANONYMOUS_PER_HOUR": "2",
    "HOOKS_CAPTURES_PER_MINUTE": "3",
}


class Clock:
    """Stands in for core.ratelimit.now: windows end when a test says so, not after minutes of sleep."""

    def __init__(self) -> None:
        self.moment = START

    def __call__(self) -> float:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += seconds


def redis_url() -> str:
    """TEST_REDIS_URL when a server answers there; else skip (fail when MYTOOLS_REQUIRE_REDIS=1)."""
    parts = urlsplit(TEST_REDIS_URL)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        answering = sock.connect_ex((parts.hostname or "127.0.0.1", parts.port or 6379)) == 0
    if not answering:
        if REQUIRE_REDIS:
            pytest.fail(f"no Redis at {TEST_REDIS_URL} but the Redis tests are required")
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


def unique(prefix: str) -> str:
    """A subject no other test (or earlier run on the same Redis) has used."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def unique_address() -> str:
    """A random address in the documentation prefix 2001:db8::/32, as a client's, in a /64 of its own (per-address
    limits count an IPv6 client by its /64)."""
    d = uuid.uuid4().hex[:16]
    return f"2001:db8:{d[0:4]}:{d[4:8]}::{d[8:12]}:{d[12:16]}"
