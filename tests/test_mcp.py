"""/mcp: the SDK's own client over streamable HTTP against a real Hypercorn server, on SQLite and PostgreSQL.

Two accounts, alice and bob, each with an API token. Every answer is compared with a known one (the FIPS 180-2
SHA-256 vector of "abc", a recipe that Base64-decodes "aGVsbG8=" to "hello") or with what the JSON API itself
answers to the same input.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from contextlib import asynccontextmanager, contextmanager

import httpx
import pytest
import serverutil
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError

from core.auth import create_token, create_user, issue_token, revoke_token, user_id_by_name
from core.config import load_database_settings
from core.mcp_catalog import mcp_name
from core.migrate import upgrade_to_head
from core.registry import enabled_tools
from core.security import CSP
from tests.conftest import in_thread, make_app

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
# FIPS 180-2, appendix B.1: SHA-256("abc").
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
BASE64_DECODE = [{"tool": "encode", "options": {"mode": "decode", "format": "base64"}}]
# The API routes the stateful tools lend an assistant: reading and creating, never changing or deleting.
STATEFUL_TOOLS = {
    "links_create", "links_list", "links_get",
    "paste_create", "paste_list", "paste_get", "paste_reveal",
    "notes_create", "notes_list", "notes_get",
    "hooks_create", "hooks_list", "hooks_get",
    "recipes_run", "recipes_list", "recipes_create", "recipes_get", "recipes_run_saved",
}  # fmt: skip
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MAX_BODY = 64 * 1024
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


async def make_accounts(url: str) -> dict[str, str]:
    """alice and bob; their API tokens."""
    app = make_app(url)
    async with app.test_app(), app.app_context():
        tokens = {}
        for name in ("alice", "bob"):
            await create_user(name, PASSWORD)
            tokens[name] = await create_token(name)
        return tokens


async def revoked_token(url: str) -> str:
    """A token of alice's that she has revoked."""
    app = make_app(url)
    async with app.test_app(), app.app_context():
        token_id, token = await issue_token(await user_id_by_name("alice"), "revoked")
        assert await revoke_token(await user_id_by_name("alice"), token_id)
        return token


@contextmanager
def database(kind: str, tmp_path_factory):
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('mcp')}/mcp.sqlite3"
        upgrade_to_head(load_database_settings({"DATABASE_URL": url}))
        yield url
        return
    with serverutil.fresh_database() as name:
        url = serverutil.with_database(serverutil.require_postgres(), name)
        upgrade_to_head(load_database_settings({"DATABASE_URL": url}))
        yield url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def site(request, tmp_path_factory):
    """(base URL, database URL, tokens by name) of a Hypercorn server."""
    with database(request.param, tmp_path_factory) as url:
        port = serverutil.free_port()
        # A small output cap, so that a bounded run hits it with a small input; a small body limit likewise.
        env = serverutil.server_env(
            DATABASE_URL=url,
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_POOL_MAX="3",
            MAX_OUTPUT_BYTES="4096",
            MAX_CONTENT_LENGTH=str(MAX_BODY),
        )
        # On PostgreSQL two workers: stateless MCP needs no sticky sessions, any worker answers any request.
        workers = "1" if request.param == "sqlite" else "2"
        args = [*serverutil.python_module("hypercorn"), "app:app", "--bind", f"127.0.0.1:{port}", "--workers", workers]
        with serverutil.running(args, env) as server:
            tokens = in_thread(asyncio.run, make_accounts(url))
            base = f"http://127.0.0.1:{port}"
            serverutil.wait_for_status(server, f"{base}/healthz")
            yield base, url, tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def session(base: str, token: str | None):
    """An initialized MCP client session of the SDK, sending the token (if any) with every request."""
    headers = bearer(token) if token else {}
    async with (
        create_mcp_http_client(headers=headers) as http,
        streamable_http_client(f"{base}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as client,
    ):
        await client.initialize()
        yield client


async def api(base: str, token: str, method: str, path: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base, headers=bearer(token), timeout=30) as client:
        return await client.request(method, path, **kwargs)


def text_of(result) -> str:
    assert len(result.content) == 1
    return result.content[0].text


def registry_names() -> tuple[set[str], set[str]]:
    """(the MCP name of every operation, the slugs of the tools without operations: the stateful ones)."""
    tools = enabled_tools(make_app("sqlite:///:memory:"))
    operations = {mcp_name(tool.slug, op.name) for tool in tools for op in tool.operations}
    return operations, {mcp_name(tool.slug) for tool in tools if not tool.operations}


async def test_the_list_is_one_tool_per_operation_plus_the_stateful_routes_plus_the_owners_recipes(site):
    base, _, tokens = site
    saved = await api(base, tokens["alice"], "POST", "/api/recipes", json={"name": "Unbase", "steps": BASE64_DECODE})
    assert saved.status_code == 201, saved.text
    hidden = await api(base, tokens["bob"], "POST", "/api/recipes", json={"name": "Bob's", "steps": BASE64_DECODE})
    async with session(base, tokens["alice"]) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
    kept = (await api(base, tokens["alice"], "GET", "/api/recipes")).json()["recipes"]
    operations, stateful_slugs = registry_names()
    recipes = {f"recipe_{recipe['slug']}" for recipe in kept}  # alice's, as the API lists them
    stateful = {name for name in listed if any(name.startswith(f"{slug}_") for slug in stateful_slugs)}
    assert operations <= set(listed) and {"hash", "url_build", "http_status"} <= operations
    assert recipes <= set(listed) and f"recipe_{saved.json()['slug']}" in recipes
    assert f"recipe_{hidden.json()['slug']}" not in listed  # bob's: not in alice's list
    assert STATEFUL_TOOLS <= stateful
    assert not {name for name in stateful if name.endswith(("_update", "_delete"))}  # read and create only
    assert len(listed) == len(operations) + len(stateful) + len(recipes)  # nothing else, nothing twice
    recipe = listed[f"recipe_{saved.json()['slug']}"]
    assert recipe.title == "Unbase" and "'Unbase': encode" in recipe.description
    hash_tool = listed["hash"]
    assert hash_tool.description.startswith("Hash text or a file with MD5")
    assert hash_tool.input_schema["properties"]["input"]["type"] == "string"
    assert hash_tool.annotations.read_only_hint is True
    assert listed["links_get"].input_schema["required"] == ["code"]


async def test_hash_of_abc_is_the_fips_180_vector_with_structured_content(site):
    base, _, tokens = site
    async with session(base, tokens["alice"]) as client:
        result = await client.call_tool("hash", {"input": "abc", "algorithms": ["sha256"]})
    assert not result.is_error
    assert result.structured_content["digests"] == {"sha256": SHA256_ABC}
    assert text_of(result) == SHA256_ABC  # the primary text, as a recipe would pass it on


@pytest.mark.parametrize(
    "name, arguments",
    [
        ("hash", {"input": 5}),  # not a string: pydantic's message, prefixed by the field
        ("hash", {"input": "abc", "algorithms": ["sha257"]}),
        ("hash", {"input": "abc", "colour": "red"}),  # an unknown field, worded by core/errors.py
        ("json", {"input": "[" + ",".join(["1"] * 3000) + "]"}),  # the executor's output cap
        ("links_create", {"target": "javascript:alert(1)"}),  # the store's ToolInputError
    ],
)
async def test_bad_input_is_an_error_result_with_the_apis_own_message(site, name, arguments):
    base, _, tokens = site
    async with session(base, tokens["alice"]) as client:
        result = await client.call_tool(name, arguments)
    path = {"hash": "/api/hash", "json": "/api/json", "links_create": "/api/links"}[name]
    expected = await api(base, tokens["alice"], "POST", path, json=arguments)
    assert expected.status_code == 422, expected.text
    assert result.is_error
    assert text_of(result) == expected.json()["error"]["message"]


async def test_the_bounded_executors_output_cap_applies_as_on_the_api(site):
    base, _, tokens = site
    async with session(base, tokens["alice"]) as client:
        result = await client.call_tool("json", {"input": "[" + ",".join(["1"] * 3000) + "]"})
    assert result.is_error
    assert text_of(result).startswith("the result would be larger than the output limit of 4")  # MAX_OUTPUT_BYTES


async def test_an_unknown_tool_is_a_protocol_error_and_a_missing_path_argument_an_error_result(site):
    base, _, tokens = site
    async with session(base, tokens["alice"]) as client:
        with pytest.raises(MCPError) as unknown:
            await client.call_tool("no_such_tool", {})
        missing = await client.call_tool("links_get", {})
    assert unknown.value.code == -32602 and unknown.value.error.message.startswith("Unknown tool: 'no_such_tool'")
    assert missing.is_error and text_of(missing) == "code: Field required"


async def test_a_saved_recipe_runs_and_another_accounts_private_recipe_is_refused(site):
    base, _, tokens = site
    mine = await api(base, tokens["alice"], "POST", "/api/recipes", json={"name": "Mine", "steps": BASE64_DECODE})
    private = await api(base, tokens["bob"], "POST", "/api/recipes", json={"name": "Private", "steps": BASE64_DECODE})
    public = await api(
        base, tokens["bob"], "POST", "/api/recipes", json={"name": "Public", "steps": BASE64_DECODE, "public": True}
    )
    async with session(base, tokens["alice"]) as client:
        ran = await client.call_tool(f"recipe_{mine.json()['slug']}", {"input": "aGVsbG8="})
        refused = await client.call_tool(f"recipe_{private.json()['slug']}", {"input": "aGVsbG8="})
        by_slug = await client.call_tool("recipes_run_saved", {"slug": private.json()["slug"], "input": "aGVsbG8="})
        shared = await client.call_tool(f"recipe_{public.json()['slug']}", {"input": "aGVsbG8="})
    assert not ran.is_error and text_of(ran) == "hello"
    assert ran.structured_content["output"] == "hello"
    assert ran.structured_content["steps"][0]["tool"] == "encode"
    assert refused.is_error and text_of(refused) == "No recipe with this link (or it is private)."
    assert by_slug.is_error and text_of(by_slug) == "No recipe with this link (or it is private)."
    assert not shared.is_error and text_of(shared) == "hello"  # anyone's public recipe runs by its name


async def test_a_short_link_created_over_mcp_redirects_and_is_only_its_owners(site):
    base, _, tokens = site
    target = "https://example.com/from-an-assistant"
    async with session(base, tokens["alice"]) as client:
        created = await client.call_tool("links_create", {"target": target})
        assert not created.is_error, text_of(created)
        code = created.structured_content["code"]
        read = await client.call_tool("links_get", {"code": code})
        listed = await client.call_tool("links_list", {"q": "from-an-assistant"})
    assert read.structured_content["target"] == target
    assert [link["code"] for link in listed.structured_content["links"]] == [code]
    short_url = created.structured_content["short_url"]
    assert short_url.startswith(base)  # absolute URLs as the site makes them for this host
    async with httpx.AsyncClient() as browser:
        visit = await browser.get(short_url)
    assert visit.status_code in (301, 302) and visit.headers["location"] == target
    async with session(base, tokens["bob"]) as client:
        other = await client.call_tool("links_get", {"code": code})
    assert other.is_error and text_of(other) == "No link with this code."  # bob's token: not his link


async def post_initialize(base: str, headers: dict) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.post(f"{base}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **headers})


async def test_a_request_without_a_valid_token_is_refused_with_401(site):
    base, url, tokens = site
    revoked = in_thread(asyncio.run, revoked_token(url))
    missing = await post_initialize(base, {})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"]["message"].startswith("Send an API token (Authorization: Bearer")
    for token in ("mt_wrong", revoked):
        refused = await post_initialize(base, bearer(token))
        assert refused.status_code == 401 and refused.json()["error"]["message"] == "Invalid API token."
    with pytest.raises(BaseExceptionGroup) as raised:  # the SDK's client is refused as well (its task group fails)
        async with session(base, None):
            pass
    assert raised.group_contains(MCPError, match="Server returned an error response", depth=None)
    answered = await post_initialize(base, bearer(tokens["alice"]))
    assert answered.status_code == 200 and answered.json()["result"]["serverInfo"]["name"] == "mytools"


async def test_mcp_answers_carry_the_sites_headers_and_leave_its_rules_intact(site):
    base, _, tokens = site
    answered = await post_initialize(base, bearer(tokens["alice"]))
    refused = await post_initialize(base, {})
    for response in (answered, refused):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
    # Another site's page: refused by the site's CSRF rule, token or not; a Host the site does not answer: 400.
    foreign = await post_initialize(base, {**bearer(tokens["alice"]), "Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert (await post_initialize(base, {**bearer(tokens["alice"]), "Host": "evil.example"})).status_code == 400
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        home = await client.get("/")
        cross_site = await client.post("/api/hash", json={"input": "abc"}, headers={"Sec-Fetch-Site": "cross-site"})
        mcp_get = await client.get("/mcp/")
    assert home.headers["content-security-policy"] == CSP  # the rest of the site is as it was
    assert cross_site.status_code == 403
    assert mcp_get.status_code == 401  # /mcp/ too


def tool_call(name: str, arguments: object) -> dict:
    return {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": arguments}}


async def test_hostile_requests_get_clear_answers_never_a_500(site):
    base, _, tokens = site
    headers = {**MCP_HEADERS, **bearer(tokens["alice"]), "MCP-Protocol-Version": "2025-06-18"}
    too_big = json.dumps(tool_call("hash", {"input": "x" * MAX_BODY})).encode()
    deep_list = b"[" * 5000 + b"]" * 5000
    nested = json.dumps(tool_call("hash", {"input": "x"})).encode()[:-3] + b', "x": ' + deep_list + b"}}}"
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        assert (await client.post("/mcp", content=too_big)).status_code == 413  # MAX_CONTENT_LENGTH
        deep = await client.post("/mcp", content=nested)
        assert deep.status_code == 400 and deep.json()["error"]["code"] == -32700  # JSON-RPC's parse error
        bad_name = (await client.post("/mcp", json=tool_call("recipe_a/../b", {}))).json()["error"]
        assert bad_name["code"] == -32602 and bad_name["message"].startswith("Unknown tool: 'recipe_a/../b'")
        escape = (await client.post("/mcp", json=tool_call("links_get", {"code": "../../api/hash"}))).json()["result"]
        assert escape["isError"] and escape["content"][0]["text"] == "There is nothing at this address."
        for method in ("GET", "DELETE"):  # stateless: no stream to hold open, no session to end
            refused = await client.request(method, "/mcp")
            assert refused.status_code == 405 and refused.headers["allow"] == "POST"


async def test_notes_by_integer_id_and_search_are_the_owners_alone(site):
    base, _, tokens = site
    async with session(base, tokens["alice"]) as client:
        created = await client.call_tool("notes_create", {"title": "Assistant", "body": "*made* over MCP"})
        assert not created.is_error, text_of(created)
        note_id = created.structured_content["id"]
        read = await client.call_tool("notes_get", {"note_id": note_id})
        found = await client.call_tool("notes_list", {"q": "over MCP"})
        not_a_number = await client.call_tool("notes_get", {"note_id": "first"})
    assert read.structured_content["html"] == "<p><em>made</em> over MCP</p>\n"
    assert [note["id"] for note in found.structured_content["notes"]] == [note_id]
    assert not_a_number.is_error and text_of(not_a_number) == "note_id: Input should be a valid integer"
    async with session(base, tokens["bob"]) as client:
        other = await client.call_tool("notes_get", {"note_id": note_id})
        listed = await client.call_tool("notes_list", {})
    assert other.is_error and text_of(other) == "No note with this id."
    assert listed.structured_content["notes"] == []
