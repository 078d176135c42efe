"""Who may run a network tool (Operation.network): the lookups go out from this server's address.

Signed-in accounts (login or API token) may; the command line (the operator) may; visitors may only when
MYTOOLS_NETWORK_PUBLIC is on, and then at most MYTOOLS_NETWORK_PER_HOUR runs per address and hour.
"""

from __future__ import annotations

from quart import current_app, has_request_context

from core.auth import current_user_id
from core.config import current_settings
from core.forms import NetworkAccessRefused
from core.ratelimit import Rule, limit_address, retry_after_header, wait_phrase

COMMAND_LINE_KEY = "MYTOOLS_COMMAND_LINE"  # set by `quart --app app tool`: its requests are the operator's
SIGN_IN_MESSAGE = (
    "Log in to use the network tools: on this site they are for its accounts "
    "(the server's own address makes the lookups; MYTOOLS_NETWORK_PUBLIC is off)."
)


def network_rule() -> Rule:
    return Rule("network", current_settings().network_per_hour, 3600)


async def check_network_access() -> None:
    """Raise NetworkAccessRefused unless this request may run a network tool."""
    if not has_request_context() or current_app.config.get(COMMAND_LINE_KEY):
        return
    if await current_user_id() is not None:
        return
    if not current_settings().network_public:
        raise NetworkAccessRefused(401, SIGN_IN_MESSAGE)
    decision = await limit_address(network_rule())
    if decision is not None:
        message = (
            f"Too many network lookups from your address: the limit is {decision.count - 1} an hour. "
            f"Try again in {wait_phrase(decision.retry_after)}."
        )
        raise NetworkAccessRefused(429, message, retry_after_header(decision))


async def may_use_network() -> bool:
    """For a page's note: would this request be let through (without counting it)?"""
    if not has_request_context() or current_settings().network_public:
        return True
    return await current_user_id() is not None
