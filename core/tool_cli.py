"""`quart --app app tool [SLUG [OPERATION]] [JSON]`: every tool operation on the command line.

The JSON goes to the operation's API route through the app itself (the test client, no network), so the
command prints exactly the API's answer: its JSON on stdout and exit 0, or its error message on stderr
and exit 1.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys

import click
from quart import Quart

from core.network_access import COMMAND_LINE_KEY
from core.operations import api_path
from core.registry import enabled_tools


def listing(app: Quart) -> str:
    """One line per operation: `slug [operation]  summary`."""
    lines = []
    for tool in sorted(enabled_tools(app), key=lambda t: t.slug):
        for operation in tool.operations:
            name = f"{tool.slug} {operation.name}".strip()
            summary = operation.description.splitlines()[0] if operation.description else tool.summary
            lines.append(f"{name:<24} {summary}")
    return "\n".join(lines)


def find_operation(app: Quart, slug: str, name: str):
    tool = next((t for t in enabled_tools(app) if t.slug == slug and t.operations), None)
    if tool is None:
        choices = ", ".join(sorted(t.slug for t in enabled_tools(app) if t.operations))
        raise click.ClickException(f"no tool {slug!r}; the tools are: {choices}")
    operation = next((op for op in tool.operations if op.name == name), None)
    if operation is None:
        names = ", ".join(op.name or "(none)" for op in tool.operations)
        raise click.ClickException(f"{slug} has no operation {name!r}; its operations are: {names}")
    return tool, operation


def request_host(app: Quart) -> str:
    """A host name the app answers to (it refuses others with 400)."""
    settings = app.config["MYTOOLS_SETTINGS"]
    if settings.base_url:
        return settings.base_url.split("://", 1)[1]
    allowed = sorted(settings.allowed_hosts)
    if "localhost" in allowed or not allowed:
        return "localhost"
    name = allowed[0]
    return f"[{name}]" if ":" in name else name


async def call_api(app: Quart, path: str, body: object) -> tuple[int, bytes]:
    # Without the app's startup: a tool operation needs no database, so none is opened (or migrated).
    app.config[COMMAND_LINE_KEY] = True  # the operator: network tools need no login here
    response = await app.test_client().post(path, json=body, headers={"Host": request_host(app)})
    return response.status_code, await response.get_data()


def install_tool_command(app: Quart) -> None:
    @app.cli.command("tool")
    @click.argument("words", nargs=-1)
    def tool_command(words: tuple[str, ...]) -> None:
        """Run a tool: SLUG [OPERATION] ['{"input": …}'] (or the JSON on stdin). Alone: list the tools."""
        logging.getLogger().setLevel(logging.WARNING)  # stderr is for the API's error message
        if not words:
            click.echo(listing(app))
            return
        slug, rest = words[0], list(words[1:])
        text = rest.pop() if rest and rest[-1].lstrip().startswith(("{", "[")) else None
        name = rest.pop(0) if rest else ""
        if rest:
            raise click.UsageError(f"unexpected arguments: {' '.join(rest)}")
        tool, operation = find_operation(app, slug, name)
        if text is None:
            text = sys.stdin.read() if not sys.stdin.isatty() else "{}"
        try:
            body = json.loads(text or "{}")
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"the input is not valid JSON: {exc}") from None
        status, answer = asyncio.run(call_api(app, api_path(tool.slug, operation), body))
        if 200 <= status < 300:
            sys.stdout.write(answer.decode("utf-8"))
            return
        try:
            message = json.loads(answer)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = answer.decode("utf-8", "replace").strip() or f"HTTP {status}"
        click.echo(message, err=True)
        sys.exit(1)
