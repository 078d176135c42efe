"""The http tool: the graded security headers (hand-checked against the specifications) and the tool through
API, page and command line against a loopback HTTP server (MYTOOLS_NETWORK_ALLOW=127.0.0.1/32)."""

import json

import pytest

from app import create_app
from tests.dnsserver import LoopbackDNS
from tests.netservers import Answer, LoopbackHTTP, signed_in_client
from tools.http_check.grade import check_cookie, check_csp, check_hsts, check_referrer, letter, security_checks

# The headers of a hardened site (as OWASP's Secure Headers Project recommends them).
HARDENED = [
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload"),
    ("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-r4nd0m'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), geolocation=()"),
    ("Set-Cookie", "sid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax"),
]


def grades(checks):
    return [(check.name, check.grade) for check in checks]


def test_a_hardened_answer_gets_an_a():
    checks = security_checks(HARDENED, True, ["sid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax"])
    assert all(check.grade == "good" for check in checks) and letter(checks) == "A"
    assert checks[0].verdict == "max-age is 365 days (includeSubDomains, preload)."
    assert checks[3].value == "frame-ancestors 'none'"
    assert checks[-1].value == "sid=…; Path=/; Secure; HttpOnly; SameSite=Lax"  # the cookie's value is not shown


def test_a_bare_answer_over_http_gets_an_f():
    checks = security_checks([("Content-Type", "text/html")], False, [])
    assert grades(checks) == [
        ("Strict-Transport-Security", "bad"),  # plain HTTP: nothing is protected
        ("Content-Security-Policy", "bad"),
        ("X-Content-Type-Options", "bad"),
        ("Framing (frame-ancestors / X-Frame-Options)", "bad"),
        ("Referrer-Policy", "warn"),  # browsers default to strict-origin-when-cross-origin
        ("Permissions-Policy", "warn"),
    ]
    assert letter(checks) == "F"


@pytest.mark.parametrize(
    "value, grade",
    [
        ("max-age=300", "warn"),  # 5 minutes, under 180 days
        ("max-age=15552000", "good"),  # exactly 180 days
        ("includeSubDomains", "bad"),  # no max-age: ignored (RFC 6797 §6.1.1)
        ('max-age="31536000"', "good"),  # a quoted value is allowed (RFC 6797 §6.1)
    ],
)
def test_hsts_max_age(value, grade):
    assert check_hsts([value], True).grade == grade


@pytest.mark.parametrize(
    "policy, grade",
    [
        ("script-src 'self' 'unsafe-inline'", "warn"),
        ("script-src 'self' 'unsafe-inline' 'nonce-abc'", "good"),  # a nonce makes browsers ignore unsafe-inline
        ("default-src 'self' 'unsafe-eval'", "warn"),
        ("img-src *", "warn"),  # nothing restricts scripts
        ("default-src 'none'", "good"),
    ],
)
def test_csp_script_sources(policy, grade):
    assert check_csp([policy], []).grade == grade


def test_csp_report_only_does_not_block():
    assert check_csp([], ["default-src 'self'"]).grade == "warn"


@pytest.mark.parametrize(
    "values, grade",
    [
        (["no-referrer"], "good"),
        (["origin-when-cross-origin"], "warn"),
        (["no-referrer, unsafe-url"], "bad"),  # the last known value applies
        (["unsafe-url, strict-origin", "bogus"], "good"),
    ],
)
def test_referrer_policy(values, grade):
    assert check_referrer(values).grade == grade


@pytest.mark.parametrize(
    "cookie, https, grade, verdict",
    [
        ("sid=1; Secure; HttpOnly; SameSite=Strict", True, "good", "Secure, HttpOnly, SameSite=Strict."),
        ("sid=1; HttpOnly; SameSite=Lax", True, "bad", "Not Secure: it can travel over plain HTTP."),
        ("sid=1; SameSite=None", False, "bad", "SameSite=None without Secure: browsers refuse it."),
        ("sid=1; Secure", True, "warn", "Lacks HttpOnly, SameSite."),
        ("sid=1; Secure; HttpOnly", True, "warn", "Lacks SameSite."),
    ],
)
def test_cookie_flags(cookie, https, grade, verdict):
    check = check_cookie(cookie, https)
    assert (check.grade, check.verdict) == (grade, verdict)


ROUTES = {
    "/start": Answer(302, [("Location", "/final"), ("Set-Cookie", "tracking=1")]),
    "/final": Answer(200, [("Content-Type", "text/plain"), ("X-Content-Type-Options", "nosniff")], b"final"),
}


async def test_api_shows_the_chain_headers_and_grade(database_url):
    with LoopbackHTTP(ROUTES) as server, LoopbackDNS("site.test. 60 IN A 127.0.0.1") as dns_server:
        async with signed_in_client(database_url, MYTOOLS_DNS_RESOLVERS=dns_server.address) as (client, token):
            response = await client.post(
                "/api/http", json={"url": f"http://site.test:{server.port}/start"}, headers=token
            )
            body = await response.get_json()
            refused = await client.post("/api/http", json={"url": "http://169.254.169.254/"}, headers=token)
            anonymous = await client.post("/api/http", json={"url": server.url("/start")})
    assert response.status_code == 200, body
    assert response.headers["Cache-Control"] == "no-store"
    assert [(hop["url"], hop["status"], hop["address"]) for hop in body["hops"]] == [
        (f"http://site.test:{server.port}/start", 302, "127.0.0.1"),
        (f"http://site.test:{server.port}/final", 200, "127.0.0.1"),
    ]
    assert body["summary"] == f"200 OK http://site.test:{server.port}/final, after 1 redirect; security headers: F"
    assert [check["grade"] for check in body["checks"]] == ["bad", "bad", "good", "bad", "warn", "warn", "warn"]
    assert body["checks"][-1]["name"] == "Cookie tracking" and body["body_bytes"] == 5
    assert refused.status_code == 422
    error = (await refused.get_json())["error"]
    assert error["field"] == "url" and error["message"].startswith("169.254.169.254 is a link-local address")
    assert anonymous.status_code == 401  # network tools are for accounts unless MYTOOLS_NETWORK_PUBLIC


async def test_page_shows_the_result_and_head_reads_no_body(database_url):
    with LoopbackHTTP(ROUTES) as server:
        async with signed_in_client(database_url) as (client, token):
            page = await client.get(f"/tools/http/?url={server.url('/final')}&method=HEAD", headers=token)
            text = await page.get_data(as_text=True)
    assert page.status_code == 200
    assert "200 OK" in text and "X-Content-Type-Options" in text and "Body: 0 bytes read" in text
    assert server.requests[-1][0] == "HEAD"


def test_command_line_checks_a_local_server():
    with LoopbackHTTP(ROUTES) as server:
        env = {"SECRET_KEY": "x" * 40, "MYTOOLS_NETWORK_ALLOW": "127.0.0.1/32"}
        runner = create_app(env).test_cli_runner()
        result = runner.invoke(args=["tool", "http", json.dumps({"url": server.url("/start")})])
        refused = create_app({"SECRET_KEY": "x" * 40}).test_cli_runner()
        denied = refused.invoke(args=["tool", "http", json.dumps({"url": server.url("/start")})])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == 200
    assert denied.exit_code == 1 and "127.0.0.1 is a loopback address" in denied.output
