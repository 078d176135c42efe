"""The mail check: its pure parsers on the records the RFCs print (RFC 7208 SPF, RFC 7489 DMARC, RFC 6376 / 8463
DKIM, RFC 8461 MTA-STS, RFC 8460 TLS-RPT, RFC 7505 null MX), then whole domains served by a DNS server on loopback
through the API, the page and the command line."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.dnsserver import LoopbackDNS, app_asking
from tools.mail.dkim import dkim_check
from tools.mail.dmarc import dmarc_check
from tools.mail.spf import SpfInclude, parse_spf, spf_check
from tools.mail.transport import MxHost, mta_sts_check, mx_check, tls_rpt_check

FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# RFC 6376 Appendix A: the "brisbane" selector's 1024-bit RSA key; RFC 8463 Appendix A: its Ed25519 key (which is
# RFC 8032 section 7.1 test 1's public key, d75a9801…).
RFC6376_KEY = (
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq"
    "631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB"
)
RFC8463_ED25519 = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="


# --- SPF, RFC 7208 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "record", "lookups", "targets"),
    [
        ("3", "v=spf1 +mx a:colo.example.com/28 -all", 2, []),
        ("3.5", "v=spf1 a:A.EXAMPLE.COM -all", 1, []),
        ("4.7", "v=spf1 +mx redirect=_spf.example.com", 2, ["_spf.example.com"]),
        ("5.1", "v=spf1 a mx -all", 2, []),
        ("5.2", "v=spf1 include:example.com include:example.org -all", 2, ["example.com", "example.org"]),
        ("5.7", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", 1, []),
        ("6.1", "v=spf1 redirect=_spf.example.com", 1, ["_spf.example.com"]),
        ("6.2", "v=spf1 mx -all exp=explain._spf.%{d}", 1, []),  # exp= costs no lookup toward the limit
    ],
)
def test_rfc7208_records_parse_with_their_lookup_count(section, record, lookups, targets):
    parsed = parse_spf(record)
    assert parsed.problems == [], section
    assert (parsed.lookups, parsed.targets) == (lookups, targets)
    assert [term.text for term in parsed.terms] == record.split()[1:]


def test_rfc7208_section_3_terms_and_verdict():
    parsed = parse_spf("v=spf1 +mx a:colo.example.com/28 -all")
    assert [(t.qualifier, t.kind, t.value, t.lookups) for t in parsed.terms] == [
        ("pass", "mx", "", 1),
        ("pass", "a", "colo.example.com/28", 1),
        ("fail", "all", "", 0),
    ]
    check = spf_check("example.com", ["v=spf1 +mx a:colo.example.com/28 -all", "other text"])
    assert (check.state, check.lookups) == ("good", 2)
    assert check.verdict == "SPF ends with -all: mail from servers it does not list fails (hard fail)."
    assert check.notes == ["2 DNS lookups of the 10 allowed."]


@pytest.mark.parametrize(
    ("record", "state", "start"),
    [
        ("v=spf1 mx ~all", "good", "SPF ends with ~all: soft fail"),
        ("v=spf1 mx ?all", "warning", "SPF ends with ?all: neutral"),
        ("v=spf1 +all", "bad", "SPF ends with +all: every server on the internet passes"),
        ("v=spf1 mx", "warning", "SPF has no all at the end"),
        ("v=spf1 redirect=_spf.example.com", "info", "SPF continues at _spf.example.com (redirect=)"),
    ],
)
def test_the_all_at_the_end_decides_the_verdict(record, state, start):
    check = spf_check("example.com", [record])
    assert check.state == state and check.verdict.startswith(start)


def test_redirect_after_all_is_ignored_and_costs_nothing():
    parsed = parse_spf("v=spf1 mx -all redirect=other.example")
    assert (parsed.lookups, parsed.redirect, parsed.targets) == (1, None, [])
    assert "redirect= is ignored" in parsed.notes[0]


def test_ptr_is_noted_and_mechanisms_after_all_too():
    parsed = parse_spf("v=spf1 ptr -all mx")
    assert parsed.lookups == 2
    assert any("RFC 7208 5.5" in note for note in parsed.notes)
    assert "Mechanisms after all are never reached." in parsed.notes


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ("v=spf1 ip4:192.0.2.300 -all", "192.0.2.300 is not an IPv4 address or network"),
        ("v=spf1 ip6:2001:db8::/129 -all", "is not an IPv6 address or network"),
        ("v=spf1 foo:bar -all", "'foo:bar' is not an SPF mechanism or modifier"),
        ("v=spf1 include -all", "include needs a domain"),
        ("v=spf1 all:example.com", "all takes no argument"),
        ("v=spf1 a/33 -all", "/33 is not a prefix length"),
        ("v=spf1 redirect=a.example redirect=b.example", "redirect= appears more than once"),
    ],
)
def test_syntax_errors_are_permanent_errors(record, problem):
    assert any(problem in p for p in parse_spf(record).problems)
    check = spf_check("example.com", [record])
    assert check.state == "bad" and check.verdict.startswith("SPF is broken (a permanent error for receivers)")


def test_more_than_ten_lookups_through_includes():
    # RFC 7208 4.6.4: the limit counts the terms of every record evaluated, includes and redirects included.
    top = "v=spf1 a mx include:one.example include:two.example -all"  # 4
    includes = [
        SpfInclude(domain="one.example", via="include", depth=1, record="v=spf1 a mx ptr -all", lookups=3),
        SpfInclude(domain="two.example", via="include", depth=1, record="v=spf1 a mx exists:x -all", lookups=3),
        SpfInclude(domain="three.example", via="include", depth=2, record="v=spf1 a -all", lookups=1),
    ]
    assert spf_check("example.com", [top], includes).lookups == 11
    check = spf_check("example.com", [top], includes)
    assert check.state == "bad"
    assert check.verdict.startswith("SPF needs 11 DNS lookups, over the limit of 10 (RFC 7208 4.6.4)")
    assert spf_check("example.com", [top], includes[:2]).verdict.startswith("SPF ends with -all")  # 10 is allowed


def test_two_spf_records_and_none():
    two = spf_check("example.com", ["v=spf1 -all", "v=spf1 mx -all"])
    assert two.state == "bad" and two.verdict.startswith("2 SPF records")
    none = spf_check("example.com", ["google-site-verification=x", "v=spf10 nothing"])
    assert (none.state, none.record) == ("bad", None) and none.verdict.startswith("No SPF record")


# --- DMARC, RFC 7489 -------------------------------------------------------------------------------------------------


def test_rfc7489_b21_monitoring_only():
    check = dmarc_check("_dmarc.example.com", ["v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com"])
    assert check.state == "warning"
    assert check.verdict.startswith("DMARC p=none: monitoring only")
    assert check.tags == {"v": "DMARC1", "p": "none", "rua": "mailto:dmarc-feedback@example.com"}
    assert "Aggregate reports go to mailto:dmarc-feedback@example.com." in check.notes


def test_rfc7489_b24_quarantine_sampled_with_two_report_addresses():
    record = (
        "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
        "mailto:tld-test@thirdparty.example.net!10m; pct=25"
    )
    check = dmarc_check("_dmarc.example.com", [record])
    assert (check.state, check.tags["pct"]) == ("good", "25")
    assert check.verdict.startswith("DMARC p=quarantine: mail that fails")
    assert "pct=25: the policy applies to 25% of failing mail; the rest is treated one step milder." in check.notes
    expected = "mailto:dmarc-feedback@example.com, mailto:tld-test@thirdparty.example.net!10m"
    assert f"Aggregate reports go to {expected}." in check.notes


@pytest.mark.parametrize(
    ("texts", "state", "fragment"),
    [
        ([], "bad", "No DMARC record"),
        (["v=DMARC1; p=reject", "v=DMARC1; p=none"], "bad", "2 DMARC records"),
        (["v=DMARC1; p=bogus"], "bad", "no valid p= policy"),
        (["v=DMARC1; rua=mailto:d@example.com"], "warning", "p=none: monitoring only"),  # RFC 7489 6.6.3
        (["v=DMARC1; p=reject; adkim=s; aspf=s"], "good", "p=reject"),
        (["p=reject; v=DMARC1"], "bad", "No DMARC record"),  # v= must come first
        (["v=DMARC1; p=reject; pct=150"], "warning", "p=reject"),
    ],
)
def test_dmarc_cases(texts, state, fragment):
    check = dmarc_check("_dmarc.example.com", texts)
    assert check.state == state and fragment in check.verdict


def test_dmarc_notes_say_what_is_missing_or_strict():
    check = dmarc_check("_dmarc.example.com", ["v=DMARC1;p=reject;adkim=s;aspf=s;sp=none;xyz=1"])
    assert "No rua: nobody receives the daily aggregate reports, so failures go unnoticed." in check.notes
    assert "adkim and aspf=s: strict alignment, the exact domain must match (not a subdomain)." in check.notes
    assert "sp=none: subdomains get a different policy (none)." in check.notes
    assert "Unknown tags are ignored: xyz." in check.notes
    bad_pct = dmarc_check("_dmarc.example.com", ["v=DMARC1; p=reject; pct=150"])
    assert "pct=150 is not a percentage from 0 to 100." in bad_pct.notes


# --- DKIM, RFC 6376 and RFC 8463 -------------------------------------------------------------------------------------


def test_rfc6376_appendix_a_key_is_rsa_1024():
    check = dkim_check("brisbane._domainkey.example.com", "brisbane", [f"v=DKIM1; p={RFC6376_KEY}"])
    assert (check.key_type, check.key_bits, check.state) == ("rsa", 1024, "warning")
    assert check.verdict == "DKIM key: RSA 1024 bits — accepted, but 2048 bits is the recommended size now."


def test_rfc8463_ed25519_key():
    record = f"v=DKIM1; k=ed25519; p={RFC8463_ED25519}"
    check = dkim_check("brisbane._domainkey.football.example.com", "brisbane", [record])
    assert (check.key_type, check.key_bits, check.state) == ("ed25519", 256, "good")
    assert base64.b64decode(RFC8463_ED25519).hex().startswith("d75a980182b10ab7")


def test_a_2048_bit_key_split_over_two_strings():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    check = dkim_check("s._domainkey.example.com", "s", [f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}"])
    assert (check.key_bits, check.state, check.verdict) == (2048, "good", "DKIM key: RSA 2048 bits.")


@pytest.mark.parametrize(
    ("record", "state", "fragment"),
    [
        ("v=DKIM1; p=", "bad", "revoked"),
        ("v=DKIM1; k=rsa", "bad", "no p= key"),
        ("v=DKIM1; p=!!!", "bad", "not valid Base64"),
        ("v=DKIM1; p=aGVsbG8=", "bad", "not an RSA public key"),
        ("v=DKIM1; k=dsa; p=aGVsbG8=", "bad", "k=dsa is not a key type"),
        ("v=DKIM1; k=ed25519; p=aGVsbG8=", "bad", "An Ed25519 key is 32 bytes, this one is 5"),
        ("k=rsa; v=DKIM1; p=x", "bad", "v= must come first"),
    ],
)
def test_dkim_problems(record, state, fragment):
    check = dkim_check("s._domainkey.example.com", "s", [record])
    assert check.state == state and fragment in check.verdict


def test_dkim_flags_and_hashes_are_noted_and_a_missing_key_is_said():
    check = dkim_check("s._domainkey.example.com", "s", [f"v=DKIM1; t=y:s; h=sha1; p={RFC6376_KEY}"])
    assert "t=y: testing mode — verifiers treat signed and unsigned mail alike." in check.notes
    assert any(note.startswith("t=s:") for note in check.notes)
    assert "h= allows only SHA-1, which verifiers no longer accept (RFC 8301)." in check.notes
    missing = dkim_check("s._domainkey.example.com", "s", [])
    assert missing.state == "bad" and missing.verdict.startswith("No DKIM key for the selector s")


# --- MTA-STS (RFC 8461), TLS-RPT (RFC 8460), MX (RFC 5321, RFC 7505) ------------------------------------------------


def test_rfc8461_section_3_1_record():
    check = mta_sts_check("example.com", ["v=STSv1; id=20160831085700Z;"])
    assert (check.state, check.tags) == ("good", {"v": "STSv1", "id": "20160831085700Z"})
    assert check.verdict == (
        "MTA-STS is announced (id 20160831085700Z): senders that support it fetch the policy from "
        "https://mta-sts.example.com/.well-known/mta-sts.txt."
    )
    assert mta_sts_check("example.com", ["v=STSv1;"]).state == "bad"
    assert mta_sts_check("example.com", ["v=STSv1; id=1", "v=STSv1; id=2"]).verdict.startswith("2 MTA-STS records")
    assert mta_sts_check("example.com", []).state == "info"


@pytest.mark.parametrize(
    "record", ["v=TLSRPTv1;rua=mailto:reports@example.com", "v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"]
)
def test_rfc8460_section_3_records(record):
    check = tls_rpt_check("example.com", [record])
    assert check.state == "good" and check.verdict.startswith("TLS-RPT is on: senders report failed TLS connections")


def test_tls_rpt_problems():
    assert (
        tls_rpt_check("example.com", ["v=TLSRPTv1"]).verdict == "TLS-RPT needs rua= with mailto: or https: addresses."
    )
    assert "'ftp://x' is neither" in tls_rpt_check("example.com", ["v=TLSRPTv1; rua=ftp://x"]).verdict
    assert tls_rpt_check("example.com", []).verdict.startswith("No TLS-RPT")


def test_mx_order_null_mx_and_addresses():
    hosts = [MxHost(preference=20, host="b.example.com"), MxHost(preference=10, host="a.example.com")]
    check = mx_check("example.com", "NOERROR", hosts)
    assert [mx.host for mx in check.hosts] == ["a.example.com", "b.example.com"]
    assert check.verdict == "2 mail servers, tried in order: a.example.com, b.example.com."
    null = mx_check("example.com", "NOERROR", [MxHost(preference=0, host=".")])
    assert null.verdict == "Null MX (RFC 7505): the domain says it accepts no mail at all."
    literal = mx_check("example.com", "NOERROR", [MxHost(preference=10, host="192.0.2.1")])
    assert literal.state == "warning" and "an MX must name a host" in literal.notes[0]
    assert mx_check("example.com", "NODATA", []).verdict.startswith("No MX record: senders deliver to the domain's")
    assert mx_check("example.com", "NXDOMAIN", []).state == "bad"


# --- whole domains, served on loopback -------------------------------------------------------------------------------

ZONE = f"""
example.test.           3600 IN MX  20 mx2.example.test.
example.test.           3600 IN MX  10 mx1.example.test.
example.test.           300  IN TXT "v=spf1 mx include:_spf.provider.test include:_spf.other.test ~all"
example.test.           300  IN TXT "site-verification=abc"
_spf.provider.test.     300  IN TXT "v=spf1 ip4:192.0.2.0/24 include:_nested.provider.test -all"
_nested.provider.test.  300  IN TXT "v=spf1 a mx ptr -all"
_spf.other.test.        300  IN TXT "v=spf1 exists:%{{i}}._spf.other.test include:%{{d}}.macro.test -all"
_dmarc.example.test.    300  IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.test"
sel1._domainkey.example.test. 300 IN TXT "v=DKIM1; k=rsa; p={RFC6376_KEY}"
_mta-sts.example.test.  300  IN TXT "v=STSv1; id=20160831085700Z;"
_smtp._tls.example.test. 300 IN TXT "v=TLSRPTv1; rua=mailto:reports@example.test"
loop.test.              300  IN TXT "v=spf1 include:_a.loop.test -all"
_a.loop.test.           300  IN TXT "v=spf1 include:loop.test -all"
gone.test.              300  IN TXT "v=spf1 include:nothing-here.test -all"
nullmx.test.            300  IN MX  0 .
bare.test.              300  IN A   192.0.2.1
"""
# Lookups of example.test's SPF: mx + 2 includes (3); _spf.provider.test: 1 include; _nested.provider.test: a, mx,
# ptr (3); _spf.other.test: exists and an include (2), whose macro target is not followed. 3 + 1 + 3 + 2 = 9.
EXAMPLE_LOOKUPS = 9


@pytest.fixture(scope="module")
def dns_server():
    with LoopbackDNS(ZONE, failures={"_dmarc.broken.test": "SERVFAIL"}) as server:
        yield server


@pytest.fixture
async def client(dns_server, tmp_path, sqlite_template):
    application = app_asking(dns_server, tmp_path, sqlite_template)
    async with application.test_app():
        yield application.test_client()


async def check(client, **body) -> dict:
    response = await client.post("/api/mail", json=body)
    assert response.status_code == 200, await response.get_data(as_text=True)
    return await response.get_json()


async def test_a_domain_with_everything(client, dns_server):
    report = await check(client, input="example.test", selector="sel1")
    assert (report["domain"], report["resolver"]) == ("example.test", dns_server.address)
    assert [(mx["preference"], mx["host"]) for mx in report["mx"]["hosts"]] == [
        (10, "mx1.example.test"),
        (20, "mx2.example.test"),
    ]
    spf = report["spf"]
    assert spf["record"] == "v=spf1 mx include:_spf.provider.test include:_spf.other.test ~all"
    assert (spf["lookups"], spf["state"]) == (EXAMPLE_LOOKUPS, "good")
    assert [(i["via"], i["domain"], i["depth"], i["lookups"]) for i in spf["includes"]] == [
        ("include", "_spf.provider.test", 1, 1),
        ("include", "_nested.provider.test", 2, 3),
        ("include", "_spf.other.test", 1, 2),
        ("include", "%{d}.macro.test", 2, 0),
    ]
    assert spf["includes"][3]["note"].startswith("It holds a macro")
    assert f"{EXAMPLE_LOOKUPS} DNS lookups of the 10 allowed." in spf["notes"]
    assert report["dmarc"]["verdict"].startswith("DMARC p=none: monitoring only")
    assert (report["dkim"]["key_bits"], report["dkim"]["name"]) == (1024, "sel1._domainkey.example.test")
    assert report["mta_sts"]["tags"]["id"] == "20160831085700Z"
    assert report["tls_rpt"]["state"] == "good"
    assert report["summary"].splitlines() == [
        "MX: 2 mail servers, tried in order: mx1.example.test, mx2.example.test.",
        "SPF: " + spf["verdict"],
        "DMARC: " + report["dmarc"]["verdict"],
        "DKIM (sel1): DKIM key: RSA 1024 bits — accepted, but 2048 bits is the recommended size now.",
        "MTA-STS: " + report["mta_sts"]["verdict"],
        "TLS-RPT: TLS-RPT is on: senders report failed TLS connections to mailto:reports@example.test.",
    ]


async def test_the_records_of_one_domain_are_asked_once_each(client, dns_server):
    dns_server.queries.clear()
    await check(client, input="postmaster@example.test")  # an address is taken for its domain
    asked = sorted(dns_server.queries)
    assert asked == sorted(
        [
            ("example.test", "MX"),
            ("example.test", "TXT"),
            ("_dmarc.example.test", "TXT"),
            ("_mta-sts.example.test", "TXT"),
            ("_smtp._tls.example.test", "TXT"),
            ("_spf.provider.test", "TXT"),
            ("_nested.provider.test", "TXT"),
            ("_spf.other.test", "TXT"),
        ]
    )  # no DKIM question without a selector, and never the macro's target


async def test_an_include_loop_and_a_missing_include_are_permanent_errors(client):
    loop = (await check(client, input="loop.test"))["spf"]
    assert loop["state"] == "bad"
    assert "loop.test includes itself (a loop)" in loop["verdict"]
    gone = (await check(client, input="gone.test"))["spf"]
    assert gone["verdict"] == (
        "SPF is broken (a permanent error for receivers): include:nothing-here.test has no SPF record: a permanent "
        "error for receivers (RFC 7208 5.2, 6.1)."
    )


async def test_a_bare_domain_and_a_null_mx(client):
    bare = await check(client, input="bare.test")
    assert bare["mx"]["verdict"].startswith("No MX record")
    assert bare["spf"]["verdict"].startswith("No SPF record") and bare["dmarc"]["verdict"].startswith("No DMARC")
    assert bare["mta_sts"]["state"] == "info" and bare["dkim"] is None
    assert (await check(client, input="nullmx.test"))["mx"]["verdict"].startswith("Null MX (RFC 7505)")
    missing = await check(client, input="nowhere.test")
    assert missing["mx"]["verdict"] == "The domain does not exist (NXDOMAIN): it receives no mail."


async def test_a_failed_lookup_is_not_called_a_missing_record(client, dns_server):
    report = await check(client, input="broken.test")
    assert report["dmarc"]["state"] == "warning"
    assert report["dmarc"]["verdict"] == (
        f"Could not be checked: No resolver answered for _dmarc.broken.test: {dns_server.address} answered SERVFAIL."
    )


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"input": "not a domain"}, "input", "only letters, digits"),
        ({"input": "example.test", "selector": "bad selector"}, "selector", "one or more DNS labels"),
        ({"input": "example.test", "selector": "-x"}, "selector", "one or more DNS labels"),
        ({"input": "example.test", "selector": "s" * 64}, "selector", "63"),
    ],
)
async def test_bad_input_names_its_field(client, dns_server, body, field, fragment):
    dns_server.queries.clear()
    response = await client.post("/api/mail", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field and fragment in error["message"]
    assert dns_server.queries == []


async def test_the_page_shows_every_check(client):
    response = await client.post(
        "/tools/mail/", data=urlencode({"input": "example.test", "selector": "sel1"}), headers=FORM
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    for part in ("mx", "spf", "dmarc", "dkim", "mta-sts", "tls-rpt"):
        assert f'id="mail-{part}"' in page
    assert '<section class="mail-check mail-warning" id="mail-dmarc">' in page
    assert f"<strong>{EXAMPLE_LOOKUPS}</strong> of 10 DNS lookups" in page
    assert "<code>include:_nested.provider.test</code>" in page
    assert 'class="mail-depth-2"' in page


async def test_the_first_load_checks_nothing(client, dns_server):
    dns_server.queries.clear()
    page = await (await client.get("/tools/mail/")).get_data(as_text=True)
    assert "Type a domain (and a DKIM selector if you know one) and press Check." in page
    assert dns_server.queries == []


def test_the_command_line(dns_server, tmp_path, sqlite_template):
    runner = app_asking(dns_server, tmp_path, sqlite_template, MYTOOLS_NETWORK_PUBLIC="false").test_cli_runner()
    result = runner.invoke(args=["tool", "mail", json.dumps({"input": "nullmx.test"})])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"].startswith("MX: Null MX (RFC 7505)")
