"""The subnet calculator: RFC and hand-computed vectors for the arithmetic, then the page and the JSON API."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode

import pytest

from app import create_app
from core.forms import ToolInputError
from tools.subnet.calc import MAX_SPLIT_ROWS, calculate

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def summary(text: str) -> tuple:
    r = calculate(text)
    return (r.network, r.netmask, r.broadcast, r.first_host, r.last_host, r.address_count, r.host_count)


# --- known answers ----------------------------------------------------------------------------------

# RFC 1918 §3: the three private blocks, "10.0.0.0 - 10.255.255.255 (10/8 prefix)", "172.16.0.0 - 172.31.255.255
# (172.16/12 prefix)", "192.168.0.0 - 192.168.255.255 (192.168/16 prefix)". Hosts: 2^(32-p) - 2.
RFC1918 = [
    ("10.0.0.0/8", ("10.0.0.0/8", "255.0.0.0", "10.255.255.255", "10.0.0.1", "10.255.255.254", 2**24, 2**24 - 2)),
    (
        "172.16.0.0/12",
        ("172.16.0.0/12", "255.240.0.0", "172.31.255.255", "172.16.0.1", "172.31.255.254", 2**20, 2**20 - 2),
    ),
    (
        "192.168.0.0/16",
        ("192.168.0.0/16", "255.255.0.0", "192.168.255.255", "192.168.0.1", "192.168.255.254", 2**16, 2**16 - 2),
    ),
]


@pytest.mark.parametrize(("text", "expected"), RFC1918)
def test_rfc1918_blocks(text, expected):
    assert summary(text) == expected
    result = calculate(text)
    assert result.flags["private"] is True and result.flags["global"] is False
    assert (result.special.name, result.special.reference) == ("Private-Use", "RFC 1918")


def test_hand_computed_slash_24_with_host_bits_set():
    # Hand-computed: 192.168.1.5 AND 255.255.255.0 = 192.168.1.0; broadcast = 192.168.1.0 OR 0.0.0.255.
    result = calculate("192.168.1.5/24")
    assert summary("192.168.1.5/24") == (
        "192.168.1.0/24",
        "255.255.255.0",
        "192.168.1.255",
        "192.168.1.1",
        "192.168.1.254",
        256,
        254,
    )
    assert result.wildcard == "0.0.0.255"
    assert result.note == (
        "host bits set: 192.168.1.5/24 is an address inside the network 192.168.1.0/24; the network is shown"
    )
    assert result.address_class == "C"


def test_hand_computed_odd_prefix():
    # Hand-computed: /27 = 255.255.255.224; 10.1.2.77 AND .224 = .64; broadcast .64 + 31 = .95; 32 - 2 hosts.
    assert summary("10.1.2.77/27") == ("10.1.2.64/27", "255.255.255.224", "10.1.2.95", "10.1.2.65", "10.1.2.94", 32, 30)
    assert calculate("10.1.2.77/27").wildcard == "0.0.0.31"


def test_rfc3021_slash_31_has_two_hosts_and_no_broadcast():
    # RFC 3021 §2.1 and §3: on a 31-bit prefix both addresses are host addresses; there is no broadcast.
    result = calculate("192.0.2.6/31")
    assert summary("192.0.2.6/31") == ("192.0.2.6/31", "255.255.255.254", None, "192.0.2.6", "192.0.2.7", 2, 2)
    assert "RFC 3021" in result.host_note
    assert result.note is None


def test_slash_32_is_a_single_host():
    # Hand-computed: /32 holds exactly the one address, which is the host; no network or broadcast address apart.
    result = calculate("203.0.113.9/32")
    assert summary("203.0.113.9/32") == ("203.0.113.9/32", "255.255.255.255", None, "203.0.113.9", "203.0.113.9", 1, 1)
    assert result.special.reference == "RFC 5737"


def test_a_single_address_is_read_as_slash_32():
    result = calculate("203.0.113.9")
    assert result.network == "203.0.113.9/32"
    assert result.note == "a single address: read as 203.0.113.9/32 (one address)"


@pytest.mark.parametrize(
    "text",
    [
        "192.168.1.0/255.255.255.0",  # address/netmask
        "192.168.1.0 255.255.255.0",  # address netmask, as in a router configuration
        "192.168.1.0/0.0.0.255",  # address/wildcard (host mask)
        "  192.168.1.0/24  ",
    ],
)
def test_other_ways_of_writing_a_slash_24(text):
    assert calculate(text).network == "192.168.1.0/24"


# RFC 4291 §2.3: "2001:0DB8:0000:CD30:0000:0000:0000:0000/60", "2001:0DB8::CD30:0:0:0:0/60" and
# "2001:0DB8:0:CD30::/60" are legal representations of the same 60-bit prefix.
@pytest.mark.parametrize(
    "text", ["2001:0DB8:0000:CD30:0000:0000:0000:0000/60", "2001:0DB8::CD30:0:0:0:0/60", "2001:0DB8:0:CD30::/60"]
)
def test_rfc4291_prefix_representations(text):
    result = calculate(text)
    assert result.network == "2001:db8:0:cd30::/60"
    assert result.note is None
    # Hand-computed: 2^(128-60) = 2^68 addresses; the first (Subnet-Router anycast, RFC 4291 §2.6.1) is not a host.
    assert result.address_count == 295147905179352825856 == 2**68
    assert result.host_count == 2**68 - 1
    assert result.first_host == "2001:db8:0:cd30::1"
    assert result.last_host == "2001:db8:0:cd3f:ffff:ffff:ffff:ffff"
    assert (result.broadcast, result.wildcard, result.address_class) == (None, None, None)
    assert result.netmask == "ffff:ffff:ffff:fff0::"
    assert (result.special.block, result.special.reference) == ("2001:db8::/32", "RFC 3849")


def test_rfc4291_node_address_with_prefix_length():
    # RFC 4291 §2.3: "2001:0DB8:0:CD30:123:4567:89AB:CDEF/60" writes a node address and its subnet prefix together.
    result = calculate("2001:0DB8:0:CD30:123:4567:89AB:CDEF/60")
    assert result.network == "2001:db8:0:cd30::/60"
    assert result.note.startswith("host bits set: 2001:db8:0:cd30:123:4567:89ab:cdef/60 is an address inside")


def test_ipv6_slash_127_and_slash_128():
    # RFC 6164 §5: a /127 on a point-to-point link uses both addresses. A /128 is one address (RFC 4291 §2.5.3: ::1).
    assert summary("2001:db8::a/127") == (
        "2001:db8::a/127",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
        None,
        "2001:db8::a",
        "2001:db8::b",
        2,
        2,
    )
    loopback = calculate("::1/128")
    assert (loopback.first_host, loopback.last_host, loopback.host_count) == ("::1", "::1", 1)
    assert loopback.flags["loopback"] is True
    assert loopback.special.name == "Loopback Address"


@pytest.mark.parametrize(
    ("text", "flag", "name", "reference"),
    [
        ("::/128", "unspecified", "Unspecified Address", "RFC 4291 §2.5.2"),
        ("fe80::/10", "link_local", "Link-Local Unicast", "RFC 4291 §2.5.6"),
        ("ff02::/16", "multicast", "Multicast", "RFC 4291 §2.7"),
        ("127.0.0.0/8", "loopback", "Loopback", "RFC 1122 §3.2.1.3"),
        ("169.254.0.0/16", "link_local", "Link Local", "RFC 3927"),
        ("224.0.0.0/24", "multicast", "Multicast", "RFC 5771"),
        ("240.0.0.0/4", "reserved", "Reserved for future use", "RFC 1112 §4"),
    ],
)
def test_special_purpose_blocks_and_flags(text, flag, name, reference):
    result = calculate(text)
    assert result.flags[flag] is True
    assert (result.special.name, result.special.reference) == (name, reference)


def test_shared_address_space_is_the_most_specific_block():
    # RFC 6598 §7: 100.64.0.0/10; a /24 inside it reports the /10.
    assert calculate("100.64.7.0/24").special.model_dump() == {
        "block": "100.64.0.0/10",
        "name": "Shared Address Space (carrier-grade NAT)",
        "reference": "RFC 6598",
    }


def test_public_network_has_no_special_block():
    result = calculate("8.8.8.0/24")
    assert result.special is None
    assert result.flags["global"] is True and result.flags["private"] is False


@pytest.mark.parametrize(
    ("text", "klass"),
    # RFC 791 §3.2: A starts with bit 0, B with 10, C with 110; RFC 1112 §4: D with 1110, E with 1111.
    [
        ("10.0.0.0/8", "A"),
        ("172.16.0.0/12", "B"),
        ("192.168.1.0/24", "C"),
        ("224.0.0.0/4", "D"),
        ("240.0.0.0/4", "E"),
        ("128.0.0.0/1", None),  # spans classes B to E
        ("0.0.0.0/0", None),
    ],
)
def test_historic_class(text, klass):
    assert calculate(text).address_class == klass


@pytest.mark.parametrize(
    ("network", "address", "belongs"),
    [
        ("192.168.1.0/24", "192.168.1.77", True),
        ("192.168.1.0/24", "192.168.2.1", False),
        ("192.168.1.0/24", "192.168.1.128/25", True),
        ("192.168.1.0/24", "192.168.0.0/23", False),
        ("2001:db8::/32", "2001:db8:ffff::1", True),
        ("2001:db8::/32", "2001:db9::1", False),
    ],
)
def test_membership(network, address, belongs):
    assert calculate(network, address).contains.belongs is belongs


def test_membership_of_the_other_ip_version():
    result = calculate("10.0.0.0/8", "2001:db8::1")
    assert result.contains.model_dump() == {
        "address": "2001:db8::1",
        "belongs": False,
        "note": "an IPv6 address is never inside an IPv4 network",
    }


def test_split_rounds_up_to_a_power_of_two():
    # Hand-computed: 3 subnets -> 4 = 2^2, so /24 + 2 = /26 of 64 addresses (62 hosts) each.
    split = calculate("192.168.1.0/24", split_into=3).split
    assert (split.requested, split.count, split.prefix_length, split.hosts_each, split.last) == (3, 4, 26, 62, None)
    assert [(s.network, s.first_host, s.last_host, s.broadcast) for s in split.subnets] == [
        ("192.168.1.0/26", "192.168.1.1", "192.168.1.62", "192.168.1.63"),
        ("192.168.1.64/26", "192.168.1.65", "192.168.1.126", "192.168.1.127"),
        ("192.168.1.128/26", "192.168.1.129", "192.168.1.190", "192.168.1.191"),
        ("192.168.1.192/26", "192.168.1.193", "192.168.1.254", "192.168.1.255"),
    ]


def test_split_lists_at_most_256_and_names_the_last():
    # Hand-computed: 10.0.0.0/8 into 65536 = 2^16 -> /24s; the last starts at 10.0.0.0 + 65535 * 256 = 10.255.255.0.
    split = calculate("10.0.0.0/8", split_into=65536).split
    assert (split.count, split.prefix_length, len(split.subnets)) == (65536, 24, MAX_SPLIT_ROWS)
    assert split.subnets[255].network == "10.0.255.0/24"
    assert split.last.network == "10.255.255.0/24"


def test_split_ipv6():
    # Hand-computed: a /48 into 1000 -> 1024 = 2^10 -> /58; the 1024th starts at 1023 * 2^70 past the /48.
    split = calculate("2001:db8:abcd::/48", split_into=1000).split
    assert (split.count, split.prefix_length) == (1024, 58)
    assert split.subnets[1].network == "2001:db8:abcd:40::/58"
    assert split.last.network == "2001:db8:abcd:ffc0::/58"


def test_split_into_one_is_the_network_itself():
    split = calculate("192.0.2.0/30", split_into=1).split
    assert [s.network for s in split.subnets] == ["192.0.2.0/30"]


ERRORS = [
    # (input, contains, split, field, phrases)
    ("300.1.1.1/24", "", None, "input", ["'300.1.1.1' is not a valid IPv4 address", "Octet 300"]),
    ("10.0.0.0/33", "", None, "input", ["/33 is too long", "/0 to /32"]),
    ("2001:db8::/129", "", None, "input", ["/129 is too long", "/0 to /128"]),
    ("10.0.0.0/", "", None, "input", ["nothing after the '/'"]),
    ("10.0.0.0/255.0.255.0", "", None, "input", ["'255.0.255.0' is not a netmask"]),
    ("10.0.0.0/x", "", None, "input", ["'x' after the '/' is not a prefix length"]),
    ("hello", "", None, "input", ["'hello' is not an IPv4 or IPv6 address"]),
    ("", "", None, "input", ["enter a network"]),
    ("fe80::1%eth0/64", "", None, "input", ["zone index"]),
    ("010.0.0.1/8", "", None, "input", ["Leading zeros"]),
    ("10.0.0.0/8", "10.0.0.256", None, "contains", ["'10.0.0.256' is not a valid IPv4 address"]),
    ("10.0.0.0/30", "", 8, "split", ["a /30 cannot be split into 8 subnets", "needs /33", "the most is 4"]),
]


@pytest.mark.parametrize(("text", "contains", "split_into", "field", "phrases"), ERRORS)
def test_errors_name_the_field(text, contains, split_into, field, phrases):
    with pytest.raises(ToolInputError) as raised:
        calculate(text, contains, split_into)
    assert raised.value.field == field
    for phrase in phrases:
        assert phrase in raised.value.message


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api(tool_client):
    body = {"input": "192.168.1.5/24", "contains": "192.168.1.200", "split": 2}
    response = await tool_client.post("/api/subnet", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {
        "note": "host bits set: 192.168.1.5/24 is an address inside the network 192.168.1.0/24; the network is shown",
        "version": 4,
        "network": "192.168.1.0/24",
        "network_address": "192.168.1.0",
        "prefix_length": 24,
        "netmask": "255.255.255.0",
        "wildcard": "0.0.0.255",
        "broadcast": "192.168.1.255",
        "first_host": "192.168.1.1",
        "last_host": "192.168.1.254",
        "address_count": 256,
        "host_count": 254,
        "host_note": "the network and broadcast addresses are not hosts",
        "address_class": "C",
        "special": {"block": "192.168.0.0/16", "name": "Private-Use", "reference": "RFC 1918"},
        "flags": {
            "private": True,
            "global": False,
            "reserved": False,
            "loopback": False,
            "link_local": False,
            "multicast": False,
            "unspecified": False,
        },
        "contains": {"address": "192.168.1.200", "belongs": True, "note": None},
        "split": {
            "requested": 2,
            "count": 2,
            "prefix_length": 25,
            "hosts_each": 126,
            "subnets": [
                {
                    "network": "192.168.1.0/25",
                    "first_host": "192.168.1.1",
                    "last_host": "192.168.1.126",
                    "broadcast": "192.168.1.127",
                },
                {
                    "network": "192.168.1.128/25",
                    "first_host": "192.168.1.129",
                    "last_host": "192.168.1.254",
                    "broadcast": "192.168.1.255",
                },
            ],
            "last": None,
        },
    }


async def test_api_big_ipv6_count_is_exact(tool_client):
    body = await (await tool_client.post("/api/subnet", json={"input": "2001:db8::/32"})).get_json()
    # 2^96 and 2^96 - 1: JSON carries the exact integers.
    assert (body["address_count"], body["host_count"]) == (79228162514264337593543950336, 79228162514264337593543950335)


@pytest.mark.parametrize(("text", "contains", "split_into", "field", "phrases"), ERRORS)
async def test_api_errors_are_422_naming_the_field(tool_client, text, contains, split_into, field, phrases):
    response = await tool_client.post("/api/subnet", json={"input": text, "contains": contains, "split": split_into})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert phrases[0] in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": 24}, "input"),
        ({"input": "x" * 101}, "input"),
        ({"input": "10.0.0.0/8", "split": 0}, "split"),
        ({"input": "10.0.0.0/8", "split": 2**32 + 1}, "split"),
        ({"input": "10.0.0.0/8", "split": "many"}, "split"),
        ({"input": "10.0.0.0/8", "contains": ["10.0.0.1"]}, "contains"),
    ],
)
async def test_api_schema_errors(tool_client, body, field):
    response = await tool_client.post("/api/subnet", json=body)
    assert response.status_code == 422
    assert (await response.get_json())["error"]["field"] == field


# --- page -------------------------------------------------------------------------------------------


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


async def test_empty_page(tool_client):
    response = await tool_client.get("/tools/subnet/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post" action="/tools/subnet/"' in page
    assert '<label for="input">' in page and '<label for="contains">' in page and '<label for="split">' in page
    assert "Example — Home network /24." in page and '<code id="subnet-network">192.168.1.0/24</code>' in page
    assert "style=" not in page


async def test_page_post_without_htmx(tool_client):
    form = urlencode({"input": "172.16.0.0/12", "contains": "172.31.0.1", "split": "3"})
    response = await tool_client.post("/tools/subnet/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="subnet-network">172.16.0.0/12</code>' in page
    assert '<code id="subnet-broadcast">172.31.255.255</code>' in page
    assert '<code id="subnet-hosts">1048574</code>' in page
    assert 'data-copy-target="subnet-netmask"' in page
    assert "<code>172.31.0.1</code> is inside <code>172.16.0.0/12</code>" in page
    assert "3 rounded up to 4 (a power of two)." in page
    assert "<td><code>172.28.0.0/14</code></td>" in page
    assert share_link(page) == "/tools/subnet/?input=172.16.0.0%2F12&contains=172.31.0.1&split=3"


async def test_page_htmx_partial(tool_client):
    form = urlencode({"input": "10.0.0.0/31", "contains": "", "split": ""})
    response = await tool_client.post("/tools/subnet/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "HX-Request" in response.headers["Vary"]
    assert '<code id="subnet-first">10.0.0.0</code>' in fragment
    assert '<code id="subnet-last">10.0.0.1</code>' in fragment
    assert "none <small" in fragment and "RFC 3021" in fragment
    assert share_link(fragment) == "/tools/subnet/?input=10.0.0.0%2F31"


async def test_shareable_get(tool_client):
    response = await tool_client.get("/tools/subnet/?input=192.168.1.5%2F24&split=2")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "host bits set: 192.168.1.5/24 is an address inside the network 192.168.1.0/24" in page
    assert "<td><code>192.168.1.128/25</code></td>" in page
    assert 'value="192.168.1.5/24"' in page


async def test_page_lists_only_the_first_256_subnets(tool_client):
    page = await (await tool_client.get("/tools/subnet/?input=10.0.0.0%2F8&split=65536")).get_data(as_text=True)
    assert page.count("<tr><td><code>10.") == 256
    assert "Showing the first 256 of 65536 subnets; the last one is <code>10.255.255.0/24</code>" in page


async def test_page_error_next_to_the_field(tool_client):
    form = urlencode({"input": "10.0.0.0/30", "split": "8"})
    response = await tool_client.post("/tools/subnet/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="split-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "a /30 cannot be split into 8 subnets" in oob.group(1)
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment
    assert "subnet-network" not in fragment


async def test_page_schema_error_keeps_the_input(tool_client):
    form = urlencode({"input": "10.0.0.0/8", "split": "0"})
    response = await tool_client.post("/tools/subnet/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<small class="field-error" id="split-error" role="alert">[^<]*1', page)
    assert 'value="10.0.0.0/8"' in page


# --- split by prefix length -------------------------------------------------------------------------


def test_split_by_prefix_26_of_a_24_is_four_subnets():
    split = calculate("192.168.1.0/24", split_prefix=26).split
    assert (split.requested, split.count, split.prefix_length, split.hosts_each, split.last) == (None, 4, 26, 62, None)
    assert [(s.network, s.first_host, s.last_host, s.broadcast) for s in split.subnets] == [
        ("192.168.1.0/26", "192.168.1.1", "192.168.1.62", "192.168.1.63"),
        ("192.168.1.64/26", "192.168.1.65", "192.168.1.126", "192.168.1.127"),
        ("192.168.1.128/26", "192.168.1.129", "192.168.1.190", "192.168.1.191"),
        ("192.168.1.192/26", "192.168.1.193", "192.168.1.254", "192.168.1.255"),
    ]


def test_split_by_the_networks_own_prefix_is_the_network_itself():
    split = calculate("10.1.2.3/16", split_prefix=16).split
    assert (split.count, [s.network for s in split.subnets]) == (1, ["10.1.0.0/16"])


def test_split_by_prefix_is_bounded_and_names_the_last():
    # ::/0 into /128: 2^128 subnets, of which only the first MAX_SPLIT_ROWS are made.
    split = calculate("::/0", split_prefix=128).split
    assert (split.count, len(split.subnets)) == (2**128, MAX_SPLIT_ROWS)
    assert split.subnets[255].network == "::ff/128"
    assert split.last.network == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"
    split = calculate("10.0.0.0/8", split_prefix=30).split
    assert (split.count, split.hosts_each, split.last.network) == (2**22, 2, "10.255.255.252/30")


@pytest.mark.parametrize(
    ("text", "split_into", "prefix", "phrases"),
    [
        ("192.168.1.0/24", None, 23, ["/23 is shorter than the network's own /24", "from /24 to /32"]),
        ("192.168.1.0/24", None, 33, ["/33 is longer than /32, the longest IPv4 prefix"]),
        ("2001:db8::/32", None, 16, ["/16 is shorter than the network's own /32", "to /128"]),
        ("192.168.1.0/24", 4, 26, ["either split", "not both"]),
    ],
)
def test_split_prefix_errors_name_the_field(text, split_into, prefix, phrases):
    with pytest.raises(ToolInputError) as raised:
        calculate(text, split_into=split_into, split_prefix=prefix)
    assert raised.value.field == "split_prefix"
    for phrase in phrases:
        assert phrase in raised.value.message


async def test_api_split_prefix(tool_client):
    response = await tool_client.post("/api/subnet", json={"input": "192.168.1.0/24", "split_prefix": 26})
    assert response.status_code == 200
    split = (await response.get_json())["split"]
    assert (split["requested"], split["count"], split["prefix_length"]) == (None, 4, 26)
    assert [s["network"] for s in split["subnets"]] == [f"192.168.1.{n}/26" for n in (0, 64, 128, 192)]


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ({"input": "192.168.1.0/24", "split_prefix": 20}, "/20 is shorter than the network's own /24"),
        ({"input": "192.168.1.0/24", "split_prefix": 129}, "less than or equal to 128"),
        ({"input": "192.168.1.0/24", "split_prefix": -1}, "greater than or equal to 0"),
        ({"input": "192.168.1.0/24", "split_prefix": "big"}, "integer"),
    ],
)
async def test_api_split_prefix_errors_are_422_naming_the_field(tool_client, body, phrase):
    response = await tool_client.post("/api/subnet", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "split_prefix" and phrase in error["message"]


async def test_page_split_prefix_and_its_share_link(tool_client):
    form = urlencode({"input": "10.0.0.0/8", "contains": "", "split": "", "split_prefix": "/24"})
    response = await tool_client.post("/tools/subnet/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<label for="split_prefix">' in page
    assert "Split into 65536 × /24" in page and "Every /24 in /8." in page
    assert page.count("<tr><td><code>10.") == MAX_SPLIT_ROWS
    assert "Showing the first 256 of 65536 subnets; the last one is <code>10.255.255.0/24</code>" in page
    assert share_link(page) == "/tools/subnet/?input=10.0.0.0%2F8&split_prefix=%2F24"


async def test_page_split_prefix_error_next_to_its_field(tool_client):
    form = urlencode({"input": "10.0.0.0/30", "split_prefix": "29"})
    response = await tool_client.post("/tools/subnet/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="split_prefix-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "/29 is shorter than the network&#39;s own /30" in oob.group(1)


def test_command_line_splits_by_prefix():
    runner = create_app({"SECRET_KEY": "x" * 40}).test_cli_runner()
    result = runner.invoke(args=["tool", "subnet", '{"input": "192.168.1.0/24", "split_prefix": 26}'])
    assert result.exit_code == 0, result.output
    assert [s["network"] for s in json.loads(result.stdout)["split"]["subnets"]][-1] == "192.168.1.192/26"
