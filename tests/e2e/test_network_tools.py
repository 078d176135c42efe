"""The network tools in a browser: a logged-in owner checks loopback servers (HTTP with long headers, TLS, RDAP)
and each result fits a 360 px phone with nothing serious for axe; a visitor is asked to log in."""

from __future__ import annotations

import json

import pytest
import trustme

from tests.dnsserver import LoopbackDNS
from tests.netservers import Answer, LoopbackHTTP

from .conftest import log_in, serious_violations

pytestmark = pytest.mark.e2e
PHONE = {"width": 360, "height": 740}
LONG_POLICY = "default-src 'self'; " + "; ".join(f"img-src https://cdn{n}.images.example.net" for n in range(12))
ROUTES = {
    "/": Answer(301, [("Location", "/page?" + "q=" + "x" * 300)]),
    "/page": Answer(200, [("Content-Security-Policy", LONG_POLICY), ("Set-Cookie", "sid=" + "y" * 200)], b"ok"),
}
RDAP_ANSWER = {
    "objectClassName": "domain",
    "ldhName": "example.test",
    "status": ["client transfer prohibited"],
    "events": [{"eventAction": "registration", "eventDate": "1995-08-14T04:00:00Z"}],
    "nameservers": [{"ldhName": "ns1.example.test"}],
}


@pytest.fixture(scope="module")
def servers():
    leaf = trustme.CA().issue_cert("site.test")
    with (
        LoopbackHTTP(ROUTES) as plain,
        LoopbackHTTP({"/": Answer()}, tls=leaf) as secure,
        LoopbackHTTP({"/domain/example.test": Answer(200, [], json.dumps(RDAP_ANSWER).encode())}) as rdap,
        LoopbackDNS("site.test. 60 IN A 127.0.0.1") as dns_server,
    ):
        yield plain, secure, rdap, dns_server


@pytest.fixture(scope="module")
def live_env(live_env, servers):
    """The live server's environment, the loopback servers allowed and the tests' DNS asked."""
    _, _, rdap, dns_server = servers
    return {
        **live_env,
        "MYTOOLS_NETWORK_ALLOW": "127.0.0.1/32",
        "MYTOOLS_DNS_RESOLVERS": dns_server.address,
        "MYTOOLS_RDAP_BOOTSTRAP_URL": rdap.url("/"),
    }


def too_wide(page) -> list[str]:
    """The elements that stick out of the phone's width (for the failure message)."""
    script = "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 360)"
    return page.evaluate(script + ".slice(0, 5).map(e => e.tagName + '.' + e.className)")


def test_each_result_fits_a_phone(browser, live_server, servers, screenshots):
    plain, secure, _, _ = servers
    context = browser.new_context(base_url=live_server, viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/tools/http/")
        assert "Log in to use the network tools" in page.inner_text("main")
        log_in(page)
        checks = [
            (f"/tools/http/?url=http://site.test:{plain.port}/", "#http-summary", "200 OK"),
            (f"/tools/tls/?host=site.test&port={secure.port}", "#tls-summary", "Not trusted"),
            ("/tools/rdap/?query=example.test", "#rdap-summary", "registered 1995-08-14"),
        ]
        for path, summary, expected in checks:
            response = page.goto(path)
            assert response.status == 200, path
            assert expected in page.inner_text(summary)
            page.screenshot(path=screenshots / f"network-{path.split('/')[2]}-360.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (path, too_wide(page))
            assert serious_violations(page) == [], path
    finally:
        context.close()
