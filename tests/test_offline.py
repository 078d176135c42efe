"""The tests' own safeguard (tests/offline.py): nothing in the test process reaches beyond loopback."""

import socket

import pytest

from core.config import load_settings
from core.forms import ToolInputError
from core.netguard import checked_address
from tests.offline import OffMachineAttempt, quiet_dns


@pytest.mark.parametrize("address", [("1.1.1.1", 53), ("10.255.255.53", 53), ("2606:4700:4700::1111", 443)])
def test_a_connection_off_the_machine_fails_the_test(address):
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        with pytest.raises(OffMachineAttempt):
            sock.connect(address)
        with pytest.raises(OffMachineAttempt):
            sock.sendto(b"x", address)


def test_public_names_are_not_given_to_the_systems_resolver():
    with pytest.raises(OffMachineAttempt):
        socket.getaddrinfo("example.com", 443)
    assert socket.getaddrinfo("localhost", 80)


async def test_the_apps_default_dns_server_knows_no_name():
    settings = load_settings({"TESTING": "1", "MYTOOLS_DNS_RESOLVERS": quiet_dns()})
    with pytest.raises(ToolInputError, match="example.com does not exist"):
        await checked_address("example.com", settings)
