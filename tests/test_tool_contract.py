"""The tool contract: every operation of every tool has a page or API route, strict input and a command line."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil

import pytest

from app import create_app
from core.network_access import COMMAND_LINE_KEY
from core.operations import api_path, example_body, execute
from core.registry import enabled_tools
from tests.conftest import make_app

APP = create_app({"SECRET_KEY": "x" * 40})
OPERATIONS = [(tool, op) for tool in enabled_tools(APP) for op in tool.operations]
IDS = [f"{tool.slug}/{op.name}" if op.name else tool.slug for tool, op in OPERATIONS]
# Operations whose input is a JSON body (whoami's input is the request itself: any body is welcome).
WITH_BODY = [(tool, op) for tool, op in OPERATIONS if not op.reads_request]
BODY_IDS = [f"{tool.slug}/{op.name}" if op.name else tool.slug for tool, op in WITH_BODY]


@pytest.fixture
def cli_app(tmp_path, sqlite_template):
    path = tmp_path / "mytools.sqlite3"
    shutil.copy(sqlite_template, path)
    return make_app(f"sqlite:///{path}")


def test_every_stateless_tool_runs_on_the_contract():
    # Their own routes, in the fixed file shape (test_tool_shape).
    stateful = {"links", "paste", "hooks", "notes", "recipes"}
    assert {tool.slug for tool in enabled_tools(APP)} - stateful == {tool.slug for tool, _ in OPERATIONS}


@pytest.mark.parametrize(("tool", "operation"), OPERATIONS, ids=IDS)
async def test_the_command_line_prints_exactly_the_api_answer(cli_app, tool, operation):
    body = example_body(tool, operation)
    # A network operation asked as the command line is (the operator): its example gets a clean answer offline,
    # the tests' DNS knowing no name (tests/offline.py): a 422 that the command line prints on stderr.
    cli_app.config[COMMAND_LINE_KEY] = operation.network
    async with cli_app.test_app():
        response = await cli_app.test_client().post(api_path(tool.slug, operation), json=body)
        api_answer = await response.get_data(as_text=True)
    cli_app.config[COMMAND_LINE_KEY] = False
    words = [tool.slug, *([operation.name] if operation.name else []), json.dumps(body)]
    runner = cli_app.test_cli_runner()
    result = await _in_thread(lambda: runner.invoke(args=["tool", *words]))
    if operation.network and response.status_code == 422:
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.strip().endswith(json.loads(api_answer)["error"]["message"])
        return
    assert response.status_code == 200, api_answer
    assert result.exit_code == 0, result.output
    if operation.varies:  # a generator: the same shape, other values
        assert json.loads(result.stdout).keys() == json.loads(api_answer).keys()
    else:
        assert result.stdout == api_answer


async def _in_thread(function):
    """The command runs its own event loop (asyncio.run): not on the test's."""
    return await asyncio.to_thread(function)


def test_the_command_line_reports_errors_on_stderr_with_exit_1(cli_app):
    runner = cli_app.test_cli_runner()
    result = runner.invoke(args=["tool", "base", '{"input": "zz", "from_base": 10}'])
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("'z' at position 1 (counting from 1) is not a digit in decimal (digits 0-9)")
    assert result.stdout == ""
    unknown = runner.invoke(args=["tool", "case", '{"inpt": "x"}'])
    assert (unknown.exit_code, unknown.stderr.strip().splitlines()[-1]) == (
        1,
        "Unknown field: inpt. The fields are: input, style.",
    )
    missing = runner.invoke(args=["tool", "nosuchtool", "{}"])
    assert missing.exit_code != 0 and "no tool 'nosuchtool'" in missing.output


def test_the_command_alone_lists_every_operation(cli_app):
    result = cli_app.test_cli_runner().invoke(args=["tool"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.stdout.splitlines()}
    assert listed == {tool.slug for tool, _ in OPERATIONS}
    assert "case                     The text in every case style at once." in result.stdout.splitlines()


def test_the_command_reads_json_on_stdin(cli_app):
    result = cli_app.test_cli_runner().invoke(args=["tool", "case"], input='{"input": "Hello World"}')
    assert result.exit_code == 0
    assert json.loads(result.stdout)["snake"] == "hello_world"


@pytest.mark.parametrize(("tool", "operation"), WITH_BODY, ids=BODY_IDS)
async def test_unknown_api_fields_are_refused_by_name(tool_client, tool, operation):
    body = {**example_body(tool, operation), "no_such_field": 1}
    response = await tool_client.post(api_path(tool.slug, operation), json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "no_such_field"
    assert error["message"].startswith("Unknown field: no_such_field. The fields are: ")


async def test_convert_names_a_misspelt_field_instead_of_converting_from_json(tool_client):
    response = await tool_client.post("/api/convert", json={"input": "a: 1", "from": "yaml"})
    assert response.status_code == 422
    assert (await response.get_json())["error"] == {
        "field": "from",
        "message": "Unknown field: from. The fields are: input, source_format, target_format.",
    }


# Network operations' primary texts are checked against the loopback servers of their own tests.
OFFLINE = [(tool, op) for tool, op in OPERATIONS if not op.network]


@pytest.mark.parametrize(
    ("tool", "operation"), OFFLINE, ids=[f"{t.slug}/{op.name}" if op.name else t.slug for t, op in OFFLINE]
)
async def test_every_operation_has_a_primary_text(cli_app, tool, operation):
    data = operation.input.model_validate(example_body(tool, operation))
    async with cli_app.test_request_context("/", headers={"Host": "localhost"}):
        output = await execute(operation, data)
    text = operation.primary_text(output, data)
    assert isinstance(text, str) and text.strip()


@pytest.mark.parametrize(
    ("slug", "body", "expected"),
    [
        ("case", {"input": "Hello World", "style": "kebab"}, "hello-world"),
        ("case", {"input": "Hello World"}, "hello_world"),
        ("base", {"input": "255", "from_base": 10, "to_base": 2}, "11111111"),
        ("hash", {"input": "abc", "algorithms": ["sha256"]}, hashlib.sha256(b"abc").hexdigest()),
    ],
)
async def test_primary_texts_with_known_answers(cli_app, slug, body, expected):
    tool, operation = next((t, op) for t, op in OPERATIONS if t.slug == slug and not op.name)
    data = operation.input.model_validate(body)
    async with cli_app.test_request_context("/", headers={"Host": "localhost"}):
        assert operation.primary_text(await execute(operation, data), data) == expected
