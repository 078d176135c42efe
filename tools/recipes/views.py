"""The pages: the builder at /tools/recipes/ (live output per step, share link, save) and a saved recipe's page."""

from __future__ import annotations

from quart import abort, current_app, flash, g, make_response, redirect, request, url_for

from core.auth import current_user_id, owner_required
from core.operations import NO_STORE
from core.recipes import MAX_STEPS, RecipeError, Step, checked_steps, run_steps
from core.registry import enabled_tools
from core.render import is_htmx, render_template, render_tool
from tools.recipes import TOOL, bp, builder, store
from tools.recipes.models import steps_json


async def run_shown(text: str, steps) -> tuple[list[dict], str | None, str | None]:
    """(per step {output, error}, the final output, the error) of a run the page shows."""
    settings = current_app.config["MYTOOLS_SETTINGS"]
    steps = [s if isinstance(s, Step) else Step.model_validate(s) for s in steps]
    shown = [{"output": None, "error": None} for _ in steps]
    try:
        run = await run_steps(text, list(steps), enabled_tools(current_app), settings)
    except RecipeError as error:
        for at, done in enumerate(error.done):
            shown[at]["output"] = done["output"]
        failing = len(error.done)
        if failing < len(shown):
            shown[failing]["error"] = error.message
        return shown, None, error.message
    for at, done in enumerate(run.steps):
        shown[at]["output"] = done["output"]
    return shown, run.output, None


async def render_builder(state: builder.Builder, status: int = 200, message: str = ""):
    tools = enabled_tools(current_app)
    results, output, error = await run_shown(state.input, state.steps) if state.steps else ([], "", None)
    code = builder.share_code(state)
    user_id = await current_user_id()
    context = {
        "state": state,
        "choices": builder.choices(tools),
        "fields": [builder.option_fields(tools, step) for step in state.steps],
        "outputs_of": [builder.output_fields(tools, step) for step in state.steps],
        "results": results,
        "output": output,
        "error": error,
        "share": url_for("recipes.index", r=code) if code else None,
        "message": message,
        "mine": await store.list_recipes(user_id) if user_id is not None else [],
        "can_save": user_id is not None,
        "max_steps": MAX_STEPS,
        "examples": [
            (label, url_for("recipes.index", r=builder.share_code(example))) for label, example in builder.EXAMPLES
        ],
    }
    response = await render_tool(TOOL, status=status, **context)
    response.headers.update(NO_STORE)  # a recipe can turn private or go: never kept by the page cache
    if is_htmx():  # a step's tool changed while typing: its options form is drawn again, whole
        response.headers.update({"HX-Retarget": "#builder", "HX-Reswap": "outerHTML"})
    return response


async def builder_of_query(user_id: int | None) -> tuple[builder.Builder, str]:
    if "r" in request.args:
        state, message = builder.from_share_code(request.args["r"])
        return state or builder.Builder([Step(tool=builder.DEFAULT_STEP)]), message
    slug = request.args.get("edit", "")
    if slug:
        recipe = await store.visible_recipe(slug, user_id)
        if recipe is None:
            abort(404)
        steps = [Step.model_validate(s) for s in recipe["steps"]]
        mine = recipe["owner_id"] == user_id
        return builder.Builder(steps, "", recipe["name"], slug if mine else "", recipe["public"] and mine), ""
    return builder.Builder([Step(tool=builder.DEFAULT_STEP)]), ""


@bp.route("/tools/recipes/", methods=["GET", "POST"])
async def index():
    if request.method == "GET":
        state, message = await builder_of_query(await current_user_id())
        return await render_builder(state, message=message)
    form = await request.form
    state = builder.from_form(form, enabled_tools(current_app))
    action = form.get("action", "")
    if action in ("save", "save-as"):
        return await save(state, action)
    if is_htmx() and not action and builder.drawn_as_chosen(form, state):
        return await live_outputs(state)
    return await render_builder(builder.apply_action(state, action))


async def live_outputs(state: builder.Builder):
    """As the user types: each step's output, the final output and the share link, swapped in place."""
    results, output, error = await run_shown(state.input, state.steps)
    code = builder.share_code(state)
    share = url_for("recipes.index", r=code) if code else None
    body = await render_template("recipes/_outputs.html", results=results, output=output, error=error, share=share)
    response = await make_response(body)
    response.headers.update(NO_STORE)
    response.vary.add("HX-Request")
    return response


async def save(state: builder.Builder, action: str):
    user_id = await current_user_id()
    if user_id is None:
        return await render_builder(state, 401, "Log in to save a recipe.")
    name = state.name.strip()
    if not name:
        return await render_builder(state, 422, "Give the recipe a name to save it.")
    try:
        steps = steps_json(checked_steps([s.model_dump() for s in state.steps], enabled_tools(current_app)))
    except RecipeError as error:
        return await render_builder(state, 422, f"Not saved: {error.message}")
    saved = None
    if action == "save" and state.slug:
        saved = await store.update_recipe(user_id, state.slug, {"name": name, "steps": steps, "public": state.public})
    if saved is None:
        saved = await store.create_recipe(user_id, name, steps, state.public)
    await flash(f"Recipe “{name}” saved.")
    return redirect(url_for("recipes.index", edit=saved["slug"]), 303)


@bp.route("/tools/recipes/r/<key:slug>", methods=["GET", "POST"])
async def show(slug: str):
    """A saved recipe: run it on your input (anyone, when public; only its owner otherwise)."""
    user_id = await current_user_id()
    recipe = await store.visible_recipe(slug, user_id)
    if recipe is None:
        abort(404)
    text = (await request.form).get("input", "") if request.method == "POST" else None
    results, output, error = await run_shown(text, recipe["steps"]) if text is not None else ([], None, None)
    body = await render_template(
        "recipes/show.html", recipe=recipe, text=text, results=results, output=output, error=error,
        mine=recipe["owner_id"] == user_id,
    )  # fmt: skip
    response = await make_response(body, 422 if error else 200)
    response.headers.update(NO_STORE)
    return response


@bp.post("/tools/recipes/r/<key:slug>/delete")
@owner_required
async def delete(slug: str):
    if not await store.delete_recipe(g.user_id, slug):
        abort(404)
    await flash("Recipe deleted.")
    return redirect(url_for("recipes.index"), 303)
