"""Tool pages in a real browser: live as you type (within a size), Ctrl+Enter, a late indicator, first loads."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# Records whether the "Working…" indicator was ever visible, on every frame (it is shown by a CSS transition).
WATCH_BUSY = """() => {
  window.busySeen = false;
  const busy = document.getElementById("busy");
  (function look() {
    if (getComputedStyle(busy).visibility === "visible") window.busySeen = true;
    requestAnimationFrame(look);
  })();
}"""


def watch(page) -> list[str]:
    """Console errors (a CSP violation is one) and uncaught exceptions of the page, as they happen."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def real_problems(problems: list[str]) -> list[str]:
    """The problems, less htmx's report of a request that a newer one cancelled (hx-sync replace doing its job):
    htmx logs an aborted request as two console errors, "htmx:afterRequest, …" then "htmx:sendAbort, …"."""
    kept = []
    for index, text in enumerate(problems):
        aborted = text.startswith("htmx:sendAbort") or (
            text.startswith("htmx:afterRequest")
            and problems[index + 1 : index + 2] == [text.replace("afterRequest", "sendAbort")]
        )
        if not aborted:
            kept.append(text)
    return kept


@pytest.fixture
def live(page):
    """The page, checked for console errors and CSP violations after the test."""
    problems = watch(page)
    yield page
    assert real_problems(problems) == []


def posts_to(page, path: str) -> list[str]:
    """The POST requests the page sends to `path`, as they happen."""
    sent: list[str] = []
    page.on(
        "request",
        lambda request: sent.append(request.url) if request.method == "POST" and path in request.url else None,
    )
    return sent


def mark_document(page) -> None:
    page.evaluate("document.documentElement.dataset.e2eMarker = 'still-here'")


def assert_same_document(page) -> None:
    assert page.evaluate("document.documentElement.dataset.e2eMarker") == "still-here"


def test_json_formats_as_you_type(live):
    live.goto("/tools/json/")
    expect(live.locator("#result .first-load")).to_contain_text("Example — Pretty-print, sorted keys.")
    mark_document(live)
    live.fill("#input", '{"b": 1, "a": [true, null]}')  # "Sort keys" is ticked by the example
    expect(live.locator("#json-result")).to_have_text('{\n  "a": [\n    true,\n    null\n  ],\n  "b": 1\n}')
    expect(live.locator("#result .first-load")).to_have_count(0)  # no longer the example
    live.check("input[name=indent][value=minify]")
    expect(live.locator("#json-result")).to_have_text('{"a":[true,null],"b":1}')
    assert_same_document(live)


def type_a_diff(page, left: str, right: str, shown: str) -> None:
    """Open the diff page, type both sides, and wait for the unified diff to show `shown`."""
    page.goto("/tools/diff/")
    mark_document(page)
    page.fill("#left", left)
    page.fill("#right", right)
    expect(page.locator("#diff-unified")).to_contain_text(shown)


def test_diff_compares_as_you_type(live):
    type_a_diff(live, "alpha\nbeta\ngamma\n", "alpha\nBETA\ngamma\n", "-beta\n+BETA")
    live.check("input[name=ignore_case]")
    expect(live.locator("#result h2")).to_have_text("No differences")
    assert_same_document(live)


def test_ctrl_enter_runs_the_form_from_any_field(live):
    type_a_diff(live, "one\n", "two\n", "+two")
    for field in ("#left", "#right_label", "#context"):
        with live.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/tools/diff/")) as answer:
            live.focus(field)
            live.keyboard.press("Control+Enter")
        assert answer.value.status == 200 and answer.value.request.headers.get("hx-request") == "true"
    assert live.input_value("#left") == "one\n"  # Ctrl+Enter typed nothing
    assert_same_document(live)


def test_an_input_over_the_live_limit_waits_for_the_button(live):
    live.goto("/tools/json/")
    sent = posts_to(live, "/tools/json/")
    big = json.dumps({"big": "x" * 210_000})  # over json's 200 KB
    live.fill("#input", big)
    note = live.locator("[data-live-off]")
    expect(note).to_have_text("Live update is off for inputs over 200 KB: press Format or Ctrl+Enter.")
    live.wait_for_timeout(800)  # well past the 300 ms delay of a live update
    assert sent == []
    expect(live.locator("#result .first-load")).to_be_visible()  # still the example
    live.get_by_role("button", name="Format", exact=True).click()
    expect(live.locator("#json-result")).to_contain_text('"big": "xxxx')
    assert len(sent) == 1
    live.fill("#input", '{"small": 1}')  # under the limit again: live, and the note goes
    expect(live.locator("#json-result")).to_have_text('{\n  "small": 1\n}')
    expect(note).to_be_hidden()


def test_ctrl_enter_runs_an_input_over_the_limit(live):
    live.goto("/tools/diff/")
    live.fill("#left", "a" * 60_000 + "\n")  # 60 KB: over diff's 50 KB
    live.fill("#right", "b\n")
    expect(live.locator("[data-live-off]")).to_have_text(
        "Live update is off for inputs over 50 KB: press Compare or Ctrl+Enter."
    )
    live.focus("#right")
    live.keyboard.press("Control+Enter")
    expect(live.locator("#diff-unified")).to_contain_text("+b")


def test_the_caret_focus_and_scroll_survive_the_swap(live):
    live.set_viewport_size({"width": 1280, "height": 500})
    live.goto("/tools/json/")
    live.fill("#input", '{"name": "value"}')
    expect(live.locator("#json-result")).to_have_text('{\n  "name": "value"\n}')
    live.focus("#input")
    live.evaluate("document.getElementById('input').setSelectionRange(11, 11)")  # after {"name": "v
    scrolled = live.evaluate("window.scrollY")
    with live.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/tools/json/")):
        live.keyboard.type("x")
    expect(live.locator("#json-result")).to_have_text('{\n  "name": "vxalue"\n}')
    state = live.evaluate(
        "({focused: document.activeElement.id, start: document.activeElement.selectionStart,"
        " end: document.activeElement.selectionEnd, y: window.scrollY})"
    )
    assert state == {"focused": "input", "start": 12, "end": 12, "y": scrolled}
    live.keyboard.type("y")  # typing goes on where it was
    expect(live.locator("#json-result")).to_have_text('{\n  "name": "vxyalue"\n}')


def answer_after(seconds: float):
    """A route handler: the tool's htmx answer after a delay; the page itself goes through."""

    def handle(route):
        if route.request.method != "POST":
            route.continue_()
            return
        time.sleep(seconds)
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body='<p id="answer">answered</p>')

    return handle


def test_working_is_not_shown_for_a_fast_answer(live):
    live.route("**/tools/case/", answer_after(0))
    live.goto("/tools/case/")
    live.evaluate(WATCH_BUSY)
    live.fill("#input", "fast answer")
    expect(live.locator("#answer")).to_have_text("answered")
    live.wait_for_timeout(500)
    assert live.evaluate("window.busySeen") is False


def test_working_is_shown_for_a_slow_answer_then_hidden(live):
    live.route("**/tools/case/", answer_after(1.5))
    live.goto("/tools/case/")
    live.evaluate(WATCH_BUSY)
    live.fill("#input", "slow answer")
    expect(live.locator("#answer")).to_have_text("answered", timeout=15_000)
    assert live.evaluate("window.busySeen") is True
    expect(live.locator("#busy")).to_be_hidden()


@pytest.mark.parametrize(
    ("path", "value", "shape"),
    [
        ("/tools/uuid/", "#uuid-value-1", UUID_V4),
        ("/tools/password/", "#password-value", re.compile(r"^\S{20}$")),
        ("/tools/lorem/", "#lorem-result", re.compile(r"^Lorem ipsum dolor sit amet, consectetur adipiscing elit\.")),
    ],
)
def test_generators_generate_on_first_load_and_anew_on_each(live, path, value, shape):
    seen = []
    for _ in range(2):
        live.goto(path)
        text = live.locator(value).text_content()
        assert shape.search(text), text
        seen.append(text)
    assert seen[0] != seen[1]


def test_time_opens_on_now_in_the_browsers_zone(browser, live_server):
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Tokyo")
    page = context.new_page()
    problems = watch(page)
    try:
        page.goto("/tools/time/")
        expect(page.locator("#zone")).to_have_value("Asia/Tokyo")
        expect(page.locator("#result h2").first).to_have_text(re.compile(r"^Asia/Tokyo JST \+09:00$"))
        expect(page.locator("#time-detected")).to_have_text("now")
        expect(page.locator("#result .first-load")).to_have_count(0)  # the first load was replaced
        assert page.input_value("#input") == "now"
    finally:
        context.close()
    assert real_problems(problems) == []


def test_time_without_javascript_says_it_shows_utc(browser, live_server):
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Tokyo", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/tools/time/")
        expect(page.locator("#result .first-load")).to_contain_text("The time now, in UTC")
        expect(page.locator("#result h2").first).to_have_text("UTC +00:00")
        expect(page.locator("#zone")).to_have_value("UTC")
    finally:
        context.close()
