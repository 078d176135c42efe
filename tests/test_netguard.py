"""The SSRF guard (core/netguard.py): every refused range in every spelling, names that resolve to them,
the allow list, and that a refusal never opens a connection (a listening loopback socket sees none)."""

import socket
from ipaddress import ip_address

import pytest

from core import netguard
from core.config import load_settings
from core.forms import ToolInputError
from core.netguard import NetworkRefused, address_problem, check_address, checked_address, connect_checked
from tests.dnsserver import LoopbackDNS


def settings(**env):
    return load_settings({"TESTING": "1", **env})


# (spelling, what it is): each range of IANA's special-purpose registries the guard refuses, in its forms.
REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("2130706433", "loopback"),  # 127.0.0.1 as one decimal number
    ("0x7f000001", "loopback"),  # … as one hexadecimal number
    ("0177.0.0.1", "loopback"),  # octal first part
    ("127.1", "loopback"),  # short form: 127.0.0.1
    ("0x7f.1", "loopback"),
    ("127.0.0.1.", "loopback"),  # trailing dot
    ("::1", "loopback"),
    ("[::1]", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6, unmapped by netaddr
    ("[::ffff:7f00:1]", "loopback"),
    ("::127.0.0.1", "loopback address (127.0.0.1) in IPv6 form"),  # IPv4-compatible (deprecated)
    ("64:ff9b::7f00:1", "loopback address (127.0.0.1) in IPv6 form"),  # NAT64 of 127.0.0.1
    ("2002:7f00:1::1", "loopback address (127.0.0.1) in IPv6 form"),  # 6to4 of 127.0.0.1
    ("2002:a9fe:a9fe::", "link-local address (cloud metadata lives there) (169.254.169.254) in IPv6 form"),
    ("10.0.0.1", "private address (RFC 1918)"),
    ("012.0.0.1", "private address (RFC 1918)"),  # octal 012 = 10
    ("172.16.0.1", "private address (RFC 1918)"),
    ("172.31.255.255", "private address (RFC 1918)"),
    ("192.168.1.1", "private address (RFC 1918)"),
    ("3232235777", "private address (RFC 1918)"),  # 192.168.1.1
    ("::ffff:192.168.1.1", "private address (RFC 1918)"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("169.254.169.254", "link-local address (cloud metadata"),  # AWS/GCP/Azure metadata
    ("0xa9fea9fe", "link-local address (cloud metadata"),
    ("fe80::1", "link-local"),
    ("0.0.0.0", "unspecified"),
    ("0", "unspecified"),
    ("::", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.0.8", "reserved"),
    ("192.88.99.1", "reserved"),
    ("192.0.2.1", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.1", "benchmarking"),
    ("2001:2::1", "benchmarking"),
    ("fc00::1", "unique local"),
    ("fd12:3456:789a::1", "unique local"),
    ("fec0::1", "site-local"),
    ("100::1", "discard-only"),
    ("2001::1", "Teredo"),
    ("64:ff9b:1::1", "local-use NAT64"),
]
# Public addresses (hand-picked from published resolvers and IANA) and their IPv6 forms: let through.
ALLOWED = [
    "1.1.1.1",
    "8.8.8.8",
    "16843009",  # 1.1.1.1
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::",
]


@pytest.mark.parametrize("spelling, reason", REFUSED)
async def test_every_refused_range_and_spelling(spelling, reason):
    with pytest.raises(NetworkRefused, match=r"is an? .*" + reason.replace("(", r"\(").replace(")", r"\)")) as refused:
        await checked_address(spelling, settings(), field="host")
    assert refused.value.field == "host"
    assert refused.value.message.endswith("it is not contacted")


async def test_the_refusal_names_the_address_as_read():
    with pytest.raises(NetworkRefused) as refused:
        await checked_address("0177.0.0.1", settings())
    assert str(refused.value).startswith("127.0.0.1 is a loopback address")


@pytest.mark.parametrize("spelling", ALLOWED)
async def test_public_addresses_pass(spelling):
    assert address_problem(await checked_address(spelling, settings())) is None


def test_the_allow_list_exempts_only_its_networks():
    allow = settings(MYTOOLS_NETWORK_ALLOW="127.0.0.1/32, 10.9.0.0/16")
    assert check_address(ip_address("127.0.0.1"), allow) == ip_address("127.0.0.1")
    assert check_address(ip_address("::ffff:127.0.0.1"), allow)  # the same host over IPv6
    assert check_address(ip_address("10.9.8.7"), allow)
    for refused in ("127.0.0.2", "10.10.0.1", "::1"):
        with pytest.raises(NetworkRefused):
            check_address(ip_address(refused), allow)


ZONE = """
intranet.test. 60 IN A 10.1.2.3
mixed.test. 60 IN A 1.1.1.1
mixed.test. 60 IN AAAA fd00::5
metadata.test. 60 IN A 169.254.169.254
public.test. 60 IN A 1.1.1.1
public.test. 60 IN AAAA 2606:4700:4700::1111
v6only.test. 60 IN AAAA 2606:4700:4700::1001
"""


async def test_a_name_resolving_to_a_private_address_is_refused():
    with LoopbackDNS(ZONE) as dns_server:
        env = settings(MYTOOLS_DNS_RESOLVERS=dns_server.address)
        with pytest.raises(NetworkRefused, match=r"^intranet.test resolves to 10.1.2.3, which is a private address"):
            await checked_address("intranet.test", env)
        with pytest.raises(NetworkRefused, match=r"^metadata.test resolves to 169.254.169.254, which is a link-local"):
            await checked_address("METADATA.test.", env)
        # One refused answer among public ones refuses the name: the client could be given either.
        with pytest.raises(NetworkRefused, match=r"mixed.test resolves to fd00::5, which is a private address"):
            await checked_address("mixed.test", env)
        assert await checked_address("public.test", env) == ip_address("1.1.1.1")  # IPv4 first
        assert await checked_address("v6only.test", env) == ip_address("2606:4700:4700::1001")


async def test_names_without_an_address_are_clear_errors():
    with LoopbackDNS(ZONE) as dns_server:
        env = settings(MYTOOLS_DNS_RESOLVERS=dns_server.address)
        with pytest.raises(ToolInputError, match="nowhere.test does not exist"):
            await checked_address("nowhere.test", env)
        with pytest.raises(ToolInputError, match="not a valid host name"):
            await checked_address("a..b", env)
        with pytest.raises(ToolInputError, match="not a valid host name"):
            await checked_address("x" * 64 + ".test", env)


@pytest.fixture
def listener():
    """A listening socket on loopback: a connection attempt would be queued in its backlog."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def accepted(sock: socket.socket) -> bool:
    try:
        sock.accept()[0].close()
        return True
    except BlockingIOError:
        return False


@pytest.mark.parametrize("spelling", ["127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1"])
async def test_a_refusal_opens_no_connection_and_would_without_the_guard(listener, spelling, monkeypatch):
    port = listener.getsockname()[1]
    with pytest.raises(NetworkRefused, match="127.0.0.1 is a loopback address"):
        await connect_checked(spelling, port, settings())
    assert not accepted(listener)
    # Without the guard's check the very same call connects: the refusal above is the guard's doing.
    monkeypatch.setattr(netguard, "address_problem", lambda address: None)
    reader, writer, address = await connect_checked(spelling, port, settings())
    writer.close()
    assert address == ip_address("127.0.0.1") and accepted(listener)


async def test_a_name_resolving_to_loopback_opens_no_connection(listener, monkeypatch):
    port = listener.getsockname()[1]
    with LoopbackDNS("inside.test. 60 IN A 127.0.0.1") as dns_server:
        env = settings(MYTOOLS_DNS_RESOLVERS=dns_server.address)
        with pytest.raises(NetworkRefused, match="inside.test resolves to 127.0.0.1, which is a loopback address"):
            await connect_checked("inside.test", port, env)
        assert not accepted(listener)
        monkeypatch.setattr(netguard, "address_problem", lambda address: None)
        writer = (await connect_checked("inside.test", port, env))[1]
        writer.close()
        assert accepted(listener)


async def test_a_closed_port_is_the_targets_answer_not_an_outage():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(ToolInputError, match=f"could not connect to 127.0.0.1:{port}: Connection refused"):
        await connect_checked("127.0.0.1", port, settings(MYTOOLS_NETWORK_ALLOW="127.0.0.1/32"))
