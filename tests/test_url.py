"""The URL tool: RFC 3986 and IDNA vectors for parsing and building, then the page and the JSON API."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tools.url import UrlInput, UrlParts, components
from tools.url.urls import MASK, build_url, parse_url
from tools.url.urls import UrlParts as Parts

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def parse(url: str) -> dict:
    return components(parse_url(url)).model_dump()


def rebuild(url: str) -> str:
    """parse, then build from the raw path and fragment (what the page's edit form does)."""
    p = parse_url(url)
    host = p.host.unicode if p.host else None
    return build_url(Parts(p.scheme, p.user, p.password, host, p.port, p.path_raw, p.query, p.fragment_raw))


# --- RFC 3986 ---------------------------------------------------------------------------------------

# RFC 3986 §1.1.2 "Examples", and the two examples of §3 "Syntax Components".
# (url, scheme, host, host_type, port, default_port, path, query parameters, fragment)
RFC3986_EXAMPLES = [
    ("ftp://ftp.is.co.za/rfc/rfc1808.txt", "ftp", "ftp.is.co.za", "name", None, 21, "/rfc/rfc1808.txt", [], None),
    ("http://www.ietf.org/rfc/rfc2396.txt", "http", "www.ietf.org", "name", None, 80, "/rfc/rfc2396.txt", [], None),
    (
        "ldap://[2001:db8::7]/c=GB?objectClass?one",
        "ldap",
        "[2001:db8::7]",
        "ipv6",
        None,
        389,
        "/c=GB",
        [{"name": "objectClass?one", "value": None}],
        None,
    ),
    ("mailto:John.Doe@example.com", "mailto", None, None, None, None, "John.Doe@example.com", [], None),
    (
        "news:comp.infosystems.www.servers.unix",
        "news",
        None,
        None,
        None,
        None,
        "comp.infosystems.www.servers.unix",
        [],
        None,
    ),
    ("tel:+1-816-555-1212", "tel", None, None, None, None, "+1-816-555-1212", [], None),
    ("telnet://192.0.2.16:80/", "telnet", "192.0.2.16", "ipv4", 80, 23, "/", [], None),
    (
        "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
        "urn",
        None,
        None,
        None,
        None,
        "oasis:names:specification:docbook:dtd:xml:4.1.2",
        [],
        None,
    ),
    (
        "foo://example.com:8042/over/there?name=ferret#nose",
        "foo",
        "example.com",
        "name",
        8042,
        None,
        "/over/there",
        [{"name": "name", "value": "ferret"}],
        "nose",
    ),
    ("urn:example:animal:ferret:nose", "urn", None, None, None, None, "example:animal:ferret:nose", [], None),
]


@pytest.mark.parametrize(
    ("url", "scheme", "host", "host_type", "port", "default_port", "path", "query", "fragment"), RFC3986_EXAMPLES
)
def test_rfc3986_examples(url, scheme, host, host_type, port, default_port, path, query, fragment):
    result = parse(url)
    assert (result["scheme"], result["host"], result["host_type"], result["port"]) == (scheme, host, host_type, port)
    assert (result["default_port"], result["path"], result["query"], result["fragment"]) == (
        default_port,
        path,
        query,
        fragment,
    )
    assert (result["user"], result["password"]) == (None, None)


@pytest.mark.parametrize("url", [example[0] for example in RFC3986_EXAMPLES])
def test_rfc3986_examples_build_back_unchanged(url):
    assert rebuild(url) == url


def test_userinfo_password_is_masked_and_decoded():
    # RFC 3986 §3.2.1: userinfo = user ":" password; "%40" is "@" (§2.1 percent-encoding).
    result = parse("https://al%20ice:s%40cret@example.com/")
    assert (result["user"], result["password"]) == ("al ice", MASK)
    assert "s@cret" not in str(result)
    assert parse("https://alice:@example.com/")["password"] == ""  # an empty password is not hidden
    assert rebuild("https://al%20ice:s%40cret@example.com/") == "https://al%20ice:s%40cret@example.com/"


def test_query_parameters_keep_order_and_repeats():
    # Hand-made: repeated names stay in order; '+' and %20 both decode to a space (HTML form encoding);
    # "flag" has no '=', "empty=" has an empty value.
    result = parse("https://example.com/s?q=a+b&tag=x&tag=y%26z&flag&empty=&q=%C3%BC")
    assert result["query"] == [
        {"name": "q", "value": "a b"},
        {"name": "tag", "value": "x"},
        {"name": "tag", "value": "y&z"},
        {"name": "flag", "value": None},
        {"name": "empty", "value": ""},
        {"name": "q", "value": "ü"},
    ]
    assert result["query_raw"] == "q=a+b&tag=x&tag=y%26z&flag&empty=&q=%C3%BC"
    assert "query: '+' is read as a space, as HTML forms encode it" in result["notes"]


def test_path_decoded_and_raw():
    # RFC 3986 §2.1: "%20" is a space; %C3%BC is "ü" in UTF-8 (RFC 3629).
    result = parse("http://example.com/a%20b/%C3%BC/c%2Fd")
    assert (result["path"], result["path_raw"]) == ("/a b/ü/c/d", "/a%20b/%C3%BC/c%2Fd")
    # Building from the raw path keeps %2F, which decoding would have turned into a real '/'.
    assert rebuild("http://example.com/a%20b/%C3%BC/c%2Fd") == "http://example.com/a%20b/%C3%BC/c%2Fd"


def test_default_port_written_out_gets_a_note():
    assert parse("https://example.com:443/")["notes"] == ["port: 443 is the default for https, so it can be left out"]
    assert parse("http://example.com:443/")["notes"] == []


def test_ip_literals():
    # RFC 3986 §3.2.2 IP-literal; RFC 6874 §2 zone identifiers are written "%25" inside the brackets.
    assert parse("http://[2001:DB8:0:0::1]:8080/")["host_ascii"] == "[2001:db8::1]"
    assert parse("http://[fe80::1%25eth0]/")["host_ascii"] == "[fe80::1%25eth0]"
    assert parse("http://[v1.fe80::a+en1]/")["host_type"] == "ipvfuture"
    assert parse("http://192.168.0.1:8080/")["host_type"] == "ipv4"


def test_empty_host_of_a_file_url():
    # RFC 8089 §2: "file:///path" has an empty authority.
    result = parse("file:///etc/hosts")
    assert (result["host"], result["host_type"], result["path"]) == ("", "empty", "/etc/hosts")
    assert rebuild("file:///etc/hosts") == "file:///etc/hosts"


# --- IDNA -------------------------------------------------------------------------------------------

IDNA_VECTORS = [
    # Wikipedia, "Internationalized domain name", section "Example of IDNA encoding": Bücher.example.
    ("Bücher.example", "bücher.example", "xn--bcher-kva.example"),
    ("bücher.example", "bücher.example", "xn--bcher-kva.example"),
    # idna package README (PyPI, idna 3.20), "Usage": idna.encode('ドメイン.テスト').
    ("ドメイン.テスト", "ドメイン.テスト", "xn--eckwd4c7c.xn--zckzah"),
    # idna package README: idna.alabel('测试') == b'xn--0zwm56d'.
    ("测试.example", "测试.example", "xn--0zwm56d.example"),
    # idna package README, "Compatibility Mapping (UTS #46)": Königsgäßchen, non-transitional (ß kept).
    ("Königsgäßchen.example", "königsgäßchen.example", "xn--knigsgchen-b4a3dun.example"),
    # RFC 3492 §7.1 sample strings (B) Chinese (simplified), (G) Japanese, (I) Russian (lowercase), with "xn--".
    ("他们为什么不说中文.example", "他们为什么不说中文.example", "xn--ihqwcrb4cv8a8dqg056pqjye.example"),
    (
        "なぜみんな日本語を話してくれないのか.example",
        "なぜみんな日本語を話してくれないのか.example",
        "xn--n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa.example",
    ),
    (
        "почемужеонинеговорятпорусски.example",
        "почемужеонинеговорятпорусски.example",
        "xn--b1abfaaepdrnnbgefbadotcwatmq2g4l.example",
    ),
    # UTS #46 §4 mapping: full-width letters and the ideographic full stop U+3002 map to "bücher.example".
    ("ｂüｃｈｅｒ。example", "bücher.example", "xn--bcher-kva.example"),
]


@pytest.mark.parametrize(("host", "unicode", "ascii"), IDNA_VECTORS)
def test_idna_unicode_to_ascii(host, unicode, ascii):
    result = parse(f"https://{host}/")
    assert (result["host_unicode"], result["host_ascii"], result["host_type"]) == (unicode, ascii, "name")


@pytest.mark.parametrize(("host", "unicode", "ascii"), IDNA_VECTORS)
def test_idna_ascii_to_unicode(host, unicode, ascii):
    result = parse(f"https://{ascii}/")
    assert (result["host"], result["host_unicode"], result["host_ascii"]) == (ascii, unicode, ascii)


def test_build_writes_the_punycode_host():
    parts = Parts(scheme="https", host="Bücher.example", path="/")
    assert build_url(parts) == "https://xn--bcher-kva.example/"


def test_ascii_host_names_that_are_not_idna_pass_through():
    # An underscore is not valid in IDNA 2008 but appears in real host names (RFC 3986 reg-name allows it).
    assert parse("http://my_host.internal:8080/")["host_ascii"] == "my_host.internal"


# --- errors -----------------------------------------------------------------------------------------

PARSE_ERRORS = [
    ("example.com/path", "scheme: the URL has no scheme: add one such as https://example.com/path"),
    ("//example.com/x", "scheme: the URL has no scheme: add one such as https://example.com/x"),
    ("localhost:8080", "scheme: the URL has no scheme: 'localhost:8080' reads as a host and a port"),
    ("1http://x/", "scheme: '1http' is not a valid scheme"),
    ("http://example.com:http/", "port: 'http' is not a port number"),
    ("http://example.com:65536/", "port: 65536 is out of range: a port is 0 to 65535"),
    ("http://[::1/", "host: '[::1' opens '[' without closing it with ']'"),
    ("http://[::g]/", "host: '[::g]' is not a valid IPv6 address"),
    ("http://2001:db8::1/", "host: '2001:db8::1': an IPv6 address must be written in brackets"),
    ("http://exa mple.com/", "host: U+0020 (space) is not allowed in the host name 'exa mple.com'"),
    # IDNA 2008 (RFC 5892) disallows symbols such as U+2603 SNOWMAN, which IDNA 2003 allowed.
    ("http://☃.net/", "host: '☃' is not a valid IDN label (IDNA 2008)"),
    # RFC 5891 §4.2.3.1: a label must not start or end with a hyphen.
    ("http://-bücher.example/", "host: '-bücher' is not a valid IDN label (IDNA 2008)"),
    # Not valid Punycode after "xn--".
    ("http://xn--zz.example/", "host: 'xn--zz' is not a valid IDN label (IDNA 2008)"),
    # RFC 3492 §7.1 sample (A), Arabic (Egyptian), ends in U+061F ARABIC QUESTION MARK, not allowed in IDNA 2008.
    ("http://ليهمابتكلموشعربي؟.example/", "host: 'ليهمابتكلموشعربي؟' is not a valid IDN label (IDNA 2008)"),
    ("http://example.com/a\nb", "U+000A (line feed) at position 21 (counting from 1)"),
    ("   ", "enter a URL"),
]


@pytest.mark.parametrize(("url", "message"), PARSE_ERRORS)
def test_parse_errors(url, message):
    with pytest.raises(ToolInputError) as raised:
        parse_url(url)
    assert raised.value.field == "input"
    assert raised.value.message.startswith(message)


BUILD_ERRORS = [
    (Parts(scheme=""), "scheme", "a URL needs a scheme"),
    (Parts(scheme="ht tp", host="x"), "scheme", "'ht tp' is not a valid scheme"),
    (Parts(scheme="http", host="☃.net"), "host", "'☃' is not a valid IDN label"),
    (Parts(scheme="http", host="example.com:80"), "host", "':' is not allowed in the host name"),
    (Parts(scheme="http", host="b%C3%BCcher.example"), "host", "'b%C3%BCcher.example': type the host's characters"),
    (Parts(scheme="http", host="example.com", path="a/b"), "path", "with a host, the path must be empty or start"),
    (Parts(scheme="mailto", path="//x"), "path", "without a host, the path cannot start with '//'"),
    (Parts(scheme="mailto", port=25, path="x"), "port", "a port needs a host"),
    (Parts(scheme="mailto", user="me", path="x"), "user", "a user needs a host"),
]


@pytest.mark.parametrize(("parts", "field", "message"), BUILD_ERRORS)
def test_build_errors_name_the_field(parts, field, message):
    with pytest.raises(ToolInputError) as raised:
        build_url(parts)
    assert raised.value.field == field
    assert raised.value.message.startswith(message)


def test_build_encodes_what_needs_it():
    parts = Parts(
        scheme="HTTPS",
        user="a@b",
        password="p:w d",
        host="2001:db8::1",
        port=8443,
        path="/a b/ü/100%/%41",
        query=[("q", "x y+z&w"), ("flag", None), ("", "v"), ("name=", "")],
        fragment="top of page",
    )
    # Hand-computed from RFC 3986 §2.1 and §3: '@' in the user is %40; ':' may stay in the password; a lone '%'
    # becomes %25 while the escape %41 is kept; in the query '+', '&' and '=' are encoded so that they read back.
    assert build_url(parts) == (
        "https://a%40b:p:w%20d@[2001:db8::1]:8443/a%20b/%C3%BC/100%25/%41"
        "?q=x%20y%2Bz%26w&flag&=v&name%3D=#top%20of%20page"
    )


def test_build_then_parse_gives_the_parts_back():
    parts = Parts(scheme="https", host="ドメイン.テスト", path="/", query=[("q", "a b"), ("q", "c")], fragment="f")
    result = parse(build_url(parts))
    assert (result["host_unicode"], result["query"], result["fragment"]) == (
        "ドメイン.テスト",
        [{"name": "q", "value": "a b"}, {"name": "q", "value": "c"}],
        "f",
    )


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_parse(tool_client):
    response = await tool_client.post("/api/url", json={"input": "https://me:pw@Bücher.example:8443/a%20b?x=1&x=2#top"})
    assert response.status_code == 200
    assert await response.get_json() == {
        "scheme": "https",
        "user": "me",
        "password": MASK,
        "host": "Bücher.example",
        "host_unicode": "bücher.example",
        "host_ascii": "xn--bcher-kva.example",
        "host_type": "name",
        "port": 8443,
        "default_port": 443,
        "path": "/a b",
        "path_raw": "/a%20b",
        "query_raw": "x=1&x=2",
        "query": [{"name": "x", "value": "1"}, {"name": "x", "value": "2"}],
        "fragment": "top",
        "fragment_raw": "top",
        "notes": [],
    }


async def test_api_parse_never_returns_the_password(tool_client):
    response = await tool_client.post("/api/url", json={"input": "https://me:hunter2@example.com/"})
    assert "hunter2" not in await response.get_data(as_text=True)


async def test_api_build(tool_client):
    body = {
        "scheme": "https",
        "host": "bücher.example",
        "port": 8080,
        "path": "/a b",
        "query": [{"name": "q", "value": "1"}, {"name": "q", "value": "2"}, {"name": "debug"}],
        "fragment": "top",
    }
    response = await tool_client.post("/api/url/build", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {"url": "https://xn--bcher-kva.example:8080/a%20b?q=1&q=2&debug#top"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("example.com", "scheme: the URL has no scheme"),
        ("http://example.com:99999/", "port: 99999 is out of range"),
        ("http://☃.example/", "host: '☃' is not a valid IDN label"),
    ],
)
async def test_api_parse_errors_are_422_naming_the_field(tool_client, url, message):
    response = await tool_client.post("/api/url", json={"input": url})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input"
    assert error["message"].startswith(message)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"host": "example.com"}, "scheme", "scheme: Field required"),
        ({"scheme": "http", "host": "example.com", "port": 70000}, "port", "port: Input should be less than or equal"),
        ({"scheme": "http", "host": "example.com", "port": "x"}, "port", "port: Input should be a valid integer"),
        ({"scheme": "http", "host": "xn--zz.example"}, "host", "'xn--zz' is not a valid IDN label"),
        ({"scheme": "1http", "host": "example.com"}, "scheme", "'1http' is not a valid scheme"),
        ({"scheme": "http", "query": [{"value": "x"}]}, "query", "query: Field required"),
    ],
)
async def test_api_build_errors_are_422_naming_the_field(tool_client, body, field, message):
    response = await tool_client.post("/api/url/build", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert error["message"].startswith(message)


async def test_api_oversize_url_states_the_limit(tool_client):
    response = await tool_client.post("/api/url", json={"input": "http://x/" + "a" * 8192})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert (error["field"], "8192" in error["message"]) == ("input", True)


async def test_openapi_documents_both_operations(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    assert spec["paths"]["/api/url"]["post"]["operationId"] == "post_url"
    assert spec["paths"]["/api/url/build"]["post"]["operationId"] == "post_url_build"
    assert spec["paths"]["/api/url/build"]["post"]["summary"].startswith("Build a URL from its components")


# --- page -------------------------------------------------------------------------------------------


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


async def test_first_load_page(tool_client):
    response = await tool_client.get("/tools/url/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post" action="/tools/url/"' in page
    assert '<label for="input">URL</label>' in page
    # Live parsing on input only: a "change" trigger would swap the result again when the URL box loses focus,
    # wiping what the user started typing in the edit form inside the result.
    assert 'hx-trigger="input changed delay:300ms, submit"' in page
    # The first load shows the first example, parsed, and says it is one.
    assert '<p class="first-load" data-first-load="example">Example — Port, query and fragment.' in page
    assert '<code id="url-port">8443</code>' in page and "Edit and rebuild" in page
    assert "style=" not in page


async def test_page_post_without_htmx(tool_client):
    form = urlencode({"input": "https://bücher.example/a%20b?q=1&q=2&flag#top"})
    response = await tool_client.post("/tools/url/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="url-host-unicode">bücher.example</code>' in page
    assert '<code id="url-host-ascii">xn--bcher-kva.example</code>' in page
    assert 'data-copy-target="url-host-ascii"' in page
    assert '<code id="url-port">443</code> <small class="url-aside">the default for https (not written)</small>' in page
    assert '<code id="url-path">/a b</code>' in page and '<code id="url-path-raw">/a%20b</code>' in page
    assert re.findall(r'<code id="url-param-name-\d+">([^<]*)</code>', page) == ["q", "q", "flag"]
    assert '<code id="url-param-value-2">2</code>' in page
    # The edit form: each component, the parameters plus one empty row, and the original URL carried along.
    assert 'action="/tools/url/build/"' in page
    assert 'id="edit-host" name="host" value="bücher.example"' in page
    assert 'id="edit-path" name="path" value="/a%20b"' in page
    assert page.count('name="query_name"') == 4
    assert (
        share_link(page) == "/tools/url/?input=https%3A%2F%2Fb%C3%BCcher.example%2Fa%2520b%3Fq%3D1%26q%3D2%26flag%23top"
    )


async def test_page_htmx_partial(tool_client):
    form = urlencode({"input": "ldap://[2001:db8::7]/c=GB?objectClass?one"})
    response = await tool_client.post("/tools/url/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "HX-Request" in response.headers["Vary"]
    assert '<code id="url-host-ascii">[2001:db8::7]</code>' in fragment
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment
    assert 'id="url-input-box"' not in fragment  # the URL box is only replaced after a rebuild


async def test_shareable_get(tool_client):
    response = await tool_client.get(
        "/tools/url/?" + urlencode({"input": "foo://example.com:8042/over/there?name=ferret#nose"})
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<code id="url-port">8042</code>' in page
    assert '<code id="url-fragment">nose</code>' in page
    assert "foo://example.com:8042/over/there?name=ferret#nose</textarea>" in page


async def test_page_masks_the_password_and_has_no_share_link(tool_client):
    form = urlencode({"input": "https://me:hunter2@example.com/"})
    page = await (await tool_client.post("/tools/url/", data=form, headers=FORM)).get_data(as_text=True)
    assert f'<code id="url-password">{MASK}</code>' in page
    assert share_link(page) is None
    assert "No link to this result: the URL holds a password." in page


async def test_page_error_next_to_the_field(tool_client):
    form = urlencode({"input": "http://example.com:99999/"})
    response = await tool_client.post("/tools/url/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="input-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "port: 99999 is out of range" in oob.group(1)
    assert "Components" not in fragment


def build_form(**fields) -> str:
    base = {"input": "https://example.com/", "scheme": "https", "user": "", "password": "", "host": "example.com"}
    base.update(port="", path="/", fragment="")
    base.update(fields)
    return urlencode(base, doseq=True)


async def test_rebuild_without_htmx_adds_a_parameter_from_the_empty_row(tool_client):
    form = build_form(host="bücher.example", query_name=["a", "new", ""], query_value=["1", "v w", ""])
    response = await tool_client.post("/tools/url/build/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="url-rebuilt">https://xn--bcher-kva.example/?a=1&amp;new=v%20w</code>' in page
    assert "https://xn--bcher-kva.example/?a=1&amp;new=v%20w</textarea>" in page  # the URL box shows it
    assert page.count('name="query_name"') == 3  # two parameters and a fresh empty row


async def test_rebuild_with_htmx_updates_the_url_box(tool_client):
    form = build_form(port="8443", fragment="top")
    response = await tool_client.post("/tools/url/build/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert '<code id="url-rebuilt">https://example.com:8443/#top</code>' in fragment
    assert re.search(
        r'<div id="url-input-box" hx-swap-oob="true">.*https://example.com:8443/#top</textarea>', fragment, re.S
    )
    assert share_link(fragment) == "/tools/url/?input=https%3A%2F%2Fexample.com%3A8443%2F%23top"


async def test_rebuild_error_is_shown_in_the_edit_form(tool_client):
    form = build_form(port="http")
    response = await tool_client.post("/tools/url/build/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        r'<small class="field-error" id="port-error" role="alert">Input should be a valid integer', fragment
    )
    assert 'id="edit-port" name="port" value="http"' in fragment
    assert '<code id="url-host-ascii">example.com</code>' in fragment  # the URL being edited is still shown
    assert "url-rebuilt" not in fragment


async def test_rebuild_tool_error_names_the_field(tool_client):
    form = build_form(host="☃.example")
    page = await (await tool_client.post("/tools/url/build/", data=form, headers=FORM)).get_data(as_text=True)
    assert re.search(r'<small class="field-error" id="host-error" role="alert">&#39;☃&#39; is not a valid IDN', page)
    assert "https://example.com/</textarea>" in page  # the URL box keeps the URL being edited


def test_form_and_api_share_the_input_model():
    assert list(UrlInput.model_fields) == ["input"]
    assert list(UrlParts.model_fields) == ["scheme", "user", "password", "host", "port", "path", "query", "fragment"]
