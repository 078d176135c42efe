"""The Base64 tool: RFC 4648 vectors, error messages that say where, then the page and the JSON API."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.base64 import MAX_INPUT, Base64Input, convert, decode_bytes, encode_bytes

# RFC 4648, section 10 (test vectors), BASE64 column.
RFC4648_VECTORS = [
    ("", ""),
    ("f", "Zg=="),
    ("fo", "Zm8="),
    ("foo", "Zm9v"),
    ("foob", "Zm9vYg=="),
    ("fooba", "Zm9vYmE="),
    ("foobar", "Zm9vYmFy"),
]
# Hand-computed from RFC 4648 sections 4 and 5: FB FF = 111110 111111 1111(00) -> indices 62, 63, 60,
# which are '+', '/', '8' in the standard alphabet and '-', '_', '8' in the URL-safe one; one '=' pads.
BINARY = b"\xfb\xff"
BINARY_STANDARD = "+/8="
BINARY_URLSAFE = "-_8="

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
JSON = {"Content-Type": "application/json"}


def run(text: str, mode: str = "decode", alphabet: str = "standard", output: str = "text"):
    return convert(Base64Input(input=text, mode=mode, alphabet=alphabet, output=output))


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- known answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "encoded"), RFC4648_VECTORS)
def test_rfc4648_encode(text, encoded):
    assert encode_bytes(text.encode()) == encoded
    result = run(text, mode="encode")
    assert (result.result, result.byte_length, result.output) == (encoded, len(text), None)


@pytest.mark.parametrize(("text", "encoded"), RFC4648_VECTORS)
def test_rfc4648_decode(text, encoded):
    assert decode_bytes(encoded) == text.encode()
    assert run(encoded).result == text
    assert run(encoded, output="hex").result == text.encode().hex()


@pytest.mark.parametrize(("text", "encoded"), RFC4648_VECTORS)
def test_rfc4648_decode_without_padding(text, encoded):
    # Missing '=' padding is accepted: RFC 4648 section 3.2 lets specifications leave it out.
    assert run(encoded.rstrip("=")).result == text


def test_urlsafe_alphabet_vector():
    assert encode_bytes(BINARY, "standard") == BINARY_STANDARD
    assert encode_bytes(BINARY, "urlsafe") == BINARY_URLSAFE
    assert decode_bytes(BINARY_STANDARD, "standard") == BINARY
    assert decode_bytes(BINARY_URLSAFE, "urlsafe") == BINARY
    assert decode_bytes(BINARY_URLSAFE.rstrip("="), "urlsafe") == BINARY


def test_urlsafe_alphabet_on_text():
    # Hand-computed: ">>>" is 3E 3E 3E = 001111 100011 111000 111110 -> 'P', 'j', '4', and index 62.
    assert run(">>>", mode="encode").result == "Pj4+"
    assert run(">>>", mode="encode", alphabet="urlsafe").result == "Pj4-"
    assert run("Pj4-", alphabet="urlsafe").result == ">>>"


def test_text_is_encoded_as_utf8():
    # Hand-computed: "€" is E2 82 AC in UTF-8 = 111000 101000 001010 101100 -> '4', 'o', 'K', 's'.
    result = run("€", mode="encode")
    assert (result.result, result.byte_length) == ("4oKs", 3)
    assert run("4oKs").result == "€"


def test_hex_output_for_binary():
    result = run(BINARY_STANDARD, output="hex")
    assert (result.result, result.byte_length, result.output) == ("fbff", 2, "hex")


def test_whitespace_and_newlines_are_ignored():
    assert run("Zm9v\nYmFy\n").result == "foobar"
    assert run("  Zm 9v\r\n\tYm\fFy\v ").result == "foobar"
    assert run("Zm9vYg==\n").result == "foob"
    assert run("Zm9vYg= =").result == "foob"


# --- errors that say where --------------------------------------------------------------------------

ERROR_CASES = [
    # (input, alphabet, output, field, phrases the message must contain)
    ("Zm9v$YmFy", "standard", "text", "input", ["invalid character '$'", "at position 5 (counting from 1)"]),
    ("Zm9vYmF!", "urlsafe", "text", "input", ["invalid character '!'", "at position 8 (counting from 1)"]),
    ("Zm9v\nYm$y", "standard", "text", "input", ["'$'", "position 8", "line 2, column 3"]),
    ("Zm\u00a09v", "standard", "text", "input", ["U+00A0", "no-break space", "position 3"]),
    ("Zm9v-_8", "standard", "text", "input", ["'-' at position 5 (counting from 1)", "URL-safe"]),
    ("Zm9v_8", "standard", "text", "input", ["'_' at position 5 (counting from 1)", "URL-safe"]),
    ("Zm9v+/8", "urlsafe", "text", "input", ["'+' at position 5 (counting from 1)", "standard alphabet"]),
    ("Zm9v/8", "urlsafe", "text", "input", ["'/' at position 5 (counting from 1)", "standard alphabet"]),
    ("Zm9vY", "standard", "text", "input", ["invalid length", "'Y' at position 5 (counting from 1)"]),
    ("Zm9vY===", "standard", "text", "input", ["invalid length", "'Y' at position 5"]),
    (
        "Zg===",
        "standard",
        "text",
        "input",
        ["wrong padding", "takes 2 '='", "at position 5 (counting from 1)"],
    ),
    ("Zm8==", "standard", "text", "input", ["wrong padding", "takes 1 '='", "at position 5"]),
    ("Zg=", "standard", "text", "input", ["wrong padding", "takes 2 '='", "at position 3"]),
    (
        "Zm9v=",
        "standard",
        "text",
        "input",
        ["wrong padding", "'=' at position 5 (counting from 1)", "not needed"],
    ),
    ("=", "standard", "text", "input", ["wrong padding", "'=' at position 1"]),
    (
        "Zg==Zg==",
        "standard",
        "text",
        "input",
        ["'Z' at position 5 (counting from 1)", "after the '=' padding"],
    ),
    # Decoded FB FF is not UTF-8: the tool refuses and points at the hex output instead of switching.
    (
        BINARY_STANDARD,
        "standard",
        "text",
        "output",
        ["not UTF-8", "byte 1 of 2 (counting from 1)", "0xfb", "hex"],
    ),
    # "Zm9v/w==" is 66 6F 6F FF: the fourth byte fails.
    ("Zm9v/w==", "standard", "text", "output", ["byte 4 of 4 (counting from 1)", "0xff", "hex"]),
]


@pytest.mark.parametrize(("text", "alphabet", "output", "field", "phrases"), ERROR_CASES)
def test_decode_errors_name_the_place_and_the_field(text, alphabet, output, field, phrases):
    with pytest.raises(ToolInputError) as raised:
        run(text, alphabet=alphabet, output=output)
    assert raised.value.field == field
    for phrase in phrases:
        assert phrase in raised.value.message


async def test_api_refuses_a_lone_surrogate(tool_client):
    # JSON can carry a lone surrogate (\ud800), which has no UTF-8 form: the schema refuses it, no 500.
    response = await tool_client.post("/api/base64", data='{"input": "ab\\ud800"}', headers=JSON)
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == "input"


@pytest.mark.parametrize(("text", "alphabet", "output", "field", "phrases"), ERROR_CASES)
async def test_api_errors_are_422_with_message_and_field(tool_client, text, alphabet, output, field, phrases):
    body = {"input": text, "mode": "decode", "alphabet": alphabet, "output": output}
    response = await tool_client.post("/api/base64", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    for phrase in phrases:
        assert phrase in error["message"]


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_encode(tool_client):
    response = await tool_client.post("/api/base64", json={"input": "foobar"})
    assert response.status_code == 200
    assert await response.get_json() == {
        "mode": "encode",
        "alphabet": "standard",
        "output": None,
        "result": "Zm9vYmFy",  # RFC 4648, section 10
        "byte_length": 6,
    }


async def test_api_decode_urlsafe_to_hex(tool_client):
    body = {"input": BINARY_URLSAFE, "mode": "decode", "alphabet": "urlsafe", "output": "hex"}
    response = await tool_client.post("/api/base64", json=body)
    assert response.status_code == 200
    assert (await response.get_json())["result"] == "fbff"


async def test_api_decode_text(tool_client):
    response = await tool_client.post("/api/base64", json={"input": "Zm9vYmE=", "mode": "decode"})
    assert (await response.get_json())["result"] == "fooba"  # RFC 4648, section 10


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": 5}, "input"),
        ({"input": "Zg==", "mode": "sideways"}, "mode"),
        ({"input": "Zg==", "alphabet": "base64url"}, "alphabet"),
        ({"input": "Zg==", "mode": "decode", "output": "binary"}, "output"),
    ],
)
async def test_api_schema_errors_name_the_field(tool_client, body, field):
    response = await tool_client.post("/api/base64", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert field in error["message"]


async def test_api_invalid_json_is_400(tool_client):
    response = await tool_client.post("/api/base64", data="{nope", headers=JSON)
    assert response.status_code == 400
    assert "not valid JSON" in (await response.get_json())["error"]["message"]


async def test_api_oversize_input_states_the_limit(tool_client):
    response = await tool_client.post("/api/base64", json={"input": "A" * (MAX_INPUT + 1), "mode": "decode"})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert str(MAX_INPUT) in error["message"]


async def test_api_largest_input_is_accepted(tool_client):
    # 1 000 000 characters is a multiple of 4: it decodes to 750 000 zero bytes.
    body = {"input": "A" * MAX_INPUT, "mode": "decode", "output": "hex"}
    response = await tool_client.post("/api/base64", json=body)
    body = await response.get_json()
    assert response.status_code == 200
    assert body["byte_length"] == 750_000


async def test_openapi_documents_the_base64_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/base64"]["post"]
    assert operation["summary"].startswith("Encode text to Base64")
    assert operation["operationId"] != spec["paths"]["/api/hash"]["post"]["operationId"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert schema["required"] == ["input"]
    assert schema["properties"]["mode"]["enum"] == ["encode", "decode"]
    assert schema["properties"]["alphabet"]["enum"] == ["standard", "urlsafe"]
    assert schema["properties"]["output"]["enum"] == ["text", "hex"]
    assert schema["properties"]["input"]["maxLength"] == MAX_INPUT


# --- page -------------------------------------------------------------------------------------------


async def test_empty_page(tool_client):
    response = await tool_client.get("/tools/base64/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    # A plain form: it works without JavaScript.
    assert 'method="post" action="/tools/base64/"' in page
    assert 'type="radio" name="mode" value="encode" checked' in page
    assert "base64-result" not in page
    # Strict CSP: no inline styles or scripts.
    assert "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    form = urlencode({"input": "foobar", "mode": "encode", "alphabet": "standard"})
    response = await tool_client.post("/tools/base64/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="base64-result">Zm9vYmFy</code>' in page  # RFC 4648, section 10
    assert 'data-copy-target="base64-result"' in page
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(page) == "/tools/base64/?input=foobar&mode=encode&alphabet=standard"
    assert "hx-swap-oob" not in page


async def test_page_post_with_htmx_returns_only_the_result(tool_client):
    form = urlencode({"input": BINARY_URLSAFE, "mode": "decode", "alphabet": "urlsafe", "output": "hex"})
    response = await tool_client.post("/tools/base64/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert '<code id="base64-result">fbff</code>' in fragment
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_page_error_is_shown_next_to_the_field(tool_client):
    form = urlencode({"input": "Zm9v$YmFy", "mode": "decode"})
    response = await tool_client.post("/tools/base64/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    message = re.search(r'<small class="field-error" id="input-error" role="alert">([^<]*)</small>', page)
    assert message and "invalid character &#39;$&#39; at position 5 (counting from 1)" in message.group(1)
    assert 'aria-invalid="true" aria-describedby="input-error"' in page
    assert "Zm9v$YmFy</textarea>" in page  # the input is kept
    assert share_link(page) is None


async def test_page_error_with_htmx_updates_the_field_message(tool_client):
    form = urlencode({"input": BINARY_STANDARD, "mode": "decode", "output": "text"})
    response = await tool_client.post("/tools/base64/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in fragment
    oob = re.search(r'<div id="output-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "choose hex output" in oob.group(1)
    # The other fields' messages are cleared.
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment
    assert "base64-result" not in fragment


async def test_get_with_query_reproduces_the_result(tool_client):
    query = "input=Zm9vYmFy&mode=decode&alphabet=standard&output=text"
    response = await tool_client.get(f"/tools/base64/?{query}")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<code id="base64-result">foobar</code>' in page
    assert 'type="radio" name="mode" value="decode" checked' in page
    assert share_link(page) == "/tools/base64/?input=Zm9vYmFy&mode=decode&alphabet=standard&output=text"


async def test_no_share_link_for_large_input(tool_client):
    form = urlencode({"input": "x" * 3000, "mode": "encode"})
    page = await (await tool_client.post("/tools/base64/", data=form, headers=FORM)).get_data(as_text=True)
    assert "base64-result" in page
    assert share_link(page) is None


async def test_input_starting_with_a_newline_survives_the_round_trip(tool_client):
    form = urlencode({"input": "\nZm9v", "mode": "decode"})
    page = await (await tool_client.post("/tools/base64/", data=form, headers=FORM)).get_data(as_text=True)
    # The parser drops one newline after <textarea>, so the template writes one before the value.
    assert ">\n\nZm9v</textarea>" in page


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert "/tools/base64/" in page
