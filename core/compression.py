"""gzip for responses to this site's own pages, in one ASGI layer that does nothing it does not have to.

Not for requests another site started: a response that reflects attacker-chosen input next to a secret
(a note, a token) leaks the secret through its compressed size (BREACH); browsers announce such requests
with Sec-Fetch-Site, and those responses go out as they are.

What is compressed: a body of at least GZIP_MINIMUM_SIZE bytes, when the request accepts gzip, unless the
response already has a Content-Encoding or is an event stream. Every body of that size gets
`Vary: Accept-Encoding`, compressed or not. A compressed body's ETag becomes weak (another representation,
as nginx does it). Quart sends a body as chunks and then an empty last one: a body whose Content-Length is
under the minimum is held back and sent in one message; a larger one is compressed as a stream (its
Content-Length goes away). The compressor is made only for a body that will be compressed.
"""

from __future__ import annotations

import zlib

GZIP_MINIMUM_SIZE = 500
GZIP_LEVEL = 6  # level 9 costs about twice the CPU for a few percent on pages this size
GZIP_WBITS = 16 + zlib.MAX_WBITS  # the gzip container, as Content-Encoding: gzip means
EXCLUDED_CONTENT_TYPES = (b"text/event-stream",)


def started_by_other_site(scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"sec-fetch-site":
            return value in (b"cross-site", b"same-site")
    return False


def accepts_gzip(scope) -> bool:
    return any(name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"])


def weaken_etag_if_compressed(headers: list) -> list:
    """A gzipped body is another representation: its ETag is weak."""
    if not any(name.lower() == b"content-encoding" for name, _ in headers):
        return headers
    return [
        (name, b"W/" + value if name.lower() == b"etag" and not value.startswith(b"W/") else value)
        for name, value in headers
    ]


def with_vary_accept_encoding(headers: list) -> list:
    """The headers with Accept-Encoding added to the (first) Vary header, as one Vary header."""
    vary = next((value for name, value in headers if name.lower() == b"vary"), None)
    value = b"Accept-Encoding" if vary is None else vary + b", Accept-Encoding"
    return [(name, v) for name, v in headers if name.lower() != b"vary"] + [(b"vary", value)]


class CompressionMiddleware:
    def __init__(self, app, minimum_size: int = GZIP_MINIMUM_SIZE, level: int = GZIP_LEVEL) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.level = level

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or started_by_other_site(scope):
            await self.app(scope, receive, send)
            return
        response = CompressedResponse(send, accepts_gzip(scope), self.minimum_size, self.level)
        await self.app(scope, receive, response.send)


class CompressedResponse:
    """One response's state: the start message is held until the first body message says what to do."""

    def __init__(self, send, gzip: bool, minimum_size: int, level: int) -> None:
        self.downstream = send
        self.gzip = gzip
        self.minimum_size = minimum_size
        self.level = level
        self.start: dict | None = None
        self.passthrough = False  # already encoded, or a stream of events
        self.held: list[bytes] | None = None  # the chunks of a body known to be small
        self.compressor = None

    async def send(self, message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.begin(message)
        elif kind == "http.response.body" and self.start is not None:
            await self.first_body(message)
        elif kind == "http.response.body" and self.compressor is not None:
            body = self.compressor.compress(message.get("body", b""))
            more = message.get("more_body", False)
            await self.downstream({**message, "body": body if more else body + self.compressor.flush()})
        else:
            await self.send_start()
            await self.downstream(message)

    def begin(self, message) -> None:
        self.start = message
        length = None
        for name, value in message["headers"]:
            name = name.lower()
            if name == b"content-encoding" or name == b"content-type" and value.startswith(EXCLUDED_CONTENT_TYPES):
                self.passthrough = True
            elif name == b"content-length":
                length = value
        if not self.passthrough and length is not None and length.isdigit() and int(length) < self.minimum_size:
            self.held = []

    async def send_start(self) -> None:
        if self.start is not None:
            start, self.start = self.start, None
            await self.downstream({**start, "headers": weaken_etag_if_compressed(start["headers"])})

    async def first_body(self, message) -> None:
        more = message.get("more_body", False)
        if self.held is not None:  # a small body: sent whole, as it is
            self.held.append(message.get("body", b""))
            if more:
                return
            message = {"type": "http.response.body", "body": b"".join(self.held), "more_body": False}
            self.held = None
            await self.send_start()
            await self.downstream(message)
            return
        body = message.get("body", b"")
        if self.passthrough or (len(body) < self.minimum_size and not more):
            await self.send_start()
            await self.downstream(message)
            return
        headers = with_vary_accept_encoding(self.start["headers"])
        if self.gzip:
            self.compressor = zlib.compressobj(self.level, zlib.DEFLATED, GZIP_WBITS)
            body = self.compressor.compress(body)
            if more:
                headers = [(n, v) for n, v in headers if n.lower() != b"content-length"]
            else:
                body += self.compressor.flush()
                headers = [(n, v) for n, v in headers if n.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
            headers.append((b"content-encoding", b"gzip"))
            message = {**message, "body": body}
        self.start = {**self.start, "headers": headers}
        await self.send_start()
        await self.downstream(message)


def install_compression(app) -> None:
    """Outermost layer: it only rewrites the response, so it wraps the proxy fix (TrustedProxy) and the app alike."""
    app.asgi_app = CompressionMiddleware(app.asgi_app)
