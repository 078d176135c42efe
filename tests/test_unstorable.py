"""Values a database cannot hold (NUL in text, ids past INTEGER) are refused by each tool, naming the field.

core.errors turns a database's refusal of such a value into a 422 as a last net; these tests switch that
net off, so each one fails if the tool stops checking its own input.
"""

from __future__ import annotations

import asyncpg
import pytest

import core.errors
from core.errors import is_unstorable_value

HUGE_ID = "9223372036854775808"  # past even a 64-bit integer


@pytest.fixture(autouse=True)
def no_safety_net(monkeypatch):
    monkeypatch.setattr(core.errors, "is_unstorable_value", lambda error: False)


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def error_of(response) -> dict:
    return (await response.get_json())["error"]


async def test_a_nul_in_a_hook_bins_text_is_refused_naming_the_field(client, owner):
    for field in ("name", "response_body"):
        response = await client.post("/api/hooks", json={field: "a\x00b"}, headers=auth(owner))
        assert response.status_code == 422
        error = await error_of(response)
        assert error["field"] == field and "NUL" in error["message"]
    created = await client.post("/api/hooks", json={"name": "ok"}, headers=auth(owner))
    bin_id = (await created.get_json())["id"]
    response = await client.patch(f"/api/hooks/{bin_id}", json={"name": "\x00"}, headers=auth(owner))
    assert response.status_code == 422 and (await error_of(response))["field"] == "name"


async def test_a_nul_in_the_bin_form_shows_the_message_next_to_the_field(logged_in):
    response = await logged_in.post("/tools/hooks/", form={"name": "a\x00b", "response_status": "200"})
    assert response.status_code == 422
    assert "NUL" in await response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/api/links/a%00b",
        "/api/paste/a%00b",
        "/api/hooks/a%00b",
        f"/api/notes/{HUGE_ID}",
        "/api/notes/" + "0" * 5000,  # past int()'s 4300-digit limit
        f"/api/tokens/{HUGE_ID}",
    ],
)
async def test_ids_the_database_cannot_hold_are_not_found(client, owner, path):
    method = client.delete if path.startswith("/api/tokens/") else client.get
    response = await method(path, headers=auth(owner))
    assert response.status_code == 404
    assert (await error_of(response))["message"]


@pytest.mark.parametrize("path", ["/s/a%00b", "/p/a%00b", "/hooks/a%00b", f"/tools/notes/{HUGE_ID}", "/tools/notes/0"])
async def test_pages_with_such_ids_are_not_found(logged_in, path):
    assert (await logged_in.get(path)).status_code == 404


async def test_searching_links_for_a_nul_finds_nothing(client, owner):
    await client.post("/api/links", json={"target": "https://example.com/"}, headers=auth(owner))
    everything = await client.get("/api/links", headers=auth(owner))
    assert len((await everything.get_json())["links"]) == 1
    response = await client.get("/api/links", query_string={"q": "\x00"}, headers=auth(owner))
    assert response.status_code == 200 and (await response.get_json())["links"] == []


async def test_a_token_name_with_nul_is_refused_on_the_account_page(logged_in):
    response = await logged_in.post("/account/tokens", form={"name": "ci\x00"})
    assert response.status_code == 422
    assert "NUL" in await response.get_data(as_text=True)


async def test_a_login_name_with_nul_is_a_wrong_name(client, owner):
    response = await client.post("/login", form={"name": "owner\x00", "password": "correct horse battery"})
    assert response.status_code == 401
    assert "Wrong name or password." in await response.get_data(as_text=True)


def test_the_safety_net_knows_both_drivers_refusals():
    assert is_unstorable_value(asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence"))
    assert is_unstorable_value(OverflowError("Python int too large to convert to SQLite INTEGER"))
    assert not is_unstorable_value(OverflowError("something else"))
    assert not is_unstorable_value(ValueError("a NUL"))


async def test_a_lone_surrogate_in_stored_text_is_refused_naming_the_field(client, owner):
    # JSON can escape a lone surrogate; it is not UTF-8, so neither database can store it
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {owner}"}
    created = await client.post("/api/recipes", json={"name": "r", "steps": [{"tool": "case"}]}, headers=headers)
    slug = (await created.get_json())["slug"]
    for method, path in (("POST", "/api/recipes"), ("PATCH", f"/api/recipes/{slug}")):
        body = b'{"name": "\\ud800 recipe", "steps": [{"tool": "case"}]}'
        response = await client.open(path, method=method, data=body, headers=headers)
        assert response.status_code == 422, (method, await response.get_data())
        assert (await response.get_json())["error"]["field"] == "name"
