"""Host normalisation as browsers resolve hosts (WHATWG URL), and the rate-limit key of a client address."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest

from core.netaddr import ip_key, normalize_host

LOOPBACK = IPv4Address("127.0.0.1")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1",  # the last part fills the remaining three bytes
        "127.0.1",
        "0x7f000001",
        "0X7F000001",
        "2130706433",  # 127 * 2**24 + 1
        "0177.0.0.1",  # octal
        "0x7f.0.0.1",
        "0x7f.1",
        "017700000001",  # octal as one number
        "127.0.0.1.",  # trailing dot
        "[::ffff:127.0.0.1]",
        "::ffff:127.0.0.1",  # as urlsplit().hostname gives it
        "[::ffff:7f00:1]",
        "%31%32%37.0.0.1",  # browsers percent-decode the host first
        "１２７．０．０．１",  # full-width digits and dots, mapped by IDNA
    ],
)
def test_spellings_of_the_loopback_address(host):
    assert normalize_host(host) == LOOPBACK


@pytest.mark.parametrize(
    "host, expected",
    [
        ("Tools.Example.COM", "tools.example.com"),
        ("tools.example.com.", "tools.example.com"),
        ("LOCALHOST.", "localhost"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("[::1]", IPv6Address("::1")),
        ("[0:0:0:0:0:0:0:1]", IPv6Address("::1")),
        ("[2001:DB8::1]", IPv6Address("2001:db8::1")),
        ("1.2.3.4", IPv4Address("1.2.3.4")),
        ("0x1.0x2.0x3.0x4", IPv4Address("1.2.3.4")),
        ("16909060", IPv4Address("1.2.3.4")),
    ],
)
def test_names_and_addresses(host, expected):
    assert normalize_host(host) == expected


@pytest.mark.parametrize(
    "host", ["", "1.2.3.256", "256.1.1.1", "1.2.3.4.5", "4294967296", "example.09", "[fe80::1%25eth0]", "[1::2::3]"]
)
def test_hosts_no_browser_accepts_are_refused(host):
    with pytest.raises(ValueError):
        normalize_host(host)


@pytest.mark.parametrize(
    "address, key",
    [
        ("1.2.3.4", "1.2.3.4"),
        ("::ffff:1.2.3.4", "1.2.3.4"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),  # one counter whatever the case of the hex digits
        ("::1", "::/64"),
        ("unknown", "unknown"),  # not an address (e.g. a unix socket): counted as given
    ],
)
def test_ip_key(address, key):
    assert ip_key(address) == key
