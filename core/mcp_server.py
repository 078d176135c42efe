"""`/mcp`: every tool and saved recipe for an AI assistant, over MCP's streamable HTTP transport (the `mcp` SDK).

An ASGI layer (core/pipeline.py places it after the host check) answers `/mcp` and hands everything else on
untouched. A request needs `Authorization: Bearer <API token>` (401 otherwise), checked here before the SDK
reads its body. The SDK's low-level Server then answers `tools/list` from the catalog (core/mcp_catalog.py)
plus the token owner's saved recipes, and `tools/call` through the tool's API route (core/mcp_calls.py).

The session manager runs stateless with JSON answers: every request stands alone, so any worker of any dyno
can answer it and nothing needs sticky sessions. Each request gets a session manager of its own.
The SDK's own Host/Origin check is off: the host layer in front of this one applies MYTOOLS_ALLOWED_HOSTS
(names, suffixes, ports, case) as on every other path, and a request another site's page started is refused
here by the same rule as the site's CSRF check. Answers carry the site's security headers and no-store.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from quart import Quart

from core.auth import user_for_token
from core.config import Settings
from core.errors import DATABASE_DOWN_MESSAGE, RETRY_AFTER_SECONDS, is_database_outage
from core.mcp_calls import call_tool
from core.mcp_catalog import AssistantTool, catalog_of, named_item_tool, owner_item_tools
from core.security import CSRF_MESSAGE, HSTS, SECURITY_HEADERS

log = logging.getLogger(__name__)
PATHS = ("/mcp", "/mcp/")
CALLER_KEY = "mytools.mcp_caller"  # the scope entry this layer hands the SDK: (owner id, the request's scope)
NO_TOKEN_MESSAGE = "Send an API token (Authorization: Bearer …): create one on your account page."
BAD_TOKEN_MESSAGE = "Invalid API token."
HEADERS = (
    *((name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS),
    (b"cache-control", b"no-store"),
)
INSTRUCTIONS = (
    "This site's developer tools, and what the token's account keeps in them (short links, pastes, notes, webhook "
    "bins, saved recipes). A result is JSON (structured content) and a text; a refused input is an error result "
    "whose text says which field and why."
)


def header(scope: dict, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def bearer(scope: dict) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (as core.auth.bearer_token reads it)."""
    value = header(scope, b"authorization") or ""
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def is_cross_site(scope: dict) -> bool:
    """core.security's rule on raw headers: a browser says another site's page started this request."""
    fetch_site = header(scope, b"sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = header(scope, b"origin")
    return origin is not None and origin != f"{scope.get('scheme', 'http')}://{header(scope, b'host')}"


class McpEndpoint:
    """The ASGI layer: `/mcp` to the SDK (after the token check), anything else to the app below."""

    def __init__(self, app, quart: Quart, settings: Settings) -> None:
        self.app = app
        self.quart = quart
        self.settings = settings
        self.server = Server(
            "mytools", version="1.0", instructions=INSTRUCTIONS,
            on_list_tools=self.list_tools, on_call_tool=self.call_tool,
        )  # fmt: skip
        self.listed: list[types.Tool] | None = None
        quart.before_serving(self.build_catalog)
        # The SDK logs every stateless request's end at INFO ("Terminating session: None"): warnings only.
        logging.getLogger("mcp").setLevel(max(logging.WARNING, logging.getLogger().getEffectiveLevel()))

    async def build_catalog(self) -> None:
        """The catalog is built when the app starts: a tool MCP cannot name stops the start, not the first call."""
        catalog_of(self.quart)

    def session_manager(self) -> StreamableHTTPSessionManager:
        """One stateless manager a request: nothing lives between requests, so nothing is tied to the app's
        lifespan (a task group held from startup to shutdown hung servers that run the lifespan in a portal)."""
        return StreamableHTTPSessionManager(
            self.server,
            json_response=True,
            stateless=True,
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
            max_request_body_size=self.settings.max_content_length,
        )

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] in PATHS:
            await self.answer(scope, receive, with_headers(scope, send))
        else:
            await self.app(scope, receive, send)

    async def answer(self, scope, receive, send) -> None:
        if is_cross_site(scope):
            await respond(send, 403, CSRF_MESSAGE)
            return
        token = bearer(scope)
        if token is None:
            await respond(send, 401, NO_TOKEN_MESSAGE, [(b"www-authenticate", b"Bearer")])
            return
        try:
            async with self.quart.app_context():
                user_id = await user_for_token(token)
        except Exception as exc:
            if not is_database_outage(exc):
                raise
            log.warning("MCP request refused: database unavailable (%s)", type(exc).__name__)
            await respond(send, 503, DATABASE_DOWN_MESSAGE, [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())])
            return
        if user_id is None:
            await respond(send, 401, BAD_TOKEN_MESSAGE, [(b"www-authenticate", b'Bearer error="invalid_token"')])
            return
        if scope["method"] != "POST":
            # Stateless: no session to end (DELETE) and nothing the server would send on a stream of its own (a
            # GET stream would only hold a connection open): MCP's answer for that is 405.
            await respond(send, 405, f"{scope['method']} is not allowed here: send MCP messages by POST.",
                          [(b"allow", b"POST")])  # fmt: skip
            return
        manager = self.session_manager()
        async with manager.run():
            await manager.handle_request({**scope, CALLER_KEY: (user_id, scope)}, receive, send)

    # --- the MCP handlers ---------------------------------------------------------------------------

    async def list_tools(self, ctx, params) -> types.ListToolsResult:
        user_id, _ = caller(ctx)
        if self.listed is None:  # the same for every caller: made once (42 tools: about 2 ms each time otherwise)
            self.listed = [mcp_tool(item) for item in catalog_of(self.quart).values()]
        async with self.quart.app_context():
            kept = await owner_item_tools(self.quart, user_id)
        return types.ListToolsResult(tools=[*self.listed, *(mcp_tool(item) for item in kept)])

    async def call_tool(self, ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        _, scope = caller(ctx)
        tool = catalog_of(self.quart).get(params.name) or named_item_tool(self.quart, params.name)
        if tool is None:  # MCP's protocol error for an unknown tool (a tool's own failure is an error result)
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name!r} (tools/list names them)")
        urls = self.quart.url_map.bind("localhost")
        return await call_tool(self.app, urls, scope, tool, dict(params.arguments or {}))


def caller(ctx) -> tuple[int, dict]:
    """(owner id, the /mcp request's scope) this layer put in the scope the SDK's request carries."""
    return ctx.request.scope[CALLER_KEY]


def mcp_tool(item: AssistantTool) -> types.Tool:
    return types.Tool(
        name=item.name,
        title=item.title,
        description=item.description,
        input_schema=item.input_schema,
        annotations=types.ToolAnnotations(
            title=item.title,
            read_only_hint=item.read_only,
            destructive_hint=False,
            idempotent_hint=item.read_only and not getattr(item.operation, "varies", False),
            open_world_hint=bool(getattr(item.operation, "network", False)),
        ),
    )


def with_headers(scope: dict, send):
    """`send`, adding the site's security headers (HSTS over HTTPS) and no-store to the answer."""
    extra = [*HEADERS, (b"strict-transport-security", HSTS.encode())] if scope.get("scheme") == "https" else HEADERS

    async def send_with_headers(message: dict) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", ())}
            added = [(name, value) for name, value in extra if name not in present]
            message = {**message, "headers": [*message.get("headers", ()), *added]}
        await send(message)

    return send_with_headers


async def respond(send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """The API's JSON error shape, {"error": {"message": …, "field": null}}."""
    body = json.dumps({"error": {"message": message, "field": None}}).encode()
    start: dict[str, Any] = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    *(headers or [])],
    }  # fmt: skip
    await send(start)
    await send({"type": "http.response.body", "body": body})
