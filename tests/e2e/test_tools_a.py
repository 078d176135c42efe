"""Colour picker, converter swap / upload / download and the time zones grid in a real browser."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from .test_browser import run_axe

pytestmark = pytest.mark.e2e

SWAP = "#main button[name=swap]"


def test_colour_picker_and_text_field_stay_in_sync(page):
    page.goto("/tools/color/")
    page.fill("#input", "rebeccapurple")
    expect(page.locator("#color-hex")).to_have_text("#663399")
    expect(page.locator("#picker")).to_have_value("#663399")  # text -> picker, once the server has read it
    page.locator("#picker").fill("#00ff00")  # sets the value and fires input and change, as a person's pick does
    expect(page.locator("#input")).to_have_value("#00ff00")  # picker -> text
    expect(page.locator("#color-hex")).to_have_text("#00ff00")
    expect(page.locator("#main .results strong").first).to_have_text("Hex")


def test_colour_picker_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/tools/color/?input=red")
        expect(page.locator("#picker")).to_have_value("#ff0000")
        page.locator("#picker").fill("#0000ff")
        page.click("#main form button[type=submit]")
        expect(page.locator("#color-hex")).to_have_text("#0000ff")
        expect(page.locator("#input")).to_have_value("#0000ff")
    finally:
        context.close()


@pytest.mark.screenshot
def test_convert_swap_turns_the_result_into_the_input(page, screenshots):
    page.goto("/tools/convert/")
    page.select_option("#source_format", "auto")
    page.fill("#input", '{"a": [1, 2]}')
    expect(page.locator("#convert-result")).to_have_text("a:\n- 1\n- 2\n")
    expect(page.locator("#convert-detected")).to_have_text("(detected)")
    page.click(SWAP)
    expect(page.locator("#input")).to_have_value("a:\n- 1\n- 2\n")
    expect(page.locator("#source_format")).to_have_value("yaml")
    expect(page.locator("#target_format")).to_have_value("json")
    expect(page.locator("#convert-result")).to_have_text('{\n  "a": [\n    1,\n    2\n  ]\n}')
    page.screenshot(path=str(screenshots / "convert.png"), full_page=True)


def test_convert_swap_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(
            "/tools/convert/?" + urlencode({"input": "a = 1\n", "source_format": "toml", "target_format": "json"})
        )
        page.click(SWAP)
        expect(page.locator("#input")).to_have_value('{\n  "a": 1\n}')
        expect(page.locator("#source_format")).to_have_value("json")
        expect(page.locator("#target_format")).to_have_value("toml")
        expect(page.locator("#convert-result")).to_have_text("a = 1\n")
    finally:
        context.close()


def test_convert_upload_then_download(page, tmp_path):
    page.goto("/tools/convert/")
    page.select_option("#source_format", "auto")
    page.select_option("#target_format", "json")
    csv = b"id,name\n1,Ada\n2,Grace\n"
    page.set_input_files("#file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": csv}])
    expect(page.locator("#input")).to_have_value(csv.decode())  # the file's text is now the input
    expect(page.locator("#convert-result")).to_contain_text('"name": "Grace"')
    expect(page.locator("#result")).to_contain_text("Detected CSV.")
    expect(page.locator("#file")).to_have_value("")  # emptied: later edits of the text are not overwritten
    with page.expect_download() as info:
        page.click("#main button[data-plain-submit]")
    download = info.value
    assert download.suggested_filename == "converted.json"
    saved = tmp_path / "converted.json"
    download.save_as(saved)
    assert json.loads(saved.read_text()) == [{"id": "1", "name": "Ada"}, {"id": "2", "name": "Grace"}]
    expect(page.locator("#convert-result")).to_contain_text('"name": "Grace"')  # the page stayed


def test_convert_upload_of_a_binary_file_is_refused_next_to_the_field(page):
    page.goto("/tools/convert/")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    page.set_input_files("#file", files=[{"name": "x.png", "mimeType": "image/png", "buffer": png}])
    expect(page.locator("#file-error")).to_contain_text("The file is not UTF-8 text: byte 0x89 at offset 0")


@pytest.mark.screenshot
def test_time_zones_side_by_side(page, screenshots):
    page.goto("/tools/time/")
    page.fill("#input", "1234567890")
    rows = page.locator("#time-zones tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(3)).to_contain_text("Asia/Tokyo")
    expect(rows.nth(3)).to_contain_text("Sat 2009-02-14")
    expect(rows.nth(3).locator("code")).to_have_text("08:31:30")
    page.fill("#zones", "Asia/Kolkata, Pacific/Chatham")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("code")).to_have_text("05:01:30")  # UTC+5:30
    expect(rows.nth(1).locator("code")).to_have_text("13:16:30")  # UTC+13:45, Chatham summer time
    page.fill("#zones", "UTC, Mars/Olympus")
    expect(page.locator("#zones-error")).to_contain_text("unknown time zone 'Mars/Olympus'")
    page.fill("#zones", "UTC")
    expect(rows).to_have_count(1)
    page.screenshot(path=str(screenshots / "time.png"), full_page=True)


RESULT_PAGES = [
    "/tools/color/?input=rebeccapurple&against=white",
    "/tools/convert/?" + urlencode({"input": "a,b\n1,2\n", "source_format": "auto", "target_format": "yaml"}),
    "/tools/time/?input=1234567890",
    "/tools/subnet/?input=10.0.0.0%2F8&split_prefix=24",
]


@pytest.mark.parametrize("path", RESULT_PAGES)
def test_result_pages_fit_a_phone_and_pass_axe(browser, live_server, path):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(path)
        expect(page.locator("#result h2").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
    serious = run_axe(browser, live_server, path)
    assert serious == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
