"""See what the server sees of your request: your address, the headers (credentials hidden) and your browser."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field
from quart import request

from core.operations import NO_STORE, Operation
from core.registry import Tool
from core.user_agents import UserAgent, describe_user_agent

# Header values that are credentials: never echoed, even to their owner (pages get cached, screenshots shared).
REDACTED_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
REDACTED = "(redacted)"


class Header(BaseModel):
    name: str = Field(description="Header name as received (HTTP/2 and Hypercorn give lowercase names).")
    value: str = Field(description=f"The value, or '{REDACTED}' for Authorization, Cookie and Proxy-Authorization.")


class Whoami(BaseModel):
    client_address: str | None = Field(
        description="request.remote_addr: the client as seen after the trusted proxy hops (MYTOOLS_PROXY_HOPS)."
    )
    forwarded_for: str | None = Field(
        description="The raw X-Forwarded-For header, for reference: its leftmost values are set by the client."
    )
    method: str
    scheme: str
    http_version: str
    host: str
    path: str
    query_string: str
    body_bytes: int = Field(description="Length of the request body that was received.")
    headers: list[Header] = Field(description="Every request header, sorted by name.")
    user_agent: UserAgent


def visible_headers(raw: Iterable[tuple[str, str]]) -> list[Header]:
    """Headers sorted by name (repeats kept in order), credential values replaced by a marker."""
    rows = [Header(name=name, value=REDACTED if name.lower() in REDACTED_HEADERS else value) for name, value in raw]
    return sorted(rows, key=lambda header: header.name.lower())


class WhoamiInput(BaseModel):
    """Nothing to type: the request is the input."""


async def seen_request() -> tuple[dict, tuple[tuple[str, str], ...], str | None]:
    """What the server received, read in the event loop: (plain facts, raw headers, User-Agent)."""
    # The ASGI scope's headers are exactly what arrived; request.headers also holds a Remote-Addr that
    # Quart adds itself.
    raw = tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in request.scope.get("headers", []))
    body = await request.get_data() if request.method == "POST" else b""
    facts = {
        "client_address": request.remote_addr,
        "forwarded_for": request.headers.get("X-Forwarded-For"),
        "method": request.method,
        "scheme": request.scheme,
        "http_version": request.http_version,
        "host": request.host,
        "path": request.path,
        "query_string": request.query_string.decode("latin-1"),
        "body_bytes": len(body),
    }
    return facts, raw, request.headers.get("User-Agent")


def describe(data: WhoamiInput, facts: dict, raw_headers: tuple, user_agent: str | None) -> Whoami:
    """What the server sees of this request: client address, method, headers (credentials redacted), user agent."""
    return Whoami(**facts, headers=visible_headers(raw_headers), user_agent=describe_user_agent(user_agent))


TOOL = Tool(
    slug="whoami",
    title="Who am I",
    category="Network",
    icon="user-round-search",
    keywords=("my ip", "ip address", "headers", "user agent", "browser", "request", "x-forwarded-for", "bot"),
    operations=(
        Operation(
            WhoamiInput,
            describe,
            Whoami,
            primary=lambda seen: seen.client_address or "(unknown address)",
            reads_request=True,
            primary_input=None,
            request_args=seen_request,
            response_headers=NO_STORE,
            varies=True,  # it describes each request, the command line's own included
        ),
    ),
)
