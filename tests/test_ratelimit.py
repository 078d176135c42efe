"""Rate-limit counters: fixed windows, atomic counts, shared by every app instance, in the database or in Redis."""

from __future__ import annotations

import asyncio
import math
import time

import pytest
import sqlalchemy as sa

from core.config import ConfigError, load_settings
from core.db import get_db
from core.ratelimit import EXTENSION_KEY, Rule, decide, hit, reset, take_back, wait_phrase, window_key
from core.ratelimit_stores import REDIS_KEY_PREFIX, DatabaseStore, RedisStore, rate_limits, redis_options
from tests.conftest import make_app
from tests.ratelimitutil import LOW_LIMITS, START, redis_url, unique
from tests.serverutil import free_port

RULE = Rule("test", 3, 60)


# --- pure parts ----------------------------------------------------------------------------


def test_the_key_names_the_rule_and_window_but_never_the_subject():
    key, window_end = window_key(Rule("login-account", 5, 900), "hunter2 typed as a name", START + 899)
    assert key.startswith("login-account:") and key.endswith(f":{int(START // 900)}")
    assert "hunter2" not in key and len(key) <= 100  # the rate_limits key column
    assert window_end == START + 900
    assert window_key(RULE, "a", START)[0] == window_key(RULE, "a", START + 59.9)[0]
    assert window_key(RULE, "a", START)[0] != window_key(RULE, "a", START + 60)[0]
    assert window_key(RULE, "a", START)[0] != window_key(RULE, "b", START)[0]
    assert window_key(RULE, "a" * 100_000, START)[0] == window_key(RULE, "a" * 100_000, START)[0]


@pytest.mark.parametrize(
    "count, moment, allowed, retry_after",
    [(1, START, True, 60), (3, START + 15, True, 45), (4, START + 15, False, 45), (9, START + 59.5, False, 1)],
)
def test_decision_allows_up_to_the_limit_and_says_when_the_window_ends(count, moment, allowed, retry_after):
    decision = decide(RULE, count, moment, START + 60)
    assert (decision.allowed, decision.count, decision.retry_after) == (allowed, count, retry_after)


@pytest.mark.parametrize(
    "seconds, phrase", [(1, "1 second"), (45, "45 seconds"), (60, "1 minute"), (61, "2 minutes"), (840, "14 minutes")]
)
def test_wait_phrase(seconds, phrase):
    assert wait_phrase(seconds) == phrase


def test_rediss_skips_certificate_checks_for_herokus_self_signed_certificate():
    assert redis_options("rediss://:pw@ec2-1-2-3-4.compute-1.amazonaws.com:6380")["ssl_cert_reqs"] is None
    assert "ssl_cert_reqs" not in redis_options("redis://127.0.0.1:6379/0")


def test_settings_defaults_and_checks():
    settings = load_settings({})
    assert (settings.redis_url, settings.login_failure_window_seconds) == ("", 900)
    assert (settings.login_max_failures_per_address, settings.login_max_failures_per_account) == (10, 5)
    assert (settings.paste_anonymous_per_hour, settings.hooks_captures_per_minute) == (30, 120)
    assert load_settings({"REDIS_URL": "rediss://h:6380"}).redis_url == "rediss://h:6380"
    with pytest.raises(ConfigError, match="REDIS_URL must start with redis:// or rediss://"):
        load_settings({"REDIS_URL": "http://h:6379"})
    with pytest.raises(ConfigError, match="LOGIN_MAX_FAILURES_PER_ACCOUNT must be at least 1"):
        load_settings({"LOGIN_MAX_FAILURES_PER_ACCOUNT": "0"})


def test_the_store_follows_redis_url():
    assert isinstance(make_app("sqlite:///:memory:").extensions[EXTENSION_KEY], DatabaseStore)
    assert isinstance(make_app("sqlite:///:memory:", REDIS_URL="redis://h:1").extensions[EXTENSION_KEY], RedisStore)


# --- each store ----------------------------------------------------------------------------


async def test_hits_are_allowed_up_to_the_limit_then_refused_until_the_window_ends(limited_app, clock):
    subject = unique("client-")
    clock.advance(15)
    async with limited_app.app_context():
        decisions = [await hit(subject, RULE) for _ in range(4)]
        assert [(d.allowed, d.count) for d in decisions] == [(True, 1), (True, 2), (True, 3), (False, 4)]
        assert decisions[-1].retry_after == 45
        assert (await hit(unique("other-"), RULE)).count == 1  # another subject has its own counter
        clock.advance(45)  # the next window
        fresh = await hit(subject, RULE)
    assert (fresh.allowed, fresh.count, fresh.retry_after) == (True, 1, 60)


async def test_take_back_never_goes_below_zero_and_reset_starts_afresh(limited_app, clock):
    subject = unique("client-")
    async with limited_app.app_context():
        await hit(subject, RULE)
        await hit(subject, RULE)
        await take_back(subject, RULE)
        assert (await hit(subject, RULE)).count == 2
        await reset(subject, RULE)
        assert (await hit(subject, RULE)).count == 1
        await take_back(subject, RULE)
        await take_back(subject, RULE)  # already at zero: stays there
        assert (await hit(subject, RULE)).count == 1
        clock.advance(60)
        await take_back(subject, RULE)  # no counter in this window yet: none is made
        assert (await hit(subject, RULE)).count == 1


async def test_simultaneous_hits_each_get_their_own_count(limited_app, clock):
    subject = unique("client-")
    async with limited_app.app_context():
        decisions = await asyncio.gather(*(hit(subject, RULE) for _ in range(12)))
    assert sorted(d.count for d in decisions) == list(range(1, 13))  # a read-then-write would repeat counts
    assert sum(d.allowed for d in decisions) == RULE.limit


async def test_two_app_instances_share_the_counters(limited_app, database_url, store_settings, clock):
    """Two workers (or dynos) are two app instances on the same database or Redis."""
    subject = unique("client-")
    second = make_app(database_url, **store_settings, **LOW_LIMITS)
    async with second.test_app():
        for app in (limited_app, second, limited_app):
            async with app.app_context():
                await hit(subject, RULE)
        async with second.app_context():
            decision = await hit(subject, RULE)
    assert (decision.allowed, decision.count) == (False, 4)


async def test_a_one_second_window_really_ends(limited_app):
    subject, rule = unique("client-"), Rule("test", 1, 1)
    async with limited_app.app_context():
        if math.ceil(time.time()) - time.time() < 0.2:  # too near the window's end to see two hits in it
            await asyncio.sleep(0.25)
        assert (await hit(subject, rule)).allowed
        assert not (await hit(subject, rule)).allowed
        await asyncio.sleep(math.ceil(time.time()) - time.time() + 0.05)
        assert (await hit(subject, rule)).allowed


# --- database store ------------------------------------------------------------------------


async def test_ended_windows_are_deleted_when_a_new_window_begins(app, clock):
    async def rows() -> int:
        return await get_db().fetch_val(sa.select(sa.func.count()).select_from(rate_limits))

    async with app.app_context():
        await hit("a", RULE)
        await hit("b", RULE)
        await hit("b", RULE)
        assert await rows() == 2
        clock.advance(60)
        await hit("a", RULE)
        assert await rows() == 1  # b's ended window went with it: the table holds only live windows


# --- Redis store ---------------------------------------------------------------------------


@pytest.fixture
async def redis_app(database_url):
    application = make_app(database_url, REDIS_URL=redis_url())
    async with application.test_app():
        yield application


async def test_redis_counters_expire_with_their_window(redis_app, clock):
    subject = unique("client-")
    clock.advance(15)
    store = redis_app.extensions[EXTENSION_KEY]
    async with redis_app.app_context():
        await hit(subject, RULE)
        await hit(subject, RULE)
    key = REDIS_KEY_PREFIX + window_key(RULE, subject, clock())[0]
    assert await store.client.get(key) == b"2"
    assert 44 <= await store.client.ttl(key) <= 45


async def test_redis_client_is_opened_before_serving_and_closed_after(database_url):
    application = make_app(database_url, REDIS_URL=redis_url())
    store = application.extensions[EXTENSION_KEY]
    assert store.client is None  # create_app does no I/O
    async with application.test_app():
        assert await store.client.ping()
    assert store.client is None


async def test_an_unreachable_redis_is_a_503_with_retry_after(database_url):
    application = make_app(database_url, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    async with application.test_app():
        response = await application.test_client().post("/login", form={"name": "owner", "password": "guess"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "rate limits (Redis) is unavailable" in await response.get_data(as_text=True)
