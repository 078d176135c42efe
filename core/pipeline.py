"""The request pipeline in one ordered list: every layer and app-wide hook a request meets, and why there.

create_app builds the app's parts first (settings, extensions, blueprints), then calls install_pipeline
last. A hook registered app-wide anywhere else makes install_pipeline refuse to build the app, so the order
below is the order that runs. (A tool's own blueprint hooks, e.g. password's no-store, run before the
app-wide after_request hooks, as Quart does for blueprints.)

A request, from the server in:

    ASGI_LAYERS     outermost first, then Quart
    BEFORE_REQUEST  in the order they run, then the view
    AFTER_REQUEST   in the order they run (Quart calls them last-registered first: registered reversed here)
"""

from __future__ import annotations

from collections.abc import Callable

from quart import Quart

from core.config import Settings
from core.direct import DirectApi
from core.errors import read_api_json, refuse_unknown_fields
from core.favorites import record_owner_visit
from core.gc_tuning import install_gc_tuning
from core.hosts import HostAndProxyMiddleware
from core.mcp_server import McpEndpoint
from core.page_cache import PageCache
from core.patches import drop_flask_context_processors
from core.security import add_security_headers, refuse_cross_site_writes
from core.static import CompressionMiddleware, cache_static_files


def asgi_layers(settings: Settings, quart: Quart) -> tuple[tuple[str, Callable], ...]:
    """(name, wrap) of each ASGI layer around Quart, outermost first."""
    return (
        # Nothing answers a Host that is not allowed, not even from the page cache; the client address and
        # scheme come from exactly MYTOOLS_PROXY_HOPS trusted proxies (Heroku's router is one).
        (
            "hosts",
            lambda app: HostAndProxyMiddleware(
                app, settings.allowed_hosts, settings.proxy_hops, settings.allowed_host_suffixes
            ),
        ),
        # /mcp, for AI assistants (API token required): after the host check; the tools it calls are requests
        # to the API routes, made through every layer below, so they are answered exactly as the API answers.
        ("mcp", lambda app: McpEndpoint(app, quart, settings)),
        # Anonymous tool pages from memory: after the host check, outside compression (it keeps gzip bytes).
        ("page cache", lambda app: PageCache(app, settings.page_cache_entries)),
        # gzip, except for requests another site started (BREACH); it only rewrites the answer.
        ("compression", CompressionMiddleware),
        # Innermost: a cheap contract operation's successful API call answered without Quart's request
        # machinery (about a third of the cost); anything else, errors included, goes on to Quart.
        ("direct api", lambda app: DirectApi(app, quart)),
    )


BEFORE_REQUEST: tuple[Callable, ...] = (
    # First: a cross-site write is refused before anything reads its body, session or token.
    refuse_cross_site_writes,
    # An API body that is not JSON is a 400 with the parser's message, before quart-schema sees it.
    read_api_json,
    # Unknown fields of an API body: a 422 naming them (reads the JSON parsed above).
    refuse_unknown_fields,
    # Last: an owner's recently used tools, for requests that passed every check above.
    record_owner_visit,
)


def after_request(auth) -> tuple[Callable, ...]:
    """The app-wide after_request hooks, in the order they run."""
    return (
        # A versioned static URL is cached a year; an unversioned one revalidates.
        cache_static_files,
        # CSP, nosniff, frame and referrer policy (HSTS over HTTPS) on every answer, static files included.
        add_security_headers,
        # Last: quart-auth's cookie, and no-store on whatever an owner sees, whatever a hook above set.
        auth.after_request,
    )


class UndeclaredHook(RuntimeError):
    """An app-wide request hook was registered outside this module."""


def check_no_other_hooks(app: Quart, before: tuple, after: tuple) -> None:
    stray = [f for f in app.before_request_funcs.get(None, ()) if f not in before]
    stray += [f for f in app.after_request_funcs.get(None, ()) if f not in after]
    if stray:
        names = ", ".join(getattr(f, "__qualname__", repr(f)) for f in stray)
        raise UndeclaredHook(f"app-wide request hooks registered outside core/pipeline.py: {names}")


def install_pipeline(app: Quart, settings: Settings, auth) -> None:
    """Call last in create_app: the ASGI layers and the app-wide request hooks, in the order declared above."""
    after = after_request(auth)
    check_no_other_hooks(app, BEFORE_REQUEST, after)  # quart-auth registered its hook itself: it is declared
    app.before_request_funcs[None] = list(BEFORE_REQUEST)
    app.after_request_funcs[None] = list(reversed(after))
    for _name, wrap in reversed(asgi_layers(settings, app)):
        app.asgi_app = wrap(app.asgi_app)
    drop_flask_context_processors(app)  # after every blueprint is registered (core/patches.py)
    install_gc_tuning(app)  # the last startup hook: it freezes the heap every other one built
