"""Recipes: chain tools server-side (URL-decode, then Base64-decode, then pretty-print), save and share them."""

from __future__ import annotations

from quart import Blueprint

from core.registry import AssistantItems, Tool

TOOL = Tool(
    slug="recipes",
    title="Recipes",
    category="Chains",
    keywords=("chain", "pipeline", "cyberchef", "workflow", "steps", "fork", "each line"),
    owner_items="tools.recipes.store:palette_items",
    # Each saved recipe is a tool for its owner's AI assistant (/mcp): recipe_<slug>, run by its API route.
    assistant_items=AssistantItems(
        prefix="recipe_",
        items="tools.recipes.store:assistant_items",
        endpoint="recipes.api_run_saved",
        key="slug",
        primary="output",
    ),  # fmt: skip
    icon="workflow",
)
# cli_group=None: `quart --app app recipe …`, not `quart --app app recipes recipe …`.
bp = Blueprint("recipes", __name__, cli_group=None)

from tools.recipes import api, cli, views  # noqa: E402, F401  (imported last: they add their routes to bp)
