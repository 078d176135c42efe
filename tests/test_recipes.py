"""Recipes: running unsaved ones, validation before anything runs, limits, saved recipes and who may run them."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import quote

import pytest
from pydantic import BaseModel

from core.auth import create_token, create_user
from core.operations import Operation, check_primary_input
from core.recipes import NotText, as_text
from tests.conftest import make_app

URL_DECODE = {"tool": "encode", "options": {"mode": "decode", "format": "url-component"}}
BASE64_DECODE = {"tool": "encode", "options": {"mode": "decode", "format": "base64"}}
JSON_PRETTY = {"tool": "json", "options": {"indent": "2"}}
DOCUMENT = '{"b":[1,2],"a":"x"}'
ENCODED = quote(base64.b64encode(DOCUMENT.encode()).decode(), safe="")  # "eyJi...%3D%3D"
PRETTY = '{\n  "b": [\n    1,\n    2\n  ],\n  "a": "x"\n}'


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def run(client, text: str, steps: list, **headers):
    response = await client.post("/api/recipes/run", json={"input": text, "steps": steps}, headers=headers)
    return response.status_code, await response.get_json()


# --- running without saving ------------------------------------------------------------------


async def test_three_steps_chain_and_report_each_output(tool_client):
    assert "%3D%3D" in ENCODED
    status, body = await run(tool_client, ENCODED, [URL_DECODE, BASE64_DECODE, JSON_PRETTY])
    assert status == 200, body
    assert body["output"] == PRETTY
    outputs = [step["output"] for step in body["steps"]]
    assert outputs == [base64.b64encode(DOCUMENT.encode()).decode(), DOCUMENT, PRETTY]
    assert [step["tool"] for step in body["steps"]] == ["encode", "encode", "json"]
    assert all(step["error"] is None and step["ms"] >= 0 for step in body["steps"])


async def test_each_line_applies_the_step_to_every_line(tool_client):
    each = {**BASE64_DECODE, "each_line": True}
    status, body = await run(tool_client, "aGk=\nYQ==\r\nb2s=", [each])
    assert status == 200, body
    assert body["output"] == "hi\na\nok"
    # Each line hashed on its own (SHA-256 of "a" and of "b"), against the whole text hashed once.
    hashed = {"tool": "hash", "options": {"algorithms": ["sha256"]}, "each_line": True}
    status, body = await run(tool_client, "a\nb", [hashed])
    assert body["output"].splitlines() == [
        "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
        "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d",
    ]


async def test_each_line_error_names_the_line(tool_client):
    status, body = await run(tool_client, "aGk=\n!!\nYQ==", [{**BASE64_DECODE, "each_line": True}])
    assert status == 422
    assert body["error"]["field"] == "steps[0].input"
    assert body["error"]["message"].startswith("step 1 (encode): line 2: ")


async def test_a_failing_middle_step_stops_the_run_and_keeps_earlier_outputs(tool_client):
    # URL-decoding gives "not base64!", which step 2 cannot decode; step 3 never runs.
    status, body = await run(tool_client, "not%20base64!", [URL_DECODE, BASE64_DECODE, JSON_PRETTY])
    assert status == 422
    assert body["error"]["field"] == "steps[1].input"
    assert body["error"]["message"].startswith("step 2 (encode): ")
    assert [s["output"] for s in body["steps"]] == ["not base64!", None]
    assert body["steps"][1]["error"] == body["error"]["message"]
    assert "output" not in body


@pytest.mark.parametrize(
    ("step", "field", "words"),
    [
        ({"tool": "encode", "options": {"mode": "decode", "format": "base65"}}, "steps[2].options.format", "format"),
        ({"tool": "encode", "options": {"colour": "red"}}, "steps[2].options.colour", "unknown option 'colour'"),
        ({"tool": "encode", "options": {"input": "x"}}, "steps[2].options.input", "is the step's input"),
        ({"tool": "nope"}, "steps[2].tool", "no tool 'nope'"),
        ({"tool": "url", "operation": "split"}, "steps[2].operation", "url has no operation 'split'"),
        ({"tool": "whoami"}, "steps[2].tool", "no tool 'whoami' can be a recipe step"),
        ({"tool": "encode", "take": "nothing"}, "steps[2].take", "no field 'nothing'"),
        ({"tool": "encode", "each_line": "sometimes"}, "steps[2].each_line", "step 3"),
        ({"tool": "encode", "extra": 1}, "steps[2].extra", "step 3"),
    ],
)
async def test_options_are_validated_before_anything_runs(tool_client, step, field, words):
    status, body = await run(tool_client, ENCODED, [URL_DECODE, BASE64_DECODE, step])
    assert status == 422, body
    assert body["error"]["field"] == field
    assert words in body["error"]["message"]
    assert body["steps"] == []  # nothing ran: steps 1 and 2 were fine, but step 3 was checked first


async def test_twenty_steps_run_and_twenty_one_are_refused(tool_client):
    encode = {"tool": "encode", "options": {"format": "base16"}}
    status, body = await run(tool_client, "a", [encode] * 20)
    assert status == 200
    assert len(body["steps"]) == 20 and body["output"] == body["steps"][-1]["output"]
    status, body = await run(tool_client, "a", [encode] * 21)
    assert status == 422
    assert body["error"] == {"message": "a recipe has at most 20 steps; this one has 21", "field": "steps"}
    status, body = await run(tool_client, "a", [])
    assert status == 422 and body["error"]["field"] == "steps"


async def test_a_non_text_output_fails_at_the_step_that_takes_it(tool_client):
    # json's `duplicate_keys` is a list: the next step needs text.
    take_list = {"tool": "json", "take": "duplicate_keys"}
    status, body = await run(tool_client, '{"a":1,"a":2}', [take_list, BASE64_DECODE])
    assert status == 422, body
    assert body["error"]["field"] == "steps[1].input"
    message = body["error"]["message"]
    assert "step 2 (encode) needs text as its input" in message
    assert "the 'duplicate_keys' output of step 1 (json) is a list" in message
    # A number is passed on as its digits.
    status, body = await run(tool_client, "aGk=", [{**BASE64_DECODE, "take": "byte_length"}])
    assert body["output"] == "2"


async def test_non_utf8_bytes_are_refused_where_they_appear(tool_client):
    status, body = await run(tool_client, "%2Fw%3D%3D", [URL_DECODE, BASE64_DECODE, JSON_PRETTY])
    assert status == 422
    assert body["error"]["field"].startswith("steps[1].")
    assert "not UTF-8 text" in body["error"]["message"] and "0xff" in body["error"]["message"]
    assert [s["output"] for s in body["steps"]] == ["/w==", None]


def test_binary_values_are_described():
    binary = r"the output of step 2 is 2 bytes of binary data, not UTF-8 text \(byte 1 is 0xff"
    with pytest.raises(NotText, match=binary):
        as_text(b"\xff\x00", "the output of step 2")
    assert as_text("é".encode(), "x") == "é"
    with pytest.raises(NotText, match="is an object, not text"):
        as_text({"a": 1}, "the output")


def test_every_operation_names_a_text_primary_input():
    class Model(BaseModel):
        text: str
        count: int = 1

    check_primary_input("ok", Operation(Model, lambda data: data, primary_input="text"))
    check_primary_input("ok", Operation(Model, lambda data: data, primary_input=None))
    for wrong in ("input", "count"):
        with pytest.raises(RuntimeError, match=f"primary_input '{wrong}' is not a str field of Model"):
            check_primary_input("bad", Operation(Model, lambda data: data, primary_input=wrong))


# --- limits ---------------------------------------------------------------------------------


async def limited_client(tmp_path, sqlite_template, **settings):
    import shutil

    path = tmp_path / "mytools.sqlite3"
    shutil.copy(sqlite_template, path)
    application = make_app(f"sqlite:///{path}", **settings)
    async with application.test_app():
        yield application.test_client()


@pytest.fixture
async def budget_client(tmp_path, sqlite_template):
    """A client whose recipes have a 300 ms time budget."""
    async for client in limited_client(tmp_path, sqlite_template, RECIPE_TIME_LIMIT_MS="300"):
        yield client


@pytest.fixture
async def capped_client(tmp_path, sqlite_template):
    """A client whose recipes have a 4 KB output cap."""
    async for client in limited_client(tmp_path, sqlite_template, RECIPE_MAX_OUTPUT_BYTES="4096"):
        yield client


async def test_the_time_budget_stops_a_slow_step(budget_client):
    # A diff of two long, wholly different texts: legal, but difflib needs far longer than the budget, so the
    # bounded child is killed when the 300 ms are spent.
    left = "\n".join(f"line {i} alpha" for i in range(8000))
    slow = {"tool": "diff", "options": {"right": "\n".join(f"line {i * 7} beta" for i in range(8000))}}
    started = time.monotonic()
    status, body = await run(budget_client, quote(left), [URL_DECODE, slow, JSON_PRETTY])
    assert time.monotonic() - started < 3
    assert status == 422, body
    assert body["error"]["field"] == "steps[1]"
    assert body["error"]["message"] == "step 2 (diff): the recipe ran out of its time budget of 0.3 s"
    assert [s["output"] for s in body["steps"]] == [left, None]


async def test_the_time_budget_stops_a_long_chain_of_quick_steps(budget_client):
    # Each pretty-print of a 20 000-number array takes some 40 ms (a bounded child each): well under the budget
    # one by one, but twenty of them (800 ms) overrun 300 ms, and the run stops part-way.
    document = json.dumps(list(range(20_000)))
    status, body = await run(budget_client, document, [JSON_PRETTY] * 20)
    assert status == 422, body
    assert "ran out of its time budget of 0.3 s" in body["error"]["message"]
    failed_at = int(body["error"]["field"][len("steps[") : -1])
    assert failed_at < 20
    assert len(body["steps"]) == failed_at + 1 and body["steps"][failed_at]["error"] == body["error"]["message"]
    assert all(s["output"] == json.dumps(list(range(20_000)), indent=2) for s in body["steps"][:failed_at])


async def test_the_output_cap_is_for_the_whole_run(capped_client):
    base16 = {"tool": "encode", "options": {"format": "base16"}}
    status, body = await run(capped_client, "x" * 1500, [base16, base16])  # 3000 bytes, then 6000
    assert status == 422
    assert body["error"]["field"] == "steps[1]"
    assert "larger than the recipe's cap of 4 KB" in body["error"]["message"]
    assert len(body["steps"][0]["output"]) == 3000


# --- saved recipes: owner's API, and who may run them ----------------------------------------------


@pytest.fixture
async def other(app):
    async with app.app_context():
        await create_user("other", "another horse battery")
        return await create_token("other")


async def save(client, token, name="Decode JSON", public=False, steps=None):
    body = {"name": name, "steps": steps or [URL_DECODE, BASE64_DECODE, JSON_PRETTY], "public": public}
    response = await client.post("/api/recipes", json=body, headers=auth(token))
    assert response.status_code == 201, await response.get_data(as_text=True)
    return await response.get_json()


async def test_owner_saves_lists_updates_runs_and_deletes(client, owner):
    saved = await save(client, owner)
    slug = saved["slug"]
    assert saved["name"] == "Decode JSON" and saved["public"] is False
    assert saved["steps"][0] == {"tool": "encode", "options": {"mode": "decode", "format": "url-component"}}
    assert saved["url"] == f"/tools/recipes/r/{slug}" and saved["api_url"] == f"/api/recipes/{slug}/run"

    listed = await (await client.get("/api/recipes", headers=auth(owner))).get_json()
    assert [r["slug"] for r in listed["recipes"]] == [slug]

    ran = await client.post(f"/api/recipes/{slug}/run", json={"input": ENCODED}, headers=auth(owner))
    assert (await ran.get_json())["output"] == PRETTY

    patched = await client.patch(f"/api/recipes/{slug}", json={"name": "Renamed", "public": True}, headers=auth(owner))
    assert (await patched.get_json())["name"] == "Renamed"
    bad = await client.put(f"/api/recipes/{slug}", json={"steps": [{"tool": "json", "options": {"indent": "9"}}]},
                           headers=auth(owner))  # fmt: skip
    assert bad.status_code == 422
    assert (await bad.get_json())["error"]["field"] == "steps[0].options.indent"
    got = await (await client.get(f"/api/recipes/{slug}", headers=auth(owner))).get_json()
    assert got["name"] == "Renamed" and len(got["steps"]) == 3  # the refused update changed nothing

    assert (await client.delete(f"/api/recipes/{slug}", headers=auth(owner))).status_code == 204
    assert (await client.get(f"/api/recipes/{slug}", headers=auth(owner))).status_code == 404


async def test_saving_validates_the_steps(client, owner):
    response = await client.post("/api/recipes", json={"name": "x", "steps": [URL_DECODE] * 21}, headers=auth(owner))
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == "steps"
    response = await client.post("/api/recipes", json={"name": "x", "steps": [{"tool": "zzz"}]}, headers=auth(owner))
    assert (await response.get_json())["error"]["field"] == "steps[0].tool"
    assert (await client.post("/api/recipes", json={"name": "x", "steps": [URL_DECODE]})).status_code == 401


async def test_private_recipe_is_its_owners_alone(app, client, owner, other):
    slug = (await save(client, owner, public=False))["slug"]
    for headers in (auth(other), {}):  # another account, a visitor
        assert (await client.get(f"/api/recipes/{slug}", headers=headers)).status_code == 404
        ran = await client.post(f"/api/recipes/{slug}/run", json={"input": ENCODED}, headers=headers)
        assert ran.status_code == 404
        assert (await ran.get_json())["error"]["message"] == "No recipe with this link (or it is private)."
        assert (await client.get(f"/tools/recipes/r/{slug}", headers=headers)).status_code == 404
        assert (await client.post(f"/tools/recipes/r/{slug}", form={"input": "x"}, headers=headers)).status_code == 404
    changed = await client.patch(f"/api/recipes/{slug}", json={"public": True}, headers=auth(other))
    assert changed.status_code == 404
    assert (await client.delete(f"/api/recipes/{slug}", headers=auth(other))).status_code == 404
    listed = await (await client.get("/api/recipes", headers=auth(other))).get_json()
    assert listed == {"recipes": []}
    assert (await client.get(f"/tools/recipes/r/{slug}", headers=auth(owner))).status_code == 200


async def test_public_recipe_runs_for_anyone_with_its_link(app, client, owner, other):
    slug = (await save(client, owner, public=True))["slug"]
    for headers in (auth(other), {}):
        ran = await client.post(f"/api/recipes/{slug}/run", json={"input": ENCODED}, headers=headers)
        assert ran.status_code == 200
        assert (await ran.get_json())["output"] == PRETTY
        page = await client.post(f"/tools/recipes/r/{slug}", form={"input": ENCODED}, headers=headers)
        assert page.status_code == 200
        html = await page.get_data(as_text=True)
        assert "&#34;b&#34;: [" in html or "&quot;b&quot;: [" in html
        assert "Delete" not in html  # only its owner may change it
        assert (await client.delete(f"/api/recipes/{slug}", headers=headers)).status_code in (401, 404)
    assert (await client.get(f"/api/recipes/{slug}/run")).status_code == 405


async def test_owners_recipes_on_home_page_and_palette(client, owner, logged_in):
    slug = (await save(client, owner, name="My decoder"))["slug"]
    home = await (await logged_in.get("/")).get_data(as_text=True)
    assert "Your recipes" in home and f'href="/tools/recipes/r/{slug}">My decoder<' in home
    mine = await logged_in.get("/tools/mine.json")
    assert mine.headers["Cache-Control"] == "no-store"
    entries = (await mine.get_json())["tools"]
    assert [(e["title"], e["url"]) for e in entries] == [("My decoder", f"/tools/recipes/r/{slug}")]
    assert entries[0]["names"] == ["my", "decoder"]
    assert "data-owner-index" in home


async def test_visitor_sees_no_owner_items(client):
    assert (await (await client.get("/tools/mine.json")).get_json()) == {"tools": []}
    assert "data-owner-index" not in await (await client.get("/")).get_data(as_text=True)
