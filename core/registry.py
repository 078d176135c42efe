"""Tool discovery: every module in tools/ with a TOOL and a `bp` blueprint is a tool."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cached_property
from types import ModuleType

from jinja2.filters import do_urlencode
from quart import Blueprint, Quart, current_app, request

import tools as tools_package
from core.icons import DEFAULT_ICON

EXTENSION_KEY = "mytools.tools"
CATEGORIES_KEY = "mytools.tool_categories"


@dataclass(frozen=True)
class AssistantItems:
    """What an owner keeps that runs like a tool (a saved recipe): each is one more tool for an AI assistant
    (core/mcp_catalog.py), named `prefix` + its key and run by the API route `endpoint` with the key in its path."""

    prefix: str  # e.g. "recipe_"
    items: str  # "module:function" of an async function(owner_id) -> [(key, title, description)], the owner's
    endpoint: str  # the route that runs one, e.g. "recipes.api_run_saved"
    key: str  # the route's path argument that takes the key, e.g. "slug"
    primary: str = ""  # the output field that is the run's text


@dataclass(frozen=True)
class Tool:
    """A tool's metadata; `summary` defaults to the first line of its module docstring."""

    slug: str
    title: str
    category: str
    summary: str = ""
    keywords: tuple[str, ...] = ()
    login_required: bool = False
    # (label, query parameters) pairs: links that fill the form and show the result (the share-link GET).
    # Left out of the hash: a dict cannot be hashed.
    examples: tuple[tuple[str, dict[str, str | list[str]]], ...] = field(default=(), hash=False)
    # What the tool does (core.operations.Operation): the platform makes its page, API and command line.
    operations: tuple = field(default=(), hash=False)
    own_page: bool = False  # the module serves /tools/<slug>/ itself; the platform makes only the API routes
    icon: str = DEFAULT_ICON  # a Lucide icon's name (core/icons.py; scripts/icons.py puts it in the sprite)
    # "module:function" of an async function(owner_id) -> [(label, URL)]: what the owner keeps in this tool
    # (saved recipes), listed on the home page and in the palette. A string: core never imports a tool by name.
    owner_items: str = ""
    assistant_items: AssistantItems | None = None  # saved things an AI assistant may run as tools (core/mcp_catalog.py)

    @property
    def page_url(self) -> str:
        return f"/tools/{self.slug}/"

    @property
    def api_url(self) -> str:
        return f"/api/{self.slug}"

    @cached_property
    def example_links(self) -> tuple[tuple[str, str], ...]:
        """(label, URL) of each example: the page with the example's query string, built once per tool."""
        return tuple((label, f"{self.page_url}?{do_urlencode(query_pairs(params))}") for label, params in self.examples)

    def matches(self, query: str) -> bool:
        """True when every word of the query matches the tool by the palette's rule (core.search)."""
        from core.search import index_entry, match_score  # core.search types its arguments with Tool

        return match_score(query, index_entry(self)) is not None


def query_pairs(params: dict[str, str | list[str]]) -> list[tuple[str, str]]:
    """An example's parameters as (name, value) pairs: a list value is the name repeated."""
    return [(name, one) for name, value in params.items() for one in ([value] if isinstance(value, str) else value)]


def import_tool_modules() -> list[ModuleType]:
    """Import every module of the tools package, sorted by name."""
    found = sorted(pkgutil.iter_modules(tools_package.__path__), key=lambda m: m.name)
    return [importlib.import_module(f"tools.{m.name}") for m in found if not m.name.startswith("_")]


def tool_of(module: ModuleType) -> Tool:
    tool = getattr(module, "TOOL", None)
    if isinstance(tool, Tool) and tool.operations and not hasattr(module, "bp"):
        module.bp = Blueprint(tool.slug, module.__name__)  # once per process: the module is imported once
    if isinstance(tool, Tool) and tool.operations and not getattr(module.bp, "operations_installed", False):
        from core.operations import install_operations  # core.operations renders pages: core.render imports Tool

        install_operations(module.bp, tool, page=not tool.own_page)
        module.bp.operations_installed = True
    if not isinstance(tool, Tool) or not hasattr(module, "bp"):
        raise RuntimeError(
            f"{module.__name__} must define TOOL = Tool(...) with operations, or a TOOL and a blueprint named bp"
        )
    if module.bp.name != tool.slug:
        raise RuntimeError(f"{module.__name__}: the blueprint must be named after the slug {tool.slug!r}")
    if tool.summary:
        return tool
    summary = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
    return Tool(**{**tool.__dict__, "summary": summary})


def register_tools(app: Quart, disabled: frozenset[str]) -> list[Tool]:
    """Register the blueprint of every enabled tool; returns the enabled tools."""
    enabled = []
    for module in import_tool_modules():
        tool = tool_of(module)
        if tool.slug in disabled:
            continue
        app.register_blueprint(module.bp)
        enabled.append(tool)
    app.extensions[EXTENSION_KEY] = enabled
    return enabled


def enabled_tools(app: Quart) -> list[Tool]:
    return app.extensions[EXTENSION_KEY]


async def current_tool() -> dict:  # async: a sync context processor costs a thread hop per render
    """Template context: `tool` is the tool whose blueprint serves this request."""
    slug = request.blueprint
    return {"tool": next((t for t in enabled_tools(current_app) if t.slug == slug), None)}


def tools_by_category(tools: list[Tool]) -> dict[str, list[Tool]]:
    grouped: dict[str, list[Tool]] = {}
    for tool in sorted(tools, key=lambda t: (t.category, t.title)):
        grouped.setdefault(tool.category, []).append(tool)
    return grouped


def enabled_tool_categories() -> dict[str, list[Tool]]:
    """Template helper: the enabled tools by category (the sidebar), grouped once per app."""
    grouped = current_app.extensions.get(CATEGORIES_KEY)
    if grouped is None:
        grouped = current_app.extensions[CATEGORIES_KEY] = tools_by_category(enabled_tools(current_app))
    return grouped
