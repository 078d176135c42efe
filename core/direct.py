"""Answers straight from ASGI for the busiest cheap routes: the same answer as through Quart, at a fraction of the cost.

`POST /api/hash` spends most of its time in Quart's request machinery (contexts, hooks, response objects),
not in hashing. For an operation that runs in the event loop (not `bounded`, reading nothing of the request
but its body) whose tool adds no request hooks of its own, a successful call needs none of that: the body is
read, checked and validated, `run` is called and the JSON is written here, with the headers Quart's pipeline
would add (core/security.SECURITY_HEADERS). Anything else — another site's request, a body that is not JSON,
an unknown field, input the model refuses, a ToolInputError, any exception — is handed to Quart with the body
as it was read, so every error is Quart's own answer, word for word. `run` is pure, so running it again
there changes nothing.

A tool may declare the same for a GET route of its own (`direct_get`): the short-link redirect answers a
link that simply redirects, and leaves every other case (unknown, expired, limited, a HEAD) to its view.

tests/test_direct.py checks that every such operation's examples, and a redirect, get the same status, headers
and body both ways.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from quart import Blueprint, Quart

from core.errors import field_names
from core.operations import Operation, api_path
from core.registry import enabled_tools
from core.security import HSTS, SECURITY_HEADERS

log = logging.getLogger(__name__)
HEADERS = tuple((name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS)
HSTS_HEADER = (b"strict-transport-security", HSTS.encode())


# (status, headers) of an empty-bodied answer, or None: the route's view answers instead.
GetAnswer = Callable[[str, list[tuple[bytes, bytes]]], Awaitable[tuple[int, list[tuple[bytes, bytes]]] | None]]
DIRECT_GETS = "mytools_direct_gets"


def direct_get(bp: Blueprint, prefix: str, answer: GetAnswer) -> None:
    """Declare that `answer(rest of the path, raw headers)` may answer GET <prefix><rest> without Quart.

    It runs in an app context (get_db works) and must only answer what its view would answer the same way,
    with no side effect the view would repeat when it gets the request after all.
    """
    bp.__dict__.setdefault(DIRECT_GETS, []).append((prefix, answer))


class Declined(Exception):
    """This request goes through Quart."""


@dataclass(frozen=True)
class Route:
    operation: Operation
    known_fields: frozenset[str]
    extra_headers: tuple[tuple[bytes, bytes], ...]


def hooked_blueprints(app: Quart) -> set[str]:
    """The blueprints with request hooks of their own: their routes always go through Quart."""
    hooked = {name for funcs in (app.before_request_funcs, app.after_request_funcs) for name in funcs if name}
    return hooked | {name for name in app.url_value_preprocessors if name}


def direct_gets(app: Quart) -> tuple[tuple[str, GetAnswer], ...]:
    """(prefix, answer) declared by the app's blueprints (direct_get), except those with hooks of their own."""
    hooked = hooked_blueprints(app)
    return tuple(
        route for name, bp in app.blueprints.items() if name not in hooked for route in getattr(bp, DIRECT_GETS, ())
    )


def direct_routes(app: Quart) -> dict[str, Route]:
    """path → Route for every operation whose successful call needs nothing of Quart."""
    hooked = hooked_blueprints(app)
    urls = app.url_map.bind("localhost")
    routes = {}
    for tool in enabled_tools(app):
        for operation in tool.operations:
            if (
                operation.bounded
                or operation.network
                or operation.request_args
                or operation.reads_request
                or operation.output is None
            ):
                continue
            path = api_path(tool.slug, operation)
            endpoint, _ = urls.match(path, method="POST")
            blueprints = endpoint.split(".")[:-1]  # a nested blueprint's hooks are its parents' too
            if any(".".join(blueprints[: i + 1]) in hooked for i in range(len(blueprints))):
                continue
            extra = tuple((name.lower().encode(), value.encode()) for name, value in operation.response_headers.items())
            routes[path] = Route(operation, field_names(operation.input), extra)
    return routes


def json_request_facts(headers) -> tuple[int | None, bool, bool]:
    """(Content-Length or None when chunked, the body is JSON, the request may be another site's)."""
    length, is_json, foreign = None, False, False
    for name, value in headers:
        if name == b"content-length":
            length = int(value) if value.isdigit() else None
        elif name == b"content-type":
            mimetype = value.split(b";", 1)[0].strip().lower()
            is_json = mimetype == b"application/json" or (
                mimetype.startswith(b"application/") and mimetype.endswith(b"+json")
            )
        elif name == b"origin" or (name == b"sec-fetch-site" and value not in (b"same-origin", b"none")):
            foreign = True  # Quart's refuse_cross_site_writes decides
    return length, is_json, foreign


class DirectApi:
    """The innermost ASGI layer: direct answers for the routes above, everything else to Quart."""

    def __init__(self, app, quart: Quart) -> None:
        self.app = app
        self.quart = quart
        self.routes: dict[str, Route] | None = None  # built on first use: every blueprint is registered by then
        self.gets: tuple[tuple[str, GetAnswer], ...] = ()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and self.routes is None:
            self.routes, self.gets = direct_routes(self.quart), direct_gets(self.quart)
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["method"] == "POST" and scope["path"].startswith("/api/"):
            await self.post(scope, receive, send)
        elif scope["method"] == "GET" and self.gets:
            await self.get(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def get(self, scope, receive, send) -> None:
        path = scope["path"]
        for prefix, answer in self.gets:
            if path.startswith(prefix):
                try:
                    async with self.quart.app_context():
                        answered = await answer(path[len(prefix) :], scope["headers"])
                except Exception:  # e.g. the database is away: the view says so as it always has
                    log.warning("direct answer to %s failed; Quart answers", path, exc_info=True)
                    answered = None
                if answered is not None:
                    status, headers = answered
                    headers = [*headers, (b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"0")]
                    await self.respond(scope, send, status, headers, b"")
                    return
                break
        await self.app(scope, receive, send)

    async def post(self, scope, receive, send) -> None:
        route = self.routes.get(scope["path"])
        length, is_json, foreign = json_request_facts(scope["headers"])
        limit = self.quart.config["MAX_CONTENT_LENGTH"]
        if route is None or not is_json or foreign or (length is not None and length > limit):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        complete = await self.read_body(receive, chunks, limit if length is None else length)
        if complete is None:  # the client left
            return
        if complete:
            try:
                body = self.answer(route, b"".join(chunks))
            except Declined:
                pass
            else:
                headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                await self.respond(scope, send, 200, [*headers, *route.extra_headers], body)
                return
        await self.app(scope, replay(chunks, complete, receive), send)

    async def respond(self, scope, send, status: int, headers: list, body: bytes) -> None:
        """Send the answer with the headers Quart's after_request hooks add to every answer."""
        headers = [*headers, *HEADERS]
        if scope.get("scheme") == "https":
            headers.append(HSTS_HEADER)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def read_body(self, receive, chunks: list[bytes], length: int) -> bool | None:
        """Read the body into `chunks`: True when whole, False when cut short (over `length` bytes, or slower
        than BODY_TIMEOUT: Quart takes it from there), None when the client disconnected."""
        size = 0
        try:
            async with asyncio.timeout(self.quart.config["BODY_TIMEOUT"]):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    chunk = message.get("body", b"")
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > length:
                        return False
                    if not message.get("more_body", False):
                        return True
        except TimeoutError:
            return False

    def answer(self, route: Route, raw: bytes) -> bytes:
        """The JSON answer of a successful call, or Declined."""
        operation = route.operation
        try:
            body = self.quart.json.loads(raw)
            if not isinstance(body, dict) or not route.known_fields.issuperset(body):
                raise Declined
            output = operation.run(operation.input.model_validate(body))
            if type(output) is not operation.output:
                output = operation.output.model_validate(output)
            return encode(self.quart, output)
        except Declined:
            raise
        except Exception as error:  # Quart runs it again and answers as it always has (a 422, a logged 500)
            raise Declined from error


def encode(app: Quart, output: Any) -> bytes:
    """What Quart's JSON provider makes of a view's model (quart-schema dumps it first), as bytes."""
    value = output.model_dump() if isinstance(output, BaseModel) else output
    provider = app.json
    args: dict[str, Any] = {"separators": (",", ":")}
    if (provider.compact is None and app.debug) or provider.compact is False:
        args = {"indent": 2}
    return (provider.dumps(value, **args) + "\n").encode()


def replay(chunks: list[bytes], complete: bool, receive) -> Callable:
    """A receive that gives Quart the body already read, then the server's own messages."""
    pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": not complete}]

    async def receive_again() -> dict:
        if pending:
            return pending.pop()
        return await receive()

    return receive_again
