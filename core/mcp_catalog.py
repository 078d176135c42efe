"""What an AI assistant may call (core/mcp_server.py): made from the registry and the API routes, nothing per tool.

Every operation of every tool (core/operations.py) is one assistant tool: its API route, its input model's JSON
Schema, the tool's summary and the operation's description. A tool without operations (links, paste, notes,
hooks, recipes) lends its JSON API routes that read or create (GET and POST; changing and deleting stay with
the owner's pages and the API). A tool's saved things (Tool.assistant_items: saved recipes) are one tool each,
listed per owner. An assistant tool is called through its API route (core/mcp_calls.py), so its checks, limits
and error messages are the API's own.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from quart import Quart
from quart_schema.openapi import QUART_SCHEMA_DEPRECATED_ATTRIBUTE
from quart_schema.validation import (
    QUART_SCHEMA_QUERYSTRING_ATTRIBUTE,
    QUART_SCHEMA_REQUEST_ATTRIBUTE,
    DataSource,
)
from werkzeug.routing import BaseConverter, IntegerConverter, Rule, parse_converter_args

from core.operations import Operation, api_path
from core.registry import AssistantItems, Tool, enabled_tools

EXTENSION_KEY = "mytools.assistant_tools"
NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # what MCP allows in a tool's name
# One `<converter(args):name>` of a rule's text, as werkzeug writes them.
ARGUMENT = re.compile(r"<(?:(?P<converter>[a-zA-Z_]\w*)(?:\((?P<args>.*?)\))?:)?(?P<name>[a-zA-Z_]\w*)>")
READ_OR_CREATE = ("GET", "POST")


@dataclass(frozen=True)
class AssistantTool:
    """One tool an assistant may call: what it is told, and the API route that does it."""

    name: str
    title: str
    description: str
    input_schema: dict
    method: str  # of the API route: GET or POST
    endpoint: str  # the route's endpoint, for building its path
    path_args: tuple[str, ...] = ()  # arguments that go into the path
    body: str = "json"  # how the other arguments travel: "json", "query" or "none"
    model: type[BaseModel] | None = None  # the body's or query's model
    read_only: bool = False
    operation: Operation | None = field(default=None, repr=False)  # a contract operation: its primary text
    primary: str = ""  # else: the output field that is the result's text ("" for the JSON itself)
    fixed: dict[str, str] = field(default_factory=dict)  # path arguments set by the tool (a saved recipe's key)


def mcp_name(*parts: str) -> str:
    """`http-status` -> `http_status`, ("url", "build") -> `url_build`: MCP's characters, one spelling."""
    return checked_name("_".join(part.replace("-", "_") for part in parts if part))


def checked_name(name: str) -> str:
    """The name as it is (a saved recipe's key keeps its `-`: it is the key), if MCP allows it."""
    if not NAME.fullmatch(name):
        raise RuntimeError(f"{name!r} cannot be an MCP tool name (letters, digits, _ and -, at most 64)")
    return name


def describe(tool: Tool, what: str) -> str:
    """The tool's summary, then what this operation or route does."""
    summary = tool.summary.strip()
    what = " ".join(what.split())
    if not what or what == summary:
        return summary
    return f"{summary.rstrip('.')}. {what}" if summary else what


def path_converter(rule: Rule, name: str) -> BaseConverter:
    """The converter of one of the rule's arguments, read from the rule's text (`<key:slug>`, `<any(a, b):x>`)
    and the map's converter classes: both public, where the rule's own table is not."""
    for match in ARGUMENT.finditer(rule.rule):
        if match["name"] == name:
            args, kwargs = parse_converter_args(match["args"]) if match["args"] else ((), {})
            return rule.map.converters[match["converter"] or "default"](rule.map, *args, **kwargs)
    raise RuntimeError(f"{rule.rule}: no argument {name!r}")


def path_schema(rule: Rule, name: str) -> dict:
    """A path argument's JSON Schema, from its converter: an integer, or a string its regex matches."""
    converter = path_converter(rule, name)
    if isinstance(converter, IntegerConverter):
        return {"type": "integer", "minimum": 1}
    return {"type": "string", "pattern": f"^(?:{converter.regex})$"}


def input_schema(model: type[BaseModel] | None, rule: Rule, fixed: dict[str, str]) -> dict:
    """The model's JSON Schema (as the API documents it) plus the path's arguments, all required."""
    schema: dict[str, Any] = model.model_json_schema() if model is not None else {"type": "object", "properties": {}}
    schema.setdefault("properties", {})
    for name in sorted(rule.arguments - set(fixed)):
        if name in schema["properties"]:
            raise RuntimeError(f"{rule.endpoint}: the path argument {name!r} is also a field of {model.__name__}")
        schema["properties"][name] = path_schema(rule, name)
        schema.setdefault("required", []).append(name)
    if model is None:
        schema["additionalProperties"] = False
    return schema


def route_tool(
    app: Quart, tool: Tool, rule: Rule, method: str, name: str, what: str, **extra: Any
) -> AssistantTool | None:
    """The assistant tool for one API route, or None when its body is not JSON (a file upload)."""
    view = app.view_functions[rule.endpoint]
    body, model = "none", None
    if (request := getattr(view, QUART_SCHEMA_REQUEST_ATTRIBUTE, None)) is not None:
        if request[1] != DataSource.JSON:
            return None
        body, model = "json", request[0]
    elif (query := getattr(view, QUART_SCHEMA_QUERYSTRING_ATTRIBUTE, None)) is not None:
        body, model = "query", query  # document_querystring's attribute is the model itself
    fixed = extra.pop("fixed", {})
    return AssistantTool(
        name=name, title=extra.pop("title", tool.title), description=describe(tool, what),
        input_schema=input_schema(model, rule, fixed), method=method, endpoint=rule.endpoint,
        path_args=tuple(sorted(rule.arguments)), body=body, model=model, fixed=fixed, **extra,
    )  # fmt: skip


def rules_by_endpoint(app: Quart) -> dict[str, Rule]:
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()}


def operation_tools(app: Quart, tool: Tool, rules: dict[str, Rule]) -> list[AssistantTool]:
    """One assistant tool per operation of the tool, through its API route."""
    urls = app.url_map.bind("localhost")
    found = []
    for operation in tool.operations:
        method = "GET" if operation.reads_request else "POST"
        endpoint, _ = urls.match(api_path(tool.slug, operation), method=method)
        title = f"{tool.title}: {operation.name}" if operation.name else tool.title
        name = mcp_name(tool.slug, operation.name)
        made = route_tool(
            app, tool, rules[endpoint], method, name, operation.description, title=title, read_only=True,
            operation=operation,
        )  # fmt: skip
        found.append(made)
    return [item for item in found if item is not None]


def route_tools(app: Quart, tool: Tool, rules: dict[str, Rule]) -> list[AssistantTool]:
    """A tool without operations: one assistant tool per JSON API route that reads or creates."""
    found = []
    for endpoint, rule in rules.items():
        if not (endpoint.startswith(f"{tool.slug}.") and rule.rule.startswith("/api/")):
            continue
        view = app.view_functions[endpoint]
        methods = [m for m in READ_OR_CREATE if m in rule.methods]
        if not methods or getattr(view, QUART_SCHEMA_DEPRECATED_ATTRIBUTE, False):
            continue
        name = mcp_name(tool.slug, view.__name__.removeprefix("api").lstrip("_"))
        made = route_tool(app, tool, rule, methods[0], name, view.__doc__ or "", read_only=methods[0] == "GET")
        if made is not None:
            found.append(made)
    return found


def build_catalog(app: Quart) -> dict[str, AssistantTool]:
    """name -> assistant tool, for every enabled tool (the same for every caller)."""
    rules = rules_by_endpoint(app)
    catalog: dict[str, AssistantTool] = {}
    for tool in enabled_tools(app):
        made = operation_tools(app, tool, rules) if tool.operations else route_tools(app, tool, rules)
        for item in made:
            if item.name in catalog:
                raise RuntimeError(f"two assistant tools are named {item.name!r}")
            catalog[item.name] = item
    return catalog


def catalog_of(app: Quart) -> dict[str, AssistantTool]:
    """The app's catalog, built on first use (every blueprint is registered by then)."""
    catalog = app.extensions.get(EXTENSION_KEY)
    if catalog is None:
        catalog = app.extensions[EXTENSION_KEY] = build_catalog(app)
    return catalog


# --- what an owner keeps (saved recipes) ----------------------------------------------------------


def item_tool(app: Quart, tool: Tool, items: AssistantItems, key: str, title: str, description: str) -> AssistantTool:
    """The assistant tool that runs one saved thing: its route with the key in the path."""
    rule = rules_by_endpoint(app)[items.endpoint]
    made = route_tool(
        app, tool, rule, "POST", checked_name(items.prefix + key), description, title=title, primary=items.primary,
        fixed={items.key: key},
    )  # fmt: skip
    if made is None:
        raise RuntimeError(f"{items.endpoint} must take a JSON body to run saved items")
    return made


def item_tools_of(app: Quart) -> list[tuple[Tool, AssistantItems]]:
    return [(tool, tool.assistant_items) for tool in enabled_tools(app) if tool.assistant_items is not None]


async def owner_item_tools(app: Quart, user_id: int) -> list[AssistantTool]:
    """The owner's saved things as assistant tools (call in an app context: the lists come from the database)."""
    found = []
    for tool, items in item_tools_of(app):
        module, _, function = items.items.partition(":")
        for key, title, description in await getattr(importlib.import_module(module), function)(user_id):
            found.append(item_tool(app, tool, items, key, title, description))
    return found


def named_item_tool(app: Quart, name: str) -> AssistantTool | None:
    """The tool a saved thing's name stands for, whoever keeps it: its route decides who may run it (a public
    recipe anyone, a private one its owner), exactly as on the API."""
    if not NAME.fullmatch(name):
        return None
    for tool, items in item_tools_of(app):
        key = name.removeprefix(items.prefix)
        if name.startswith(items.prefix) and key:
            return item_tool(app, tool, items, key, tool.title, f"Run the saved item {key}.")
    return None
