"""OpenAPI document, the API docs page, JSON errors under /api/ and friendly error pages."""

from __future__ import annotations


async def test_openapi_describes_the_tools(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    assert spec["info"]["title"] == "mytools API"
    assert {"/api/hash", "/api/notes", "/api/notes/{note_id}"} <= set(spec["paths"])
    hash_body = spec["paths"]["/api/hash"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in hash_body:
        hash_body = spec["components"]["schemas"][hash_body["$ref"].rsplit("/", 1)[1]]
    schema = hash_body
    assert schema["required"] == ["input"]
    assert set(schema["properties"]) == {"input", "algorithms", "key", "expected"}
    assert spec["paths"]["/api/notes"]["get"]["security"] == [{"bearer": []}]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


async def test_api_docs_page_is_served_by_the_app(tool_client):
    response = await tool_client.get("/api/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<code>/api/hash</code>" in page and "<code>input</code>" in page
    assert "cdn" not in page.lower()
    for path in ("/docs", "/redocs", "/scalar"):  # quart-schema's CDN pages are off
        assert (await tool_client.get(path)).status_code == 404


async def test_api_errors_are_json(tool_client):
    missing = await tool_client.post("/api/hash", json={})
    assert missing.status_code == 422
    assert await missing.get_json() == {"error": {"message": "input: Field required", "field": "input"}}
    bad_json = await tool_client.post("/api/hash", data="{nope", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400
    assert (await bad_json.get_json())["error"]["message"].startswith("The request body is not valid JSON")
    not_object = await tool_client.post("/api/hash", json=[1, 2])
    assert not_object.status_code in (400, 422)
    assert "error" in await not_object.get_json()
    unknown = await tool_client.get("/api/nothing-here")
    assert unknown.status_code == 404
    assert await unknown.get_json() == {"error": {"message": "There is nothing at this address.", "field": None}}
    wrong_method = await tool_client.get("/api/hash")
    assert wrong_method.status_code == 405
    assert "error" in await wrong_method.get_json()


async def test_unreadable_json_bodies_are_400s(tool_client):
    # Quart's get_json only turns a ValueError into a 400; these raised something else and were 500s.
    cases = {
        "not UTF-8 text": b'{"input": "\xff\xfe"}',
        "nested too deeply": b"[" * 10_000 + b"]" * 10_000,
    }
    for reason, body in cases.items():
        response = await tool_client.post("/api/hash", data=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert await response.get_json() == {
            "error": {"message": f"The request body is not valid JSON: it is {reason}.", "field": None}
        }
    response = await tool_client.post("/api/hash", json={"input": "abc", "algorithms": ["md5"]})
    assert (await response.get_json())["digests"] == {"md5": "900150983cd24fb0d6963f7d28e17f72"}  # RFC 1321


async def test_values_the_database_cannot_store_are_422s(tool_client):
    # A safety net for tools that let a NUL or an out-of-range integer through to the database.
    import asyncpg

    app = tool_client.app

    @app.get("/api/overflow")
    async def overflow():
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    @app.get("/nul")
    async def nul():
        raise asyncpg.exceptions.CharacterNotInRepertoireError('invalid byte sequence for encoding "UTF8": 0x00')

    api = await tool_client.get("/api/overflow")
    assert api.status_code == 422 and "cannot store" in (await api.get_json())["error"]["message"]
    page = await tool_client.get("/nul")
    assert page.status_code == 422 and "cannot store" in await page.get_data(as_text=True)


async def test_friendly_404_page(tool_client):
    response = await tool_client.get("/no/such/page")
    page = await response.get_data(as_text=True)
    assert response.status_code == 404
    assert "404 · Not found" in page and 'href="/"' in page


async def test_friendly_500_page_and_json(tool_client):
    app = tool_client.app

    @app.get("/boom")
    async def boom():
        raise RuntimeError("secret internals")

    @app.get("/api/boom")
    async def api_boom():
        raise RuntimeError("secret internals")

    response = await tool_client.get("/boom")
    page = await response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong" in page and "secret internals" not in page
    api = await tool_client.get("/api/boom")
    assert api.status_code == 500 and "secret internals" not in (await api.get_json())["error"]["message"]


async def test_pages_load_nothing_from_other_hosts(tool_client):
    for path in ("/", "/tools/hash/", "/login", "/api/"):
        page = await (await tool_client.get(path)).get_data(as_text=True)
        for attribute in ('src="http', "src='http", 'href="http', "//cdn", 'src="//', 'href="//'):
            assert attribute not in page, (path, attribute)
        assert "<script>" not in page and "style=" not in page  # nothing the CSP would block


async def test_openapi_lists_only_the_api_with_unique_operation_ids(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    assert all(path.startswith("/api/") for path in spec["paths"])
    assert "/api/openapi.json" not in spec["paths"] and "/api/" not in spec["paths"]
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert spec["paths"]["/api/hash"]["post"]["operationId"] == "post_hash"
    assert spec["paths"]["/api/notes/{note_id}"]["put"]["operationId"] == "put_notes_note_id"


async def test_form_encoded_body_to_the_api_asks_for_json(tool_client):
    response = await tool_client.post("/api/hash", form={"input": "abc"})
    assert response.status_code == 400
    assert (await response.get_json())["error"]["message"] == "Send a JSON object with Content-Type: application/json."


async def test_htmx_validation_error_is_placed_next_to_its_field(tool_client):
    response = await tool_client.post("/tools/hash/", form={"algorithms": "nope"}, headers={"HX-Request": "true"})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<div id="input-feedback" hx-swap-oob="true"><small class="field-error" id="input-error"' in fragment
    assert '<div id="key-feedback" hx-swap-oob="true"></div>' in fragment  # cleared
    assert "Digests" not in fragment


def test_form_values_last_one_wins_except_for_lists():
    from pydantic import BaseModel
    from werkzeug.datastructures import MultiDict

    from core.forms import values_from

    class Options(BaseModel):
        input: str
        sort: bool = True
        tags: list[str] = []

    # The checkbox macro sends a hidden "false" before the box: ticked gives ["false", "true"].
    ticked = MultiDict([("input", "x"), ("sort", "false"), ("sort", "true"), ("tags", "a"), ("tags", "b")])
    assert values_from(Options, ticked) == {"input": "x", "sort": "true", "tags": ["a", "b"]}
    unticked = MultiDict([("input", "x"), ("sort", "false")])
    assert Options.model_validate(values_from(Options, unticked)).sort is False
    assert values_from(Options, MultiDict([("input", "x")])) == {"input": "x"}
