"""The QR tool. No decoder works offline here, so the codes are checked with segno itself (version, level,
mode, the exact payload), plus the Wi-Fi format, the images' bytes, capacity limits and the HTTP side."""

from __future__ import annotations

import base64
import html
import re
import struct
from urllib.parse import urlencode

import pytest
import segno
from segno import helpers

from core.forms import ToolInputError
from tools.qr.codes import (
    VERSION_40_CAPACITY,
    escape_wifi,
    make_code,
    mode_and_size,
    payload_for,
    png_image,
    svg_image,
    wifi_payload,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # PNG specification, section 5.2
WIFI_SECRET = "s3cret;pass,word"


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


def png_size(data: bytes) -> tuple[int, int]:
    # PNG specification, 11.2.2: IHDR is the first chunk; width and height are its first two 4-byte fields.
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# --- Wi-Fi payloads ---------------------------------------------------------------------------------


def test_zxing_wifi_example():
    # ZXing wiki, "Barcode Contents", Wi-Fi network config: WIFI:T:WPA;S:mynetwork;P:mypass;;
    assert wifi_payload("mynetwork", "mypass", "WPA") == "WIFI:T:WPA;S:mynetwork;P:mypass;;"


def test_zxing_escaping_example():
    # ZXing wiki, same section: "if an SSID was literally "foo;bar\baz" (with double quotes part of the SSID
    # name itself) then it would be encoded like: WIFI:S:\"foo\;bar\\baz\";;"
    assert escape_wifi('"foo;bar\\baz"') == '\\"foo\\;bar\\\\baz\\"'
    # The wiki's list of special characters also has ',' and ':' ("Special characters \, ;, , and :").
    assert escape_wifi("a,b:c") == "a\\,b\\:c"


@pytest.mark.parametrize(
    ("args", "payload"),
    [
        (("Home", "correct horse", "WPA", False), "WIFI:T:WPA;S:Home;P:correct horse;;"),
        (("Home", "correct horse", "WPA", True), "WIFI:T:WPA;S:Home;P:correct horse;H:true;;"),
        (("Old", "abcde", "WEP", False), "WIFI:T:WEP;S:Old;P:abcde;;"),
        # ZXing wiki: P is "ignored if T is nopass (in which case it may be omitted)".
        (("Café", "", "nopass", False), "WIFI:T:nopass;S:Café;;"),
        (("a;b", WIFI_SECRET, "WPA", False), "WIFI:T:WPA;S:a\\;b;P:s3cret\\;pass\\,word;;"),
    ],
)
def test_wifi_payloads(args, payload):
    assert wifi_payload(*args) == payload
    assert payload_for("wifi", "", *args) == payload


def test_wifi_payload_agrees_with_segno_helper():
    # segno.helpers.make_wifi_data escapes \ ; " : (not ','), so compare on a value without commas.
    for ssid, password in (("Home", 'p@ss:word;1"x'), ("back\\slash", "12345678")):
        assert wifi_payload(ssid, password, "WPA") == helpers.make_wifi_data(ssid, password, "WPA")
    assert wifi_payload("Cafe", "", "nopass") == helpers.make_wifi_data("Cafe", None, "nopass")


@pytest.mark.parametrize(
    ("ssid", "password", "security", "field", "phrase"),
    [
        ("", "password1", "WPA", "ssid", "enter the network name"),
        ("é" * 17, "password1", "WPA", "ssid", "at most 32 bytes; this one is 34 bytes"),
        ("Home", "", "WPA", "wifi_password", "enter the WPA password"),
        ("Home", "short", "WPA", "wifi_password", "8 to 63 characters (or is 64 hex digits); this one has 5"),
        ("Home", "x" * 64, "WPA", "wifi_password", "this one has 64"),
        ("Home", "secret", "nopass", "wifi_password", "an open network takes no password"),
        ("Home", "", "WEP", "wifi_password", "enter the WEP password"),
    ],
)
def test_wifi_errors(ssid, password, security, field, phrase):
    with pytest.raises(ToolInputError) as raised:
        payload_for("wifi", "", ssid, password, security)
    assert raised.value.field == field
    assert phrase in raised.value.message


def test_wpa_accepts_a_64_hex_digit_key():
    key = "0123456789abcdef" * 4
    assert payload_for("wifi", "", "Home", key, "WPA") == f"WIFI:T:WPA;S:Home;P:{key};;"


@pytest.mark.parametrize(
    ("kind", "text", "phrase"),
    [
        ("text", "", "enter the text"),
        ("url", "", "enter the URL"),
        ("url", "example.com", "starts with http:// or https://"),
        ("url", "ftp://example.com/", "starts with http:// or https://"),
        ("url", "https://exa mple.com/", "without spaces"),
        ("url", "https:///path-only", "a host name"),
    ],
)
def test_text_and_url_errors(kind, text, phrase):
    with pytest.raises(ToolInputError) as raised:
        payload_for(kind, text)
    assert (raised.value.field, phrase in raised.value.message) == ("input", True)


# --- the codes, checked with segno ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "level", "version", "mode"),
    [
        # ISO/IEC 18004:2015, Annex I (symbol encoding example): "01234567" as a 1-M symbol, numeric mode.
        ("01234567", "M", 1, "numeric"),
        # The "HELLO WORLD" 1-Q worked example of Thonky's QR code tutorial: alphanumeric, version 1.
        ("HELLO WORLD", "Q", 1, "alphanumeric"),
        # Hand-checked against ISO/IEC 18004 Table 7: 1-H holds 7 bytes, 2-H 14, 3-H 24: 20 bytes -> 3-H.
        ("https://example.com/", "H", 3, "byte"),
        # Hand-checked: 1-L holds 17 bytes, so 17 fit and 18 need version 2.
        ("a" * 17, "L", 1, "byte"),
        ("a" * 18, "L", 2, "byte"),
    ],
)
def test_version_level_mode(payload, level, version, mode):
    code = make_code(payload, level)
    assert (code.version, code.error, code.mode, code.is_micro) == (version, level, mode, False)
    assert code.symbol_size(border=0) == (17 + 4 * version,) * 2  # ISO/IEC 18004, 5.3.1


def test_level_is_exactly_the_chosen_one():
    # segno would raise "HELLO" from L to H for free (boost_error); the tool keeps the user's choice.
    assert segno.make_qr("HELLO", error="L").error == "H"
    assert make_code("HELLO", "L").error == "L"


def test_non_ascii_text_is_utf8():
    # The same matrix as the UTF-8 bytes of "é" (C3 A9), not segno's ISO-8859-1 default (E9).
    assert make_code("é", "M").matrix == segno.make_qr("é".encode(), error="M", boost_error=False).matrix
    assert make_code("é", "M").matrix != segno.make_qr("é", error="M", boost_error=False).matrix
    assert mode_and_size("é☕") == ("byte", 5)  # 2 + 3 UTF-8 bytes


@pytest.mark.parametrize("mode", ["numeric", "alphanumeric", "byte"])
@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_version_40_capacity_table_matches_segno(mode, level):
    unit = {"numeric": "7", "alphanumeric": "A", "byte": "a"}[mode]
    capacity = VERSION_40_CAPACITY[mode][level]
    code = make_code(unit * capacity, level)
    assert (code.version, code.mode) == (40, mode)
    with pytest.raises(ToolInputError) as raised:
        make_code(unit * (capacity + 1), level)
    assert (
        f"{capacity + 1:,}" in raised.value.message and f"holds {capacity:,} at level {level}" in raised.value.message
    )


def test_overflow_message_suggests_a_level_that_fits():
    with pytest.raises(ToolInputError) as raised:
        make_code("a" * 2000, "H")
    assert raised.value.field == "input"
    assert raised.value.message == (
        "too much data for a QR code at error correction level H: 2,000 bytes in byte mode, but the largest "
        "QR code (version 40) holds 1,273 at level H; choose level M (it holds 2,331 bytes) or shorten the text"
    )
    with pytest.raises(ToolInputError) as raised:
        make_code("a" * 3000, "L")
    assert raised.value.message.endswith("holds 2,953 at level L; shorten the text")


# --- images -----------------------------------------------------------------------------------------


def test_png_is_written_by_segno():
    data = png_image(make_code("HELLO WORLD", "Q"), scale=10)
    assert data.startswith(PNG_SIGNATURE)
    assert png_size(data) == (290, 290)  # (21 modules + 2 * 4 quiet zone) * 10 px


def test_svg_is_safe_and_titled():
    code = make_code("<script>alert(1)</script>", "M")
    svg = svg_image(code, "QR code for the text: <script>alert(1)</script>", scale=3)
    # 25 bytes: more than 1-M holds (14), so version 2, 25 modules; (25 + 2 * 4) * 3 = 99 px.
    assert svg.startswith('<svg role="img" xmlns="http://www.w3.org/2000/svg" width="99" height="99"')
    assert "<title>QR code for the text: &lt;script&gt;alert(1)&lt;/script&gt;</title>" in svg
    assert "<script" not in svg.lower() and "<?xml" not in svg
    assert "href" not in svg and "style" not in svg and "url(" not in svg
    assert re.findall(r"https?://[^\"]*", svg) == ["http://www.w3.org/2000/svg"]  # the namespace, not a fetch
    inline = svg_image(code, "t", inline=True)
    assert 'viewBox="0 0 33 33"' in inline and "width=" not in inline  # scaled by the page's CSS


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_text(tool_client):
    response = await tool_client.post("/api/qr", json={"input": "HELLO WORLD", "level": "Q", "scale": 2})
    body = await response.get_json()
    assert response.status_code == 200
    code = make_code("HELLO WORLD", "Q")
    assert {k: body[k] for k in ("payload", "version", "level", "mode", "size")} == {
        "payload": "HELLO WORLD",
        "version": 1,
        "level": "Q",
        "mode": "alphanumeric",
        "size": 21,
    }
    assert body["svg"] == svg_image(code, "QR code for the text: HELLO WORLD", 2)
    png = base64.b64decode(body["png_base64"])
    assert png.startswith(PNG_SIGNATURE) and png_size(png) == (58, 58)  # (21 + 8) * 2


async def test_api_wifi(tool_client):
    body = {"kind": "wifi", "ssid": "Home", "wifi_password": WIFI_SECRET, "hidden": True, "level": "H"}
    result = await (await tool_client.post("/api/qr", json=body)).get_json()
    assert result["payload"] == "WIFI:T:WPA;S:Home;P:s3cret\\;pass\\,word;H:true;;"
    assert (result["level"], result["mode"]) == ("H", "byte")
    assert WIFI_SECRET not in result["svg"]  # the accessible title names the network only
    assert "<title>QR code to join the Wi-Fi network Home</title>" in result["svg"]


@pytest.mark.parametrize(
    ("body", "field", "phrase"),
    [
        ({"input": "a" * 3000}, "input", "holds 2,331 at level M"),
        ({"input": "1" * 7090}, "input", "at most 7089 characters"),
        ({"input": "x", "level": "X"}, "level", "'L', 'M', 'Q' or 'H'"),
        ({"input": "x", "scale": 41}, "scale", "less than or equal to 40"),
        ({"kind": "url", "input": "example.com"}, "input", "http:// or https://"),
        ({"kind": "wifi", "ssid": "Home", "wifi_password": "short"}, "wifi_password", "8 to 63 characters"),
        ({"kind": "wifi", "ssid": "x" * 33}, "ssid", "at most 32 characters"),
        ({"kind": "sms"}, "kind", "'text', 'url' or 'wifi'"),
    ],
)
async def test_api_errors_name_the_field(tool_client, body, field, phrase):
    response = await tool_client.post("/api/qr", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert phrase in error["message"]


# --- downloads --------------------------------------------------------------------------------------


async def test_download_png_by_post(tool_client):
    form = urlencode({"kind": "wifi", "ssid": "Home", "wifi_password": WIFI_SECRET, "scale": "4"})
    response = await tool_client.post("/tools/qr/download.png", data=form, headers=FORM)
    data = await response.get_data()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == 'attachment; filename="qr-code.png"'
    assert response.headers["Cache-Control"] == "no-store"
    assert data.startswith(PNG_SIGNATURE)
    version = make_code(wifi_payload("Home", WIFI_SECRET), "M").version
    assert png_size(data) == ((17 + 4 * version + 8) * 4,) * 2


async def test_download_svg_by_get(tool_client):
    response = await tool_client.get("/tools/qr/download.svg?input=HELLO+WORLD&level=Q&scale=5")
    text = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    assert response.headers["Content-Disposition"] == 'attachment; filename="qr-code.svg"'
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg role="img"')
    assert 'width="145" height="145"' in text and "<script" not in text  # (21 + 8) * 5


async def test_download_errors_show_the_page(tool_client):
    response = await tool_client.post("/tools/qr/download.png", data=urlencode({"input": "a" * 3000}), headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in page and "holds 2,331 at level M" in page
    empty = await tool_client.get("/tools/qr/download.svg")
    assert empty.status_code == 422 and "nothing to encode" in await empty.get_data(as_text=True)
    assert (await tool_client.get("/tools/qr/download.gif?input=x")).status_code == 404


async def test_no_wifi_password_from_a_url(tool_client):
    for path in ("/tools/qr/", "/tools/qr/download.png"):
        response = await tool_client.get(f"{path}?kind=wifi&ssid=Home&wifi_password=topsecret99")
        page = await response.get_data(as_text=True)
        assert response.status_code == 422
        assert "topsecret99" not in page
        assert "not accepted in a link" in page


# --- page -------------------------------------------------------------------------------------------


async def test_page_post_returns_the_whole_page(tool_client):
    form = urlencode({"kind": "url", "input": "https://example.com/", "level": "H"})
    response = await tool_client.post("/tools/qr/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page
    assert '<svg role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 37 37" class="segno">' in page
    assert "<title>QR code for the URL: https://example.com/</title>" in page
    assert "Version 3 (29×29 modules), error correction H, byte mode" in page
    assert share_link(page) == "/tools/qr/?kind=url&input=https%3A%2F%2Fexample.com%2F&level=H"
    assert "HX-Request" in response.headers["Vary"]


async def test_page_htmx_returns_only_the_result(tool_client):
    form = urlencode({"kind": "text", "input": "01234567", "level": "M", "ssid": "ignored"})
    response = await tool_client.post("/tools/qr/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert "Version 1 (21×21 modules), error correction M, numeric mode" in fragment
    assert '<form method="post" action="/tools/qr/download.png" class="qr-downloads">' in fragment
    assert 'formaction="/tools/qr/download.svg"' in fragment
    assert 'name="ssid"' not in fragment  # the other kind's fields are not carried along
    assert "HX-Request" in response.headers["Vary"]


async def test_shareable_get_reproduces_the_code(tool_client):
    response = await tool_client.get("/tools/qr/?input=HELLO+WORLD&level=Q")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Version 1 (21×21 modules), error correction Q, alphanumeric mode" in page
    assert '<code id="qr-payload">HELLO WORLD</code>' in page


async def test_wifi_page_hides_the_password(tool_client):
    form = urlencode({"kind": "wifi", "ssid": "Home", "wifi_password": WIFI_SECRET, "security": "WPA"})
    fragment = await (await tool_client.post("/tools/qr/", data=form, headers={**FORM, **HTMX})).get_data(as_text=True)
    assert '<code id="qr-payload">WIFI:T:WPA;S:Home;P:••••••;;</code>' in fragment
    assert share_link(fragment) is None  # a link would need the password
    # The only copy is in the download form's hidden field, which posts it (never a URL).
    assert fragment.count(html.escape(WIFI_SECRET)) == 1
    assert f'<input type="hidden" name="wifi_password" value="{html.escape(WIFI_SECRET)}">' in fragment
    open_network = urlencode({"kind": "wifi", "ssid": "Cafe", "security": "nopass"})
    page = await (await tool_client.post("/tools/qr/", data=open_network, headers=FORM)).get_data(as_text=True)
    assert '<code id="qr-payload">WIFI:T:nopass;S:Cafe;;</code>' in page
    assert share_link(page) == "/tools/qr/?kind=wifi&ssid=Cafe&security=nopass"


async def test_page_errors_are_422(tool_client):
    response = await tool_client.post("/tools/qr/", data=urlencode({"input": "a" * 3000}), headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="input-error" role="alert">too much data for a QR code at error correction level M' in page
