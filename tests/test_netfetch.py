"""Guarded HTTP (core/netfetch.py) against loopback servers: redirects checked hop by hop, DNS rebinding,
HTTPS verified against the name while connecting to the checked address, caps, and nothing of ours sent."""

import socket
import threading

import pytest
import trustme

from core import netfetch, netguard
from core.config import load_settings
from core.forms import ToolInputError
from core.netfetch import fetch
from core.netguard import NetworkRefused
from tests.dnsserver import LoopbackDNS
from tests.netservers import Answer, LoopbackHTTP

SENT_HEADERS = {"Host", "User-Agent", "Accept", "Accept-Encoding", "Connection"}


def settings(dns_server=None, allow="127.0.0.1/32"):
    env = {"TESTING": "1", "MYTOOLS_NETWORK_ALLOW": allow}
    if dns_server:
        env["MYTOOLS_DNS_RESOLVERS"] = dns_server.address
    return load_settings(env)


async def test_a_redirect_chain_is_followed_and_timed():
    routes = {
        "/old": Answer(301, [("Location", "/new"), ("Set-Cookie", "session=1")]),
        "/new": Answer(200, [("Content-Type", "text/plain")], b"hello"),
    }
    with LoopbackHTTP(routes) as server:
        fetched = await fetch(server.url("/old"), settings())
    assert [(hop.url, hop.status) for hop in fetched.hops] == [(server.url("/old"), 301), (server.url("/new"), 200)]
    assert fetched.hops[0].location == server.url("/new") and fetched.body == b"hello"
    assert all(0 < hop.connect_ms <= hop.first_byte_ms <= hop.total_ms for hop in fetched.hops)
    # Nothing but these headers: the cookie the first hop set is not sent back, no credentials at all.
    assert [set(headers) for _, _, headers in server.requests] == [SENT_HEADERS, SENT_HEADERS]
    assert server.requests[0][2]["Host"] == f"127.0.0.1:{server.port}"


async def test_a_redirect_to_a_refused_address_is_not_followed(monkeypatch):
    with LoopbackHTTP({"/": Answer(200, [], b"inside")}, host="127.0.0.2") as inside:
        routes = {"/go": Answer(302, [("Location", inside.url("/"))])}
        with LoopbackHTTP(routes) as outside:
            with pytest.raises(NetworkRefused) as refused:
                await fetch(outside.url("/go"), settings())
            assert str(refused.value) == (
                f"the redirect from {outside.url('/go')} to {inside.url('/')} was not followed: "
                "127.0.0.2 is a loopback address: it is not contacted"
            )
            assert inside.connections == 0
            monkeypatch.setattr(netguard, "address_problem", lambda address: None)  # without the guard…
            fetched = await fetch(outside.url("/go"), settings())
            assert fetched.body == b"inside" and inside.connections == 1  # …the redirect reaches inside


async def test_a_redirect_to_cloud_metadata_is_refused_before_any_connection():
    routes = {"/go": Answer(307, [("Location", "http://169.254.169.254/latest/meta-data/")])}
    with LoopbackHTTP(routes) as server:
        with pytest.raises(NetworkRefused, match="169.254.169.254 is a link-local address"):
            await fetch(server.url("/go"), settings())


async def test_dns_rebinding_cannot_switch_the_checked_address():
    """The name answers 127.0.0.2 (allowed here, standing for a public address) first and 127.0.0.1 (refused)
    second: the request goes to the address that was checked and the name is resolved once."""
    with LoopbackHTTP({"/": Answer(200, [], b"public")}, host="127.0.0.2") as public:
        with LoopbackHTTP({"/": Answer(200, [], b"internal")}, port=public.port) as internal:
            answers = {("rebind.test", "A"): [["rebind.test. 0 IN A 127.0.0.2"], ["rebind.test. 0 IN A 127.0.0.1"]]}
            with LoopbackDNS("", answers) as dns_server:
                fetched = await fetch(f"http://rebind.test:{public.port}/", settings(dns_server, "127.0.0.2/32"))
                assert dns_server.queries.count(("rebind.test", "A")) == 1
                # The second answer is refused: a guard that resolved again would connect to loopback.
                with pytest.raises(NetworkRefused, match="rebind.test resolves to 127.0.0.1"):
                    await fetch(f"http://rebind.test:{public.port}/", settings(dns_server, "127.0.0.2/32"))
    assert fetched.body == b"public" and fetched.hops[0].address == "127.0.0.2"
    assert public.requests[0][2]["Host"] == f"rebind.test:{public.port}"
    assert internal.connections == 0


async def test_credentials_in_a_url_are_refused_before_any_lookup():
    with LoopbackDNS("") as dns_server:
        with pytest.raises(ToolInputError, match="credentials are never sent"):
            await fetch("http://user:secret@example.com/", settings(dns_server))
        assert dns_server.queries == []


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x/", "http://[::1", "http://x:0/", "http://x:99999/"]
)
async def test_other_schemes_and_broken_urls_are_refused(url):
    with pytest.raises(ToolInputError):
        await fetch(url, settings())


async def test_the_body_is_capped_and_redirects_are_bounded():
    routes = {"/big": Answer(200, [], b"x" * 5000)}
    routes.update({f"/r{n}": Answer(302, [("Location", f"/r{n + 1}")]) for n in range(10)})
    with LoopbackHTTP(routes) as server:
        big = await fetch(server.url("/big"), settings(), max_bytes=1000)
        loop = await fetch(server.url("/r0"), settings(), max_redirects=3)
    assert big.body == b"x" * 1000 and big.truncated
    assert len(loop.hops) == 4 and loop.stopped.startswith("more than 3 redirects")


async def test_a_silent_server_is_cut_at_the_read_limit(monkeypatch):
    monkeypatch.setattr(netfetch, "READ_SECONDS", 0.2)
    with socket.socket() as silent:  # accepts (the backlog does) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        with pytest.raises(ToolInputError, match="no complete answer within 0.2 s"):
            await fetch(f"http://127.0.0.1:{silent.getsockname()[1]}/", settings())


@pytest.fixture
def ca(monkeypatch):
    """A test CA that the guarded HTTPS client trusts (besides nothing else)."""
    authority = trustme.CA()

    def context():
        tls = netguard.ssl.create_default_context()
        authority.configure_trust(tls)
        return tls

    monkeypatch.setattr(netguard, "tls_client_context", context)
    return authority


async def test_https_verifies_the_name_while_connecting_to_the_checked_address(ca):
    zone = "site.test. 60 IN A 127.0.0.1\nother.test. 60 IN A 127.0.0.1"
    with LoopbackHTTP({"/": Answer(200, [], b"secure")}, tls=ca.issue_cert("site.test")) as server:
        with LoopbackDNS(zone) as dns_server:
            fetched = await fetch(f"https://site.test:{server.port}/", settings(dns_server))
            with pytest.raises(ToolInputError, match="certificate is not trusted: Hostname mismatch"):
                await fetch(f"https://other.test:{server.port}/", settings(dns_server))
    assert fetched.body == b"secure" and fetched.hops[0].tls_version in ("TLSv1.2", "TLSv1.3")
    assert fetched.hops[0].address == "127.0.0.1"


async def test_https_with_an_unknown_authority_is_refused():
    with LoopbackHTTP({"/": Answer(200)}, tls=trustme.CA().issue_cert("127.0.0.1")) as server:
        with pytest.raises(ToolInputError, match="certificate is not trusted"):
            await fetch(server.url("/"), settings())


@pytest.fixture
def garbage_server():
    """A server that answers anything with a line that is not HTTP."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


async def test_an_answer_that_is_not_http_is_a_clear_error(garbage_server):
    with pytest.raises(ToolInputError, match="the answer is not valid HTTP/1.1"):
        await fetch(f"http://127.0.0.1:{garbage_server}/", settings())


async def test_https_to_a_plain_server_is_a_failed_handshake():
    with LoopbackHTTP({"/": Answer()}) as server:
        with pytest.raises(ToolInputError, match="the TLS handshake failed"):
            await fetch(f"https://127.0.0.1:{server.port}/", settings())


@pytest.mark.parametrize("host", ["2130706433", "0x7f.0.0.1", "0177.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"])
async def test_odd_spellings_in_urls_are_refused_before_connecting(host):
    with LoopbackHTTP({"/": Answer()}) as server:
        with pytest.raises(NetworkRefused, match="127.0.0.1 is a loopback address"):
            await fetch(f"http://{host}:{server.port}/", settings(allow=""))
    assert server.connections == 0
