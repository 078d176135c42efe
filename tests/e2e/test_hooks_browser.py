"""The webhook inspector in Chromium: a bin's answer never runs as script or style here, and a capture made by a
logged-in browser keeps no login cookie."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = pytest.mark.e2e

# Loads a script and a stylesheet into the current page (which carries the site's CSP: script-src 'self'),
# and reports how each load ended and whether either had an effect.
INJECT = """async ([script, stylesheet]) => {
  const ended = (element) => new Promise((resolve) => {
    element.onload = () => resolve("load");
    element.onerror = () => resolve("error");
  });
  const js = Object.assign(document.createElement("script"), { src: script });
  const css = Object.assign(document.createElement("link"), { rel: "stylesheet", href: stylesheet });
  const results = [ended(js), ended(css)];
  document.head.append(js, css);
  const [scriptEnded, stylesheetEnded] = await Promise.all(results);
  return {
    scriptEnded, stylesheetEnded,
    ran: window.hooksE2eRan === true,
    styled: getComputedStyle(document.body).outlineColor === "rgb(1, 2, 3)",
  };
}"""
SCRIPT = "window.hooksE2eRan = true;"
STYLE = "body { outline: 7px solid rgb(1, 2, 3) !important; }"


def new_bin(page, **settings) -> dict:
    response = page.request.post("/api/hooks", data=settings)
    assert response.status == 201, response.text()
    return response.json()


def test_bin_answers_never_run_as_script_or_style_at_this_origin(page, live_server):
    log_in(page)
    script_bin = new_bin(page, response_content_type="application/javascript", response_body=SCRIPT)
    style_bin = new_bin(page, response_content_type="text/css", response_body=STYLE)
    page.goto("/tools/case/")

    # The check itself can see an effect: the same injection of a same-origin script and stylesheet that are
    # really sent as JavaScript and CSS (answered by Playwright) runs and applies.
    page.route("**/e2e-control.js", lambda route: route.fulfill(body=SCRIPT, content_type="application/javascript"))
    page.route("**/e2e-control.css", lambda route: route.fulfill(body=STYLE, content_type="text/css"))
    control = page.evaluate(INJECT, ["/e2e-control.js", "/e2e-control.css"])
    assert control == {"scriptEnded": "load", "stylesheetEnded": "load", "ran": True, "styled": True}

    page.goto("/tools/case/")
    bins = page.evaluate(INJECT, [f"/hooks/{script_bin['id']}/x.js", f"/hooks/{style_bin['id']}/x.css"])
    assert bins == {"scriptEnded": "error", "stylesheetEnded": "error", "ran": False, "styled": False}

    # The owner's settings keep the type they chose and say what is sent instead.
    page.goto(f"/tools/hooks/{script_bin['id']}/")
    page.locator(".hooks-settings summary").click()
    expect(page.locator("#response_content_type")).to_have_value("application/javascript")
    expect(page.locator("#response_content_type-note")).to_have_text(
        "Sent as text/plain; charset=utf-8: a script or stylesheet type could run on this site."
    )


def test_a_capture_by_a_logged_in_browser_keeps_no_login_cookie(page, live_server):
    log_in(page)
    hook = new_bin(page)
    login_cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "QUART_AUTH")
    page.context.add_cookies([{"name": "theme", "value": "dark", "url": live_server}])
    page.goto("/tools/case/")
    # An image on one of the site's pages (a markdown paste, say): the browser sends its cookies along.
    loaded = page.evaluate(
        """(src) => new Promise((resolve) => {
             const image = Object.assign(new Image(), { src });
             image.onload = image.onerror = () => resolve(true);
           })""",
        f"/hooks/{hook['id']}/a.png",
    )
    assert loaded
    captured = page.request.get(f"/api/hooks/{hook['id']}")
    assert login_cookie not in captured.text()
    [request] = captured.json()["requests"]
    cookies = "; ".join(h["value"] for h in request["headers"] if h["name"] == "cookie")
    assert "QUART_AUTH=[removed: this site's session cookie]" in cookies
    assert "theme=dark" in cookies
    page.goto(f"/tools/hooks/{hook['id']}/requests/{request['id']}")
    expect(page.locator("#hooks-curl")).to_contain_text("QUART_AUTH=[removed: this site")
    assert login_cookie not in page.content()
