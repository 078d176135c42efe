"""Where a request comes from: its Host checked against the configured names, the client address and scheme
from the trusted proxy hop (never X-Forwarded-Host), and absolute URLs built from MYTOOLS_BASE_URL."""

from __future__ import annotations

import logging
import re
from ipaddress import IPv6Address
from urllib.parse import urlsplit

from quart import Quart, has_request_context, request

from core.config import Settings, current_settings

log = logging.getLogger("mytools")

# A name (letters, digits, dots, hyphens) or a bracketed IPv6 address, then an optional port; nothing else.
HOST_HEADER = re.compile(r"(?P<name>[a-z0-9_][a-z0-9_.-]*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?")
# The trusted hop's X-Forwarded-Proto as an ASGI scheme; any other value is ignored.
SCHEMES = {"http": {"http": "http", "https": "https"}, "websocket": {"http": "ws", "https": "wss"}}
NO_HOST_MESSAGE = "Bad Request: the request has no valid Host header.\n"


def host_name(header: str) -> str | None:
    """The name part of a Host header as configured names are written: 'Tools.Example.com.:443' ->
    'tools.example.com', '[::1]:5000' -> '::1'; None when the header is malformed."""
    match = HOST_HEADER.fullmatch(header.lower())
    if match is None:
        return None
    name = match["name"]
    if name.startswith("["):
        try:
            return str(IPv6Address(name[1:-1]))
        except ValueError:
            return None
    return name.removesuffix(".")


def refusal_message(name: str) -> str:
    return (
        f"Bad Request: this site does not answer to the host name {name!r}. Its operator can add the name to "
        "MYTOOLS_ALLOWED_HOSTS or set MYTOOLS_BASE_URL.\n"
    )


def trusted_value(values: list[str], hops: int) -> str | None:
    """The value the outermost trusted proxy appended (the rightmost `hops`-th); None when it is missing."""
    return values[-hops] if hops and len(values) >= hops else None


class HostAndProxyMiddleware:
    """400 for a Host this site does not answer to; client address and scheme from the trusted proxy hops.

    Hypercorn's ProxyFixMiddleware (legacy mode) also replaced Host with X-Forwarded-Host, which the client
    chooses and Heroku's router passes on: every absolute URL (redirects included) then pointed elsewhere.
    It also deep-copied the scope: ~59 µs per request against ~3.5 µs here (15 Heroku-like headers).
    """

    def __init__(self, app, allowed_hosts: frozenset[str], proxy_hops: int, suffixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.suffixes = suffixes
        self.proxy_hops = proxy_hops

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        hosts: list[str] = []
        forwarded_for: list[str] = []
        forwarded_proto: list[str] = []
        for raw_name, raw_value in scope["headers"]:
            name = raw_name.lower()
            if name == b"host":
                hosts.append(raw_value.decode("latin-1"))
            elif name == b"x-forwarded-for" and self.proxy_hops:
                forwarded_for.extend(v.strip() for v in raw_value.decode("latin-1").split(","))
            elif name == b"x-forwarded-proto" and self.proxy_hops:
                forwarded_proto.extend(v.strip() for v in raw_value.decode("latin-1").split(","))
        name = host_name(hosts[0]) if len(hosts) == 1 else None
        if name is None or (name not in self.allowed_hosts and not (self.suffixes and name.endswith(self.suffixes))):
            await refuse(scope, send, NO_HOST_MESSAGE if name is None else refusal_message(name))
            return
        client = trusted_value(forwarded_for, self.proxy_hops)
        scheme = SCHEMES[scope["type"]].get(trusted_value(forwarded_proto, self.proxy_hops) or "")
        if client is not None or scheme is not None:
            scope = dict(scope)  # a shallow copy: the server's scope stays as it was
            if client is not None:
                scope["client"] = (client, 0)
            if scheme is not None:
                scope["scheme"] = scheme
        await self.app(scope, receive, send)


async def refuse(scope, send, message: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = message.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def use_base_url(app: Quart, base_url: str) -> None:
    """Every URL the app builds as absolute (url_for(..., _external=True), Quart's trailing-slash redirects)
    starts with base_url, whichever allowed host the request named; outside a request too (CLI)."""
    parts = urlsplit(base_url)
    create_for_request = app.create_url_adapter

    def create_url_adapter(for_request):
        if for_request is None:
            return app.url_map.bind(parts.netloc, url_scheme=parts.scheme)
        adapter = create_for_request(for_request)
        # Only building uses these: matching compares paths (the app has no host or subdomain rules).
        adapter.server_name, adapter.url_scheme = parts.netloc, parts.scheme
        return adapter

    app.create_url_adapter = create_url_adapter


def site_hosts() -> frozenset[str]:
    """This site's host names without ports (absolute links to them are this site's own), for rendering."""
    if not has_request_context():
        return frozenset()
    name = host_name(request.host)
    return current_settings().allowed_hosts | ({name} if name else frozenset())


def own_hosts() -> frozenset[str]:
    """The hosts this site is reached under, for "is this URL ours?" checks: every allowed name (any port) and
    this request's host:port."""
    return current_settings().allowed_hosts | {request.host}


def install_hosts(app: Quart, settings: Settings) -> None:
    """The base URL, and a warning when no host is allowed (HostAndProxyMiddleware is placed by core/pipeline.py)."""
    if not settings.allowed_hosts and not settings.allowed_host_suffixes:
        log.warning(
            "No host names are configured: every request is refused with 400. Set MYTOOLS_BASE_URL or "
            "MYTOOLS_ALLOWED_HOSTS (on Heroku: heroku labs:enable runtime-dyno-metadata)"
        )
    if settings.base_url:
        use_base_url(app, settings.base_url)
