"""The JSON API: run a recipe unsaved (anyone), save and manage recipes (owner), run a saved one by its link."""

from __future__ import annotations

from quart import current_app, g, jsonify
from quart_schema import validate_request, validate_response

from core.auth import current_user_id, owner_api
from core.forms import api_error
from core.recipes import RecipeError, checked_steps, failed_steps, parse_steps, run_steps
from core.registry import enabled_tools
from tools.recipes import bp, store
from tools.recipes.models import (
    RecipeEdit,
    RecipeInput,
    RecipeList,
    RecipeOut,
    RunInput,
    RunOut,
    SavedRunInput,
    recipe_out,
    steps_json,
)

NOT_FOUND = "No recipe with this link (or it is private)."


def recipe_failed(error: RecipeError, steps=()):
    body = {"error": {"message": error.message, "field": error.field}, "steps": failed_steps(error, list(steps))}
    return jsonify(body), 422


async def run_answer(text: str, raw_steps):
    try:
        steps = parse_steps(raw_steps)
    except RecipeError as error:
        return recipe_failed(error)
    try:
        run = await run_steps(text, steps, enabled_tools(current_app), current_app.config["MYTOOLS_SETTINGS"])
    except RecipeError as error:
        return recipe_failed(error, steps)
    return {"output": run.output, "steps": run.steps}


@bp.post("/api/recipes/run")
@validate_request(RunInput)
@validate_response(RunOut)
async def api_run(data: RunInput):
    """Run a recipe without saving it: each step's output feeds the next; a failing step stops the run (422)."""
    return await run_answer(data.input, data.steps)


@bp.get("/api/recipes")
@owner_api
@validate_response(RecipeList)
async def api_list() -> RecipeList:
    """Your saved recipes, by name."""
    return RecipeList(recipes=[recipe_out(r) for r in await store.list_recipes(g.user_id)])


@bp.post("/api/recipes")
@owner_api
@validate_request(RecipeInput)
@validate_response(RecipeOut, 201)
async def api_create(data: RecipeInput):
    """Save a recipe; its steps are validated first."""
    try:
        steps = checked_steps(data.steps, enabled_tools(current_app))
    except RecipeError as error:
        return api_error(error.message, error.field)
    return recipe_out(await store.create_recipe(g.user_id, data.name, steps_json(steps), data.public)), 201


@bp.get("/api/recipes/<key:slug>")
@validate_response(RecipeOut)
async def api_get(slug: str):
    """One recipe: yours, or a public one."""
    recipe = await store.visible_recipe(slug, await current_user_id())
    if recipe is None:
        return api_error(NOT_FOUND, status=404)
    return recipe_out(recipe)


@bp.route("/api/recipes/<key:slug>", methods=["PUT", "PATCH"])
@owner_api
@validate_request(RecipeEdit)
@validate_response(RecipeOut)
async def api_update(slug: str, data: RecipeEdit):
    """Change a recipe's name, steps or visibility (the fields you send)."""
    changes = data.model_dump(exclude_none=True)
    if "steps" in changes:
        try:
            changes["steps"] = steps_json(checked_steps(data.steps, enabled_tools(current_app)))
        except RecipeError as error:
            return api_error(error.message, error.field)
    saved = await store.update_recipe(g.user_id, slug, changes)
    if saved is None:
        return api_error(NOT_FOUND, status=404)
    return recipe_out(saved)


@bp.delete("/api/recipes/<key:slug>")
@owner_api
async def api_delete(slug: str):
    """Delete a recipe."""
    if not await store.delete_recipe(g.user_id, slug):
        return api_error(NOT_FOUND, status=404)
    return "", 204


@bp.post("/api/recipes/<key:slug>/run")
@validate_request(SavedRunInput)
@validate_response(RunOut)
async def api_run_saved(slug: str, data: SavedRunInput):
    """Run a saved recipe: yours, or anyone's public one (by its link)."""
    recipe = await store.visible_recipe(slug, await current_user_id())
    if recipe is None:
        return api_error(NOT_FOUND, status=404)
    return await run_answer(data.input, recipe["steps"])
