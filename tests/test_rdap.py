"""The rdap tool: RFC 9083 answers read into registrar, dates, status, nameservers and abuse contact (canned
answers modeled on Verisign's for example.com and ARIN's for 8.8.8.8 and AS15169), served by a loopback
RDAP server that MYTOOLS_RDAP_BOOTSTRAP_URL points at, redirects included."""

import json

import pytest

from app import create_app
from core.config import ConfigError, load_settings
from core.forms import ToolInputError
from core.netguard import NetworkRefused
from tests.netservers import Answer, LoopbackHTTP, signed_in_client
from tools.rdap import RdapInput, classify, look_up
from tools.rdap.answer import Contact, read_answer
from tools.rdap.bootstrap import rdap_url

RDAP = [("Content-Type", "application/rdap+json")]


def vcard(*entries):
    return ["vcard", [["version", {}, "text", "4.0"], *entries]]


# Modeled on rdap.verisign.com's answer for EXAMPLE.COM (IANA's reserved registrar 376; its abuse contact empty).
EXAMPLE_COM = {
    "objectClassName": "domain",
    "handle": "2336799_DOMAIN_COM-VRSN",
    "ldhName": "EXAMPLE.COM",
    "links": [
        {"rel": "self", "href": "https://rdap.verisign.com/com/v1/domain/EXAMPLE.COM"},
        {"rel": "related", "href": "https://rdap.iana.org/domain/EXAMPLE.COM"},
    ],
    "status": ["client delete prohibited", "client transfer prohibited", "client update prohibited"],
    "entities": [
        {
            "objectClassName": "entity",
            "handle": "376",
            "roles": ["registrar"],
            "publicIds": [{"type": "IANA Registrar ID", "identifier": "376"}],
            "vcardArray": vcard(["fn", {}, "text", "RESERVED-Internet Assigned Numbers Authority"]),
            "entities": [
                {
                    "objectClassName": "entity",
                    "roles": ["abuse"],
                    "vcardArray": vcard(["fn", {}, "text", ""], ["tel", {"type": "voice"}, "uri", "tel:"]),
                }
            ],
        }
    ],
    "events": [
        {"eventAction": "registration", "eventDate": "1995-08-14T04:00:00Z"},
        {"eventAction": "expiration", "eventDate": "2026-08-13T04:00:00Z"},
        {"eventAction": "last changed", "eventDate": "2025-08-14T07:01:39Z"},
        {"eventAction": "last update of RDAP database", "eventDate": "2026-12-04T10:00:00Z"},
    ],
    "secureDNS": {"delegationSigned": True},
    "nameservers": [
        {"objectClassName": "nameserver", "ldhName": "A.IANA-SERVERS.NET"},
        {"objectClassName": "nameserver", "ldhName": "B.IANA-SERVERS.NET"},
    ],
    "rdapConformance": ["rdap_level_0", "icann_rdap_technical_implementation_guide_0"],
}
# Modeled on rdap.arin.net's answers for 8.8.8.8 (network NET-8-8-8-0-2) and AS15169.
GOOGLE_ABUSE = {
    "objectClassName": "entity",
    "handle": "ABUSE5250-ARIN",
    "roles": ["abuse"],
    "vcardArray": vcard(
        ["fn", {}, "text", "Abuse"],
        ["email", {}, "text", "network-abuse@google.com"],
        ["tel", {"type": ["work", "voice"]}, "text", "+1-650-253-0000"],
    ),
}
GOOGLE = {"objectClassName": "entity", "handle": "GOGL", "roles": ["registrant"], "entities": [GOOGLE_ABUSE]}
GOOGLE["vcardArray"] = vcard(["fn", {}, "text", "Google LLC"])
NET_8_8_8 = {
    "objectClassName": "ip network",
    "handle": "NET-8-8-8-0-2",
    "startAddress": "8.8.8.0",
    "endAddress": "8.8.8.255",
    "ipVersion": "v4",
    "name": "GOGL",
    "type": "DIRECT ALLOCATION",
    "port43": "whois.arin.net",
    "events": [{"eventAction": "registration", "eventDate": "2023-12-28T17:24:33-05:00"}],
    "entities": [GOOGLE],
}
AS15169 = {
    "objectClassName": "autnum",
    "handle": "AS15169",
    "startAutnum": 15169,
    "endAutnum": 15169,
    "name": "GOOGLE",
    "port43": "whois.arin.net",
    "entities": [GOOGLE],
}


def test_a_domain_answer():
    answer = read_answer(EXAMPLE_COM)
    assert answer.kind == "domain" and answer.name == "EXAMPLE.COM" and answer.handle == "2336799_DOMAIN_COM-VRSN"
    assert (answer.registrar, answer.registrar_iana_id) == ("RESERVED-Internet Assigned Numbers Authority", "376")
    assert (answer.registered, answer.expires, answer.last_changed) == (
        "1995-08-14T04:00:00Z",
        "2026-08-13T04:00:00Z",
        "2025-08-14T07:01:39Z",
    )
    assert answer.status == ["client delete prohibited", "client transfer prohibited", "client update prohibited"]
    assert answer.nameservers == ["a.iana-servers.net", "b.iana-servers.net"] and answer.dnssec is True
    assert answer.abuse == Contact()  # present but empty (IANA publishes none): shown as nothing, not invented
    assert answer.related == ["https://rdap.iana.org/domain/EXAMPLE.COM"]


def test_an_ip_network_and_an_autnum_answer():
    network = read_answer(NET_8_8_8)
    assert (network.range, network.name, network.network_type, network.registrant) == (
        "8.8.8.0 - 8.8.8.255",
        "GOGL",
        "DIRECT ALLOCATION",
        "Google LLC",
    )
    assert network.abuse == Contact(name="Abuse", email="network-abuse@google.com", phone="+1-650-253-0000")
    autnum = read_answer(AS15169)
    assert (autnum.kind, autnum.range, autnum.name, autnum.whois_server) == (
        "autnum",
        "15169 - 15169",
        "GOOGLE",
        "whois.arin.net",
    )


@pytest.mark.parametrize(
    "hostile",
    [
        {"objectClassName": "domain", "entities": "x", "events": [1, None], "status": [{}], "nameservers": [3]},
        {"objectClassName": "domain", "entities": [{"roles": ["registrar"], "vcardArray": ["vcard", "x"]}]},
        {"objectClassName": "autnum", "startAutnum": True, "endAutnum": {"a": 1}, "links": [{"rel": "related"}]},
    ],
)
def test_odd_values_are_left_out_not_trusted(hostile):
    answer = read_answer(hostile)
    assert answer.registrar is None and answer.status == [] and answer.nameservers == [] and answer.range is None


def test_not_an_rdap_object():
    with pytest.raises(ValueError, match="not an RDAP object"):
        read_answer([1, 2])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("example.com", ("domain", "example.com")),
        ("Bücher.example.", ("domain", "xn--bcher-kva.example")),
        ("8.8.8.8", ("ip", "8.8.8.8")),
        ("2001:db8::1", ("ip", "2001:db8::1")),
        ("192.0.2.7/24", ("ip", "192.0.2.0/24")),
        ("AS15169", ("autnum", "15169")),
        ("as64496", ("autnum", "64496")),
        ("15169", ("autnum", "15169")),
    ],
)
def test_classify(query, expected):
    assert classify(query) == expected


@pytest.mark.parametrize("query", ["localhost", "AS4294967296", "10.0.0.0/33", "a..b"])
def test_classify_refuses(query):
    with pytest.raises(ToolInputError):
        classify(query)


def test_the_vendored_bootstrap_and_the_redirector():
    redirector = "https://rdap.org/"
    assert rdap_url("domain", "example.com", redirector) == "https://rdap.verisign.com/com/v1/domain/example.com"
    assert (
        rdap_url("domain", "example.org", redirector)
        == "https://rdap.publicinterestregistry.org/rdap/domain/example.org"
    )
    assert rdap_url("domain", "example.test", redirector) == "https://rdap.org/domain/example.test"
    assert rdap_url("ip", "8.8.8.8", redirector) == "https://rdap.org/ip/8.8.8.8"
    assert rdap_url("autnum", "15169", redirector) == "https://rdap.org/autnum/15169"


def test_the_redirector_setting():
    assert load_settings({"TESTING": "1"}).rdap_bootstrap_url == "https://rdap.org/"
    assert load_settings({"MYTOOLS_RDAP_BOOTSTRAP_URL": "http://127.0.0.1:8080"}).rdap_bootstrap_url == (
        "http://127.0.0.1:8080/"
    )
    with pytest.raises(ConfigError, match="MYTOOLS_RDAP_BOOTSTRAP_URL"):
        load_settings({"MYTOOLS_RDAP_BOOTSTRAP_URL": "rdap.org"})


def settings(server):
    return load_settings(
        {"TESTING": "1", "MYTOOLS_NETWORK_ALLOW": "127.0.0.1/32", "MYTOOLS_RDAP_BOOTSTRAP_URL": server.url("/")}
    )


async def test_the_redirector_sends_the_query_on_to_the_registry():
    with LoopbackHTTP({"/domain/example.test": Answer(200, RDAP, json.dumps(EXAMPLE_COM).encode())}) as registry:
        moved = {"/domain/example.test": Answer(302, [("Location", registry.url("/domain/example.test"))])}
        moved["/ip/8.8.8.8"] = Answer(302, [("Location", "http://10.1.2.3/ip/8.8.8.8")])
        moved["/autnum/15169"] = Answer(200, RDAP, json.dumps(AS15169).encode())
        with LoopbackHTTP(moved) as redirector:
            domain = await look_up(RdapInput(query="example.test"), settings(redirector))
            autnum = await look_up(RdapInput(query="AS15169"), settings(redirector))
            with pytest.raises(NetworkRefused, match="10.1.2.3 is a private address"):
                await look_up(RdapInput(query="8.8.8.8"), settings(redirector))
            with pytest.raises(ToolInputError, match="no registration data for nowhere.test at"):
                await look_up(RdapInput(query="nowhere.test"), settings(redirector))
    assert domain.url == registry.url("/domain/example.test") and domain.query == "example.test"
    assert domain.summary == (
        "EXAMPLE.COM: registrar RESERVED-Internet Assigned Numbers Authority, registered 1995-08-14, expires 2026-08-13"
    )
    assert autnum.summary == "AS15169 GOOGLE"
    assert registry.requests[0][2]["Accept"].startswith("application/rdap+json")


async def test_an_answer_that_is_not_rdap_json():
    routes = {"/domain/html.test": Answer(200, [("Content-Type", "text/html")], b"<html>")}
    with LoopbackHTTP(routes) as server:
        with pytest.raises(ToolInputError, match="did not answer RDAP JSON"):
            await look_up(RdapInput(query="html.test"), settings(server))


async def test_api_and_page(database_url):
    routes = {"/ip/8.8.8.8": Answer(200, RDAP, json.dumps(NET_8_8_8).encode())}
    with LoopbackHTTP(routes) as server:
        async with signed_in_client(database_url, MYTOOLS_RDAP_BOOTSTRAP_URL=server.url("/")) as (client, token):
            response = await client.post("/api/rdap", json={"query": "8.8.8.8"}, headers=token)
            page = await client.get("/tools/rdap/?query=8.8.8.8", headers=token)
            text = await page.get_data(as_text=True)
    body = await response.get_json()
    assert response.status_code == 200 and body["summary"] == "8.8.8.0 - 8.8.8.255 GOGL"
    assert body["abuse"]["email"] == "network-abuse@google.com"
    assert page.status_code == 200 and "network-abuse@google.com" in text and "DIRECT ALLOCATION" in text


def test_command_line():
    routes = {"/autnum/15169": Answer(200, RDAP, json.dumps(AS15169).encode())}
    with LoopbackHTTP(routes) as server:
        env = {
            "SECRET_KEY": "x" * 40,
            "MYTOOLS_NETWORK_ALLOW": "127.0.0.1/32",
            "MYTOOLS_RDAP_BOOTSTRAP_URL": server.url(),
        }
        result = create_app(env).test_cli_runner().invoke(args=["tool", "rdap", '{"query": "AS15169"}'])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["registrant"] == "Google LLC"
