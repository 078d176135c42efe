"""The saved recipes table and the queries on it (one code path for SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa

from core.db import get_db, metadata, owner_id_column, row_dict

recipes = sa.Table(
    "recipes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # The link's unguessable part: a private recipe's slug reveals nothing, a public one is run by it.
    sa.Column("slug", sa.String(32), nullable=False, unique=True),
    owner_id_column(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("steps", sa.Text, nullable=False),  # the steps as JSON text
    sa.Column("public", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

COLUMNS = (
    recipes.c.slug,
    recipes.c.owner_id,
    recipes.c.name,
    recipes.c.steps,
    recipes.c.public,
    recipes.c.created_at,
    recipes.c.updated_at,
)
LIST_LIMIT = 500


def shaped(row) -> dict | None:
    recipe = row_dict(row)
    if recipe is not None:
        recipe["steps"] = json.loads(recipe["steps"])
    return recipe


async def create_recipe(owner_id: int, name: str, steps: list[dict], public: bool) -> dict:
    now = datetime.now(UTC)
    values = {"owner_id": owner_id, "name": name, "steps": json.dumps(steps), "public": public}
    query = sa.insert(recipes).values(slug=secrets.token_urlsafe(9), created_at=now, updated_at=now, **values)
    return shaped(await get_db().fetch_one(query.returning(*COLUMNS)))


async def list_recipes(owner_id: int) -> list[dict]:
    """The owner's recipes, by name."""
    query = (
        sa.select(*COLUMNS)
        .where(recipes.c.owner_id == owner_id)
        .order_by(recipes.c.name, recipes.c.id)
        .limit(LIST_LIMIT)
    )
    return [shaped(row) for row in await get_db().fetch_all(query)]


async def get_recipe(slug: str) -> dict | None:
    return shaped(await get_db().fetch_one(sa.select(*COLUMNS).where(recipes.c.slug == slug)))


async def visible_recipe(slug: str, user_id: int | None) -> dict | None:
    """The recipe when this user may run it: public, or theirs; None otherwise (the caller answers 404)."""
    recipe = await get_recipe(slug)
    if recipe is None or not (recipe["public"] or recipe["owner_id"] == user_id):
        return None
    return recipe


async def update_recipe(owner_id: int, slug: str, changes: dict) -> dict | None:
    values = {**changes, "updated_at": datetime.now(UTC)}
    if "steps" in values:
        values["steps"] = json.dumps(values["steps"])
    query = sa.update(recipes).where(recipes.c.slug == slug, recipes.c.owner_id == owner_id).values(**values)
    return shaped(await get_db().fetch_one(query.returning(*COLUMNS)))


async def delete_recipe(owner_id: int, slug: str) -> bool:
    query = sa.delete(recipes).where(recipes.c.slug == slug, recipes.c.owner_id == owner_id).returning(recipes.c.id)
    return await get_db().fetch_val(query) is not None


async def palette_items(owner_id: int) -> list[tuple[str, str]]:
    """(name, page URL) of the owner's recipes: the home page and the palette list them."""
    return [(r["name"], f"/tools/recipes/r/{r['slug']}") for r in await list_recipes(owner_id)]


def step_name(step: dict) -> str:
    name = f"{step.get('tool', '')} {step.get('operation', '')}".strip()
    return name + (" (each line)" if step.get("each_line") else "")


async def assistant_items(owner_id: int) -> list[tuple[str, str, str]]:
    """(slug, name, description) of the owner's recipes: each is a tool for the owner's AI assistant (/mcp)."""
    return [
        (r["slug"], r["name"], f"Your saved recipe {r['name']!r}: " + " → ".join(step_name(s) for s in r["steps"]))
        for r in await list_recipes(owner_id)
    ]
