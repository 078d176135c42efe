"""The IP and MAC tool: published vectors (RFC 3596, RFC 2464, RFC 4193) and hand-checked conversions."""

from __future__ import annotations

import ipaddress

import pytest

from core.forms import ToolInputError
from tools.ip import IpInput, run


def ip_run(mode: str = "address", text: str = ""):
    return run(IpInput(mode=mode, input=text))


@pytest.mark.parametrize("written", ["192.168.1.1", "3232235777", "0xc0a80101", "0xC0A80101", "[192.168.1.1]"])
def test_ipv4_in_every_notation(written):
    # Hand-checked: 192·2^24 + 168·2^16 + 1·2^8 + 1 = 3 232 235 777 = 0xC0A80101.
    address = ip_run(text=written).address
    assert (address.compressed, address.decimal, address.hex) == ("192.168.1.1", "3232235777", "0xc0a80101")
    assert address.binary == "11000000.10101000.00000001.00000001"
    assert address.ipv4_mapped == "::ffff:192.168.1.1"  # RFC 4291 §2.5.5.2
    assert address.reverse_dns == "1.1.168.192.in-addr.arpa"
    assert address.kind == "private"


def test_ipv6_reverse_name_from_rfc_3596():
    # RFC 3596 §2.5: the PTR name of 4321:0:1:2:3:4:567:89ab.
    address = ip_run(text="4321:0:1:2:3:4:567:89ab").address
    assert address.reverse_dns == "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa"
    assert address.exploded == "4321:0000:0001:0002:0003:0004:0567:89ab"


def test_an_ipv4_mapped_ipv6_address_names_its_ipv4_address():
    address = ip_run(text="::ffff:192.0.2.1").address
    assert (address.ipv4_mapped, address.kind, address.compressed) == ("192.0.2.1", "ipv4-mapped", "::ffff:c000:201")


def test_short_forms_and_zones():
    assert ip_run(text="127.1").result == "127.0.0.1"  # inet_aton: the last number fills the remaining bytes
    assert ip_run(text="fe80::1%eth0").result == "fe80::1"
    assert ip_run(text="2001:db8::1").address.kind == "documentation"  # RFC 3849


def test_a_range_becomes_the_fewest_cidr_blocks():
    # Hand-checked: 5 | 6-7 | 8-15 | 16-19 | 20: sixteen addresses in five aligned blocks.
    expanded = ip_run("range", "10.0.0.5 - 10.0.0.20").range
    assert expanded.cidrs == ["10.0.0.5/32", "10.0.0.6/31", "10.0.0.8/29", "10.0.0.16/30", "10.0.0.20/32"]
    assert expanded.count == "16"
    assert ip_run("range", "0.0.0.0 to 255.255.255.255").range.cidrs == ["0.0.0.0/0"]
    assert ip_run("range", "10.0.0.0/30").range.last == "10.0.0.3"
    assert len(ip_run("range", "::1 – ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe").range.cidrs) == 254  # the most


def test_a_new_ula_prefix_follows_rfc_4193():
    first, second = ip_run("ula").ula, ip_run("ula").ula
    prefix = ipaddress.IPv6Network(first.prefix)
    assert prefix.prefixlen == 48 and prefix.subnet_of(ipaddress.IPv6Network("fd00::/8"))  # L = 1
    assert int(prefix.network_address) >> 80 & (2**40 - 1) == int(first.global_id, 16)
    assert first.first_subnet == str(ipaddress.IPv6Network((prefix.network_address, 64)))
    assert first.global_id != second.global_id  # 40 random bits each time


def test_mac_formats_and_the_rfc_2464_eui_64_example():
    # RFC 2464 §4: the interface identifier of 34-56-78-9A-BC-DE is 36-56-78-FF-FE-9A-BC-DE.
    mac = ip_run("mac", "34-56-78-9A-BC-DE").mac
    assert (mac.colon, mac.dash, mac.dot, mac.bare) == (
        "34:56:78:9a:bc:de",
        "34-56-78-9A-BC-DE",
        "3456.789a.bcde",
        "3456789abcde",
    )
    assert mac.ipv6_link_local == "fe80::3656:78ff:fe9a:bcde"
    assert not mac.multicast and not mac.locally_administered


def test_a_generated_mac_is_locally_administered_unicast():
    for _ in range(20):
        mac = ip_run("mac").mac
        first = int(mac.bare[:2], 16)
        assert mac.generated and first & 0b11 == 0b10 and mac.locally_administered and not mac.multicast


@pytest.mark.parametrize(
    ("mode", "text", "message"),
    [
        ("address", "x", "'x' is not an IPv4 or IPv6 address"),
        ("address", "", "enter an address"),
        ("address", "9" * 50, "larger than any IPv6 address"),
        ("range", "10.0.0.20 - 10.0.0.5", "the range ends (10.0.0.5) before it starts (10.0.0.20)"),
        ("range", "10.0.0.1 - ::1", "both be IPv4 or both IPv6"),
        ("range", "10.0.0.1", "write a range as start - end"),
        ("mac", "00:11:22", "is not a MAC address"),
    ],
)
def test_refusals(mode, text, message):
    with pytest.raises(ToolInputError) as error:
        ip_run(mode, text)
    assert message in error.value.message


async def test_ip_api_and_page(tool_client):
    api = await tool_client.post("/api/ip", json={"input": "192.168.1.1"})
    assert (await api.get_json())["address"]["decimal"] == "3232235777"
    page = await (await tool_client.get("/tools/ip/?mode=range&input=10.0.0.5+-+10.0.0.20")).get_data(as_text=True)
    assert "10.0.0.8/29" in page and "Link to this result" in page
    generated = await (await tool_client.get("/tools/ip/?mode=ula")).get_data(as_text=True)
    assert 'id="ip-ula"' in generated and "Link to this result" not in generated  # a link would not reproduce it
