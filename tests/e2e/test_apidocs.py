"""The API docs in a real browser: try an operation, copy its curl command and run it, on a phone, with axe."""

from __future__ import annotations

import json
import subprocess

import pytest
from playwright.sync_api import expect

from .conftest import log_in
from .test_browser import SHA256_ABC, run_axe

pytestmark = pytest.mark.e2e


def try_hash(page) -> None:
    page.goto("/api/")
    page.locator("#post_hash summary").click()
    page.fill("#post_hash-body", '{"input": "abc"}')
    page.locator("#post_hash form button[type=submit]").click()


def test_try_hash_then_run_the_copied_curl_command(browser, live_server):
    context = browser.new_context(base_url=live_server, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        try_hash(page)
        expect(page.locator("#post_hash-status")).to_have_text("200")
        answer = json.loads(page.locator("#post_hash-answer").text_content())
        assert answer["digests"]["sha256"] == SHA256_ABC
        page.get_by_role("button", name="Copy curl").click()
        expect(page.get_by_role("button", name="Copied")).to_be_visible()
        command = page.evaluate("navigator.clipboard.readText()")
    finally:
        context.close()
    assert command == page_curl(live_server)
    ran = subprocess.run(["bash", "-c", command + " --silent --show-error"], capture_output=True, timeout=30)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == answer


def page_curl(live_server: str) -> str:
    return (
        f"curl -X POST {live_server}/api/hash -H 'Content-Type: application/json' --data-raw '{{\"input\": \"abc\"}}'"
    )


def test_try_without_javascript_shows_the_answer_page(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        try_hash(page)
        page.wait_for_url("**/api/try/post_hash")
        expect(page.locator("#post_hash-curl")).to_have_text(page_curl(live_server))
        expect(page.locator("#post_hash-status")).to_have_text("200")
        assert json.loads(page.locator("#post_hash-answer").text_content())["digests"]["sha256"] == SHA256_ABC
    finally:
        context.close()


def test_an_owner_creates_a_note_from_the_docs_with_the_session(page):
    log_in(page)
    page.goto("/api/#post_notes")
    page.locator("#post_notes summary").click()
    page.fill("#post_notes-body", '{"title": "From the API docs"}')
    page.locator("#post_notes form button[type=submit]").click()
    expect(page.locator("#post_notes-status")).to_have_text("201")
    expect(page.locator("#post_notes-answer")).to_contain_text('"title": "From the API docs"')
    expect(page.locator("#post_notes-curl")).to_contain_text("-H 'Authorization: Bearer <token>'")


def test_docs_on_a_phone_with_an_answer_open_do_not_scroll_sideways(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        try_hash(page)
        expect(page.locator("#post_hash-status")).to_have_text("200")
        page.locator("#get_links_code summary").click()
        page.locator("#get_links_code form button[type=submit]").click()
        expect(page.locator("#get_links_code-curl")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"/api/ is {width} px wide"
    finally:
        context.close()


def test_axe_finds_nothing_serious_with_an_answer_shown(browser, live_server):
    def show_answer(page):
        try_hash(page)
        expect(page.locator("#post_hash-status")).to_have_text("200")

    serious = run_axe(browser, live_server, "/api/", show_answer)
    assert serious == [], [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
