"""Page weight: content-hashed static URLs cached for a year, and gzip for every response."""

from __future__ import annotations

import hashlib
from pathlib import Path

from asgi_gzip import GZipMiddleware
from quart import Quart, current_app, request
from werkzeug.security import safe_join

from core.asgi_headers import with_vary
from core.template_urls import cached_url_for

VERSIONS_KEY = "mytools.static_versions"
IMMUTABLE = "public, max-age=31536000, immutable"
GZIP_MINIMUM_SIZE = 500
GZIP_LEVEL = 6  # level 9 costs about twice the CPU for a few percent on pages this size


def static_version(app: Quart, filename: str) -> str | None:
    """The first 10 hex digits of the file's SHA-256, read once per file per app (process)."""
    versions: dict[str, str | None] = app.extensions.setdefault(VERSIONS_KEY, {})
    if filename not in versions:
        path = safe_join(str(app.static_folder), filename)
        try:
            versions[filename] = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10] if path else None
        except OSError:
            versions[filename] = None
    return versions[filename]


def add_static_version(endpoint: str, values: dict) -> None:
    """url_for('static', filename=…) gains ?v=<hash>: a changed file gets a new URL."""
    if endpoint == "static" and "v" not in values and "filename" in values:
        version = static_version(current_app, values["filename"])
        if version:
            values["v"] = version


def static_url(filename: str) -> str:
    """Template helper: the versioned URL of a static file."""
    return cached_url_for("static", filename=filename)


async def cache_static_files(response):
    """A versioned URL never changes its content: let browsers keep it a year without asking."""
    if request.endpoint != "static" or response.status_code not in (200, 206, 304):
        return response
    version = request.args.get("v")
    if version is None:
        return response  # SEND_FILE_MAX_AGE_DEFAULT, revalidated by ETag
    filename = (request.view_args or {}).get("filename", "")
    if version == static_version(current_app, filename):
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"  # an old or made-up version: always revalidate
    return response


class CompressionMiddleware:
    """gzip (asgi-gzip) responses to this site's own pages, not to requests another site started.

    A response that reflects attacker-chosen input next to a secret (a note, a token) leaks the secret
    through its compressed size (BREACH); such a request must be made by another site, which browsers
    announce with Sec-Fetch-Site, so those responses go out uncompressed.
    """

    def __init__(self, app, minimum_size: int = GZIP_MINIMUM_SIZE) -> None:
        self.app = app
        self.minimum_size = minimum_size
        small = SmallBodyCoalescer(app, minimum_size)
        self.gzip = GZipMiddleware(small, minimum_size=minimum_size, compresslevel=GZIP_LEVEL)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accepts_gzip, other_site = compression_facts(scope["headers"])
        if other_site:
            await self.app(scope, receive, send)
        elif not accepts_gzip:
            # Nothing to compress for this client (curl, scripts): no buffering layers, only the Vary
            # header a cache needs, as asgi-gzip would add it to a body it could have compressed.
            await self.app(scope, receive, self.vary_on_encoding(send))
        else:
            await self.gzip(scope, receive, weak_etag_when_compressed(send))

    def vary_on_encoding(self, send):
        async def send_with_vary(message) -> None:
            if message["type"] == "http.response.start" and compressible(message["headers"], self.minimum_size):
                message["headers"] = with_vary(message["headers"], b"Accept-Encoding")
            await send(message)

        return send_with_vary


def compression_facts(headers) -> tuple[bool, bool]:
    """(the client takes gzip, another site started the request), in one pass over the headers."""
    accepts_gzip = other_site = False
    for name, value in headers:
        if name == b"accept-encoding":
            accepts_gzip = b"gzip" in value
        elif name == b"sec-fetch-site":
            other_site = value in (b"cross-site", b"same-site")
    return accepts_gzip, other_site


def compressible(headers, minimum_size: int) -> bool:
    """Whether asgi-gzip would have compressed this answer for a client that takes gzip."""
    length = None
    for name, value in headers:
        name = name.lower()
        if name == b"content-encoding":
            return False
        if name == b"content-type" and value.startswith(b"text/event-stream"):
            return False
        if name == b"content-length":
            length = value
    return length is None or not length.isdigit() or int(length) >= minimum_size


def weak_etag_when_compressed(send):
    async def send_weak_etag(message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = weaken_etag_if_compressed(message["headers"])
        await send(message)

    return send_weak_etag


class SmallBodyCoalescer:
    """Send a small body in one ASGI message, so asgi-gzip's minimum_size can apply.

    Quart sends every body as chunks with more_body=True and then an empty last chunk; asgi-gzip
    takes that for a stream and compresses it whatever its size (a 30-byte JSON became 47 bytes).
    Only bodies whose Content-Length is under the limit are held back, so at most that many bytes.
    """

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        held: list[bytes] | None = None

        async def send_small_at_once(message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                length = next((v for k, v in message["headers"] if k.lower() == b"content-length"), None)
                if length is not None and length.isdigit() and int(length) < self.limit:
                    held = []
            elif message["type"] == "http.response.body" and held is not None:
                held.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"".join(held), "more_body": False}
                held = None
            await send(message)

        await self.app(scope, receive, send_small_at_once)


def weaken_etag_if_compressed(headers: list) -> list:
    """A gzipped body is another representation: its ETag is weak (as nginx does it)."""
    if not any(name.lower() == b"content-encoding" for name, _ in headers):
        return headers
    return [
        (name, b"W/" + value if name.lower() == b"etag" and not value.startswith(b"W/") else value)
        for name, value in headers
    ]


def install_static(app: Quart) -> None:
    app.url_defaults(add_static_version)
    app.jinja_env.globals["static_url"] = static_url
