"""No test reaches another machine: in the test process a socket may connect only to loopback, and
getaddrinfo answers only for loopback names and addresses (a public name is never asked of the system's DNS).

The app the tests make asks a DNS server of its own (`quiet_dns()`, on loopback, NXDOMAIN for every name)
unless a test points MYTOOLS_DNS_RESOLVERS at its own LoopbackDNS.
"""

from __future__ import annotations

import socket
from ipaddress import ip_address

import pytest

from tests.dnsserver import LoopbackDNS

LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
_quiet: LoopbackDNS | None = None


class OffMachineAttempt(AssertionError):
    """A test tried to reach beyond loopback: a bug in the test or in a guard."""


def is_loopback(host) -> bool:
    if host is None or (isinstance(host, str) and host.lower() in LOOPBACK_NAMES):
        return True
    try:
        return ip_address(host.decode() if isinstance(host, bytes) else str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def check_destination(address) -> None:
    if isinstance(address, (str, bytes)):  # a Unix socket's path
        return
    if not is_loopback(address[0]):
        raise OffMachineAttempt(f"a test tried to connect to {address[0]!r}: tests stay on loopback")


def guarded_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo, real_sendto = socket.getaddrinfo, socket.socket.sendto

    def connect(self, address):
        check_destination(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check_destination(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not is_loopback(host):
            raise OffMachineAttempt(f"a test tried to resolve {host!r} with the system's resolver")
        return real_getaddrinfo(host, *args, **kwargs)

    def sendto(self, data, *args):
        check_destination(args[-1])
        return real_sendto(self, data, *args)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def quiet_dns() -> str:
    """The address of the session's DNS server that knows no name (started on first use)."""
    global _quiet
    if _quiet is None:
        _quiet = LoopbackDNS("").__enter__()
    return _quiet.address
