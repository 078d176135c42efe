"""The layout in Chromium: input | result on wide screens, sidebar, dense home, one-row phone header, no sideways
scroll on any page, icons, accessibility, and no CSP violation or console error along the way."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from core.registry import import_tool_modules, tool_of

from .conftest import log_in, serious_violations

pytestmark = pytest.mark.e2e

TOOLS = [tool_of(module) for module in import_tool_modules()]
VISITOR_TOOLS = [tool for tool in TOOLS if not tool.login_required]
# Pages that are not input-and-result keep one column (templates replacing tool.html's block `tool`).
ONE_COLUMN = {"whoami", "notes", "recipes"}  # recipes: each step shows its output under it
WIDE, PHONE = {"width": 1280, "height": 800}, {"width": 360, "height": 740}
# Records what the page's CSP refused (an event every browser fires) and console errors, from the first byte.
WATCH = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (e) => window.__problems.push(
  "CSP " + e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


@contextmanager
def browsing(browser, live_server, viewport, **options):
    """A page in a fresh context that fails the test on a CSP violation or a console error."""
    context = browser.new_context(base_url=live_server, viewport=viewport, **options)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
        assert errors == [], errors
    finally:
        context.close()


def problems(page) -> list[str]:
    return page.evaluate("window.__problems")


def box(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate("el => el.getBoundingClientRect().toJSON()")


# --- input | result ------------------------------------------------------------------------------------


@pytest.mark.parametrize("tool", [t for t in VISITOR_TOOLS if t.slug not in ONE_COLUMN], ids=lambda t: t.slug)
def test_result_is_right_of_the_input_and_in_view_at_1280(browser, live_server, tool):
    with browsing(browser, live_server, WIDE) as page:
        page.goto(tool.page_url)
        expect(page.locator(".tool-layout")).to_be_visible()
        form, result = box(page, ".tool-input"), box(page, ".tool-output")
        assert result["left"] >= form["right"], (form, result)
        assert abs(result["top"] - form["top"]) < 2  # side by side, not below
        assert 0 <= result["top"] < WIDE["height"] - 100, result  # seen without scrolling
        assert problems(page) == []


def test_the_result_stays_in_view_while_a_long_input_scrolls(browser, live_server):
    with browsing(browser, live_server, WIDE) as page:
        page.goto("/tools/hash/?input=abc")
        expect(page.locator("#digest-sha256")).to_be_visible()
        page.locator("#input").evaluate("el => { el.rows = 120; }")  # a long input (rows: no style attribute)
        assert box(page, ".tool-input")["height"] > 3 * WIDE["height"]
        page.evaluate("window.scrollTo(0, 1800)")  # not the mouse wheel: it scrolls smoothly, over time
        assert page.evaluate("window.scrollY") >= 1800  # (wait_for_function polls by eval: refused by the CSP)
        heading = box(page, "#result h2")
        assert 0 <= heading["top"] < WIDE["height"], heading  # sticky: still on screen
        assert box(page, "#input")["top"] < 0  # while the input has scrolled by


def test_stacked_below_1024_px_with_the_result_right_under_the_input(browser, live_server):
    with browsing(browser, live_server, {"width": 800, "height": 800}) as page:
        page.goto("/tools/case/?input=a+b")
        form, result = box(page, ".tool-input"), box(page, ".tool-output")
        assert result["top"] >= form["bottom"] - 1 and result["left"] == form["left"]
        assert result["top"] - form["bottom"] < 40


def test_the_diff_is_side_by_side_only_where_it_fits(browser, live_server):
    path = "/tools/diff/?left=a%0Ab&right=a%0AB"
    with browsing(browser, live_server, {"width": 800, "height": 800}) as page:
        page.goto(path)  # one column, the result as wide as the page: two sides
        expect(page.locator(".diff-change .diff-right")).to_be_visible()
        assert box(page, ".diff-change .diff-right")["left"] > box(page, ".diff-change .diff-left")["right"] - 1
    with browsing(browser, live_server, PHONE) as page:
        page.goto(path)  # a phone: the old line, then the new one below it
        old, new = box(page, ".diff-change .diff-left"), box(page, ".diff-change .diff-right")
        assert new["top"] >= old["bottom"] - 1 and new["left"] == old["left"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# --- sidebar and home ------------------------------------------------------------------------------------


def test_sidebar_lists_every_tool_with_icons_and_marks_the_current_one(browser, live_server):
    with browsing(browser, live_server, WIDE) as page:
        page.goto("/tools/json/")
        sidebar = page.get_by_role("navigation", name="All tools")
        expect(sidebar).to_be_visible()
        current = sidebar.locator("a[aria-current=page]")
        expect(current).to_have_text("JSON formatter")
        expect(current.locator("svg.icon use")).to_have_attribute("href", re.compile(r"#i-braces$"))
        assert sidebar.locator("a").count() == len(TOOLS)
        assert sidebar.locator("a svg.icon").count() == len(TOOLS)
        crypto = sidebar.locator("details", has=page.locator("summary", has_text="Crypto"))
        expect(crypto.get_by_role("link", name="Hash", exact=True)).to_be_visible()
        crypto.locator("summary").click()  # a category folds away (no script needed: <details>)
        expect(crypto.get_by_role("link", name="Hash", exact=True)).to_be_hidden()
    with browsing(browser, live_server, PHONE) as page:
        page.goto("/tools/json/")
        expect(page.get_by_role("navigation", name="All tools")).to_be_hidden()


def test_home_shows_at_least_three_cards_a_row_at_1280(browser, live_server):
    with browsing(browser, live_server, WIDE) as page:
        page.goto("/")
        tops = page.locator(".categories .tool-card").evaluate_all(
            "cards => cards.map(c => Math.round(c.getBoundingClientRect().top))"
        )
        assert tops.count(min(tops)) >= 3, tops
        first = box(page, ".categories .tool-card")
        assert first["height"] < 100  # compact: icon, name and one line of summary
        icons = page.locator(".tool-card h3 svg.icon use")
        assert icons.count() == page.locator(".tool-card").count() > 0


def test_favorites_and_recent_tools_come_first_on_the_home_page(browser, live_server):
    with browsing(browser, live_server, WIDE) as page:
        page.goto("/tools/regex/")
        page.locator("[data-star=regex]").first.click()
        page.goto("/tools/cron/")
        page.goto("/")
        favorites, recent = page.locator("[data-favorites]"), page.locator("[data-recent]")
        expect(favorites.get_by_role("link", name="Regex tester")).to_be_visible()
        expect(recent.get_by_role("link", name="Cron")).to_be_visible()
        expect(recent.locator("a svg.icon").first).to_be_attached()
        assert box(page, "[data-favorites]")["bottom"] <= box(page, ".categories")["top"]


def test_palette_options_show_the_tools_icons(browser, live_server):
    with browsing(browser, live_server, WIDE) as page:
        page.goto("/")
        page.keyboard.press("Control+k")
        page.keyboard.type("sha")
        option = page.locator("#palette-list [role=option]").first
        expect(option).to_contain_text("Hash")
        href = option.locator("svg.icon use").get_attribute("href")
        assert href.startswith("/static/vendor/lucide-static-") and href.endswith("#i-hash")
        assert problems(page) == []


# --- a phone ------------------------------------------------------------------------------------------------


def test_the_phone_header_is_one_row_logged_out_and_in(browser, live_server):
    with browsing(browser, live_server, PHONE, has_touch=True, is_mobile=True) as page:
        for logged_in in (False, True):
            if logged_in:
                log_in(page)
            page.goto("/tools/hash/")
            header = box(page, "body > header")
            assert header["height"] <= 64, (logged_in, header)
            expect(page.locator("[data-palette-open]")).to_be_visible()
            expect(page.locator("[data-palette-open] kbd")).to_be_hidden()  # no keyboard: no shortcut hint
        menu = page.locator(".account-menu")
        menu.locator("summary").click()
        expect(menu.get_by_role("link", name="Account")).to_be_visible()
        expect(menu.get_by_role("button", name="Log out")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_shortcut_hint_shows_where_there_is_a_keyboard(browser, live_server):
    with browsing(browser, live_server, WIDE) as page:
        page.goto("/")
        expect(page.locator("[data-palette-open] kbd")).to_be_visible()


def make_stored_pages(page, live_server) -> list[str]:
    """A short link, a paste, a webhook bin with one request and a note: the paths of their pages."""
    page.goto("/tools/links/")
    page.fill("#target", "https://example.com/" + "long-path/" * 20)
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/tools/links/*")
    link = page.url
    page.goto("/tools/paste/")
    page.fill("#content", "print('" + "x" * 300 + "')")
    page.click("#main form button[type=submit]")
    paste = page.locator("#paste-url").get_attribute("href")
    page.goto("/tools/hooks/")
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/tools/hooks/*/")
    hook_bin = page.url
    capture = page.locator("#hooks-capture-url").text_content()
    page.request.post(f"{capture}/push?q={'y' * 200}", data=json.dumps({"k": "v" * 300}), headers={"X-Long": "z" * 300})
    page.goto(hook_bin)
    hook_request = page.locator(".hooks-requests a").first.get_attribute("href")
    page.goto("/tools/notes/new")
    page.fill("#title", "Layout note")
    page.fill("#body", "a `" + "w" * 300 + "`")
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/tools/notes/*")
    note = page.url
    return [link, paste, hook_bin, hook_request, note, note + "/edit", "/tools/notes/new"]


def test_no_page_scrolls_sideways_on_a_360_px_phone(browser, live_server):
    with browsing(browser, live_server, PHONE) as page:
        visitor = ["/", "/login", "/api/", *[t.page_url for t in VISITOR_TOOLS]]
        log_in(page)
        owner = ["/account", *[t.page_url for t in TOOLS if t.login_required], *make_stored_pages(page, live_server)]
        too_wide = {}
        for path in [*owner, *visitor]:
            response = page.goto(path)
            assert response.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[path] = width
        assert too_wide == {}
        assert problems(page) == []


# --- accessibility ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "360"])
@pytest.mark.parametrize("path", ["/", "/tools/hash/?input=abc", "/tools/diff/?left=a&right=b"])
def test_axe_finds_nothing_serious_at_both_widths(browser, live_server, viewport, path):
    # axe is injected as a script, which the site's CSP rightly forbids: this context bypasses it.
    context = browser.new_context(base_url=live_server, viewport=viewport, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(path)
        serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious_violations(page)]
        assert serious == []
    finally:
        context.close()


# --- screenshots for the README (./scripts/screenshots keeps them in docs/screenshots) -----------------


@pytest.mark.screenshot
@pytest.mark.parametrize(
    ("name", "viewport", "path"),
    [
        ("desktop-json.png", WIDE, "/tools/json/"),
        ("phone-home.png", PHONE, "/"),
        ("phone-hash.png", PHONE, "/tools/hash/?input=abc"),
    ],
)
def test_screenshots_at_desktop_and_phone_widths(browser, live_server, screenshots, name, viewport, path):
    with browsing(browser, live_server, viewport) as page:
        page.goto(path)
        expect(page.locator("main h1, main h2").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(screenshots / name))
