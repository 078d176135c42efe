"""Failed logins are limited per client address and per account, on every database and counter store.

The limits of LOW_LIMITS: 3 failures per account, 4 per address, in a 900 s window.
"""

from __future__ import annotations

import asyncio

import pytest

from core import login as login_module
from core.auth import create_user
from tests.conftest import make_app
from tests.ratelimitutil import LOW_LIMITS, unique, unique_address

PASSWORD = "correct horse battery"


@pytest.fixture
async def account(limited_app) -> str:
    """A fresh owner account (a name no earlier run has counted failures for)."""
    name = unique("owner")
    async with limited_app.app_context():
        await create_user(name, PASSWORD)
    return name


async def log_in(app, name: str, password: str, address: str):
    client = app.test_client()
    return await client.post("/login", form={"name": name, "password": password}, scope_base={"client": (address, 1)})


async def statuses(app, attempts: list[tuple[str, str]], address: str) -> list[int]:
    return [(await log_in(app, name, password, address)).status_code for name, password in attempts]


async def test_account_failures_get_429_with_retry_after_until_the_window_ends(limited_app, account, clock):
    clock.advance(60)
    address = unique_address()
    assert await statuses(limited_app, [(account, "wrong guess")] * 3, address) == [401, 401, 401]
    refused = await log_in(limited_app, account, PASSWORD, address)  # even the right password now
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "840"
    assert "Too many failed logins. Try again in 14 minutes." in await refused.get_data(as_text=True)
    # The account's counter, whatever the case typed and wherever the guess comes from.
    assert (await log_in(limited_app, account.upper(), PASSWORD, unique_address())).status_code == 429
    clock.advance(840)
    assert (await log_in(limited_app, account, PASSWORD, address)).status_code == 302


async def test_address_failures_get_429_whatever_account_they_try(limited_app, account, clock):
    address = unique_address()
    guesses = [(unique("nobody"), "wrong guess") for _ in range(4)]
    assert await statuses(limited_app, guesses, address) == [401, 401, 401, 401]
    refused = await log_in(limited_app, account, PASSWORD, address)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "900")
    assert (await log_in(limited_app, account, PASSWORD, unique_address())).status_code == 302


async def test_a_limited_login_costs_no_password_check(limited_app, account, clock, monkeypatch):
    checked = []
    real_check = login_module.check_password

    async def counting_check(name: str, password: str):
        checked.append(name)
        return await real_check(name, password)

    monkeypatch.setattr(login_module, "check_password", counting_check)
    address = unique_address()
    assert await statuses(limited_app, [(account, "wrong guess")] * 5, address) == [401, 401, 401, 429, 429]
    assert len(checked) == 3


async def test_a_success_clears_the_account_and_does_not_count_against_the_address(limited_app, account, clock):
    address = unique_address()
    attempts = [(account, "wrong 1"), (account, "wrong 2"), (account, PASSWORD), (account, "wrong 3")]
    attempts += [(account, "wrong 4"), (account, "wrong 5")]
    # Account: 1, 2, cleared, 1, 2, 3. Address: 1, 2, (3 taken back), 3, 4, then 5 > 4.
    assert await statuses(limited_app, attempts, address) == [401, 401, 302, 401, 401, 429]


async def test_empty_fields_are_not_counted(limited_app, account, clock):
    address = unique_address()
    assert await statuses(limited_app, [(account, "")] * 5, address) == [401] * 5
    assert (await log_in(limited_app, account, PASSWORD, address)).status_code == 302


async def test_parallel_guesses_cannot_slip_past_the_limit(limited_app, account, clock):
    responses = await asyncio.gather(*(log_in(limited_app, account, f"guess {i}", unique_address()) for i in range(8)))
    assert sorted(r.status_code for r in responses) == [401] * 3 + [429] * 5


async def test_the_limit_holds_across_app_instances(limited_app, account, database_url, store_settings, clock):
    """What one worker counted, another worker (another app on the same database or Redis) refuses."""
    address = unique_address()
    assert await statuses(limited_app, [(account, "wrong guess")] * 3, address) == [401, 401, 401]
    second = make_app(database_url, **store_settings, **LOW_LIMITS)
    async with second.test_app():
        assert (await log_in(second, account, PASSWORD, address)).status_code == 429
