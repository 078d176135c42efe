"""Anonymous GETs of a tool page, served from a per-process cache of the bytes sent (gzip or not).

A tool page without a query string is the same for every anonymous visitor until the next deploy: no
CSRF token (cross-site writes are refused by Origin/Sec-Fetch-Site, core/security.py), a constant CSP (no
nonce), flash messages only for a visitor with a session cookie, favorites only for a logged-in owner.
So the first such request renders the page and the next ones get its bytes, with a strong ETag and a 304
for a matching If-None-Match. Only what cannot depend on the visitor is stored:

- the request: GET /tools/<slug>/, no query string, no Cookie, no Authorization, no HX-Request;
- the response: 200, HTML, no Set-Cookie, not no-store/private (whoami and password send no-store);
- one entry per (page, scheme, Host, gzip or not, cross-site or not): what the layers inside decide on.

Every answer for a tool page's URL that this layer sees carries `Vary: Cookie`: a shared cache must not hand
the anonymous page to a logged-in owner.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from core.asgi_headers import header, with_vary

TOOL_PAGE = re.compile(r"/tools/[a-z0-9][a-z0-9-]*/")
MAX_PAGE_BYTES = 512 * 1024  # larger answers are streamed, never held
GZIP_MAGIC = b"\x1f\x8b\x08"
# RFC 9110 §15.4.5: a 304 carries the headers the 200 would have had among these.
NOT_MODIFIED_HEADERS = frozenset({b"cache-control", b"content-location", b"etag", b"expires", b"vary"})
BYPASS_HEADERS = frozenset({b"cookie", b"authorization", b"hx-request"})


@dataclass(frozen=True)
class Page:
    """One stored answer: its headers (ETag and Content-Length included) and body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes

    @classmethod
    def of(cls, headers: list[tuple[bytes, bytes]], body: bytes) -> Page:
        if header(headers, b"content-encoding") == b"gzip" and body.startswith(GZIP_MAGIC):
            # gzip writes the time of compression into its header: without it, equal pages are equal bytes
            # (one ETag for every worker and every restart with the same templates).
            body = body[:4] + b"\0\0\0\0" + body[8:]
        etag = b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
        kept = [(name, value) for name, value in headers if name.lower() not in (b"content-length", b"etag")]
        if header(kept, b"cache-control") is None:
            kept.append((b"cache-control", b"no-cache"))  # revalidate (a 304) so that a deploy shows at once
        kept += [(b"etag", etag), (b"content-length", str(len(body)).encode())]
        return cls(kept, body, etag)

    async def send(self, scope, send) -> None:
        if matches(header(scope["headers"], b"if-none-match"), self.etag):
            headers = [(name, value) for name, value in self.headers if name.lower() in NOT_MODIFIED_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


def matches(if_none_match: bytes | None, etag: bytes) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" matches "x"."""
    if if_none_match is None:
        return False
    tags = [tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")]
    return b"*" in tags or etag in tags


def storable(message) -> bool:
    headers = message["headers"]
    cache_control = (header(headers, b"cache-control") or b"").lower()
    return (
        message["status"] == 200
        and (header(headers, b"content-type") or b"").startswith(b"text/html")
        and header(headers, b"set-cookie") is None
        and b"no-store" not in cache_control
        and b"private" not in cache_control
    )


class PageCache:
    """The ASGI layer: after the host check (a refused Host never gets a page), outside compression."""

    def __init__(self, app, entries: int) -> None:
        self.app = app
        self.entries = entries
        self.pages: dict[tuple, Page] = {}

    def key(self, scope) -> tuple | None:
        """The cache key of an anonymous tool page request, or None when it must reach the app."""
        if scope["method"] != "GET" or scope["query_string"] or not self.entries:
            return None
        encoding, host, cross_site = None, b"", False
        for name, value in scope["headers"]:
            if name in BYPASS_HEADERS:
                return None
            if name == b"accept-encoding" and encoding is None:  # the first one, as asgi-gzip reads it
                encoding = value
            elif name == b"host":  # absolute URLs come from MYTOOLS_BASE_URL, but a development server has none
                host = value
            elif name == b"sec-fetch-site":
                cross_site = value in (b"cross-site", b"same-site")  # as CompressionMiddleware decides
        # The scheme (after the proxy layer) decides Strict-Transport-Security.
        gzip = b"gzip" in (encoding or b"")  # asgi-gzip's own test, so odd values cannot fill the cache
        return scope["path"], scope["scheme"], host, gzip, cross_site

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not TOOL_PAGE.fullmatch(scope["path"]):
            await self.app(scope, receive, send)
            return
        key = self.key(scope)
        if key is None:
            await self.app(scope, receive, varying_on_cookie(send))
            return
        page = self.pages.get(key)
        if page is not None:
            await page.send(scope, send)
            return
        await self.render(key, scope, receive, send)

    async def render(self, key: tuple, scope, receive, send) -> None:
        """Let the app answer; keep the answer when it can be shared, else pass it on as it comes."""
        start = None
        chunks: list[bytes] = []
        size = 0
        streaming = False

        async def hold(message) -> None:
            nonlocal start, size, streaming
            if streaming:
                await send(message)
            elif message["type"] == "http.response.start":
                start = {**message, "headers": with_vary(list(message["headers"]), b"Cookie")}
                if not storable(start):
                    streaming = True
                    await send(start)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                more = message.get("more_body", False)
                if size > MAX_PAGE_BYTES:
                    streaming = True
                    await send(start)
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": more})
                elif not more:
                    page = Page.of(start["headers"], b"".join(chunks))
                    if len(self.pages) < self.entries:
                        self.pages[key] = page
                    await page.send(scope, send)
            else:
                await send(message)

        await self.app(scope, receive, hold)


def varying_on_cookie(send):
    async def send_with_vary(message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": with_vary(list(message["headers"]), b"Cookie")}
        await send(message)

    return send_with_vary
