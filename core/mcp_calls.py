"""Calling an assistant tool: one request to its API route, made inside this process, answered as the API answers.

The request goes through the same ASGI layers and Quart pipeline as any API call, with the caller's own
Authorization header, Host and client address: the owner's rights, the bounded executor, output caps, rate
limits and every error message are the API's. Its answer becomes an MCP result: the JSON as structured
content plus a text (the operation's primary text), or an error result carrying the API's error message.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import mcp_types as types
from werkzeug.routing import MapAdapter

from core.errors import unknown_fields_problem
from core.mcp_catalog import AssistantTool

# Headers of the /mcp request that do not describe the API request made from it.
NOT_PASSED_ON = frozenset(
    {
        b"content-length",
        b"content-type",
        b"accept",
        b"accept-encoding",
        b"origin",
        b"sec-fetch-site",
        b"cookie",
        b"mcp-session-id",
        b"mcp-protocol-version",
        b"last-event-id",
    }
)
ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]


class ArgumentError(Exception):
    """Arguments that cannot make the API request (a missing path argument, an unknown one where no body
    would name it): worded as the API words a body's problems."""


def error_result(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def split_arguments(tool: AssistantTool, arguments: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """(the path's values, the arguments left for the body or the query string)."""
    rest = dict(arguments)
    values = dict(tool.fixed)
    for name in tool.path_args:
        if name in tool.fixed:
            continue
        if name not in rest:
            raise ArgumentError(f"{name}: Field required")
        values[name] = str(rest.pop(name))
    if tool.body != "json" and (problem := unknown_arguments(tool, rest)):
        raise ArgumentError(problem)  # a JSON body's unknown fields are the API's to name
    return values, rest


def unknown_arguments(tool: AssistantTool, rest: dict[str, Any]) -> str | None:
    """core/errors.py's wording for arguments neither the path nor the query string takes."""
    if tool.model is not None:
        problem = unknown_fields_problem(tool.model, rest)
        return problem[0] if problem else None
    if not rest:
        return None
    known = ", ".join(name for name in tool.path_args if name not in tool.fixed) or "none"
    return f"Unknown field{'s' if len(rest) > 1 else ''}: {', '.join(rest)}. The fields are: {known}."


def route_path(urls: MapAdapter, tool: AssistantTool, values: dict[str, str]) -> str:
    """The route's path with the values put in (quoted: a value that fits no converter finds no route, a 404)."""
    try:
        return urls.build(tool.endpoint, values, method=tool.method)
    except ValueError:  # an integer converter given something else
        name = next(n for n in tool.path_args if n not in tool.fixed and not str(values[n]).isdigit())
        raise ArgumentError(f"{name}: Input should be a valid integer") from None


def query_string(arguments: dict[str, Any]) -> bytes:
    pairs = []
    for name, value in arguments.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, json.dumps(one) if isinstance(one, bool) else str(one)))
    return urlencode(pairs).encode()


def request_scope(caller_scope: dict, tool: AssistantTool, path: str, query: bytes, body: bytes) -> dict:
    """The API request: the /mcp request's connection, host, client and credentials; the route's method and path."""
    headers = [(name, value) for name, value in caller_scope["headers"] if name.lower() not in NOT_PASSED_ON]
    headers.append((b"accept", b"application/json"))
    if tool.body == "json":
        headers.append((b"content-type", b"application/json"))
    if tool.method == "POST":
        headers.append((b"content-length", str(len(body)).encode()))
    return {
        **caller_scope,
        "method": tool.method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": headers,
    }


async def send_request(app: ASGIApp, scope: dict, body: bytes) -> tuple[int, bytes, str]:
    """Run the request through `app`; (status, body, content type) of its answer."""
    answered = asyncio.Event()
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    status, content_type, chunks = 500, "", []

    async def receive() -> dict:
        if pending:
            return pending.pop()
        await answered.wait()  # no disconnect before the answer: Quart would stop the view
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        nonlocal status, content_type
        if message["type"] == "http.response.start":
            status = message["status"]
            for name, value in message.get("headers", ()):
                if name.lower() == b"content-type":
                    content_type = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                answered.set()

    try:
        await app(scope, receive, send)
    finally:
        answered.set()
    return status, b"".join(chunks), content_type


def error_message(status: int, body: bytes, content_type: str) -> str:
    """The API's error message: `error.message` of its JSON, else its text."""
    if content_type.startswith("application/json"):
        try:
            message = json.loads(body)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = None
        if isinstance(message, str):
            return message
    text = body.decode("utf-8", "replace").strip()
    return text or f"The API answered {status}."


def answer_text(tool: AssistantTool, value: Any) -> str:
    """The result as text: the operation's primary text (what a person copies), a declared field, or the JSON."""
    try:
        if tool.operation is not None:
            output = tool.operation.output.model_validate(value) if tool.operation.output is not None else value
            return tool.operation.primary_text(output)
        if tool.primary:
            return str(value[tool.primary])
    except (KeyError, TypeError, ValueError, AttributeError):
        pass  # an output the primary text does not fit: the JSON says it all
    return json.dumps(value, indent=2, ensure_ascii=False)


def success_result(tool: AssistantTool, body: bytes, content_type: str) -> types.CallToolResult:
    if not body.strip():
        return types.CallToolResult(content=[types.TextContent(type="text", text="Done.")])
    if not content_type.startswith("application/json"):
        return types.CallToolResult(content=[types.TextContent(type="text", text=body.decode("utf-8", "replace"))])
    value = json.loads(body)
    structured = value if isinstance(value, dict) else {"result": value}
    text = answer_text(tool, value)
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], structured_content=structured)


async def call_tool(
    app: ASGIApp, urls: MapAdapter, caller_scope: dict, tool: AssistantTool, arguments: dict
) -> types.CallToolResult:
    """Call the tool's API route (through `app`, built by `urls`) with the arguments; its answer as an MCP result."""
    try:
        values, rest = split_arguments(tool, arguments)
        path = route_path(urls, tool, values)
    except ArgumentError as exc:
        return error_result(str(exc))
    body = json.dumps(rest).encode() if tool.body == "json" else b""
    query = query_string(rest) if tool.body == "query" else b""
    status, answer, content_type = await send_request(app, request_scope(caller_scope, tool, path, query, body), body)
    if status >= 400:
        return error_result(error_message(status, answer, content_type))
    return success_result(tool, answer, content_type)
