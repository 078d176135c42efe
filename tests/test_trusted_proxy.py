"""core.security.TrustedProxy: what hypercorn's ProxyFixMiddleware (legacy mode) does, without the deepcopy."""

from __future__ import annotations

import copy

import pytest
from hypercorn.middleware import ProxyFixMiddleware

from core.security import TrustedProxy

HEADER_SETS = [
    [],
    [(b"x-forwarded-for", b"203.0.113.9")],
    [(b"x-forwarded-for", b"198.51.100.1, 203.0.113.9"), (b"x-forwarded-proto", b"https")],
    [(b"X-Forwarded-For", b"10.0.0.1"), (b"x-forwarded-for", b"198.51.100.1 , 203.0.113.9")],
    [(b"x-forwarded-host", b"tools.example"), (b"host", b"internal:8000"), (b"x-forwarded-proto", b"http, https")],
]


async def seen_by_app(middleware_class, scope, **kwargs):
    seen = {}

    async def app(inner_scope, receive, send):
        seen.update(inner_scope)

    await middleware_class(app, **kwargs)(scope, None, None)
    return seen


@pytest.mark.parametrize("headers", HEADER_SETS)
@pytest.mark.parametrize("hops", [1, 2])
async def test_the_app_sees_what_hypercorns_proxy_fix_would_give_it(headers, hops):
    scope = {"type": "http", "scheme": "http", "client": ("10.1.1.1", 5000), "headers": [(b"host", b"a"), *headers]}
    original = copy.deepcopy(scope)
    ours = await seen_by_app(TrustedProxy, scope, hops=hops)
    theirs = await seen_by_app(ProxyFixMiddleware, scope, mode="legacy", trusted_hops=hops)
    assert ours == theirs
    assert scope == original  # the server's scope is left as it was


async def test_the_rightmost_hop_is_the_client_and_its_scheme():
    scope = {"type": "http", "scheme": "http", "client": ("10.1.1.1", 5000), "headers": HEADER_SETS[2]}
    seen = await seen_by_app(TrustedProxy, scope, hops=1)
    assert (seen["client"], seen["scheme"]) == (("203.0.113.9", 0), "https")
