"""A tool page before anything is typed: its example (marked), a fresh result, or what to type; its live settings."""

from __future__ import annotations

import asyncio
import html
import re

import pytest
from pydantic import BaseModel, Field

from app import create_app
from core.first_load import EMPTY_TEXT, FRESH_PAGE_CACHE_CONTROL, FirstLoad, first_load_form, fresh_headers
from core.forms import FormInput
from core.operations import LIVE_MAX_BYTES, Operation, page_operation
from core.registry import Tool, enabled_tools
from tests.test_examples import result_section

APP = create_app({"SECRET_KEY": "x" * 40})
# The stateless tools: their pages are the platform's (or built on it); the stateful ones need a login.
PAGES = [tool for tool in enabled_tools(APP) if tool.operations]
FIRST_LOAD_LINE = re.compile(r'<p class="first-load" data-first-load="(example|run|empty)"( hidden)?>([^<]*)</p>')
TAG = re.compile(r"<[^>]+>")


class Words(BaseModel):
    input: str = Field(max_length=100)
    count: int = Field(default=2, ge=1)


def echo(data: Words) -> dict:
    return {"result": data.input * data.count}


async def fresh_page(client, path: str) -> str:
    """A first load that ran afresh: 200, never stored by a shared cache; its HTML."""
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == FRESH_PAGE_CACHE_CONTROL  # never the page cache's copy
    return await response.get_data(as_text=True)


def shown_text(html: str) -> str:
    return " ".join(TAG.sub(" ", html).split())


def test_an_operation_shows_its_example_unless_it_is_a_generator():
    assert Operation(Words, echo).first_load == "example"
    assert Operation(Words, echo, varies=True).first_load == "run"
    assert Operation(Words, echo, varies=True, first_load="empty").first_load == "empty"
    assert Operation(Words, echo).live_max_bytes == LIVE_MAX_BYTES == 100_000
    assert Operation(Words, echo, live_max_bytes=5).live_max_bytes == 5


def test_the_declarations_of_the_tools():
    declared = {tool.slug: page_operation(tool) for tool in PAGES}
    assert {slug for slug, op in declared.items() if op.first_load == "run"} == {
        "keys",
        "lorem",
        "password",
        "time",
        "totp",
        "uuid",
        "whoami",
    }
    assert declared["time"].browser_zone == "zone" and declared["time"].first_input == {"input": "now"}
    assert (declared["json"].live_max_bytes, declared["diff"].live_max_bytes) == (200_000, 50_000)
    assert declared["case"].live_max_bytes == LIVE_MAX_BYTES


async def first_load(tool: Tool, operation: Operation, query: str = "") -> FormInput:
    async with APP.test_request_context(f"/tools/{tool.slug}/{query}"):
        return first_load_form(tool, operation, FormInput(None, {}, {}, tuple(Words.model_fields)))


async def test_the_example_fills_the_form_and_says_so():
    tool = Tool("words", "Words", "Text", examples=(("Twice hello", {"input": "hello"}),))
    form = await first_load(tool, Operation(Words, echo))
    assert form.data == Words(input="hello", count=2)
    assert form.values == {"input": "hello"}  # what the form shows, as the example link would fill it
    assert form.first_load == FirstLoad("example", "Example — Twice hello. Type over it to see your own result.")


async def test_without_an_example_the_page_says_what_to_type():
    form = await first_load(Tool("words", "Words", "Text"), Operation(Words, echo))
    assert (form.data, form.values, form.first_load) == (None, {}, FirstLoad("empty", EMPTY_TEXT))
    said = await first_load(
        Tool("words", "Words", "Text"), Operation(Words, echo, first_load="empty", first_text="Type.")
    )
    assert said.first_load == FirstLoad("empty", "Type.")


async def test_a_run_uses_its_first_input_and_is_fresh():
    operation = Operation(Words, echo, first_load="run", first_input={"input": "now"}, first_text="Now.")
    form = await first_load(Tool("words", "Words", "Text"), operation)
    assert (form.data, form.values, form.first_load) == (Words(input="now"), {"input": "now"}, FirstLoad("run", "Now."))
    assert fresh_headers(form) == {"Cache-Control": FRESH_PAGE_CACHE_CONTROL}
    example = await first_load(
        Tool("words", "Words", "Text", examples=(("Hi", {"input": "hi"}),)), Operation(Words, echo)
    )
    assert fresh_headers(example) == {} and fresh_headers(None) == {}


async def test_a_broken_example_is_a_field_error_not_a_crash():
    tool = Tool("words", "Words", "Text", examples=(("Too many", {"input": "x", "count": "0"}),))
    form = await first_load(tool, Operation(Words, echo))
    assert form.data is None and set(form.errors) == {"count"} and form.first_load.kind == "example"


async def test_a_form_that_was_sent_is_left_alone():
    tool = Tool("words", "Words", "Text", examples=(("Hi", {"input": "hi"}),))
    sent = FormInput(Words(input="mine"), {"input": "mine"}, {}, ("input",))
    async with APP.test_request_context("/tools/words/?input=mine"):
        assert first_load_form(tool, Operation(Words, echo), sent) is sent
    async with APP.test_request_context("/tools/words/", method="POST"):
        empty = FormInput(None, {}, {}, ("input",))
        assert first_load_form(tool, Operation(Words, echo), empty) is empty


@pytest.mark.parametrize("tool", PAGES, ids=[tool.slug for tool in PAGES])
async def test_every_tool_page_shows_something_on_first_load(tool_client, tool):
    response = await tool_client.get(tool.page_url)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200, page
    result = result_section(page)
    line = FIRST_LOAD_LINE.search(result)
    operation = page_operation(tool)
    if operation.first_load == "example" and tool.slug != "http-status":  # its empty search lists every code
        assert line and line.group(1) == "example" and line.group(3).startswith(f"Example — {tool.examples[0][0]}.")
    rest = shown_text(FIRST_LOAD_LINE.sub("", result))
    assert rest, "nothing but the first-load line in the result"
    assert 'class="field-error"' not in page


@pytest.mark.parametrize("tool", [t for t in PAGES if t.slug != "whoami"], ids=lambda tool: tool.slug)
async def test_every_live_form_carries_its_size_limit(tool_client, tool):
    page = await (await tool_client.get(tool.page_url)).get_data(as_text=True)
    if page_operation(tool).network:  # each run is a request from this server: only when asked, never as you type
        assert 'hx-trigger="submit"' in page and "data-live-max-bytes" not in page
    else:
        assert f'data-live-max-bytes="{page_operation(tool).live_max_bytes}"' in page


async def test_an_example_that_varies_is_run_afresh_on_every_view(tool_client):
    """Cron's example reads the clock ("now", "in 2 days"): a kept copy would go stale by the next day."""
    operation = Operation(Words, echo, varies=True, first_load="example")
    form = await first_load(Tool("words", "Words", "Text", examples=(("Hi", {"input": "hi"}),)), operation)
    assert form.first_load.kind == "example"
    assert fresh_headers(form) == {"Cache-Control": FRESH_PAGE_CACHE_CONTROL}
    first = await tool_client.get("/tools/cron/")
    await asyncio.sleep(1.05)  # "now" on the page is to the second
    second = await tool_client.get("/tools/cron/")
    assert first.headers["Cache-Control"] == second.headers["Cache-Control"] == FRESH_PAGE_CACHE_CONTROL
    nows = [re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", await r.get_data(as_text=True))[0] for r in (first, second)]
    assert nows[0] != nows[1], "the second view was the first one's copy"


async def test_time_opens_on_now_in_utc_and_asks_for_the_browser_zone(tool_client):
    response = await tool_client.get("/tools/time/")
    page = await response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == FRESH_PAGE_CACHE_CONTROL
    assert 'data-browser-zone="zone"' in page
    assert '<strong id="time-detected">now</strong>' in page
    assert re.search(r"<h2>UTC <small>\+00:00</small></h2>", page)  # labelled: the page shows UTC
    assert "The time now, in UTC" in page
    assert 'value="now"' in page and 'id="zone" name="zone"' in page


async def test_a_generator_page_is_not_marked_as_an_example(tool_client):
    page = await (await tool_client.get("/tools/password/")).get_data(as_text=True)
    value = re.search(r'<code id="password-value">([^<]*)</code>', page).group(1)
    assert len(html.unescape(value)) == 20  # the default length
    assert '<p class="first-load" data-first-load="run" hidden></p>' in page
