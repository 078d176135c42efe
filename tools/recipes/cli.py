"""`quart --app app recipe SLUG` (a saved recipe) or `--file recipe.json` (an unsaved one): stdin in, output out."""

from __future__ import annotations

import asyncio
import json
import sys

import click

from core.cli import run
from core.tool_cli import call_api
from tools.recipes import bp, store


def steps_from_file(handle) -> object:
    """The steps of a recipe file: {"steps": [...]} (as the API returns it) or the bare list."""
    try:
        recipe = json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{handle.name} is not valid JSON: {exc}") from None
    return recipe.get("steps") if isinstance(recipe, dict) else recipe


def read_stdin() -> str:
    if sys.stdin.isatty():
        return ""
    try:
        return sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"the input is not UTF-8 text (byte {exc.start + 1}); recipes take text") from None


@bp.cli.command("recipe")
@click.argument("slug", required=False)
@click.option("--file", "recipe_file", type=click.File("rb"), help="Run the recipe in this JSON file (unsaved).")
def recipe_command(slug: str | None, recipe_file) -> None:
    """Run a saved recipe (any owner's, by its slug) or a recipe file on stdin; print its output."""
    if bool(slug) == bool(recipe_file):
        raise click.UsageError("give a recipe's SLUG or --file recipe.json (one of them)")
    app = click.get_current_context().obj.load_app()
    if recipe_file:
        steps = steps_from_file(recipe_file)
    else:
        recipe = run(app, store.get_recipe, slug)
        if recipe is None:
            raise click.ClickException(f"no recipe {slug!r}")
        steps = recipe["steps"]
    status, answer = asyncio.run(call_api(app, "/api/recipes/run", {"input": read_stdin(), "steps": steps}))
    body = json.loads(answer)
    if status == 200:
        sys.stdout.write(body["output"])
        return
    error = body.get("error", {})
    field = f" ({error['field']})" if error.get("field") else ""
    click.echo(f"{error.get('message', f'HTTP {status}')}{field}", err=True)
    sys.exit(1)
