"""core.direct.py: the direct answer of a cheap operation is Quart's answer, byte for byte; the rest is Quart's."""

from __future__ import annotations

import asyncio
import json
import shutil

import pytest

from core.direct import DirectApi, direct_routes
from core.operations import example_body
from core.registry import enabled_tools
from tests.conftest import make_app


@pytest.fixture
async def app(tmp_path, sqlite_template):
    shutil.copy(sqlite_template, tmp_path / "direct.sqlite3")
    application = make_app(f"sqlite:///{tmp_path}/direct.sqlite3")
    async with application.test_app():
        yield application


def direct_layer(app) -> DirectApi:
    layer = app.asgi_app
    while not isinstance(layer, DirectApi):
        layer = layer.app
    return layer


def scope(path: str, body: bytes, headers: list | None = None, scheme: str = "http") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"localhost"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *(headers or []),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
        "extensions": {},
    }


async def call(asgi, request_scope: dict, chunks: list[bytes]) -> tuple[int, list, bytes]:
    """(status, raw headers, body) of one request whose body arrives in `chunks`."""
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)  # the client waits for the answer (Quart cancels this when it has sent it)

    async def send(message):
        sent.append(message)

    await asgi(request_scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], list(start["headers"]), body


async def both_ways(app, path: str, body: bytes, headers=None, chunks=None, scheme="http"):
    """(direct layer's answer, Quart's own answer) to the same request."""
    layer = direct_layer(app)
    parts = chunks or [body]
    direct = await call(layer, scope(path, body, headers, scheme), parts)
    quart = await call(layer.app, scope(path, body, headers, scheme), parts)
    return direct, quart


async def refusing_quart(scope, receive, send):
    raise AssertionError("this request should have been answered without Quart")


async def test_the_cheap_operations_are_the_ones_answered_directly(app):
    routes = direct_routes(app)
    assert {"/api/hash", "/api/encode", "/api/uuid", "/api/url", "/api/url/build", "/api/subnet"} <= set(routes)
    # bounded work, request readers and a tool with its own hooks (password: no-store) stay with Quart
    assert not {"/api/json", "/api/regex", "/api/whoami", "/api/jwt", "/api/password"} & set(routes)


async def test_every_direct_operation_answers_its_example_as_quart_does(app):
    routes = direct_routes(app)
    checked = 0
    for tool in enabled_tools(app):
        for operation in tool.operations:
            path = f"/api/{tool.slug}" + (f"/{operation.name}" if operation.name else "")
            if path not in routes:
                continue
            body = json.dumps(example_body(tool, operation)).encode()
            direct, quart = await both_ways(app, path, body)
            if tool.slug in ("uuid", "lorem", "password"):  # random output: same shape, other values
                assert direct[0] == quart[0] and direct[1][:1] == quart[1][:1], path
                continue
            assert direct == quart, path
            assert direct[0] == 200, path
            checked += 1
    assert checked >= 7


async def test_a_direct_answer_never_reaches_quart(app):
    layer = direct_layer(app)
    inner, layer.app = layer.app, refusing_quart
    try:
        body = b'{"input": "abc", "algorithms": ["sha256"]}'
        status, headers, answer = await call(layer, scope("/api/hash", body), [body])
    finally:
        layer.app = inner
    assert status == 200
    assert json.loads(answer)["digests"]["sha256"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert (b"x-content-type-options", b"nosniff") in headers
    assert (b"strict-transport-security", b"max-age=63072000; includeSubDomains") not in headers


async def test_over_https_the_direct_answer_has_hsts_like_quarts(app):
    body = b'{"input": "abc"}'
    direct, quart = await both_ways(app, "/api/hash", body, scheme="https")
    assert direct == quart
    assert (b"strict-transport-security", b"max-age=63072000; includeSubDomains") in direct[1]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b'{"input": "abc", "from": "yaml"}', 422, "from"),  # unknown field
        (b'{"input": "abc"', 400, "not valid JSON"),  # not JSON
        (b'{"input": 5}', 422, "input"),  # the model refuses it
        (b'["abc"]', 422, ""),  # not an object
        (b'{"input": "abc", "algorithms": ["nope"]}', 422, "algorithms"),
    ],
)
async def test_every_refusal_is_quarts_own_answer(app, body, status, words):
    direct, quart = await both_ways(app, "/api/hash", body)
    assert direct == quart
    assert direct[0] == status and words.encode() in direct[2]


async def test_a_tool_input_error_from_run_is_quarts_422(app):
    body = b'{"input": "10.0.0.0/33"}'
    direct, quart = await both_ways(app, "/api/subnet", body)
    assert direct == quart and direct[0] == 422


async def test_another_sites_request_is_refused_by_quart(app):
    body = b'{"input": "abc"}'
    headers = [(b"sec-fetch-site", b"cross-site")]
    direct, quart = await both_ways(app, "/api/hash", body, headers=headers)
    assert direct == quart and direct[0] == 403
    direct, quart = await both_ways(app, "/api/hash", body, headers=[(b"origin", b"https://evil.example")])
    assert direct == quart and direct[0] == 403


async def test_a_body_in_several_chunks_is_read_whole(app):
    body = b'{"input": "abc", "algorithms": ["md5"]}'
    direct, quart = await both_ways(app, "/api/hash", body, chunks=[body[:5], body[5:20], body[20:]])
    assert direct == quart and direct[0] == 200
    assert json.loads(direct[2])["digests"]["md5"] == "900150983cd24fb0d6963f7d28e17f72"


async def test_a_body_over_the_limit_gets_quarts_413(app):
    app.config["MAX_CONTENT_LENGTH"] = 64
    body = json.dumps({"input": "x" * 100}).encode()
    direct, quart = await both_ways(app, "/api/hash", body)
    assert direct == quart and direct[0] == 413


async def test_a_chunked_body_over_the_limit_gets_quarts_413(app):
    app.config["MAX_CONTENT_LENGTH"] = 64
    body = json.dumps({"input": "x" * 100}).encode()
    layer = direct_layer(app)
    chunked = scope("/api/hash", body)
    chunked["headers"] = [h for h in chunked["headers"] if h[0] != b"content-length"]
    unchunked = dict(chunked, headers=list(chunked["headers"]))
    direct = await call(layer, chunked, [body[:40], body[40:80], body[80:]])
    quart = await call(layer.app, unchunked, [body[:40], body[40:80], body[80:]])
    assert direct == quart and direct[0] == 413


async def test_the_test_client_goes_through_the_direct_layer(app):
    """So every API test of a direct operation checks the direct answer."""
    layer = direct_layer(app)
    inner, layer.app = layer.app, refusing_quart
    try:
        response = await app.test_client().post("/api/hash", json={"input": "abc", "algorithms": ["md5"]})
    finally:
        layer.app = inner
    assert response.status_code == 200
    assert (await response.get_json())["digests"] == {"md5": "900150983cd24fb0d6963f7d28e17f72"}


async def test_a_body_slower_than_body_timeout_gets_quarts_408(app):
    app.config["BODY_TIMEOUT"] = 0.05
    body = b'{"input": "abc"}'
    first = [{"type": "http.request", "body": body[:5], "more_body": True}]
    sent = []

    async def receive():
        if first:
            return first.pop()
        await asyncio.sleep(5)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await asyncio.wait_for(direct_layer(app)(scope("/api/hash", body), receive, send), 3)
    assert sent[0]["status"] == 408


async def test_a_client_that_leaves_mid_body_gets_nothing(app):
    body = b'{"input": "abc"}'
    messages = [{"type": "http.request", "body": body[:5], "more_body": True}, {"type": "http.disconnect"}]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    await direct_layer(app)(scope("/api/hash", body), receive, send)
    assert sent == []
