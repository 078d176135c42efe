"""The tool contract's optional hooks: adjust_limits, request_args, the page's own form and a context's share."""

from pydantic import BaseModel

from core.executor import Limits, configure, default_limits
from core.operations import Operation, execute
from tools import markdown, sql


class Text(BaseModel):
    input: str


def echo_with_host(data: Text, host: str) -> str:
    return f"{data.input}@{host}"


def test_adjust_limits_applies_after_the_fixed_limits():
    operation = Operation(
        Text, echo_with_host, seconds=3.0, adjust_limits=lambda limits: limits.replace(seconds=limits.seconds * 2)
    )
    assert operation.limits().seconds == 6.0
    assert operation.limits().memory_bytes == default_limits().memory_bytes


def test_sql_keeps_its_floor_and_markdown_its_render_cap():
    before = default_limits()
    try:
        configure(Limits(seconds=2.0, memory_bytes=before.memory_bytes, output_bytes=64 * 2**20), 2)
        assert sql.TOOL.operations[0].limits().seconds == sql.TIME_LIMIT + 2  # a floor above the setting
        assert markdown.TOOL.operations[0].limits().output_bytes == 4 * 2**20  # the render cap below it
        configure(Limits(seconds=30.0, memory_bytes=before.memory_bytes, output_bytes=2**20), 2)
        assert sql.TOOL.operations[0].limits().seconds == 30.0  # a longer setting wins
        assert markdown.TOOL.operations[0].limits().output_bytes == 2**20  # a smaller setting wins
    finally:
        configure(before, 2)


async def test_request_args_reach_run_in_the_loop_and_in_a_bounded_child():
    for bounded in (False, True):
        operation = Operation(Text, echo_with_host, bounded=bounded, request_args=lambda: ("tools.example",))
        assert await execute(operation, Text(input="hi")) == "hi@tools.example"


async def test_markdown_api_knows_this_sites_host(tool_client):
    # The host names come from the request: a bounded child has no request of its own to read them from.
    source = "[a](http://localhost/s/abc) [b](https://elsewhere.example/s/abc)"
    html = (await (await tool_client.post("/api/markdown", json={"input": source})).get_json())["html"]
    assert 'href="http://localhost/s/abc"' not in html
    assert 'href="https://elsewhere.example/s/abc"' in html


async def test_a_page_form_hook_and_a_share_override(tool_client):
    # regex reads its own form: an empty replacement box is no substitution (in the API, "" deletes the matches).
    page = await tool_client.post("/tools/regex/", form={"pattern": "a", "input": "cat", "replacement": ""})
    assert page.status_code == 200 and 'id="regex-substitution"' not in await page.get_data(as_text=True)
    api = await (
        await tool_client.post("/api/regex", json={"pattern": "a", "input": "cat", "replacement": ""})
    ).get_json()
    assert api["substitution"] == "ct"
    # text-stats's context drops the link to an empty form (which still shows all-zero statistics).
    empty = await (await tool_client.post("/tools/text-stats/", form={"input": ""})).get_data(as_text=True)
    assert '<code id="stat-words">0</code>' in empty  # the result is shown
    assert '<p class="share">' not in empty
    text = await (await tool_client.post("/tools/text-stats/", form={"input": "a b"})).get_data(as_text=True)
    assert '<p class="share"><a href="/tools/text-stats/?input=a+b' in text
