"""`quart --app app recipe SLUG` and `--file recipe.json`: stdin in, the recipe's output out, as the API gives it."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from tests.conftest import TEST_SECRET, make_app
from tests.serverutil import run_command, server_env
from tests.test_recipes import BASE64_DECODE, ENCODED, JSON_PRETTY, PRETTY, URL_DECODE, auth

pytestmark = pytest.mark.slow


@pytest.fixture
async def sqlite_url(tmp_path, sqlite_template):
    path = tmp_path / "mytools.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def recipe_cli(database_url: str, *args: str, input: str = ""):
    env = server_env(DATABASE_URL=database_url, SECRET_KEY=TEST_SECRET, MYTOOLS_AUTO_MIGRATE="false")
    return run_command([sys.executable, "-m", "quart", "--app", "app", "recipe", *args], env, input=input)


async def test_saved_recipe_by_slug_prints_what_the_api_answers(sqlite_url):
    from core.auth import create_token, create_user

    application = make_app(sqlite_url)
    async with application.test_app():
        async with application.app_context():
            await create_user("owner", "correct horse battery")
            token = await create_token("owner")
        client = application.test_client()
        # Private: the command line is the operator's, it runs any saved recipe.
        body = {"name": "Decode", "steps": [URL_DECODE, BASE64_DECODE, JSON_PRETTY]}
        slug = (await (await client.post("/api/recipes", json=body, headers=auth(token))).get_json())["slug"]
        api = await (
            await client.post(f"/api/recipes/{slug}/run", json={"input": ENCODED}, headers=auth(token))
        ).get_json()

    done = recipe_cli(sqlite_url, slug, input=ENCODED)
    assert done.returncode == 0, done.stderr
    assert done.stdout == api["output"] == PRETTY

    missing = recipe_cli(sqlite_url, "no-such-recipe", input=ENCODED)
    assert missing.returncode == 1 and "no recipe 'no-such-recipe'" in missing.stderr


async def test_recipe_file_runs_unsaved(sqlite_url, tmp_path):
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps({"steps": [URL_DECODE, BASE64_DECODE, JSON_PRETTY]}))
    done = recipe_cli(sqlite_url, "--file", str(path), input=ENCODED)
    assert done.returncode == 0, done.stderr
    assert done.stdout == PRETTY

    path.write_text(json.dumps([URL_DECODE, {"tool": "json", "options": {"indent": "9"}}]))
    failed = recipe_cli(sqlite_url, "--file", str(path), input=ENCODED)
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert "step 2 (json): indent: " in failed.stderr and "(steps[1].options.indent)" in failed.stderr

    neither = recipe_cli(sqlite_url)
    assert neither.returncode == 2 and "give a recipe's SLUG or --file" in neither.stderr
