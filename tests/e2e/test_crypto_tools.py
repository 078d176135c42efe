"""The crypto tools in a real browser: the JWT sign page (not in the registry's list of pages) signs as you type,
fits a 360 px phone and passes axe; the keys page's long lines stay inside a phone's width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import serious_violations
from .test_browser import assert_same_document, mark_document

pytestmark = pytest.mark.e2e

# jwt.io's example secret (38 bytes: long enough for HS256 under RFC 7518 §3.2).
SECRET = "a-string-secret-at-least-256-bits-long"


def test_jwt_sign_page_signs_as_you_type(page):
    page.goto("/tools/jwt/sign/")
    mark_document(page)
    page.fill("#input", '{"sub": "1234567890"}')
    page.fill("#key", SECRET)
    expect(page.locator("#jwt-token")).to_contain_text(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    )
    assert_same_document(page)  # htmx swapped the result in; no page load
    page.select_option("#algorithm", "RS256")
    expect(page.locator("#key-error")).to_contain_text("needs a private key")


@pytest.mark.parametrize("path", ["/tools/jwt/sign/", "/tools/keys/?mode=generate&kind=rsa-4096"])
def test_fits_a_phone_and_axe_finds_nothing_serious(browser, live_server, path):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(path)
        if "sign" in path:
            page.fill("#input", '{"sub": "' + "x" * 200 + '"}')
            page.fill("#key", SECRET)
            expect(page.locator("#jwt-token")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert serious_violations(page) == []
    finally:
        context.close()
