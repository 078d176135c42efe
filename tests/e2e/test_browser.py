"""The site in a real browser: live updates, no-JS fallback, notes, narrow screens, accessibility."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.registry import import_tool_modules, tool_of

from .conftest import log_in, serious_violations

pytestmark = pytest.mark.e2e

# Every tool page a visitor sees, from the registry (a tool that needs a login sends visitors to /login).
TOOL_SLUGS = [tool.slug for tool in map(tool_of, import_tool_modules()) if not tool.login_required]
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2 B.1


def mark_document(page) -> None:
    """A flag that survives htmx swaps but not a page load."""
    page.evaluate("document.documentElement.dataset.e2eMarker = 'still-here'")


def assert_same_document(page) -> None:
    assert page.evaluate("document.documentElement.dataset.e2eMarker") == "still-here"


@pytest.mark.screenshot
def test_live_update_without_a_page_load(page, screenshots):
    page.goto("/tools/hash/")
    mark_document(page)
    page.fill("#input", "abc")
    expect(page.locator("#digest-sha256")).to_have_text(SHA256_ABC)
    page.fill("#input", "abd")
    expect(page.locator("#digest-sha256")).not_to_have_text(SHA256_ABC)
    assert_same_document(page)
    page.screenshot(path=str(screenshots / "hash.png"))


def test_the_same_tool_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/tools/hash/")
        page.fill("#input", "abc")
        page.click("#main form button[type=submit]")
        expect(page.locator("#digest-sha256")).to_have_text(SHA256_ABC)
    finally:
        context.close()


@pytest.mark.screenshot
def test_case_tool_live_and_screenshot(page, screenshots):
    page.goto("/tools/case/")
    page.fill("#input", "parse HTTP response")
    expect(page.locator("#case-snake")).to_have_text("parse_http_response")
    page.screenshot(path=str(screenshots / "case.png"))


def test_login_create_edit_and_list_a_note(page):
    log_in(page)
    page.goto("/tools/notes/new")
    page.fill("#title", "E2E shopping list")
    page.fill("#body", "- milk\n- **eggs**")
    page.click("#main form button[type=submit]")
    expect(page.locator(".note-body strong")).to_have_text("eggs")
    page.get_by_role("button", name="Edit").click()
    page.fill("#title", "E2E groceries")
    page.click("#main form button[type=submit]")
    expect(page.locator("article h2")).to_have_text("E2E groceries")
    page.goto("/tools/notes/")
    expect(page.get_by_role("link", name="E2E groceries")).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/login", "/api/", *[f"/tools/{slug}/" for slug in TOOL_SLUGS]])
def test_no_horizontal_scroll_at_360_px(browser, live_server, path):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
    finally:
        context.close()


def run_axe(browser, live_server, path: str, prepare=None) -> list[dict]:
    """axe's serious and critical violations on `path`, after `prepare(page)` when given (e.g. open a form)."""
    # axe is injected as a script, which the site's CSP rightly forbids: this context bypasses it.
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(path)
        if prepare is not None:
            prepare(page)
        return serious_violations(page)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/login", "/api/", *[f"/tools/{slug}/" for slug in TOOL_SLUGS]])
def test_axe_finds_no_serious_violations(browser, live_server, path):
    serious = run_axe(browser, live_server, path)
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
    assert serious == [], summary


@pytest.mark.screenshot
def test_home_page_screenshot(page, screenshots):
    page.goto("/")
    expect(page.locator("h2").first).to_be_visible()
    page.screenshot(path=str(screenshots / "home.png"))


def test_palette_search_and_open(page):
    page.goto("/tools/case/")
    page.keyboard.press("Control+k")
    expect(page.locator("#palette-input")).to_be_focused()
    page.keyboard.type("sha")
    expect(page.locator("#palette-list [role=option]").first).to_contain_text("Hash")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tools/hash/")
    page.goto("/")
    page.keyboard.press("/")
    page.keyboard.type("b64")
    expect(page.locator("#palette-list [role=option]").first).to_contain_text("Encode")


def test_favorites_persist_after_reload_for_visitors_and_owners(page):
    page.goto("/tools/case/")
    star = page.locator("[data-star=case]").first
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("[data-star=case]").first).to_have_attribute("aria-pressed", "true")
    log_in(page)  # an owner's stars live in the database
    page.goto("/tools/regex/")
    page.locator("[data-star=regex]").first.click()
    expect(page.locator("[data-star=regex]").first).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("[data-star=regex]").first).to_have_attribute("aria-pressed", "true")
    page.goto("/")
    expect(page.locator("#main").get_by_role("link", name="Regex tester").first).to_be_visible()


def test_short_link_created_in_the_ui_redirects(page, live_server):
    log_in(page)
    page.goto("/tools/links/")
    page.fill("#target", f"{live_server}/tools/case/?input=short+link+demo")
    page.locator("#main details summary").click()  # the options are folded away
    page.fill("#alias", "e2e-case")
    page.click("#main form button[type=submit]")
    expect(page.locator("#main")).to_contain_text("/s/e2e-case")
    response = page.request.get("/s/e2e-case", max_redirects=0)
    assert response.status == 302
    assert response.headers["location"] == f"{live_server}/tools/case/?input=short+link+demo"
    page.goto("/s/e2e-case")
    expect(page.locator("#case-snake")).to_have_text("short_link_demo")


def test_burn_after_read_paste_is_shown_once(page):
    log_in(page)
    page.goto("/tools/paste/")
    page.fill("#content", "the secret is 42")
    page.check("input[type=checkbox][name=burn_after_read]")
    page.click("#main form button[type=submit]")
    url = page.locator("#paste-url").get_attribute("href")
    page.goto(url)
    expect(page.locator("#main")).not_to_contain_text("the secret is 42")  # a preview sees only the button
    page.get_by_role("button", name="Reveal the paste").click()
    expect(page.locator("#main")).to_contain_text("the secret is 42")
    response = page.goto(url)
    assert response.status in (404, 410)
    expect(page.locator("#main")).not_to_contain_text("the secret is 42")
