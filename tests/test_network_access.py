"""Network operations (Operation.network): async run under its time limit, and who may run one.

Visitors are refused (401) unless MYTOOLS_NETWORK_PUBLIC is on, then counted per address (429 with
Retry-After past MYTOOLS_NETWORK_PER_HOUR); a token holder, a logged-in owner and the command line may."""

import asyncio

import pytest
from pydantic import BaseModel

from core.config import load_settings
from core.executor import WorkLimitExceeded
from core.forms import NetworkAccessRefused
from core.operations import Operation, execute
from core.recipes import RecipeError, Step, run_steps
from core.registry import Tool
from tests.conftest import make_app


class Name(BaseModel):
    input: str


async def shout(data: Name) -> dict:
    await asyncio.sleep(0)
    return {"result": data.input.upper()}


async def hang(data: Name) -> dict:
    await asyncio.sleep(30)
    return {"result": "never"}


NET = Operation(Name, shout, network=True)
NET_TOOL = Tool(slug="net", title="Net", category="Network", operations=(NET,))


def test_network_goes_with_an_async_run_and_not_the_executor():
    with pytest.raises(TypeError, match="async run"):
        Operation(Name, lambda data: data, network=True)
    with pytest.raises(TypeError, match="async run"):
        Operation(Name, shout)
    with pytest.raises(TypeError, match="executor"):
        Operation(Name, shout, network=True, bounded=True)


def test_a_network_page_waits_to_be_asked():
    assert NET.first_load == "empty"
    assert Operation(Name, shout, network=True, first_load="example").first_load == "example"


async def test_outside_a_request_the_operator_may():
    assert await execute(NET, Name(input="abc")) == {"result": "ABC"}


async def test_a_hanging_lookup_is_cut_at_its_time_limit():
    operation = Operation(Name, hang, network=True, seconds=0.05)
    started = asyncio.get_running_loop().time()
    with pytest.raises(WorkLimitExceeded, match="the limit is 0.05 s"):
        await execute(operation, Name(input="x"))
    assert asyncio.get_running_loop().time() - started < 5


async def test_a_visitor_is_refused_when_the_tools_are_not_public(app):
    async with app.test_request_context("/api/net", method="POST"):
        with pytest.raises(NetworkAccessRefused) as refused:
            await execute(NET, Name(input="abc"))
    assert refused.value.status == 401 and "Log in to use the network tools" in refused.value.message


async def test_a_wrong_token_is_refused_and_the_owners_token_lets_through(app, owner):
    async with app.test_request_context("/api/net", method="POST", headers={"Authorization": "Bearer mt_wrong"}):
        with pytest.raises(NetworkAccessRefused):
            await execute(NET, Name(input="abc"))
    async with app.test_request_context("/api/net", method="POST", headers={"Authorization": f"Bearer {owner}"}):
        assert await execute(NET, Name(input="abc")) == {"result": "ABC"}


async def test_public_tools_count_visitors_per_address(database_url):
    application = make_app(database_url, MYTOOLS_NETWORK_PUBLIC="true", MYTOOLS_NETWORK_PER_HOUR="2")
    async with application.test_app():
        for _ in range(2):
            async with application.test_request_context("/api/net", method="POST"):
                assert await execute(NET, Name(input="a")) == {"result": "A"}
        async with application.test_request_context("/api/net", method="POST"):
            with pytest.raises(NetworkAccessRefused) as refused:
                await execute(NET, Name(input="a"))
    assert refused.value.status == 429
    assert "the limit is 2 an hour" in refused.value.message
    assert 0 < int(refused.value.headers["Retry-After"]) <= 3600


async def test_a_recipe_step_follows_the_same_rule(app, owner):
    settings = load_settings({"TESTING": "1"})
    steps = [Step(tool="net")]
    async with app.test_request_context("/api/recipes/run", method="POST"):
        with pytest.raises(RecipeError, match="step 1.*Log in to use the network tools"):
            await run_steps("abc", steps, [NET_TOOL], settings)
    token = {"Authorization": f"Bearer {owner}"}
    async with app.test_request_context("/api/recipes/run", method="POST", headers=token):
        run = await run_steps("abc", steps, [NET_TOOL], settings)
    assert run.output == "ABC"
