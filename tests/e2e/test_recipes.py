"""The recipe builder in Chromium: URL-decode → Base64-decode → JSON pretty-print, built, seen live, saved, then
run by its API link and by the command line with the same output."""

from __future__ import annotations

import json
import sys
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.serverutil import run_command

from .conftest import log_in
from .test_browser import run_axe

pytestmark = pytest.mark.e2e

DOCUMENT = '{"b":[1,2],"a":"x"}'
ENCODED = "eyJiIjpbMSwyXSwiYSI6IngifQ%3D%3D"  # base64 of DOCUMENT, then URL-encoded
# A share link: input "aGk=", one step decoding Base64.
SHARED = (
    "/tools/recipes/?r=eyJpbnB1dCI6ImFHaz0iLCJzdGVwcyI6W3sidG9vbCI6ImVuY29kZSIsIm9wdGlvbnMiOnsibW9kZSI6ImRlY29kZSJ9fV19"
)
PRETTY = '{\n  "b": [\n    1,\n    2\n  ],\n  "a": "x"\n}'


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the local test server
        return json.loads(response.read())


def test_build_see_live_save_then_api_and_cli_agree(page, browser, live_server, live_env):
    log_in(page)
    page.goto("/tools/recipes/")
    page.fill("#recipe-input", ENCODED)
    page.select_option("#step0_o_mode", "decode")
    page.select_option("#step0_o_format", "url-component")
    expect(page.locator("#step0-output pre")).to_have_text("eyJiIjpbMSwyXSwiYSI6IngifQ==")  # live, no submit

    page.click("#builder button[value=add]")
    page.select_option("#step1_o_mode", "decode")
    expect(page.locator("#step1-output pre")).to_have_text(DOCUMENT)

    page.click("#builder button[value=add]")
    page.select_option("#step2_op", "json")  # its options are drawn as soon as it is chosen
    expect(page.locator("#step2_o_indent")).to_be_visible()
    expect(page.locator("#step2-output pre")).to_have_text(PRETTY)
    expect(page.locator("#recipe-final pre")).to_have_text(PRETTY)
    expect(page.locator("#recipe-share a")).to_have_text("Link to this recipe and input")

    page.fill("#recipe-name", "Decode JSON")
    page.check("#builder input[name=public][type=checkbox]")
    page.click("#builder button[value=save]")
    page.wait_for_url("**/tools/recipes/?edit=*")
    slug = page.url.split("edit=")[1]
    expect(page.locator("#main")).to_contain_text("Recipe “Decode JSON” saved.")

    api = post_json(f"{live_server}/api/recipes/{slug}/run", {"input": ENCODED})  # a visitor: it is public
    cli = run_command([sys.executable, "-m", "quart", "--app", "app", "recipe", slug], live_env, input=ENCODED)
    assert cli.returncode == 0, cli.stderr
    assert api["output"] == cli.stdout == PRETTY
    assert [s["tool"] for s in api["steps"]] == ["encode", "encode", "json"]

    page.goto(f"/tools/recipes/r/{slug}")
    page.fill("#recipe-input", ENCODED)
    page.click("#main form button[type=submit]")
    expect(page.locator("pre[data-recipe-output]")).to_have_text(PRETTY)

    page.goto("/")  # the owner's recipes on the home page and in the palette
    expect(page.locator(f"#main a[href='/tools/recipes/r/{slug}']")).to_have_text("Decode JSON")
    page.keyboard.press("Control+k")
    page.fill("#palette-input", "decode json")
    expect(page.locator("#palette-list")).to_contain_text("Decode JSON")
    page.keyboard.press("Escape")

    serious = run_axe(browser, live_server, f"/tools/recipes/r/{slug}")  # the public page, as a visitor sees it
    assert serious == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious]


def test_builder_fits_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(SHARED)
        expect(page.locator("#step0-output pre")).to_have_text("hi")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_builder_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/tools/recipes/")
        page.fill("#recipe-input", "aGk=")
        page.select_option("#step0_o_mode", "decode")
        page.click("#builder button[value=add]")  # a plain form submit: the page comes back with two steps
        page.select_option("#step1_op", "hash")
        page.click("#builder .recipe-step >> nth=1 >> button[value=refresh]")  # draws hash's options
        page.check("#builder input[name=step1_o_algorithms][value=sha256]")
        page.click("#builder button[value=run]")
        expect(page.locator("#step0-output pre")).to_have_text("hi")
        # SHA-256 of "hi"
        expect(page.locator("#recipe-final pre")).to_contain_text(
            "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"
        )
        page.click("#builder button[value=up-1]")
        expect(page.locator("#step0_op")).to_have_value("hash")
    finally:
        context.close()


@pytest.mark.parametrize("path", [SHARED])
def test_builder_with_results_passes_axe(browser, live_server, path):
    serious = run_axe(browser, live_server, path)
    assert serious == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
