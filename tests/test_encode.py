"""The encode tool: published vectors per format, errors that say where, the page, the JSON API, and what
replaced the Base64 tool (the /tools/base64/ redirect and the POST /api/base64 alias)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.encode.convert import FORMATS, MAX_INPUT, EncodeInput, convert
from tools.encode.rfc4648 import decode_base64, encode_base64

# RFC 4648, section 10 (test vectors): the BASE64, BASE32 and BASE16 columns.
RFC4648_VECTORS = [
    # (text, BASE64, BASE32, BASE16)
    ("", "", "", ""),
    ("f", "Zg==", "MY======", "66"),
    ("fo", "Zm8=", "MZXQ====", "666F"),
    ("foo", "Zm9v", "MZXW6===", "666F6F"),
    ("foob", "Zm9vYg==", "MZXW6YQ=", "666F6F62"),
    ("fooba", "Zm9vYmE=", "MZXW6YTB", "666F6F6261"),
    ("foobar", "Zm9vYmFy", "MZXW6YTBOI======", "666F6F626172"),
]
BASE64_VECTORS = [(text, b64) for text, b64, _, _ in RFC4648_VECTORS]
BASE32_VECTORS = [(text, b32) for text, _, b32, _ in RFC4648_VECTORS]
BASE16_VECTORS = [(text, b16) for text, _, _, b16 in RFC4648_VECTORS]

# Hand-computed from RFC 4648 sections 4 and 5: FB FF = 111110 111111 1111(00) -> indices 62, 63, 60,
# which are '+', '/', '8' in the standard alphabet and '-', '_', '8' in the URL-safe one; one '=' pads.
BINARY = b"\xfb\xff"
BINARY_STANDARD = "+/8="
BINARY_URLSAFE = "-_8="

# RFC 3986, section 1.1.2: example URIs. They hold only unreserved and reserved characters, so encoding a
# whole URL leaves them as they are.
RFC3986_EXAMPLE_URIS = [
    "ftp://ftp.is.co.za/rfc/rfc1808.txt",
    "http://www.ietf.org/rfc/rfc2396.txt",
    "ldap://[2001:db8::7]/c=GB?objectClass?one",
    "mailto:John.Doe@example.com",
    "news:comp.infosystems.www.servers.unix",
    "tel:+1-816-555-1212",
    "telnet://192.0.2.16:80/",
    "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
]
PERCENT_VECTORS = [
    # RFC 3986, section 2.1: "%20" is the percent-encoding of the octet 0x20, the space character.
    (" ", "%20"),
    # RFC 3986, section 2.5: LATIN CAPITAL LETTER A WITH GRAVE is "%C3%80", KATAKANA LETTER A is "%E3%82%A2".
    ("\u00c0", "%C3%80"),
    ("\u30a2", "%E3%82%A2"),
    # RFC 3986, section 2.4: the percent character itself is "%25".
    ("%", "%25"),
    # RFC 3986, section 2.3: the unreserved characters are never encoded.
    ("AZaz09-._~", "AZaz09-._~"),
]

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
JSON = {"Content-Type": "application/json"}


def run(text: str, mode: str = "decode", format: str = "base64", output: str = "text"):
    return convert(EncodeInput(input=text, mode=mode, format=format, output=output))


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- RFC 4648: Base64, Base64url, Base32, Base16 ------------------------------------------------------


@pytest.mark.parametrize(("text", "encoded"), BASE64_VECTORS)
def test_rfc4648_base64(text, encoded):
    assert encode_base64(text.encode()) == encoded
    assert decode_base64(encoded) == text.encode()
    result = run(text, mode="encode")
    assert (result.result, result.byte_length, result.output) == (encoded, len(text), None)
    assert run(encoded).result == text
    assert run(encoded, output="hex").result == text.encode().hex()
    # Missing '=' padding is accepted: RFC 4648 section 3.2 lets specifications leave it out.
    assert run(encoded.rstrip("=")).result == text


@pytest.mark.parametrize(("text", "encoded"), BASE32_VECTORS)
def test_rfc4648_base32(text, encoded):
    assert run(text, mode="encode", format="base32").result == encoded
    assert run(encoded, format="base32").result == text
    assert run(encoded.rstrip("="), format="base32").result == text
    assert run(encoded.lower(), format="base32").result == text  # lowercase is accepted when decoding


@pytest.mark.parametrize(("text", "encoded"), BASE16_VECTORS)
def test_rfc4648_base16(text, encoded):
    assert run(text, mode="encode", format="base16").result == encoded  # uppercase, as RFC 4648 section 8
    assert run(encoded, format="base16").result == text
    assert run(encoded.lower(), format="base16").result == text


def test_base64url_alphabet_vector():
    assert encode_base64(BINARY) == BINARY_STANDARD
    assert encode_base64(BINARY, urlsafe=True) == BINARY_URLSAFE
    assert decode_base64(BINARY_STANDARD) == BINARY
    assert decode_base64(BINARY_URLSAFE, urlsafe=True) == BINARY
    assert decode_base64(BINARY_URLSAFE.rstrip("="), urlsafe=True) == BINARY
    assert run(BINARY_URLSAFE, format="base64url", output="hex").result == "fbff"


def test_base64url_on_text():
    # Hand-computed: ">>>" is 3E 3E 3E = 001111 100011 111000 111110 -> 'P', 'j', '4', and index 62.
    assert run(">>>", mode="encode").result == "Pj4+"
    assert run(">>>", mode="encode", format="base64url").result == "Pj4-"
    assert run("Pj4-", format="base64url").result == ">>>"


def test_text_is_encoded_as_utf8():
    # Hand-computed: "€" is E2 82 AC in UTF-8 = 111000 101000 001010 101100 -> '4', 'o', 'K', 's'.
    result = run("€", mode="encode")
    assert (result.result, result.byte_length) == ("4oKs", 3)
    assert run("4oKs").result == "€"
    # The same three bytes in Base16 and Base32 (hand-computed: 11100 01010 00001 01010 11000(0) -> 4FAKY===).
    assert run("€", mode="encode", format="base16").result == "E282AC"
    assert run("€", mode="encode", format="base32").result == "4KBKY==="


def test_whitespace_and_newlines_are_ignored():
    assert run("Zm9v\nYmFy\n").result == "foobar"
    assert run("  Zm 9v\r\n\tYm\fFy\v ").result == "foobar"
    assert run("Zm9vYg==\n").result == "foob"
    assert run("Zm9vYg= =").result == "foob"
    assert run("MZXW6 YTB\nOI======", format="base32").result == "foobar"
    assert run("66 6F 6F\n62 61 72", format="base16").result == "foobar"


def test_binary_data_needs_hex_output():
    result = run(BINARY_STANDARD, output="hex")
    assert (result.result, result.byte_length, result.output) == ("fbff", 2, "hex")
    with pytest.raises(ToolInputError) as raised:
        run("FBFF", format="base16")
    assert raised.value.field == "output"
    assert "byte 1 of 2 (counting from 1) is 0xfb" in raised.value.message


# --- RFC 3986: percent-encoding ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "encoded"), PERCENT_VECTORS)
@pytest.mark.parametrize("format", ["url-component", "url-full"])
def test_rfc3986_percent_encoding(text, encoded, format):
    assert run(text, mode="encode", format=format).result == encoded
    assert run(encoded, format=format).result == text


@pytest.mark.parametrize("uri", RFC3986_EXAMPLE_URIS)
def test_whole_url_keeps_reserved_characters(uri):
    assert run(uri, mode="encode", format="url-full").result == uri
    assert run(uri, format="url-full").result == uri


def test_component_encodes_reserved_characters():
    # Hand-computed from RFC 3986 sections 2.1 and 2.2: ':' is 0x3A, '/' is 0x2F; '.' is unreserved.
    url = "http://www.ietf.org/rfc/rfc2396.txt"
    assert run(url, mode="encode", format="url-component").result == "http%3A%2F%2Fwww.ietf.org%2Frfc%2Frfc2396.txt"
    # Every reserved character of RFC 3986 section 2.2, in ASCII order of the listing, each as %XX.
    reserved = ":/?#[]@!$&'()*+,;="
    expected = "".join(f"%{ord(c):02X}" for c in reserved)
    assert run(reserved, mode="encode", format="url-component").result == expected
    assert run(expected, format="url-component").result == reserved


def test_whole_url_encoding_of_a_query():
    # Hand-computed: the space, 'é' (C3 A9) and '%' are encoded; '?', '=', '&', '/' and ':' are kept.
    url = "https://example.com/a b?q=café&p=100%"
    assert run(url, mode="encode", format="url-full").result == "https://example.com/a%20b?q=caf%C3%A9&p=100%25"


def test_decoding_a_whole_url_keeps_escapes_of_reserved_characters():
    # A %2F inside a path segment is data, not a separator: decoding it would change the URL (RFC 3986 2.2).
    assert run("/a%2Fb/c%20d?x=%3D%26", format="url-full").result == "/a%2Fb/c d?x=%3D%26"
    assert run("/a%2Fb/c%20d?x=%3D%26", format="url-component").result == "/a/b/c d?x==&"
    # RFC 3986, section 6.2.2.1: hex digits in escapes are case-insensitive; '+' is not a space in RFC 3986.
    assert run("%3a%2f%7e+", format="url-component").result == ":/~+"


def test_percent_decoding_of_bytes_that_are_not_utf8():
    assert run("%FF%00a", format="url-component", output="hex").result == "ff0061"
    with pytest.raises(ToolInputError) as raised:
        run("a%FF", format="url-component")
    assert raised.value.field == "output"
    assert "byte 2 of 2 (counting from 1) is 0xff" in raised.value.message


# --- HTML character references ----------------------------------------------------------------------

HTML_DECODE_VECTORS = [
    # HTML Standard, 13.2.5.73 "Named character reference state": the example "I'm &notit; I tell you" is
    # read as "not" followed by "it;", and "I'm &notin; I tell you" as the reference "notin;".
    ("I'm &notit; I tell you", "I'm \u00acit; I tell you"),
    ("I'm &notin; I tell you", "I'm \u2209 I tell you"),
    # HTML Standard, 13.5 "Named character references" table: amp; lt; gt; quot; copy; nbsp; and
    # NotEqualTilde;, which stands for two code points (U+2242 U+0338).
    ("&amp;&lt;&gt;&quot;", '&<>"'),
    ("&copy;&nbsp;", "\u00a9\u00a0"),
    ("&NotEqualTilde;", "\u2242\u0338"),
    # HTML Standard, 13.2.5.80 "Numeric character reference end state": 0x80 maps to U+20AC (the
    # windows-1252 table), and a null reference becomes U+FFFD.
    ("&#x80;", "\u20ac"),
    ("&#0;", "\ufffd"),
    # Decimal and hexadecimal forms of the same code point (hand-checked: 0x26 = 38 is '&').
    ("&#38;&#x26;&#X26;", "&&&"),
    # An unknown name is left as it is, as in a browser.
    ("&bogus; & a", "&bogus; & a"),
]


@pytest.mark.parametrize(("encoded", "text"), HTML_DECODE_VECTORS)
def test_html_decode(encoded, text):
    assert run(encoded, format="html").result == text


def test_html_encode():
    # Python's html.escape(quote=True), as documented: & < > " ' become &amp; &lt; &gt; &quot; &#x27;.
    result = run("<a href=\"x\">Tom & 'Jerry'</a>", mode="encode", format="html")
    assert result.result == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#x27;Jerry&#x27;&lt;/a&gt;"
    assert run(result.result, format="html").result == "<a href=\"x\">Tom & 'Jerry'</a>"
    # Decoded HTML can also be shown as its UTF-8 bytes ("©" is C2 A9).
    assert run("&copy;", format="html", output="hex").result == "c2a9"


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("text", ["", "foobar", "Grüße, 世界! <&> 100% /?#", "line 1\r\nline 2\n", "🙂"])
def test_every_format_round_trips(format, text):
    encoded = run(text, mode="encode", format=format).result
    assert run(encoded, format=format).result == text


# --- errors that say where --------------------------------------------------------------------------

ERROR_CASES = [
    # (input, format, output, field, phrases the message must contain)
    # Base64, moved from the former Base64 tool's tests.
    ("Zm9v$YmFy", "base64", "text", "input", ["invalid character '$'", "at position 5 (counting from 1)"]),
    ("Zm9vYmF!", "base64url", "text", "input", ["invalid character '!'", "at position 8 (counting from 1)"]),
    ("Zm9v\nYm$y", "base64", "text", "input", ["'$'", "position 8", "line 2, column 3"]),
    ("Zm\u00a09v", "base64", "text", "input", ["U+00A0", "no-break space", "position 3"]),
    ("Zm9v-_8", "base64", "text", "input", ["'-' at position 5 (counting from 1)", "URL-safe"]),
    ("Zm9v_8", "base64", "text", "input", ["'_' at position 5 (counting from 1)", "URL-safe"]),
    ("Zm9v+/8", "base64url", "text", "input", ["'+' at position 5 (counting from 1)", "standard alphabet"]),
    ("Zm9v/8", "base64url", "text", "input", ["'/' at position 5 (counting from 1)", "standard alphabet"]),
    ("Zm9vY", "base64", "text", "input", ["invalid length", "'Y' at position 5 (counting from 1)"]),
    ("Zm9vY===", "base64", "text", "input", ["invalid length", "'Y' at position 5"]),
    ("Zg===", "base64", "text", "input", ["wrong padding", "takes 2 '='", "at position 5 (counting from 1)"]),
    ("Zm8==", "base64", "text", "input", ["wrong padding", "takes 1 '='", "at position 5"]),
    ("Zg=", "base64", "text", "input", ["wrong padding", "takes 2 '='", "there is only 1", "at position 3"]),
    ("Zm9v=", "base64", "text", "input", ["wrong padding", "'=' at position 5 (counting from 1)", "not needed"]),
    ("=", "base64", "text", "input", ["wrong padding", "'=' at position 1"]),
    ("Zg==Zg==", "base64", "text", "input", ["'Z' at position 5 (counting from 1)", "after the '=' padding"]),
    # Decoded FB FF is not UTF-8: the tool refuses and points at the hex output instead of switching.
    (BINARY_STANDARD, "base64", "text", "output", ["not UTF-8", "byte 1 of 2 (counting from 1)", "0xfb", "hex"]),
    # "Zm9v/w==" is 66 6F 6F FF: the fourth byte fails.
    ("Zm9v/w==", "base64", "text", "output", ["byte 4 of 4 (counting from 1)", "0xff", "hex"]),
    # Base32
    ("MZXW1YQ=", "base32", "text", "input", ["invalid Base32 character '1' at position 5 (counting from 1)", "'I'"]),
    ("MZXW0YQ=", "base32", "text", "input", ["invalid Base32 character '0' at position 5", "letter 'O'"]),
    ("MZ+W6", "base32", "text", "input", ["invalid Base32 character '+' at position 3", "A-Z and 2-7"]),
    (
        "MZXW6Y",
        "base32",
        "text",
        "input",
        ["invalid length", "6 characters", "'Y' at position 6", "2, 4, 5 or 7 characters"],
    ),
    ("M", "base32", "text", "input", ["invalid length", "a single character, 'M' at position 1"]),
    ("MY=====", "base32", "text", "input", ["wrong padding", "takes 6 '='", "there are only 5", "position 3"]),
    ("MZXW6YQ==", "base32", "text", "input", ["wrong padding", "takes 1 '='", "extra '=' is at position 9"]),
    ("MY======MY", "base32", "text", "input", ["'M' at position 9", "after the '=' padding"]),
    # Base16
    ("66G6", "base16", "text", "input", ["invalid hex digit 'G' at position 3 (counting from 1)"]),
    ("0x66", "base16", "text", "input", ["invalid hex digit 'x' at position 2", "leave out the '0x' prefix"]),
    ("666", "base16", "text", "input", ["odd number of hex digits (3)", "'6' at position 3 (counting from 1)"]),
    ("66 6F\n6", "base16", "text", "input", ["odd number of hex digits (5)", "line 2, column 1"]),
    # Percent-encoding
    ("%G1", "url-component", "text", "input", ['malformed percent escape "%G1" at position 1', "'G'"]),
    ("abc%4", "url-full", "text", "input", ['malformed percent escape "%4" at position 4', "ends after"]),
    ("100%", "url-component", "text", "input", ['malformed percent escape "%" at position 4', '"%25"']),
    ("a%2", "url-component", "text", "input", ['"%2" at position 2 (counting from 1)']),
    ("ok%20\n%zz", "url-full", "text", "input", ['"%zz"', "line 2, column 1"]),
    ("a%\n1", "url-full", "text", "input", ["U+000A (line feed) is not a hex digit", "position 2"]),
    ("%C3", "url-component", "text", "output", ["not UTF-8", "byte 1 of 1", "0xc3", "hex"]),
]


@pytest.mark.parametrize(("text", "format", "output", "field", "phrases"), ERROR_CASES)
def test_decode_errors_name_the_place_and_the_field(text, format, output, field, phrases):
    with pytest.raises(ToolInputError) as raised:
        run(text, format=format, output=output)
    assert raised.value.field == field
    for phrase in phrases:
        assert phrase in raised.value.message


@pytest.mark.parametrize(("text", "format", "output", "field", "phrases"), ERROR_CASES)
async def test_api_errors_are_422_with_message_and_field(tool_client, text, format, output, field, phrases):
    body = {"input": text, "mode": "decode", "format": format, "output": output}
    response = await tool_client.post("/api/encode", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    for phrase in phrases:
        assert phrase in error["message"]


async def test_api_refuses_a_lone_surrogate(tool_client):
    # JSON can carry a lone surrogate (\ud800), which has no UTF-8 form: the schema refuses it, no 500.
    response = await tool_client.post("/api/encode", data='{"input": "ab\\ud800"}', headers=JSON)
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == "input"


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_encode_defaults_to_base64(tool_client):
    response = await tool_client.post("/api/encode", json={"input": "foobar"})
    assert response.status_code == 200
    assert await response.get_json() == {
        "mode": "encode",
        "format": "base64",
        "output": None,
        "result": "Zm9vYmFy",  # RFC 4648, section 10
        "byte_length": 6,
    }


async def test_api_decode_base32(tool_client):
    response = await tool_client.post("/api/encode", json={"input": "MZXW6YTB", "mode": "decode", "format": "base32"})
    assert response.status_code == 200
    assert await response.get_json() == {
        "mode": "decode",
        "format": "base32",
        "output": "text",
        "result": "fooba",  # RFC 4648, section 10
        "byte_length": 5,
    }


async def test_api_encode_url_component(tool_client):
    response = await tool_client.post("/api/encode", json={"input": "\u00c0 \u30a2", "format": "url-component"})
    # RFC 3986, sections 2.1 and 2.5
    assert (await response.get_json())["result"] == "%C3%80%20%E3%82%A2"


async def test_api_decode_base64url_to_hex(tool_client):
    body = {"input": BINARY_URLSAFE, "mode": "decode", "format": "base64url", "output": "hex"}
    response = await tool_client.post("/api/encode", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {
        "mode": "decode",
        "format": "base64url",
        "output": "hex",
        "result": "fbff",
        "byte_length": 2,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": 5}, "input"),
        ({"input": "Zg==", "mode": "sideways"}, "mode"),
        ({"input": "Zg==", "format": "base58"}, "format"),
        ({"input": "Zg==", "mode": "decode", "output": "binary"}, "output"),
    ],
)
async def test_api_schema_errors_name_the_field(tool_client, body, field):
    response = await tool_client.post("/api/encode", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert field in error["message"]


async def test_api_invalid_json_is_400(tool_client):
    response = await tool_client.post("/api/encode", data="{nope", headers=JSON)
    assert response.status_code == 400
    assert "not valid JSON" in (await response.get_json())["error"]["message"]


async def test_api_oversize_input_states_the_limit(tool_client):
    response = await tool_client.post("/api/encode", json={"input": "A" * (MAX_INPUT + 1), "mode": "decode"})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert str(MAX_INPUT) in error["message"]


async def test_api_largest_input_is_accepted(tool_client):
    # 1 000 000 characters is a multiple of 4: it decodes to 750 000 zero bytes.
    body = {"input": "A" * MAX_INPUT, "mode": "decode", "output": "hex"}
    response = await tool_client.post("/api/encode", json=body)
    assert response.status_code == 200
    assert (await response.get_json())["byte_length"] == 750_000


def resolved(spec: dict, schema: dict) -> dict:
    if "$ref" in schema:
        return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


async def test_openapi_documents_the_encode_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/encode"]["post"]
    assert operation["summary"].startswith("Encode text as Base64")
    assert operation["operationId"] == "post_encode"
    assert not operation.get("deprecated")
    schema = resolved(spec, operation["requestBody"]["content"]["application/json"]["schema"])
    assert schema["required"] == ["input"]
    assert set(schema["properties"]) == {"input", "mode", "format", "output"}
    assert schema["properties"]["mode"]["enum"] == ["encode", "decode"]
    assert schema["properties"]["format"]["enum"] == [
        "base64",
        "base64url",
        "base32",
        "base16",
        "url-component",
        "url-full",
        "html",
    ]
    assert schema["properties"]["output"]["enum"] == ["text", "hex"]
    assert schema["properties"]["input"]["maxLength"] == MAX_INPUT


# --- page -------------------------------------------------------------------------------------------


async def test_empty_page(tool_client):
    response = await tool_client.get("/tools/encode/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    # A plain form: it works without JavaScript.
    assert 'method="post" action="/tools/encode/"' in page
    assert 'hx-post="/tools/encode/"' in page
    assert 'type="radio" name="mode" value="encode" checked' in page
    assert '<option value="base64" selected>Base64 (standard alphabet)</option>' in page
    assert all(f'<option value="{name}"' in page for name in FORMATS)
    assert "Example — Base64 of “Hello, World!”." in page  # the first example, RFC 4648's alphabet
    assert '<code id="encode-result">SGVsbG8sIFdvcmxkIQ==</code>' in page
    # Every input has a label.
    for name in ("format", "input"):
        assert f'<label for="{name}">' in page and f'id="{name}"' in page
    # Strict CSP: no inline styles or scripts.
    assert "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    form = urlencode({"input": "foobar", "mode": "encode", "format": "base32"})
    response = await tool_client.post("/tools/encode/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="encode-result">MZXW6YTBOI======</code>' in page  # RFC 4648, section 10
    assert 'data-copy-target="encode-result"' in page
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(page) == "/tools/encode/?input=foobar&mode=encode&format=base32"
    assert "hx-swap-oob" not in page
    assert '<option value="base32" selected>' in page


async def test_page_post_with_htmx_returns_only_the_result(tool_client):
    form = urlencode({"input": BINARY_URLSAFE, "mode": "decode", "format": "base64url", "output": "hex"})
    response = await tool_client.post("/tools/encode/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert '<code id="encode-result">fbff</code>' in fragment
    assert "Decoded bytes (hex)" in fragment
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_page_shows_html_output_escaped(tool_client):
    form = urlencode({"input": "<b>&amp;</b>", "mode": "encode", "format": "html"})
    fragment = await (await tool_client.post("/tools/encode/", data=form, headers={**FORM, **HTMX})).get_data(
        as_text=True
    )
    # The result "&lt;b&gt;&amp;amp;&lt;/b&gt;" is itself escaped once more for the page.
    assert '<code id="encode-result">&amp;lt;b&amp;gt;&amp;amp;amp;&amp;lt;/b&amp;gt;</code>' in fragment


async def test_page_error_is_shown_next_to_the_field(tool_client):
    form = urlencode({"input": "MZXW1YQ=", "mode": "decode", "format": "base32"})
    response = await tool_client.post("/tools/encode/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    message = re.search(r'<small class="field-error" id="input-error" role="alert">([^<]*)</small>', page)
    assert message and "invalid Base32 character &#39;1&#39; at position 5 (counting from 1)" in message.group(1)
    assert 'aria-invalid="true" aria-describedby="input-error"' in page
    assert "MZXW1YQ=</textarea>" in page  # the input is kept
    assert share_link(page) is None


async def test_page_error_with_htmx_updates_the_field_message(tool_client):
    form = urlencode({"input": "%FF", "mode": "decode", "format": "url-component", "output": "text"})
    response = await tool_client.post("/tools/encode/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in fragment
    oob = re.search(r'<div id="output-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "choose hex output" in oob.group(1)
    # The other fields' messages are cleared.
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment
    assert '<div id="format-feedback" hx-swap-oob="true"></div>' in fragment
    assert "encode-result" not in fragment


async def test_page_schema_error_names_the_format_field(tool_client):
    response = await tool_client.get("/tools/encode/?input=Zg%3D%3D&format=base58")
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<small class="field-error" id="format-error" role="alert">' in page
    assert "encode-result" not in page


async def test_get_with_query_reproduces_the_result(tool_client):
    query = "input=%25E3%2582%25A2&mode=decode&format=url-component&output=text"
    response = await tool_client.get(f"/tools/encode/?{query}")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<code id="encode-result">\u30a2</code>' in page  # RFC 3986, section 2.5
    assert 'type="radio" name="mode" value="decode" checked' in page
    assert share_link(page) == "/tools/encode/?input=%25E3%2582%25A2&mode=decode&format=url-component&output=text"


async def test_whole_url_decoding_explains_the_kept_escapes(tool_client):
    response = await tool_client.get("/tools/encode/?input=a%252Fb&mode=decode&format=url-full")
    page = await response.get_data(as_text=True)
    assert '<code id="encode-result">a%2Fb</code>' in page
    assert "Escapes of reserved characters" in page


async def test_no_share_link_for_large_input(tool_client):
    form = urlencode({"input": "x" * 3000, "mode": "encode"})
    page = await (await tool_client.post("/tools/encode/", data=form, headers=FORM)).get_data(as_text=True)
    assert "encode-result" in page
    assert share_link(page) is None


async def test_input_starting_with_a_newline_survives_the_round_trip(tool_client):
    form = urlencode({"input": "\nZm9v", "mode": "decode"})
    page = await (await tool_client.post("/tools/encode/", data=form, headers=FORM)).get_data(as_text=True)
    # The parser drops one newline after <textarea>, so the template writes one before the value.
    assert ">\n\nZm9v</textarea>" in page


async def test_tool_is_listed_on_the_home_page_instead_of_base64(tool_client):
    page = await (await tool_client.get("/")).get_data(as_text=True)
    assert 'href="/tools/encode/"' in page
    assert 'href="/tools/base64/"' not in page
    found = await (await tool_client.get("/?q=base64")).get_data(as_text=True)
    assert 'href="/tools/encode/"' in found


# --- the former Base64 tool: page redirect ----------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/tools/base64/", "/tools/encode/"),
        (
            "/tools/base64/?input=Zm9vYmFy&mode=decode&alphabet=standard&output=text",
            "/tools/encode/?input=Zm9vYmFy&mode=decode&format=base64&output=text",
        ),
        (
            "/tools/base64/?input=-_8%3D&mode=decode&alphabet=urlsafe&output=hex",
            "/tools/encode/?input=-_8%3D&mode=decode&format=base64url&output=hex",
        ),
        # The old page's default alphabet was standard; unrelated parameters are dropped.
        ("/tools/base64/?input=a+b&mode=encode&utm=x", "/tools/encode/?input=a+b&mode=encode&format=base64"),
        # An unknown alphabet is passed on, so the encode page reports it rather than guessing.
        ("/tools/base64/?input=x&alphabet=weird", "/tools/encode/?input=x&format=weird"),
    ],
)
async def test_old_page_redirects_permanently_with_the_query_mapped(tool_client, old, new):
    response = await tool_client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"] == new


async def test_old_shared_link_still_shows_its_result(tool_client):
    response = await tool_client.get("/tools/base64/?input=-_8%3D&mode=decode&alphabet=urlsafe&output=hex")
    page = await (await tool_client.get(response.headers["Location"])).get_data(as_text=True)
    assert '<code id="encode-result">fbff</code>' in page
    assert '<option value="base64url" selected>' in page


# --- the former Base64 tool: POST /api/base64, kept as a deprecated alias -----------------------------


async def test_base64_alias_encode(tool_client):
    response = await tool_client.post("/api/base64", json={"input": "foobar"})
    assert response.status_code == 200
    assert await response.get_json() == {
        "mode": "encode",
        "alphabet": "standard",
        "output": None,
        "result": "Zm9vYmFy",  # RFC 4648, section 10
        "byte_length": 6,
    }


async def test_base64_alias_decode_urlsafe_to_hex(tool_client):
    body = {"input": BINARY_URLSAFE, "mode": "decode", "alphabet": "urlsafe", "output": "hex"}
    response = await tool_client.post("/api/base64", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {
        "mode": "decode",
        "alphabet": "urlsafe",
        "output": "hex",
        "result": "fbff",
        "byte_length": 2,
    }


BASE64_ERROR_CASES = [case for case in ERROR_CASES if case[1] in ("base64", "base64url")]


@pytest.mark.parametrize(("text", "format", "output", "field", "phrases"), BASE64_ERROR_CASES)
async def test_base64_alias_errors_are_unchanged(tool_client, text, format, output, field, phrases):
    alphabet = "urlsafe" if format == "base64url" else "standard"
    body = {"input": text, "mode": "decode", "alphabet": alphabet, "output": output}
    response = await tool_client.post("/api/base64", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    for phrase in phrases:
        assert phrase in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": "Zg==", "alphabet": "base64url"}, "alphabet"),
        ({"input": "Zg==", "mode": "decode", "output": "binary"}, "output"),
    ],
)
async def test_base64_alias_schema_errors_name_the_field(tool_client, body, field):
    response = await tool_client.post("/api/base64", json=body)
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == field


async def test_base64_alias_oversize_input_states_the_limit(tool_client):
    response = await tool_client.post("/api/base64", json={"input": "A" * (MAX_INPUT + 1), "mode": "decode"})
    assert response.status_code == 422
    assert str(MAX_INPUT) in (await response.get_json())["error"]["message"]


async def test_base64_alias_is_deprecated_in_openapi(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/base64"]["post"]
    assert operation["deprecated"] is True
    assert operation["summary"].startswith("Deprecated: use POST /api/encode")
    assert operation["operationId"] == "post_base64"
    schema = resolved(spec, operation["requestBody"]["content"]["application/json"]["schema"])
    assert set(schema["properties"]) == {"input", "mode", "alphabet", "output"}
    assert schema["properties"]["alphabet"]["enum"] == ["standard", "urlsafe"]
