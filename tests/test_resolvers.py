"""MYTOOLS_DNS_RESOLVERS / MYTOOLS_NETWORK_ALLOW parsing, and the resolver asking only the configured server."""

from ipaddress import ip_network

import dns.asyncresolver
import pytest

from core.config import ConfigError, load_settings
from core.resolvers import make_resolver, resolver_label
from tests.dnsserver import LoopbackDNS

ZONE = """
example.test. 300 IN A 192.0.2.10
example.test. 300 IN AAAA 2001:db8::10
rebind.test. 60 IN A 192.0.2.20
"""


def settings(**env):
    return load_settings({"TESTING": "1", **env})


def test_resolvers_parse_addresses_and_ports():
    parsed = settings(MYTOOLS_DNS_RESOLVERS="1.1.1.1, 127.0.0.1:5353, [::1]:5300, 2606:4700::1111").dns_resolvers
    assert parsed == (("1.1.1.1", 53), ("127.0.0.1", 5353), ("::1", 5300), ("2606:4700::1111", 53))


@pytest.mark.parametrize("bad", ["dns.google", "1.1.1.1:0", "1.1.1.1:99999", "300.1.1.1"])
def test_resolvers_refuse_what_is_not_an_address(bad):
    with pytest.raises(ConfigError, match="MYTOOLS_DNS_RESOLVERS"):
        settings(MYTOOLS_DNS_RESOLVERS=bad)


def test_network_allow_parses_cidrs_and_refuses_names():
    allowed = settings(MYTOOLS_NETWORK_ALLOW="127.0.0.1/32, 10.1.0.0/16, ::1").network_allow
    assert allowed == (ip_network("127.0.0.1/32"), ip_network("10.1.0.0/16"), ip_network("::1/128"))
    with pytest.raises(ConfigError, match="MYTOOLS_NETWORK_ALLOW"):
        settings(MYTOOLS_NETWORK_ALLOW="localhost")


def test_network_tools_are_not_public_by_default():
    assert settings().network_public is False
    assert settings(MYTOOLS_NETWORK_PUBLIC="true").network_public is True


async def test_configured_resolver_is_the_one_asked():
    with LoopbackDNS(
        ZONE, {("rebind.test", "A"): [["rebind.test. 1 IN A 198.51.100.1"], ["rebind.test. 1 IN A 127.0.0.1"]]}
    ) as server:
        resolver = make_resolver(settings(MYTOOLS_DNS_RESOLVERS=server.address))
        assert resolver_label(resolver) == server.address
        answer = await resolver.resolve("example.test", "A")
        assert [r.address for r in answer] == ["192.0.2.10"]
        answer = await resolver.resolve("example.test", "AAAA", tcp=True)
        assert [r.address for r in answer] == ["2001:db8::10"]
        first = await resolver.resolve("rebind.test", "A")
        second = await resolver.resolve("rebind.test", "A")
        assert [r.address for r in first] == ["198.51.100.1"] and [r.address for r in second] == ["127.0.0.1"]
        with pytest.raises(dns.resolver.NXDOMAIN):
            await resolver.resolve("missing.test", "A")
        assert ("example.test", "A") in server.queries
        assert isinstance(resolver, dns.asyncresolver.Resolver)
