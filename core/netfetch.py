"""HTTP through the SSRF guard: every hop's host resolved once and checked (core/netguard.py), the request sent
to the checked address (TLS with SNI and verification against the name), redirects followed only after
their own check, with time limits, a body cap, and no cookies or credentials ever sent. HTTP/1.1 by h11."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import h11

from core import netguard
from core.config import Settings
from core.forms import ToolInputError
from core.netguard import close_connection, connect_checked, parse_host

MAX_REDIRECTS = 5
READ_SECONDS = 8.0
MAX_BODY_BYTES = 1 * 2**20
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "mytools-network-check/1"
SAFE_IN_TARGET = "/?&=%:@!$'()*+,;~-._[]"  # what stays as is when a path is percent-encoded


@dataclass(frozen=True)
class Target:
    """One URL taken apart for a request: what to connect to and what to ask for."""

    url: str
    scheme: str
    host: str  # as written (an address in any spelling, or a name); checked by the guard
    host_header: str
    port: int
    path: str


@dataclass
class Hop:
    """One request and its answer in a redirect chain."""

    url: str
    address: str
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    tls_version: str | None
    cipher: str | None
    connect_ms: float  # name resolution, TCP and TLS
    first_byte_ms: float  # from the start of the hop to the answer's head
    total_ms: float
    location: str | None = None  # the absolute URL a redirect points to


@dataclass
class Fetched:
    hops: list[Hop]
    body: bytes = b""
    truncated: bool = False  # the body was longer than the cap and was cut
    stopped: str | None = None  # why a redirect was not followed (too many, not HTTP)


def parse_url(url: str, *, field: str = "url") -> Target:
    """An http(s) URL as a Target; ToolInputError for another scheme, credentials in it, or a bad port."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ToolInputError(f"{url!r} is not a valid URL: {error}", field) from None
    if parts.scheme not in ("http", "https"):
        raise ToolInputError("only http:// and https:// URLs are fetched", field)
    if parts.username is not None or parts.password is not None:
        raise ToolInputError("a URL with a user name or password is not fetched: credentials are never sent", field)
    if not parts.hostname:
        raise ToolInputError(f"{url!r} has no host", field)
    if port == 0:
        raise ToolInputError("port 0 is not a port to connect to", field)
    name = parse_host(parts.hostname, field=field)
    default = 443 if parts.scheme == "https" else 80
    port = port or default
    shown = f"[{name}]" if not isinstance(name, str) and name.version == 6 else str(name)
    host_header = shown if port == default else f"{shown}:{port}"
    path = parts.path or "/"
    path += f"?{parts.query}" if parts.query else ""
    return Target(url, parts.scheme, parts.hostname, host_header, port, quote(path, safe=SAFE_IN_TARGET))


def request_headers(target: Target, accept: str) -> list[tuple[str, str]]:
    """What is sent: no cookies, no Authorization, nothing of the visitor's request."""
    return [
        ("Host", target.host_header),
        ("User-Agent", USER_AGENT),
        ("Accept", accept),
        ("Accept-Encoding", "identity"),
        ("Connection", "close"),
    ]


async def read_answer(
    reader: asyncio.StreamReader, connection: h11.Connection, max_bytes: int, started: float
) -> tuple[h11.Response, float, bytes, bool]:
    """The answer's head, when it came, and its body up to max_bytes (True when cut)."""
    head, first_byte, body = None, 0.0, bytearray()
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            connection.receive_data(await reader.read(65536))
        elif isinstance(event, h11.Response):
            head, first_byte = event, time.perf_counter() - started
        elif isinstance(event, h11.Data):
            body += event.data
            if len(body) > max_bytes:
                return head, first_byte, bytes(body[:max_bytes]), True
        elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
            return head, first_byte, bytes(body), False


async def request_once(
    target: Target, settings: Settings, *, method: str, accept: str, max_bytes: int, field: str
) -> tuple[Hop, bytes, bool]:
    """One request to the checked address of the target's host; the connection is closed after it."""
    started = time.perf_counter()
    tls = netguard.tls_client_context() if target.scheme == "https" else None
    if tls is not None:
        tls.set_alpn_protocols(["http/1.1"])
    reader, writer, address = await connect_checked(target.host, target.port, settings, tls=tls, field=field)
    connected = time.perf_counter() - started
    connection = h11.Connection(h11.CLIENT)
    try:
        async with asyncio.timeout(READ_SECONDS):
            request = h11.Request(method=method, target=target.path, headers=request_headers(target, accept))
            writer.write(connection.send(request) + connection.send(h11.EndOfMessage()))
            await writer.drain()
            head, first_byte, body, truncated = await read_answer(reader, connection, max_bytes, started)
    except TimeoutError:
        raise ToolInputError(f"{target.url}: no complete answer within {READ_SECONDS:g} s", field) from None
    except h11.RemoteProtocolError as error:
        raise ToolInputError(f"{target.url}: the answer is not valid HTTP/1.1 ({error})", field) from None
    except OSError as error:
        raise ToolInputError(f"{target.url}: the connection failed ({error.strerror or error})", field) from None
    finally:
        await close_connection(writer)
    if head is None:
        raise ToolInputError(f"{target.url}: the server closed the connection without answering", field)
    ssl_object = writer.get_extra_info("ssl_object")
    hop = Hop(
        url=target.url,
        address=str(address),
        status=head.status_code,
        reason=head.reason.decode("latin-1"),
        http_version=head.http_version.decode("ascii"),
        headers=[(name.decode("latin-1"), value.decode("latin-1")) for name, value in head.headers.raw_items()],
        tls_version=ssl_object.version() if ssl_object else None,
        cipher=ssl_object.cipher()[0] if ssl_object else None,
        connect_ms=round(connected * 1000, 1),
        first_byte_ms=round(first_byte * 1000, 1),
        total_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return hop, body, truncated


def redirect_location(hop: Hop) -> str | None:
    """The absolute URL a redirect answer points to, or None when the answer is not a redirect."""
    if hop.status not in REDIRECTS:
        return None
    location = next((value for name, value in hop.headers if name.lower() == "location"), None)
    return urljoin(hop.url, location.strip()) if location else None


async def fetch(
    url: str,
    settings: Settings,
    *,
    method: str = "GET",
    max_redirects: int = MAX_REDIRECTS,
    max_bytes: int = MAX_BODY_BYTES,
    accept: str = "*/*",
    field: str = "url",
) -> Fetched:
    """GET or HEAD the URL through the guard, following up to max_redirects redirects, each checked anew.

    A hop the guard refuses raises NetworkRefused naming the hop; the body returned is the last answer's."""
    fetched = Fetched(hops=[])
    target, came_from = parse_url(url, field=field), None
    while True:
        try:
            if came_from is not None:
                target = parse_url(came_from.location, field=field)
            hop, body, truncated = await request_once(
                target, settings, method=method, accept=accept, max_bytes=max_bytes, field=field
            )
        except ToolInputError as error:
            if came_from is not None:  # name the hop: the first URL was fine, where it led was not
                error.message = f"the redirect from {came_from.url} to {came_from.location} was not followed: {error}"
                error.args = (error.message,)
            raise
        fetched.hops.append(hop)
        hop.location = redirect_location(hop)
        if hop.location is None:
            fetched.body, fetched.truncated = body, truncated
            return fetched
        if len(fetched.hops) > max_redirects:
            fetched.stopped = f"more than {max_redirects} redirects: the next one ({hop.location}) was not followed"
            return fetched
        came_from = hop
