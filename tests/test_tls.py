"""The tls tool against a loopback TLS server whose chain (root → intermediate → leaf) trustme made: the chain
as sent, each certificate described, the protocol and cipher, and trust against the test CA or none."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from app import create_app
from core import netguard
from core.config import load_settings
from core.forms import ToolInputError
from core.netguard import NetworkRefused
from tests.dnsserver import LoopbackDNS
from tests.netservers import Answer, LoopbackHTTP, signed_in_client
from tools.tls import TlsInput, inspect_tls, split_host

NOW = datetime.now(UTC).replace(microsecond=0)
ZONE = "secure.test. 60 IN A 127.0.0.1\nwrong.test. 60 IN A 127.0.0.1"


@pytest.fixture(scope="module")
def authority():
    """A root CA, an intermediate under it, and a leaf for secure.test valid 30 days and an hour from now."""
    root = trustme.CA()
    intermediate = root.create_child_ca()
    leaf = intermediate.issue_cert(
        "secure.test", "127.0.0.1", not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=30, hours=1)
    )
    return root, intermediate, leaf


@pytest.fixture
def trusting(monkeypatch, authority):
    """The app's verified TLS client trusts the test root (as the system store trusts public roots)."""

    def context():
        tls = netguard.ssl.create_default_context()
        authority[0].configure_trust(tls)
        return tls

    monkeypatch.setattr(netguard, "tls_client_context", context)


def settings(dns_server):
    return load_settings(
        {"TESTING": "1", "MYTOOLS_NETWORK_ALLOW": "127.0.0.1/32", "MYTOOLS_DNS_RESOLVERS": dns_server.address}
    )


def der(pem_blob) -> bytes:
    return x509.load_pem_x509_certificate(pem_blob.bytes()).public_bytes(serialization.Encoding.DER)


async def test_the_chain_as_sent_and_trusted_by_the_test_ca(authority, trusting):
    root, intermediate, leaf = authority
    with LoopbackHTTP({"/": Answer()}, tls=leaf) as server, LoopbackDNS(ZONE) as dns_server:
        result = await inspect_tls(TlsInput(host=f"secure.test:{server.port}"), settings(dns_server))
    assert (result.host, result.port, result.address) == ("secure.test", server.port, "127.0.0.1")
    assert result.trusted and result.verification == "trusted"
    assert result.protocol == "TLSv1.3" and result.cipher.startswith("TLS_") and result.cipher_bits >= 128
    assert len(result.chain) == 2  # the leaf and the intermediate; the root is not sent
    server_cert, sent_intermediate = result.chain
    assert server_cert.names == ["secure.test", "127.0.0.1"]
    assert server_cert.issuer == sent_intermediate.subject and not server_cert.is_ca and sent_intermediate.is_ca
    assert server_cert.days_left == 30 and server_cert.not_after == (NOW + timedelta(days=30, hours=1)).isoformat()
    assert server_cert.key == "EC secp256r1 (256 bits)" and server_cert.signature_algorithm == "ECDSA with SHA256"
    # The fingerprints are those of the DER certificate trustme wrote (computed here independently).
    leaf_der = der(leaf.cert_chain_pems[0])
    assert server_cert.sha256 == x509.load_der_x509_certificate(leaf_der).fingerprint(hashes.SHA256()).hex(":").upper()
    assert server_cert.sha1.count(":") == 19
    assert result.summary == f"secure.test:{server.port} TLSv1.3, trusted, expires in 30 days"


async def test_an_unknown_authority_and_a_wrong_name_are_not_trusted(authority, trusting, monkeypatch):
    _, _, leaf = authority
    with LoopbackHTTP({"/": Answer()}, tls=leaf) as server, LoopbackDNS(ZONE) as dns_server:
        wrong = await inspect_tls(TlsInput(host="wrong.test", port=server.port), settings(dns_server))
        monkeypatch.setattr(netguard, "tls_client_context", netguard.ssl.create_default_context)  # no test root
        unknown = await inspect_tls(TlsInput(host="secure.test", port=server.port), settings(dns_server))
    assert (wrong.trusted, wrong.verification) == (
        False,
        "Hostname mismatch, certificate is not valid for 'wrong.test'.",
    )
    assert len(wrong.chain) == 2  # the chain is shown all the same
    assert (unknown.trusted, unknown.verification) == (False, "unable to get local issuer certificate")
    assert "NOT trusted (unable to get local issuer certificate)" in unknown.summary


async def test_an_expired_certificate_says_so():
    root = trustme.CA(key_type=trustme.KeyType.RSA)
    old = root.issue_cert(
        "127.0.0.1",
        not_before=NOW - timedelta(days=400),
        not_after=NOW - timedelta(days=10, hours=1),
        key_type=trustme.KeyType.RSA,
    )
    with LoopbackHTTP({"/": Answer()}, tls=old) as server, LoopbackDNS("") as dns_server:
        result = await inspect_tls(TlsInput(host=f"127.0.0.1:{server.port}"), settings(dns_server))
    assert result.chain[0].days_left == -11 and result.summary.endswith("expired 11 days ago")
    assert result.chain[0].key == "RSA 2048 bits" and result.chain[0].signature_algorithm == "RSA with SHA256"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("example.com", ("example.com", 443)),
        ("example.com:8443", ("example.com", 8443)),
        ("https://example.com:444/path?q", ("example.com", 444)),
        ("[2001:db8::1]:853", ("2001:db8::1", 853)),
        ("2001:db8::1", ("2001:db8::1", 443)),
    ],
)
def test_split_host(text, expected):
    assert split_host(text, 443) == expected


@pytest.mark.parametrize("text", ["example.com:0", "example.com:99999", "example.com:https", ":443"])
def test_split_host_refuses_bad_ports(text):
    with pytest.raises(ToolInputError):
        split_host(text, 443)


async def test_private_addresses_are_refused_without_a_handshake():
    with LoopbackDNS("") as dns_server:
        with pytest.raises(NetworkRefused, match="10.0.0.1 is a private address"):
            await inspect_tls(
                TlsInput(host="10.0.0.1"), load_settings({"TESTING": "1", "MYTOOLS_DNS_RESOLVERS": dns_server.address})
            )


async def test_api_and_page(database_url, authority, trusting):
    _, _, leaf = authority
    with LoopbackHTTP({"/": Answer()}, tls=leaf) as server, LoopbackDNS(ZONE) as dns_server:
        async with signed_in_client(database_url, MYTOOLS_DNS_RESOLVERS=dns_server.address) as (client, token):
            response = await client.post("/api/tls", json={"host": "secure.test", "port": server.port}, headers=token)
            page = await client.get(f"/tools/tls/?host=secure.test&port={server.port}", headers=token)
            text = await page.get_data(as_text=True)
    body = await response.get_json()
    assert response.status_code == 200 and body["trusted"] and len(body["chain"]) == 2
    assert page.status_code == 200 and "Trusted" in text and "EC secp256r1 (256 bits)" in text


def test_command_line(authority):
    _, _, leaf = authority
    with LoopbackHTTP({"/": Answer()}, tls=leaf) as server:
        runner = create_app({"SECRET_KEY": "x" * 40, "MYTOOLS_NETWORK_ALLOW": "127.0.0.1/32"}).test_cli_runner()
        result = runner.invoke(args=["tool", "tls", json.dumps({"host": f"127.0.0.1:{server.port}"})])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["chain"][0]["names"] == ["secure.test", "127.0.0.1"]
    assert answer["verification"] == "unable to get local issuer certificate"  # the system store lacks the test root
