"""The API docs page: a contents list of every operation, and a "Try it" form per operation that answers as the API."""

from __future__ import annotations

import gzip
import html
import json
import re
import shlex

import pytest

from app import create_app
from core.operations import api_path
from core.registry import enabled_tools

APP = create_app({"SECRET_KEY": "x" * 40})
# Every stateless tool operation with a JSON body (the docs run these themselves): (operationId, path, operation).
WITH_JSON = [
    (
        "_".join(["post", *re.findall(r"[a-z0-9]+", api_path(tool.slug, op).removeprefix("/api/"))]),
        api_path(tool.slug, op),
        op,
    )
    for tool in enabled_tools(APP)
    for op in tool.operations
    if not op.reads_request
]
STATELESS = [entry for entry in WITH_JSON if not entry[2].network]
NETWORK = [entry for entry in WITH_JSON if entry[2].network]  # for accounts: a visitor's try is the API's 401
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2 B.1
TOC = re.compile(r'<div class="api-toc" role="navigation"[^>]*>(.*?)</div>', re.S)
PRE = r'<pre class="result-value" id="{}">(.*?)</pre>'
ANSWER_STATUS = r'<code id="{}-status">(\d+)</code>'


def operation_ids(spec: dict) -> dict[str, tuple[str, str]]:
    """operationId -> (METHOD, path), walking the OpenAPI document."""
    return {
        op["operationId"]: (method.upper(), path) for path, item in spec["paths"].items() for method, op in item.items()
    }


def example_of(page: str, operation_id: str) -> str:
    textarea = re.search(rf'<textarea id="{operation_id}-body" name="body"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert textarea, f"{operation_id} has no body textarea"
    return html.unescape(textarea.group(1))


def shown(page: str, element_id: str) -> str:
    found = re.search(PRE.format(re.escape(element_id)), page, re.S)
    assert found, f"no #{element_id} in the answer"
    return html.unescape(found.group(1))


def answer_of(page: str, operation_id: str) -> tuple[int, object]:
    status = re.search(ANSWER_STATUS.format(re.escape(operation_id)), page)
    assert status, f"no answer status for {operation_id}"
    return int(status.group(1)), json.loads(shown(page, f"{operation_id}-answer"))


async def docs_and_spec(client) -> tuple[str, dict]:
    page = await (await client.get("/api/")).get_data(as_text=True)
    spec = await (await client.get("/api/openapi.json")).get_json()
    return page, spec


async def try_it(client, operation_id: str, htmx: bool = True, **form) -> tuple[int, str, object]:
    headers = {"HX-Request": "true"} if htmx else {}
    response = await client.post(f"/api/try/{operation_id}", form=form, headers=headers)
    return response.status_code, await response.get_data(as_text=True), response


# --- the page -------------------------------------------------------------------------------


async def test_contents_list_every_operation_of_the_openapi_document(tool_client):
    page, spec = await docs_and_spec(tool_client)
    toc = TOC.search(page).group(1)
    ids = operation_ids(spec)
    assert len(ids) > 40
    for operation_id, (method, path) in ids.items():
        assert f'<a href="#{operation_id}"><code>{method} {path}</code></a>' in toc, operation_id
        assert f'<article class="api-op" id="{operation_id}">' in page, operation_id
    assert len(re.findall(r'<a href="#[a-z0-9_]+">', toc)) == len(ids)  # each once
    # Grouped by tool, by title: the tool pages' "API" links (#/api/<slug>) land on their group.
    groups = re.findall(r'<li><a href="#(/api/[a-z0-9-]+)">([^<]+)</a>', toc)
    assert ("/api/hash", "Hash") in groups and ("/api/notes", "Notes") in groups
    assert [title.lower() for _, title in groups] == sorted(title.lower() for _, title in groups)
    assert '<section class="api-group" id="/api/hash"' in page


async def test_every_operation_has_a_try_form_but_the_file_upload(tool_client):
    page, spec = await docs_and_spec(tool_client)
    for operation_id, (method, path) in operation_ids(spec).items():
        form = f'<form method="post" action="/api/try/{operation_id}" hx-post="/api/try/{operation_id}"'
        if path == "/api/hash/file":  # multipart: tried on the hash page
            assert form not in page
            continue
        assert form in page, operation_id
        body = spec["paths"][path][method.lower()].get("requestBody")
        assert (f'id="{operation_id}-body"' in page) == bool(body), operation_id
    assert 'A file upload: try it on the <a href="/tools/hash/">Hash page</a>' in page


@pytest.mark.parametrize(("operation_id", "path", "operation"), STATELESS, ids=[s[0] for s in STATELESS])
async def test_each_stateless_example_answers_2xx_from_the_api_and_the_same_in_try(
    tool_client, operation_id, path, operation
):
    page = await (await tool_client.get("/api/")).get_data(as_text=True)
    example = example_of(page, operation_id)
    response = await tool_client.post(path, data=example, headers={"Content-Type": "application/json"})
    assert 200 <= response.status_code < 300, (path, await response.get_data(as_text=True))
    api_answer = await response.get_json()
    status, text, _ = await try_it(tool_client, operation_id, body=example)
    assert status == 200
    try_status, try_answer = answer_of(text, operation_id)
    assert try_status == response.status_code
    if operation.varies:
        assert try_answer.keys() == api_answer.keys()
    else:
        assert try_answer == api_answer


@pytest.mark.parametrize(("operation_id", "path", "operation"), NETWORK, ids=[s[0] for s in NETWORK])
async def test_a_visitor_trying_a_network_example_gets_the_apis_401(tool_client, operation_id, path, operation):
    page = await (await tool_client.get("/api/")).get_data(as_text=True)
    example = example_of(page, operation_id)
    response = await tool_client.post(path, data=example, headers={"Content-Type": "application/json"})
    assert response.status_code == 401
    status, text, _ = await try_it(tool_client, operation_id, body=example)
    assert status == 200 and answer_of(text, operation_id) == (401, await response.get_json())


async def test_page_weight_and_strict_csp(tool_client):
    response = await tool_client.get("/api/")
    page = await response.get_data()
    assert len(gzip.compress(page)) <= 60 * 1024
    text = page.decode()
    assert "<script>" not in text and " on" + "click=" not in text and "style=" not in text
    assert re.search(r'<script src="/static/js/apidocs\.js[^"]*" defer></script>', text)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    # Each try form is folded away: the page stays a list to read.
    assert text.count('<details class="try">') == text.count('class="try-form"')


# --- trying an operation ----------------------------------------------------------------------


async def test_try_hash_shows_curl_and_the_answer_with_htmx(tool_client):
    status, text, response = await try_it(tool_client, "post_hash", body='{\r\n  "input": "abc"\r\n}')
    assert status == 200 and response.headers["Cache-Control"] == "no-store"
    assert "<html" not in text  # the partial
    curl = shown(text, "post_hash-curl")
    expected = "curl -X POST http://localhost/api/hash -H 'Content-Type: application/json' --data-raw "
    assert curl == expected + '\'{"input": "abc"}\''
    assert shlex.split(curl)[-1] == '{"input": "abc"}'
    code, answer = answer_of(text, "post_hash")
    assert code == 200 and answer["digests"]["sha256"] == SHA256_ABC


async def test_try_without_javascript_renders_the_whole_page_with_the_form_again(tool_client):
    status, text, _ = await try_it(tool_client, "post_hash", htmx=False, body='{"input": "abc", "algorithms": ["md5"]}')
    assert status == 200 and "<html" in text
    assert '<a href="/api/#post_hash">' in text
    assert example_of(text, "post_hash") == '{"input": "abc", "algorithms": ["md5"]}'  # what was sent, to edit
    code, answer = answer_of(text, "post_hash")
    assert code == 200 and answer == {"digests": {"md5": "900150983cd24fb0d6963f7d28e17f72"}, "hmac": False}


@pytest.mark.parametrize(
    "body",
    ['{"input": ', '{"inputs": "abc"}', "{}", '{"input": "abc", "algorithms": ["nope"]}', "[1, 2]", ""],
    ids=["bad JSON", "unknown field", "missing field", "bad value", "not an object", "empty"],
)
async def test_try_answers_errors_exactly_as_the_api(tool_client, body):
    api = await tool_client.post("/api/hash", data=body, headers={"Content-Type": "application/json"})
    _, text, _ = await try_it(tool_client, "post_hash", body=body)
    assert 400 <= api.status_code < 500
    assert answer_of(text, "post_hash") == (api.status_code, await api.get_json())


async def test_try_a_tool_input_error_is_the_api_422(tool_client):
    body = '{"pattern": "(", "text": "x"}'
    api = await tool_client.post("/api/regex", data=body, headers={"Content-Type": "application/json"})
    _, text, _ = await try_it(tool_client, "post_regex", body=body)
    assert api.status_code == 422
    assert answer_of(text, "post_regex") == (422, await api.get_json())


async def test_try_keeps_the_operations_own_headers(tool_client):
    _, text, response = await try_it(tool_client, "post_password", body='{"length": 20}')
    assert response.headers["Cache-Control"] == "no-store"
    code, answer = answer_of(text, "post_password")
    assert code == 200 and len(answer["value"]) == 20


async def test_unknown_and_file_upload_operations_have_no_try(tool_client):
    assert (await tool_client.post("/api/try/post_nothing", form={})).status_code == 404
    assert (await tool_client.post("/api/try/post_hash_file", form={})).status_code == 404
    assert (await tool_client.get("/api/try/post_hash")).status_code == 405


async def test_try_from_another_site_is_refused(tool_client):
    response = await tool_client.post(
        "/api/try/post_hash", form={"body": '{"input": "abc"}'}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403


async def test_the_try_route_is_not_in_the_openapi_document(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    assert not [path for path in spec["paths"] if path.startswith("/api/try")]


async def test_whoami_is_sent_by_the_browser_and_a_plain_link_without_javascript(tool_client):
    _, text, _ = await try_it(tool_client, "get_whoami")
    assert shown(text, "get_whoami-curl") == "curl http://localhost/api/whoami"
    assert (
        '<div class="try-send" data-send-method="GET" data-send-url="/api/whoami" data-send-for="get_whoami">' in text
    )
    assert '<noscript><p><a href="/api/whoami">Open the answer</a>' in text


# --- owner-only operations --------------------------------------------------------------------


async def test_owner_only_operation_without_login_shows_the_curl_with_a_token_placeholder(client):
    page = await (await client.get("/api/")).get_data(as_text=True)
    example = example_of(page, "put_notes_note_id")
    assert json.loads(example) == {"title": "example", "version": 1}
    _, text, _ = await try_it(client, "put_notes_note_id", **{"path.note_id": "7", "body": example})
    curl = shlex.split(shown(text, "put_notes_note_id-curl"))
    assert curl == [
        "curl", "-X", "PUT", "http://localhost/api/notes/7", "-H", "Authorization: Bearer <token>",
        "-H", "Content-Type: application/json", "--data-raw", '{"title": "example", "version": 1}',
    ]  # fmt: skip
    assert 'class="try-send"' not in text
    assert '<a href="/login?next=/api/">log in</a> to send it from here, or run the command with an API token' in text
    assert "Show the command" in page  # the owner-only forms say what they do for a visitor


async def test_owner_only_operation_logged_in_is_sent_by_the_browser_with_the_session(logged_in):
    _, text, _ = await try_it(logged_in, "get_notes", **{"query.q": "milk & eggs"})
    assert shown(text, "get_notes-curl") == (
        "curl 'http://localhost/api/notes?q=milk+%26+eggs' -H 'Authorization: Bearer <token>'"
    )
    assert 'data-send-method="GET" data-send-url="/api/notes?q=milk+%26+eggs"' in text
    _, text, _ = await try_it(logged_in, "post_notes", body='{"title": "it\'s"}')
    assert (
        'data-send-method="POST" data-send-url="/api/notes" data-send-body="{&#34;title&#34;: &#34;it&#39;s&#34;}"'
        in text
    )
    assert "Show the command" not in await (await logged_in.get("/api/")).get_data(as_text=True)


async def test_path_parameters_are_quoted_and_required(logged_in):
    _, text, _ = await try_it(logged_in, "get_links_code", **{"path.code": "a b/c"})
    assert 'data-send-url="/api/links/a%20b%2Fc"' in text
    for blank in ("  ", ".", ".."):
        _, text, _ = await try_it(logged_in, "get_links_code", **{"path.code": blank})
        assert "code: enter a value for this path parameter." in text and 'class="try-send"' not in text


async def test_examples_made_from_the_schema_are_accepted_by_the_api(client, owner):
    """Routes that are not tool operations have no example of their own: the docs make one from the schema."""
    page, spec = await docs_and_spec(client)
    operation_paths = {path for _, path, _ in WITH_JSON}
    created = []
    for operation_id, (method, path) in operation_ids(spec).items():
        op = spec["paths"][path][method.lower()]
        json_body = "application/json" in op.get("requestBody", {}).get("content", {})
        if method != "POST" or "{" in path or not json_body or path in operation_paths:
            continue
        body = example_of(page, operation_id)
        response = await client.post(path, data=body, headers={"Content-Type": "application/json", **bearer(owner)})
        assert 200 <= response.status_code < 300, (path, body, await response.get_data(as_text=True))
        created.append(path)
    assert sorted(created) == [
        "/api/base64",
        "/api/hooks",
        "/api/links",
        "/api/notes",
        "/api/paste",
        "/api/recipes",
        "/api/recipes/run",
    ]
    assert json.loads(example_of(page, "post_links")) == {"target": "https://example.org/"}
    # a model's own schema example comes first: a recipe needs a real step, not an empty list
    assert json.loads(example_of(page, "post_recipes_run"))["steps"][0]["tool"] == "encode"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("operation_id", "form", "status", "message"),
    [
        ("post_json", {"body": "[" * 100_000 + "]" * 100_000}, 400, "The request body is not valid JSON: it is nested"),
        ("post_hash", {"body": '{"input": "\\u0000\\u001b[201~"}'}, 200, None),
        ("post_hash", {"body": '{"input": "' + "x" * 300_000 + '"}'}, 200, None),
    ],
    ids=["deeply nested", "control characters", "large"],
)
async def test_hostile_bodies_get_the_apis_answer_never_a_500(tool_client, operation_id, form, status, message):
    code, text, _ = await try_it(tool_client, operation_id, **form)
    assert code == 200
    answer_status, answer = answer_of(text, operation_id)
    assert answer_status == status
    if message:
        assert answer["error"]["message"].startswith(message)
    assert not re.search("[\x00\x1b]", shown(text, f"{operation_id}-curl"))  # escaped for the terminal


async def test_hostile_path_and_query_values_are_encoded(logged_in):
    _, text, _ = await try_it(logged_in, "get_notes", **{"query.q": "\x1b[31m\r\n'\"<>"})
    curl = shown(text, "get_notes-curl")
    assert "\x1b" not in curl and "%1B%5B31m%0D%0A%27%22%3C%3E" in curl
    _, text, _ = await try_it(logged_in, "delete_notes_note_id", **{"path.note_id": "../../tokens"})
    assert 'data-send-url="/api/notes/..%2F..%2Ftokens"' in text
