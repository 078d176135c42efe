"""The request pipeline runs in the one order core/pipeline.py declares."""

from __future__ import annotations

import pytest

from core.direct import DirectApi
from core.errors import read_api_json, refuse_unknown_fields
from core.favorites import record_owner_visit
from core.hosts import HostAndProxyMiddleware
from core.mcp_server import McpEndpoint
from core.page_cache import PageCache
from core.pipeline import UndeclaredHook, install_pipeline
from core.security import add_security_headers, refuse_cross_site_writes
from core.static import CompressionMiddleware, cache_static_files
from tests.conftest import make_app


def asgi_chain(app) -> list[type]:
    """The ASGI layers from the server in, down to Quart's own asgi_app."""
    layers, layer = [], app.asgi_app
    while hasattr(layer, "app"):
        layers.append(type(layer))
        layer = layer.app
    assert layer == app.__class__.asgi_app.__get__(app)  # the innermost is Quart itself
    return layers


def test_the_asgi_layers_from_the_outermost_in(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite3")
    # The host check first (nothing, not even a cached page, answers a refused Host), then /mcp (its tool calls
    # go through every layer below it), then the page cache (it keeps compressed bytes, so it sits outside
    # compression), then gzip, then the direct API answers (compressed like Quart's).
    assert asgi_chain(app) == [HostAndProxyMiddleware, McpEndpoint, PageCache, CompressionMiddleware, DirectApi]


def test_the_request_hooks_run_in_the_declared_order(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite3")
    assert app.before_request_funcs[None] == [
        refuse_cross_site_writes,
        read_api_json,
        refuse_unknown_fields,
        record_owner_visit,
    ]
    auth = app.extensions["QUART_AUTH"][0]
    # Quart runs after_request hooks last-registered first.
    assert list(reversed(app.after_request_funcs[None])) == [
        cache_static_files,
        add_security_headers,
        auth.after_request,
    ]


async def test_a_cross_site_write_is_refused_before_its_json_is_read(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite3", MYTOOLS_AUTO_MIGRATE="true")
    async with app.test_app():
        response = await app.test_client().post(
            "/api/hash", data="{not json", headers={"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}
        )
        assert response.status_code == 403  # not the 400 of read_api_json, which comes second
        assert response.headers["X-Frame-Options"] == "DENY"  # after_request hooks ran on the refusal


def test_a_hook_registered_elsewhere_refuses_to_build(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite3")

    async def stray() -> None:
        return None

    app.before_request(stray)
    with pytest.raises(UndeclaredHook, match="stray"):
        install_pipeline(app, app.config["MYTOOLS_SETTINGS"], app.extensions["QUART_AUTH"][0])
