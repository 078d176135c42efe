"""Paste and link statistics in a real browser: the paste form empties after a paste is made (htmx, no page
load), and the clicks chart's labels are readable and in place on a 360 px phone."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from .conftest import log_in
from .test_browser import assert_same_document, mark_document

pytestmark = pytest.mark.e2e

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
DAY_LABEL = re.compile(r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")


def test_paste_form_is_empty_after_a_paste_is_made(page):
    log_in(page)
    page.goto("/tools/paste/")
    mark_document(page)
    urls = []
    for text in ("def add(a, b):\n    return a + b\n", "second paste"):
        page.fill("#content", text)
        page.fill("#title", "Adder")
        page.select_option("#language", "python")
        page.check("input[type=checkbox][name=burn_after_read]")
        page.click("#paste-form button[type=submit]")
        if urls:
            expect(page.locator("#paste-url")).not_to_have_text(urls[-1])
        expect(page.locator("#paste-url")).to_be_visible()
        urls.append(page.locator("#paste-url").inner_text())
        expect(page.locator("#content")).to_have_value("")
        expect(page.locator("#title")).to_have_value("")
        expect(page.locator("#language")).to_have_value("auto")
        expect(page.locator("input[type=checkbox][name=burn_after_read]")).not_to_be_checked()
        assert_same_document(page)  # htmx did it: the new form came out of band, and it works again
    assert urls[0] != urls[1] and all("/p/" in url for url in urls)
    expect(page.locator("#paste-recent")).to_contain_text("Adder")


def boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,"
        " size: e.getScreenCTM().a * parseFloat(e.getAttribute('font-size'))}; })",  # font size in screen px
    )


def test_link_chart_labels_are_readable_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page)
        page.goto("/tools/links/")
        page.fill("#target", "https://example.com/chart")
        page.locator("#main details summary").click()
        page.fill("#alias", "e2e-chart")
        page.click("#main form button[type=submit]")
        for agent in [CHROME] * 3 + [IPHONE] * 4:
            assert page.request.get("/s/e2e-chart", headers={"User-Agent": agent}, max_redirects=0).status == 302
        page.goto("/tools/links/e2e-chart")
        chart = page.locator("svg.links-chart")
        expect(chart).to_be_visible()
        svg = chart.bounding_box()
        ticks = boxes(page, "svg.links-chart text.tick-label")
        days = boxes(page, "svg.links-chart text.axis-label")
        # 7 clicks today: the y axis goes to a round 8 in steps of 2, the x axis has a label a week.
        assert [t["text"] for t in ticks] == ["0", "2", "4", "6", "8"]
        assert len(days) == 5 and all(DAY_LABEL.fullmatch(d["text"]) for d in days)
        for label in ticks + days:
            assert label["size"] >= 10.5, label  # px on the phone's screen: readable
            assert svg["x"] <= label["left"] and label["right"] <= svg["x"] + svg["width"], label
            assert svg["y"] <= label["top"] and label["bottom"] <= svg["y"] + svg["height"], label
        for before, after in pairwise(days):
            assert before["right"] < after["left"], (before, after)  # no two day labels overlap
        for lower, upper in pairwise(ticks):
            assert upper["bottom"] <= lower["top"], (lower, upper)  # higher values higher up, apart
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        expect(page.locator("#browsers")).to_contain_text("Mobile Safari")
        expect(page.locator("#systems")).to_contain_text("Windows")
    finally:
        context.close()
