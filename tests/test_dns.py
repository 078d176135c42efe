"""The DNS tool against a DNS server on loopback (tests/dnsserver.py): every record type from a zone written here,
reverse lookups, CNAME chains, the AD flag, NXDOMAIN / no data / SERVFAIL / timeouts in words; page, API, CLI."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from tests.dnsserver import LoopbackDNS, app_asking

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}

ZONE = """
example.test.      300   IN A     192.0.2.10
example.test.      300   IN A     192.0.2.11
example.test.      300   IN AAAA  2001:db8::10
example.test.      3600  IN MX    10 mail.example.test.
example.test.      3600  IN MX    20 backup.example.test.
example.test.      86400 IN NS    ns1.example.test.
example.test.      300   IN TXT   "v=spf1 ip4:192.0.2.0/24 -all"
example.test.      300   IN TXT   "part one " "part two"
example.test.      3600  IN SOA   ns1.example.test. hostmaster.example.test. 2026120401 7200 3600 1209600 300
example.test.      3600  IN CAA   0 issue "letsencrypt.org"
www.example.test.  60    IN CNAME example.test.
_xmpp-server._tcp.example.test. 86400 IN SRV 5 0 5269 xmpp.example.test.
10.2.0.192.in-addr.arpa. 3600 IN PTR example.test.
0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 3600 IN PTR example.test.
xn--bcher-kva.example.test. 300 IN A 192.0.2.12
"""


@pytest.fixture(scope="module")
def dns_server():
    with LoopbackDNS(ZONE, failures={"broken.test": "SERVFAIL", "slow.test": "timeout"}) as server:
        yield server


@pytest.fixture
async def client(dns_server, tmp_path, sqlite_template):
    """A visitor's client of an app whose only resolver is the loopback server (its network tools public)."""
    application = app_asking(dns_server, tmp_path, sqlite_template)
    async with application.test_app():
        yield application.test_client()


async def api(client, **body) -> dict:
    response = await client.post("/api/dns", json=body)
    assert response.status_code == 200, await response.get_data(as_text=True)
    return await response.get_json()


def by_type(answer: dict) -> dict[str, dict]:
    return {lookup["type"]: lookup for lookup in answer["lookups"]}


async def test_every_record_type_of_the_zone(client, dns_server):
    answer = await api(client, input="example.test", types=["A", "AAAA", "MX", "NS", "TXT", "SOA", "CAA"])
    assert (answer["name"], answer["reverse_of"], answer["resolver"]) == ("example.test", None, dns_server.address)
    lookups = by_type(answer)
    assert [r["value"] for r in lookups["A"]["records"]] == ["192.0.2.10", "192.0.2.11"]
    assert lookups["A"]["records"][0] == {
        "name": "example.test.",
        "ttl": 300,
        "type": "A",
        "value": "192.0.2.10",
        "txt": None,
    }
    assert [r["value"] for r in lookups["AAAA"]["records"]] == ["2001:db8::10"]
    assert [r["value"] for r in lookups["MX"]["records"]] == ["10 mail.example.test.", "20 backup.example.test."]
    assert lookups["MX"]["records"][0]["ttl"] == 3600
    assert [r["value"] for r in lookups["NS"]["records"]] == ["ns1.example.test."]
    assert [r["txt"] for r in lookups["TXT"]["records"]] == ["v=spf1 ip4:192.0.2.0/24 -all", "part one part two"]
    assert lookups["TXT"]["records"][1]["value"] == '"part one " "part two"'
    assert [r["value"] for r in lookups["SOA"]["records"]] == [
        "ns1.example.test. hostmaster.example.test. 2026120401 7200 3600 1209600 300"
    ]
    assert [r["value"] for r in lookups["CAA"]["records"]] == ['0 issue "letsencrypt.org"']
    for lookup in answer["lookups"]:
        assert lookup["status"] == "NOERROR" and lookup["server"] == dns_server.address
    assert lookups["MX"]["message"] == "2 MX records."
    assert answer["short"].splitlines()[:3] == ["192.0.2.10", "192.0.2.11", "2001:db8::10"]
    assert "example.test. 3600 IN MX 10 mail.example.test." in answer["text"].splitlines()


async def test_the_types_are_asked_at_once_and_each_once(client, dns_server):
    dns_server.queries.clear()
    answer = await api(client, input="example.test", types=["TXT", "A", "A", "MX"])
    assert [lookup["type"] for lookup in answer["lookups"]] == ["A", "MX", "TXT"]
    assert sorted(dns_server.queries) == [("example.test", "A"), ("example.test", "MX"), ("example.test", "TXT")]


async def test_srv_record(client):
    answer = await api(client, input="_xmpp-server._tcp.example.test", types=["SRV"])
    (lookup,) = answer["lookups"]
    assert [(r["name"], r["ttl"], r["value"]) for r in lookup["records"]] == [
        ("_xmpp-server._tcp.example.test.", 86400, "5 0 5269 xmpp.example.test.")
    ]
    assert answer["short"] == "5 0 5269 xmpp.example.test."


@pytest.mark.parametrize(
    ("address", "reverse"),
    [
        ("192.0.2.10", "10.2.0.192.in-addr.arpa."),
        ("2001:db8::10", "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."),
        (" [2001:DB8::10] ", "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."),
    ],
)
async def test_an_address_is_looked_up_by_its_reverse_name(client, address, reverse):
    # RFC 1035 3.5 (in-addr.arpa, bytes reversed) and RFC 3596 2.5 (ip6.arpa, nibbles reversed).
    answer = await api(client, input=address, types=["A", "MX"])  # the types do not apply to an address
    assert answer["reverse_of"] == address.strip(" []").lower()
    (lookup,) = answer["lookups"]
    assert (lookup["type"], lookup["name"]) == ("PTR", reverse)
    assert [r["value"] for r in lookup["records"]] == ["example.test."]
    assert answer["short"] == "example.test."


async def test_a_cname_is_followed_and_shown(client):
    answer = await api(client, input="www.example.test", types=["A", "CNAME", "MX"])
    lookups = by_type(answer)
    assert [(r["type"], r["value"]) for r in lookups["A"]["records"]] == [
        ("CNAME", "example.test."),
        ("A", "192.0.2.10"),
        ("A", "192.0.2.11"),
    ]
    assert lookups["A"]["message"] == "2 A records."
    assert [(r["type"], r["value"]) for r in lookups["CNAME"]["records"]] == [("CNAME", "example.test.")]
    # The short answer lists only records of the types asked for.
    assert answer["short"].splitlines() == ["192.0.2.10", "192.0.2.11", "example.test.", "10 mail.example.test.",
                                            "20 backup.example.test."]  # fmt: skip
    assert answer["text"].splitlines().count("www.example.test. 60 IN CNAME example.test.") == 1


async def test_an_internationalized_name_is_asked_in_its_ascii_form(client):
    answer = await api(client, input="bücher.example.test", types=["A"])
    (lookup,) = answer["lookups"]
    # IDNA 2008: "bücher" is "xn--bcher-kva" (the example of RFC 3492's punycode, section 7.1 style).
    assert (answer["name"], lookup["name"]) == ("bücher.example.test", "xn--bcher-kva.example.test.")
    assert [r["value"] for r in lookup["records"]] == ["192.0.2.12"]


async def test_a_url_is_taken_for_its_host(client):
    answer = await api(client, input="https://www.example.test/path?q=1", types=["A"])
    assert answer["name"] == "www.example.test"


async def test_no_such_name_no_such_record_and_failures_in_words(client, dns_server):
    missing = by_type(await api(client, input="nothing.example.test", types=["A"]))["A"]
    assert (missing["status"], missing["message"], missing["records"]) == (
        "NXDOMAIN",
        "nothing.example.test does not exist (NXDOMAIN).",
        [],
    )
    nodata = by_type(await api(client, input="example.test", types=["SRV"]))["SRV"]
    assert (nodata["status"], nodata["message"]) == ("NODATA", "No SRV record for example.test.")
    alias = by_type(await api(client, input="www.example.test", types=["SRV"]))["SRV"]
    assert alias["message"] == "No SRV record for www.example.test (it is an alias of example.test)."
    broken = await api(client, input="broken.test", types=["A"])
    assert broken["lookups"][0]["status"] == "SERVFAIL"
    assert (
        broken["lookups"][0]["message"]
        == f"No resolver answered for broken.test: {dns_server.address} answered SERVFAIL."
    )
    assert broken["short"] == broken["lookups"][0]["message"]


async def test_a_silent_server_is_a_timeout_not_an_error(dns_server, tmp_path, sqlite_template, monkeypatch):
    monkeypatch.setattr("core.dnslookup.QUESTION_SECONDS", 0.5)
    application = app_asking(dns_server, tmp_path, sqlite_template)
    async with application.test_app():
        started = time.monotonic()
        answer = await api(application.test_client(), input="slow.test", types=["A", "AAAA"])
        elapsed = time.monotonic() - started
    for lookup in answer["lookups"]:
        assert lookup["status"] == "TIMEOUT"
        assert lookup["message"] == f"No answer from {dns_server.address} within 0.5 s."
    assert elapsed < 0.95  # the two questions wait side by side, not one after the other


async def test_the_ad_flag_is_reported(tmp_path, sqlite_template):
    with LoopbackDNS(ZONE, ad=True) as server:
        application = app_asking(server, tmp_path, sqlite_template)
        async with application.test_app():
            client = application.test_client()
            answer = await api(client, input="example.test", types=["A"])
            page = await client.post("/tools/dns/", data=urlencode({"input": "example.test"}), headers=FORM)
            text = await page.get_data(as_text=True)
    assert answer["authenticated"] is True and answer["lookups"][0]["authenticated"] is True
    assert "DNSSEC validated (AD flag)" in text


async def test_without_the_ad_flag(client):
    answer = await api(client, input="example.test", types=["A"])
    assert answer["authenticated"] is False


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"input": ""}, "input", "Type a domain name"),
        ({"input": "exa mple.com"}, "input", "only letters, digits, hyphens, underscores and dots"),
        ({"input": "a" * 64 + ".com"}, "input", "at most 63 characters"),
        ({"input": ".".join(["abcdefghi"] * 26)}, "input", "at most 253 characters"),
        ({"input": "a..b"}, "input", "two dots in a row"),
        ({"input": "example.test", "types": []}, "types", "at least 1"),
        ({"input": "example.test", "types": ["ANY"]}, "types", "'A', 'AAAA'"),
        ({"input": "x" * 301}, "input", "300"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(client, dns_server, body, field, message):
    dns_server.queries.clear()
    response = await client.post("/api/dns", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field and message in error["message"]
    assert dns_server.queries == []  # nothing was asked


async def test_the_page_looks_up_on_submit_and_shows_every_type(client, dns_server):
    form = urlencode({"input": "www.example.test", "types": ["A", "MX"]}, doseq=True)
    response = await client.post("/tools/dns/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page
    assert '<section class="dns-lookup dns-noerror" id="dns-a">' in page
    assert "<li><code>192.0.2.11</code> <small>A · TTL 300 s · example.test.</small></li>" in page
    assert "<li><code>example.test.</code> <small>CNAME · TTL 60 s</small></li>" in page
    assert "<code>10 mail.example.test.</code>" in page
    assert f'<code id="dns-resolver">{dns_server.address}</code>' in page
    assert 'value="MX" checked' in page and 'value="TXT" >' in page  # the form keeps the choice
    partial = await client.post("/tools/dns/", data=form, headers={**FORM, **HTMX})
    fragment = await partial.get_data(as_text=True)
    assert "<html" not in fragment and "192.0.2.11" in fragment


async def test_the_page_shows_nxdomain_as_a_result_not_an_error(client):
    response = await client.get("/tools/dns/?" + urlencode({"input": "nothing.example.test"}))
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "nothing.example.test does not exist (NXDOMAIN)." in page
    assert 'class="field-error"' not in page


async def test_the_first_load_asks_nothing(client, dns_server):
    dns_server.queries.clear()
    page = await (await client.get("/tools/dns/")).get_data(as_text=True)
    assert "Type a domain name (or an IP address, for its reverse name)" in page
    assert dns_server.queries == []


async def test_a_visitor_is_refused_when_the_tools_are_not_public(dns_server, tmp_path, sqlite_template):
    application = app_asking(dns_server, tmp_path, sqlite_template, MYTOOLS_NETWORK_PUBLIC="false")
    dns_server.queries.clear()
    async with application.test_app():
        response = await application.test_client().post("/api/dns", json={"input": "example.test"})
    assert response.status_code == 401
    assert dns_server.queries == []


def test_the_command_line_asks_the_configured_resolver(dns_server, tmp_path, sqlite_template):
    # Visitors may not, but the operator needs no login.
    application = app_asking(dns_server, tmp_path, sqlite_template, MYTOOLS_NETWORK_PUBLIC="false")
    result = application.test_cli_runner().invoke(
        args=["tool", "dns", json.dumps({"input": "example.test", "types": ["MX"]})]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["short"] == "10 mail.example.test.\n20 backup.example.test."


async def test_a_recipe_looks_up_each_line(client):
    body = {
        "input": "example.test\n192.0.2.10",
        "steps": [{"tool": "dns", "options": {"types": ["A"]}, "each_line": True}],
    }
    response = await client.post("/api/recipes/run", json=body)
    assert response.status_code == 200, await response.get_data(as_text=True)
    assert (await response.get_json())["output"] == "192.0.2.10\n192.0.2.11\nexample.test."
