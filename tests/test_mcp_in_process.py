"""The assistant tools made from the registry (core/mcp_catalog.py), in process: names, schemas, hints, arguments."""

from __future__ import annotations

import re
import shutil

import pytest
from pydantic import BaseModel

from core.auth import create_token, create_user
from core.mcp_calls import ArgumentError, split_arguments
from core.mcp_catalog import NAME, AssistantTool, build_catalog, item_tool, mcp_name, named_item_tool
from core.mcp_server import mcp_tool
from core.operations import Operation
from core.registry import enabled_tools
from tests.conftest import make_app
from tests.test_mcp import MCP_HEADERS

PASSWORD = "correct horse battery"  # conftest.owner's


def test_every_operation_is_a_tool_whose_schema_is_its_input_models():
    app = make_app("sqlite:///:memory:")
    catalog = build_catalog(app)
    for tool in enabled_tools(app):
        for operation in tool.operations:
            item = catalog[mcp_name(tool.slug, operation.name)]
            assert item.operation is operation
            expected = operation.input.model_json_schema() if not operation.reads_request else {}
            assert {k: v for k, v in item.input_schema.items() if k != "additionalProperties"} == (
                expected or {"type": "object", "properties": {}}
            )
            assert item.description.startswith(tool.summary.rstrip("."))
    assert all(NAME.fullmatch(name) for name in catalog)
    assert catalog["url_build"].endpoint == "url.api_build" and catalog["http_status"].endpoint == "http-status.api"
    assert catalog["url_build"].title == "URL parser: build" and catalog["url"].title == "URL parser"


def test_stateful_tools_lend_their_read_and_create_routes_only():
    app = make_app("sqlite:///:memory:")
    catalog = build_catalog(app)
    assert {n for n in catalog if n.startswith("links_")} == {"links_create", "links_list", "links_get"}
    assert catalog["links_list"].body == "query" and catalog["links_get"].path_args == ("code",)
    assert catalog["links_get"].input_schema["properties"]["code"] == {
        "type": "string",
        "pattern": "^(?:[A-Za-z0-9_-]{1,100})$",  # the <key:…> converter's own rule
    }
    assert catalog["notes_get"].input_schema["properties"]["note_id"] == {"type": "integer", "minimum": 1}
    assert "hash_file" not in catalog  # a file upload (multipart) is no JSON tool
    assert "encode_base64" not in catalog and "base64" not in catalog  # the deprecated /api/base64


class Lookup(BaseModel):
    input: str


async def resolve(data: Lookup) -> dict:
    return {"result": data.input}


def test_hints_say_what_a_call_does():
    app = make_app("sqlite:///:memory:")
    catalog = build_catalog(app)
    hash_hints = mcp_tool(catalog["hash"]).annotations
    assert hash_hints.read_only_hint and hash_hints.idempotent_hint and not hash_hints.open_world_hint
    assert not mcp_tool(catalog["uuid"]).annotations.idempotent_hint  # a generator answers anew each time
    create = mcp_tool(catalog["links_create"]).annotations
    assert not create.read_only_hint and not create.destructive_hint
    network = Operation(Lookup, resolve, network=True)
    lookup = AssistantTool("dns", "DNS", "Look names up.", {}, "POST", "dns.api", operation=network, read_only=True)
    assert mcp_tool(lookup).annotations.open_world_hint  # it reaches other hosts


@pytest.mark.parametrize(
    "name, arguments, message",
    [
        ("links_get", {}, "code: Field required"),
        ("links_get", {"code": "abc", "colour": 1}, "Unknown field: colour. The fields are: code."),
        ("links_list", {"zzz": 1, "y": 2}, "Unknown fields: zzz, y. The fields are: q."),  # the query model's
        ("paste_list", {"x": 1}, "Unknown field: x. The fields are: none."),
    ],
)
def test_arguments_the_route_cannot_take_are_named_as_the_api_names_a_bodys(name, arguments, message):
    catalog = build_catalog(make_app("sqlite:///:memory:"))
    with pytest.raises(ArgumentError, match=f"^{re.escape(message)}$"):
        split_arguments(catalog[name], arguments)


def test_a_json_bodys_unknown_fields_are_left_to_the_api():
    catalog = build_catalog(make_app("sqlite:///:memory:"))
    assert split_arguments(catalog["hash"], {"input": "abc", "colour": 1}) == ({}, {"input": "abc", "colour": 1})
    assert split_arguments(catalog["links_get"], {"code": "abc"}) == ({"code": "abc"}, {})


def test_a_saved_recipes_tool_keeps_its_slug_as_it_is():
    app = make_app("sqlite:///:memory:")
    recipes = next(tool for tool in enabled_tools(app) if tool.slug == "recipes")
    item = item_tool(app, recipes, recipes.assistant_items, "Ab-c_9", "Mine", "Your saved recipe 'Mine'.")
    assert item.name == "recipe_Ab-c_9"  # not recipe_Ab_c_9: a `-` of a slug is no `_` (a different recipe)
    assert item.fixed == {"slug": "Ab-c_9"} and item.endpoint == "recipes.api_run_saved"
    assert named_item_tool(app, "recipe_Ab-c_9").fixed == {"slug": "Ab-c_9"}
    assert set(item.input_schema["properties"]) == {"input"}  # the slug is fixed, not asked for


async def test_a_new_token_is_shown_with_the_mcp_address(logged_in):
    created = await logged_in.post("/account/tokens", form={"name": "assistant", "current_password": PASSWORD})
    page = await created.get_data(as_text=True)
    assert created.status_code == 201
    assert "<code>http://localhost/mcp</code> (MCP;" in page  # the site's own address, as url_for builds it


async def test_while_the_database_is_away_mcp_answers_503_and_then_recovers(tmp_path, sqlite_template):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(sqlite_template, folder / "db.sqlite3")
    app = make_app(f"sqlite:///{folder / 'db.sqlite3'}")
    async with app.test_app():  # the test client goes through the ASGI layers, /mcp's included
        async with app.app_context():
            await create_user("owner", PASSWORD)
            headers = {**MCP_HEADERS, "Authorization": f"Bearer {await create_token('owner')}"}
        client = app.test_client()
        listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        folder.rename(tmp_path / "moved")
        away = await client.post("/mcp", json=listing, headers=headers)
        assert away.status_code == 503 and away.headers["Retry-After"] == "30"
        assert (await away.get_json())["error"]["message"].startswith("The database is unavailable right now")
        (tmp_path / "moved").rename(folder)
        back = await client.post("/mcp", json=listing, headers=headers)
        assert back.status_code == 200
        assert "hash" in {tool["name"] for tool in (await back.get_json())["result"]["tools"]}
