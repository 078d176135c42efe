"""A bin's page in Chromium: a capture sent by another client appears within a second without a reload (Server-
Sent Events), the tab's title counts unseen requests while hidden, the filter and the detail pane work with and
without JavaScript, the two panes sit side by side on a wide screen and fit a 360 px phone, and the page breaks
no rule of the site's Content-Security-Policy."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import log_in, serious_violations

pytestmark = pytest.mark.e2e

# Installed before any page script runs (Playwright injects it outside the page's CSP): records every CSP
# violation the page reports.
RECORD_CSP = """window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));"""
# Tells the page its tab is hidden (or visible again), as switching tabs would.
SET_HIDDEN = """(hidden) => {
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  Object.defineProperty(document, "visibilityState",
    { configurable: true, get: () => (hidden ? "hidden" : "visible") });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def new_bin(page, name: str) -> dict:
    response = page.request.post("/api/hooks", data={"name": name})
    assert response.status == 201, response.text()
    return response.json()


def send(hook: dict, path: str, body: bytes = b"", method: str = "POST") -> None:
    """A capture from another client (not the browser), as a webhook sender would make it."""
    response = httpx.request(method, hook["capture_url"] + path, content=body, timeout=10)
    assert response.status_code == 200, response.text


def open_live_bin(page, hook: dict) -> None:
    """The bin's page, once its live stream is open."""
    with page.expect_response(lambda r: "/events" in r.url and r.status == 200):
        page.goto(f"/tools/hooks/{hook['id']}/")
    page.evaluate("document.documentElement.dataset.e2eMarker = 'still-here'")


def rows(page):
    return page.locator("#hooks-requests li[data-request-id]")


def test_a_capture_appears_within_a_second_and_the_hidden_tab_counts_it(page):
    page.add_init_script(RECORD_CSP)
    log_in(page)
    hook = new_bin(page, "Live bin")
    open_live_bin(page, hook)
    expect(page).to_have_title("Live bin · Webhook inspector · mytools")

    started = time.monotonic()
    send(hook, "/orders/created", b'{"order": 1}')
    row = rows(page).first
    expect(row).to_contain_text("/orders/created", timeout=1000)  # pushed: polling would take up to 2 s
    print(f"\ncapture -> row in the page: {(time.monotonic() - started) * 1000:.0f} ms")
    expect(row.locator(".hooks-preview")).to_have_text('{"order": 1}')
    assert page.evaluate("document.documentElement.dataset.e2eMarker") == "still-here"  # no reload

    page.evaluate(SET_HIDDEN, True)
    send(hook, "/a")
    send(hook, "/b", method="PUT")
    expect(page).to_have_title("(2) Live bin · Webhook inspector · mytools", timeout=1000)
    expect(rows(page)).to_have_count(3)
    page.evaluate(SET_HIDDEN, False)  # the owner looks again
    expect(page).to_have_title("Live bin · Webhook inspector · mytools")
    page.evaluate(SET_HIDDEN, True)
    send(hook, "/c")
    expect(page).to_have_title("(1) Live bin · Webhook inspector · mytools", timeout=1000)
    page.evaluate(SET_HIDDEN, False)

    assert page.evaluate("window.cspViolations") == []


@pytest.mark.screenshot
def test_filter_and_select_without_a_reload(page, screenshots):
    page.add_init_script(RECORD_CSP)
    log_in(page)
    hook = new_bin(page, "Filter bin")
    send(hook, "/github/push", b"ref=main")
    send(hook, "/stripe/charge", b"amount=100", method="PUT")
    open_live_bin(page, hook)
    expect(rows(page)).to_have_count(2)

    with page.expect_response(lambda r: "path=github" in r.url and "/events" not in r.url):
        page.fill("#filter-path", "github")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("/github/push")
    # The stream follows the filter: a new PUT is not shown, a new matching POST is.
    send(hook, "/github/release", b"tag=v1", method="PUT")
    page.select_option("#filter-method", "POST")
    expect(rows(page)).to_have_count(1)
    send(hook, "/github/issues", b"opened")
    expect(rows(page)).to_have_count(2, timeout=1000)
    expect(rows(page).first).to_contain_text("/github/issues")

    rows(page).nth(1).locator("a").click()
    detail = page.locator("#hooks-detail")
    expect(detail.locator("h2")).to_contain_text("POST request #")
    expect(detail.locator("#hooks-body")).to_have_text("ref=main")
    expect(rows(page).nth(1)).to_have_class("hooks-selected")
    assert "r=" in page.url and "path=github" in page.url  # a link that works without JavaScript
    assert page.evaluate("document.documentElement.dataset.e2eMarker") == "still-here"
    assert page.evaluate("window.cspViolations") == []
    page.screenshot(path=str(screenshots / "hooks.png"))

    page.reload()  # the pushed URL is the same view
    expect(page.locator("#hooks-detail #hooks-body")).to_have_text("ref=main")
    expect(page.locator("#filter-path")).to_have_value("github")


def test_without_javascript_links_and_the_filter_form_still_work(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page)
        hook = new_bin(page, "No JS")
        send(hook, "/one", b"first")
        send(hook, "/two", b"second", method="PUT")
        page.goto(f"/tools/hooks/{hook['id']}/")
        page.select_option("#filter-method", "PUT")
        page.click(".hooks-filter button[type=submit]")
        expect(rows(page)).to_have_count(1)
        rows(page).first.locator("a").click()
        expect(page.locator("#hooks-detail #hooks-body")).to_have_text("second")
    finally:
        context.close()


def test_two_panes_on_a_wide_screen_stacked_and_narrow_on_a_phone(browser, live_server):
    for width, side_by_side in ((1280, True), (360, False)):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
        page = context.new_page()
        try:
            log_in(page)
            hook = new_bin(page, "Panes")
            long_path = "/a-very-long-path-segment-without-any-break-" + "x" * 120
            send(hook, long_path + "?query=" + "y" * 80, b"z" * 300)
            page.goto(f"/tools/hooks/{hook['id']}/")
            rows(page).first.locator("a").click()
            expect(page.locator("#hooks-detail h2")).to_contain_text("request #")
            listed = page.locator(".hooks-list-pane").bounding_box()
            detail = page.locator("#hooks-detail").bounding_box()
            if side_by_side:
                assert detail["x"] > listed["x"] + listed["width"] - 1 and abs(detail["y"] - listed["y"]) < 5
            else:
                assert detail["y"] >= listed["y"] + listed["height"] - 1
            width_used = page.evaluate("document.documentElement.scrollWidth")
            assert width_used <= width, f"{width_used} px wide at {width} px"
        finally:
            context.close()


def test_axe_finds_no_serious_violations_on_a_bin_page(browser, live_server):
    context = browser.new_context(base_url=live_server, bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    try:
        log_in(page)
        hook = new_bin(page, "Accessible")
        send(hook, "/hello", b"world")
        page.goto(f"/tools/hooks/{hook['id']}/")
        rows(page).first.locator("a").click()
        expect(page.locator("#hooks-detail h2")).to_contain_text("request #")
        serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious_violations(page)]
        assert serious == []
    finally:
        context.close()
