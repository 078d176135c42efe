"""The builder without JavaScript (plain forms: add, remove, move, apply, run, save) and its live htmx answers."""

from __future__ import annotations

import re
from html import unescape

from tests.test_recipes import ENCODED, PRETTY

HTMX = {"HX-Request": "true"}


def form_of(*steps: dict, text: str = ENCODED, action: str = "run", **extra) -> dict:
    """The builder's fields for these steps ({"op": "encode", "mode": "decode", ...})."""
    fields = {"input": text, "action": action, **extra}
    for i, step in enumerate(steps):
        step = dict(step)
        key = step.pop("op")
        fields |= {f"step{i}_op": key, f"step{i}_drawn": step.pop("drawn", key), f"step{i}_each_line": "false"}
        fields |= {f"step{i}_o_{name}": value for name, value in step.items()}
    return fields


URL = {"op": "encode", "mode": "decode", "format": "url-component"}
B64 = {"op": "encode", "mode": "decode", "format": "base64"}
PRETTY_STEP = {"op": "json", "indent": "2"}


def outputs(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r"<pre class=\"recipe-output\" data-step-output>(.*?)</pre>", html, re.S)]


def chosen_tools(html: str) -> list[str]:
    return re.findall(r'<option value="([\w/-]+)" selected>', html)


async def test_the_builder_runs_a_posted_recipe_and_shows_each_output(client):
    response = await client.post("/tools/recipes/", form=form_of(URL, B64, PRETTY_STEP))
    assert response.status_code == 200
    html = await response.get_data(as_text=True)
    assert outputs(html)[2] == PRETTY
    assert unescape(re.search(r"data-recipe-output>(.*?)</pre>", html, re.S).group(1)) == PRETTY
    assert response.headers["Cache-Control"] == "no-store"


async def test_add_remove_and_move_steps_without_javascript(client):
    async def after(action: str) -> str:
        response = await client.post("/tools/recipes/", form=form_of(URL, PRETTY_STEP, action=action))
        return await response.get_data(as_text=True)

    html = await after("add")
    assert html.count('class="recipe-step"') == 3
    html = await after("up-1")
    assert [t for t in chosen_tools(html) if t in ("encode", "json")][:2] == ["json", "encode"]
    html = await after("down-0")
    assert [t for t in chosen_tools(html) if t in ("encode", "json")][:2] == ["json", "encode"]
    html = await after("remove-0")
    assert html.count('class="recipe-step"') == 1 and 'name="step0_o_indent"' in html


async def test_choosing_another_tool_draws_its_options(client):
    changed = form_of({**URL, "op": "json", "drawn": "encode"}, action="refresh")
    html = await (await client.post("/tools/recipes/", form=changed)).get_data(as_text=True)
    assert 'name="step0_o_indent"' in html and 'name="step0_o_format"' not in html
    # While typing (htmx), a changed tool gets the whole builder back, swapped in place of the old one.
    live = await client.post("/tools/recipes/", form={**changed, "action": ""}, headers=HTMX)
    assert live.headers["HX-Retarget"] == "#builder" and live.headers["HX-Reswap"] == "outerHTML"
    assert (await live.get_data(as_text=True)).lstrip().startswith('<form id="builder"')


async def test_live_output_swaps_only_the_outputs(client):
    live = await client.post("/tools/recipes/", form=form_of(URL, B64, PRETTY_STEP, action=""), headers=HTMX)
    html = await live.get_data(as_text=True)
    assert "HX-Retarget" not in live.headers
    assert '<div id="step2-output" hx-swap-oob="true">' in html and "<textarea" not in html
    assert outputs(html)[2] == PRETTY
    failing = await client.post("/tools/recipes/", form=form_of(URL, B64, text="%21%21"), headers={**HTMX})
    html = await failing.get_data(as_text=True)
    assert outputs(html) == ["!!"] and "step 2 (encode): " in html


async def test_share_link_carries_the_recipe_and_its_input(client):
    html = await (await client.post("/tools/recipes/", form=form_of(URL, B64, PRETTY_STEP))).get_data(as_text=True)
    link = unescape(re.search(r'<a href="(/tools/recipes/\?r=[^"]+)">Link to this recipe', html).group(1))
    shared = await (await client.get(link)).get_data(as_text=True)
    assert outputs(shared)[2] == PRETTY and ENCODED in shared
    broken = await (await client.get("/tools/recipes/?r=not-a-recipe")).get_data(as_text=True)
    assert "This link does not carry a recipe" in broken


async def test_owner_saves_then_saves_again_and_saves_as(logged_in):
    saved = await logged_in.post("/tools/recipes/", form=form_of(URL, B64, PRETTY_STEP, name="Mine", action="save"))
    assert saved.status_code == 303
    slug = saved.headers["Location"].split("edit=")[1]
    listed = await (await logged_in.get("/api/recipes")).get_json()
    assert [(r["slug"], r["name"], len(r["steps"])) for r in listed["recipes"]] == [(slug, "Mine", 3)]
    assert listed["recipes"][0]["steps"][2] == {"tool": "json"}  # indent 2 is the default: not stored
    again = await logged_in.post("/tools/recipes/", form=form_of(URL, name="Mine v2", slug=slug, action="save"))
    assert again.headers["Location"].endswith(slug)
    copy = await logged_in.post("/tools/recipes/", form=form_of(URL, name="Copy", slug=slug, action="save-as"))
    assert not copy.headers["Location"].endswith(slug)
    names = [r["name"] for r in (await (await logged_in.get("/api/recipes")).get_json())["recipes"]]
    assert names == ["Copy", "Mine v2"]
    edit = await (await logged_in.get(f"/tools/recipes/?edit={slug}")).get_data(as_text=True)
    assert 'value="Mine v2"' in edit and f'value="{slug}"' in edit
    unnamed = await logged_in.post("/tools/recipes/", form=form_of(URL, name=" ", action="save"))
    assert unnamed.status_code == 422 and "Give the recipe a name" in await unnamed.get_data(as_text=True)


async def test_visitor_cannot_save(client):
    response = await client.post("/tools/recipes/", form=form_of(URL, name="x", action="save"))
    assert response.status_code == 401
    assert "Log in to save a recipe." in await response.get_data(as_text=True)


async def test_every_example_link_runs_without_an_error(client):
    page = await (await client.get("/tools/recipes/")).get_data(as_text=True)
    nav = re.search(r'<nav aria-label="Recipe examples">(.*?)</nav>', page, re.S).group(1)
    links = [unescape(href) for href in re.findall(r'<a href="([^"]+)">', nav)]
    assert len(links) == 3
    shown = []
    for link in links:
        html = await (await client.get(link)).get_data(as_text=True)
        assert 'class="field-error"' not in html, link
        shown.append(unescape(re.search(r"data-recipe-output>(.*?)</pre>", html, re.S).group(1)))
    assert shown[0] == PRETTY
    assert (
        shown[1].splitlines()[0] == "8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed4018e8f2223f8"
    )  # SHA-256 "alpha"
    assert shown[2] == "aGVsbG9fd29ybGQKZm9vX2Jhcg=="  # base64 of "hello_world\nfoo_bar"


async def test_a_forged_form_of_many_steps_is_refused_in_words(client):
    form = form_of(*[URL] * 25)
    response = await client.post("/tools/recipes/", form=form)
    html = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="recipe-step"') == 21  # what the form sent, up to one past the limit, kept
    assert "a recipe has at most 20 steps; this one has 21" in html
    assert 'value="add" class="secondary" disabled' in html
