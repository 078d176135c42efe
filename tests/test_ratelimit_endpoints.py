"""Public writes are limited per client address (anonymous pastes, hook captures), and the address that counts is
the one Heroku's router saw: a client cannot escape a limit by sending its own X-Forwarded-For values.

The limits of LOW_LIMITS: 2 anonymous pastes per hour, 3 captures per minute, 4 failed logins per address.
"""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest

from core.auth import create_token, create_user
from tests.conftest import make_app
from tests.ratelimitutil import LOW_LIMITS, unique, unique_address

ROUTER = ("10.1.2.3", 5000)  # Heroku's router: the ASGI client of every request behind it


@pytest.fixture
async def owner_token(limited_app) -> str:
    async with limited_app.app_context():
        name = unique("owner")
        await create_user(name, "correct horse battery")
        return await create_token(name)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def at(address: str) -> dict:
    return {"scope_base": {"client": (address, 1)}}


# --- anonymous pastes ----------------------------------------------------------------------


async def test_anonymous_pastes_share_one_limit_per_address_across_form_api_and_curl(limited_app, clock):
    client, address = limited_app.test_client(), unique_address()
    form = await client.post("/tools/paste/", form={"content": "one", "expires": "1h"}, **at(address))
    api = await client.post("/api/paste", json={"content": "two"}, **at(address))
    assert (form.status_code, api.status_code) == (201, 201)

    curl = await client.post("/paste", data=b"three", **at(address))
    assert (curl.status_code, curl.headers["Retry-After"]) == (429, "3600")
    assert await curl.get_data(as_text=True) == "Too many requests from your address. Try again in 60 minutes.\n"
    refused = await client.post("/api/paste", json={"content": "four"}, **at(address))
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "3600")
    message = "Too many requests from your address. Try again in 60 minutes."
    assert await refused.get_json() == {"error": {"message": message, "field": None}}
    page = await client.post("/tools/paste/", form={"content": "five", "expires": "1h"}, **at(address))
    assert (page.status_code, page.headers["Retry-After"]) == (429, "3600")
    assert message in await page.get_data(as_text=True)

    elsewhere = await client.post("/api/paste", json={"content": "six"}, **at(unique_address()))
    assert elsewhere.status_code == 201
    clock.advance(3600)
    assert (await client.post("/api/paste", json={"content": "seven"}, **at(address))).status_code == 201


async def test_the_owner_is_not_limited(limited_app, owner_token, clock):
    client, address, token = limited_app.test_client(), unique_address(), owner_token
    for number in range(4):
        created = await client.post("/api/paste", json={"content": f"{number}"}, headers=bearer(token), **at(address))
        assert created.status_code == 201
    curl = await client.post("/paste", data=b"more", headers=bearer(owner_token), **at(address))
    assert curl.status_code == 201


# --- hook captures -------------------------------------------------------------------------


async def test_captures_are_limited_per_address_and_refusals_are_not_stored(limited_app, owner_token, clock):
    client, address = limited_app.test_client(), unique_address()
    response = await client.post("/api/hooks", json={}, headers=bearer(owner_token))
    bin_id = (await response.get_json())["id"]
    methods = ["POST", "GET", "PUT"]
    for method in methods:
        assert (await client.open(f"/hooks/{bin_id}", method=method, **at(address))).status_code == 200
    refused = await client.post(f"/hooks/{bin_id}", data=b"fourth", **at(address))
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "60")
    assert await refused.get_data(as_text=True) == "Too many requests from your address. Try again in 1 minute.\n"
    # Unknown bins count too: guessing ids costs the same budget.
    assert (await client.post("/hooks/no-such-bin", **at(address))).status_code == 429

    assert (await client.post(f"/hooks/{bin_id}", **at(unique_address()))).status_code == 200
    clock.advance(60)
    assert (await client.post(f"/hooks/{bin_id}", **at(address))).status_code == 200
    stored = await client.get(f"/api/hooks/{bin_id}", headers=bearer(owner_token))
    assert [r["method"] for r in (await stored.get_json())["requests"]][::-1] == [*methods, "POST", "POST"]


# --- the client's address behind Heroku's router --------------------------------------------


@pytest.fixture
async def proxied_app(database_url, store_settings):
    """The app as on Heroku: one trusted proxy hop (MYTOOLS_PROXY_HOPS=1)."""
    application = make_app(database_url, MYTOOLS_PROXY_HOPS="1", **store_settings, **LOW_LIMITS)
    async with application.test_app():
        yield application


async def test_a_spoofed_x_forwarded_for_does_not_escape_the_limit(proxied_app, clock):
    client = proxied_app.test_client()
    real, other = unique_address(), unique_address()

    async def attempt(forwarded_for: str) -> int:
        form = {"name": unique("nobody"), "password": "wrong guess"}  # a new account each time: the address counts
        headers = {"X-Forwarded-For": forwarded_for}
        return (await client.post("/login", form=form, headers=headers, scope_base={"client": ROUTER})).status_code

    # The router appends the address it saw; whatever the client put before it is the client's choice.
    assert [await attempt(f"{unique_address()}, {real}") for _ in range(4)] == [401] * 4
    assert await attempt(f"{unique_address()}, {real}") == 429
    assert await attempt(real) == 429
    assert await attempt(f"{real}, {other}") == 401  # another client, though it claims to be `real`


# --- one counter per IPv4 address and per IPv6 /64 ------------------------------------------


def unique_ipv4() -> str:
    """A random address in 198.18.0.0/15 (benchmarking, RFC 2544): a fresh subject on a shared Redis too."""
    value = int(unique("")[:8], 16) % (1 << 17)
    return f"198.{18 + (value >> 16)}.{(value >> 8) & 255}.{value & 255}"


async def spend_one(client, kind: str, address: str, bin_id: str) -> int:
    """One request that counts against the address's limit of `kind`; its status."""
    if kind == "login":
        form = {"name": unique("nobody"), "password": "wrong guess"}
        return (await client.post("/login", form=form, **at(address))).status_code
    if kind == "paste":
        return (await client.post("/api/paste", json={"content": "x"}, **at(address))).status_code
    return (await client.post(f"/hooks/{bin_id}", data=b"x", **at(address))).status_code


LIMITS = {"login": (4, 401), "paste": (2, 201), "capture": (3, 200)}  # LOW_LIMITS, and a counted answer


@pytest.mark.parametrize("kind", sorted(LIMITS))
async def test_addresses_of_one_ipv6_64_share_one_counter(limited_app, owner_token, clock, kind):
    client = limited_app.test_client()
    bin_id = (await (await client.post("/api/hooks", json={}, headers=bearer(owner_token))).get_json())["id"]
    limit, counted = LIMITS[kind]
    network = unique_address().rsplit("::", 1)[0]  # 2001:db8:xxxx:xxxx, a /64 of its own
    rotating = [f"{network}::{n:x}" for n in range(1, limit + 2)]  # a new address for every request
    statuses = [await spend_one(client, kind, address, bin_id) for address in rotating]
    assert statuses == [counted] * limit + [429]
    # The adjacent /64 is another subscriber, with a counter of its own.
    neighbour = IPv6Address(f"{network}::1") + (1 << 64)
    assert await spend_one(client, kind, str(neighbour), bin_id) == counted


@pytest.mark.parametrize("kind", sorted(LIMITS))
async def test_an_ipv4_mapped_address_shares_the_ipv4_counter(limited_app, owner_token, clock, kind):
    client = limited_app.test_client()
    bin_id = (await (await client.post("/api/hooks", json={}, headers=bearer(owner_token))).get_json())["id"]
    limit, counted = LIMITS[kind]
    ipv4 = unique_ipv4()
    spellings = [ipv4 if n % 2 else f"::ffff:{ipv4}" for n in range(limit + 1)]
    statuses = [await spend_one(client, kind, address, bin_id) for address in spellings]
    assert statuses == [counted] * limit + [429]
    assert await spend_one(client, kind, unique_ipv4(), bin_id) == counted
