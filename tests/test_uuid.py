"""The UUID / ULID tool: RFC 9562 and ULID spec vectors for decode(), properties of generated values, HTTP."""

from __future__ import annotations

import html
import re
import time
import uuid
from urllib.parse import urlencode

import pytest

from core.forms import ToolInputError
from tests.test_first_load import fresh_page
from tools.uuid.ids import civil_from_days, decode, generate, iso_utc

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
UUID_HYPHENATED = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ULID_TEXT = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")

# RFC 9562, Appendix A.1 (UUIDv1) and A.5 (UUIDv6): the same instant, "Tuesday, February 22, 2022
# 2:22:22.000000 PM GMT-05:00" = 19:22:22Z; gregorian timestamp 0x1EC9414C232AB00, clock sequence 0x33C8,
# node 0x9F6BDECED846 (random, multicast bit set).
RFC_V1 = "C232AB00-9414-11EC-B3C8-9F6BDECED846"
RFC_V6 = "1EC9414C-232A-6B00-B3C8-9F6BDECED846"
# RFC 9562, Appendix A.6 (UUIDv7): unix_ts_ms 0x017F22E279B0 = 1645557742000 = 2022-02-22T19:22:22Z.
RFC_V7 = "017F22E2-79B0-7CC3-98C4-DC0C0C07398F"
# RFC 9562, Appendix A.2 (v3, MD5 of "www.example.com" in the DNS namespace), A.3 (v4), A.4 (v5, SHA-1).
RFC_V3 = "5df41881-3aed-3515-88a7-2f4a814cf09e"
RFC_V4 = "919108f7-52d1-4320-9bac-f847db4148a8"
RFC_V5 = "2ed6657d-e927-568b-95e1-2665a8aea6a2"
# RFC 9562, Appendix B.1 and B.2 (UUIDv8 examples).
RFC_V8_TIME = "2489E9AD-2EE2-8E00-8EC9-32D5F69181C0"
RFC_V8_NAME = "5c146b14-3c52-8afd-938a-375d0df1fbf6"
# The ULID spec's README example (github.com/ulid/spec). Its time part "01ARZ3NDEK" is, in Crockford's
# base32 (0=0 1=1 A=10 R=24 Z=31 3=3 N=21 D=13 E=14 K=19), hand-computed by Horner's rule:
# ((((((((0*32+1)*32+10)*32+24)*32+31)*32+3)*32+21)*32+13)*32+14)*32+19 = 1469922850259 ms
# = 2016-07-30T23:54:10.259Z.
SPEC_ULID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
# ulid/javascript README, "Seed Time": ulid(1469918176385) starts 01ARYZ6S41 (= 2016-07-30T22:36:16.385Z).
SEEDED_ULID = "01ARYZ6S41TSV4RRFFQ69G5FAV"
# ULID spec, "Overflow Errors when Parsing Base32 Strings": the largest ULID, time 2^48 - 1 = 281474976710655.
MAX_ULID = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"

RFC_V7_DECODED = {
    "kind": "uuid",
    "canonical": "017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
    "hex": "017f22e279b07cc398c4dc0c0c07398f",
    "integer": str(0x017F22E279B07CC398C4DC0C0C07398F),
    "version": 7,
    "version_name": "Unix Epoch time-based",
    "variant": "RFC 9562",
    "timestamp": "2022-02-22T19:22:22Z",
    "timestamp_raw": 0x017F22E279B0,
    "timestamp_unit": "milliseconds since 1970-01-01T00:00:00Z",
    "clock_sequence": None,
    "node": None,
    "node_multicast": None,
    # The same 128 bits in Crockford base32; its time part 01FWHE4YDG is the same 1645557742000 ms.
    "equivalent": "01FWHE4YDGFK1SHH6W1G60EECF",
}


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


# --- decoding known answers -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [RFC_V1, RFC_V6])
def test_rfc9562_v1_and_v6_vectors(text):
    decoded = decode(text)
    assert decoded.version == (1 if text == RFC_V1 else 6)
    assert decoded.variant == "RFC 9562"
    assert decoded.timestamp == "2022-02-22T19:22:22Z"
    assert decoded.timestamp_raw == 0x1EC9414C232AB00 == 138648505420000000
    assert decoded.timestamp_unit == "100-ns intervals since 1582-10-15T00:00:00Z"
    assert decoded.clock_sequence == 0x33C8 == 13256
    assert decoded.node == "9f:6b:de:ce:d8:46"
    assert decoded.node_multicast is True  # 0x9F = 1001 1111: the multicast (lowest) bit is set


def test_rfc9562_v7_vector():
    assert decode(RFC_V7).model_dump() == RFC_V7_DECODED


@pytest.mark.parametrize(
    ("text", "version", "name"),
    [
        (RFC_V3, 3, "name-based (MD5)"),
        (RFC_V4, 4, "random"),
        (RFC_V5, 5, "name-based (SHA-1)"),
        (RFC_V8_TIME, 8, "custom (vendor-specific)"),
        (RFC_V8_NAME, 8, "custom (vendor-specific)"),
    ],
)
def test_rfc9562_versions_without_time(text, version, name):
    decoded = decode(text)
    assert (decoded.version, decoded.version_name, decoded.variant) == (version, name, "RFC 9562")
    assert decoded.timestamp is None and decoded.node is None and decoded.clock_sequence is None


def test_rfc9562_name_based_vectors_match_the_standard_library():
    # RFC 9562, A.2 and A.4: the DNS namespace and the name "www.example.com".
    assert str(uuid.uuid3(uuid.NAMESPACE_DNS, "www.example.com")) == RFC_V3
    assert str(uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com")) == RFC_V5


@pytest.mark.parametrize(
    ("text", "name", "variant"),
    [
        # RFC 9562, section 5.9: all 128 bits 0, section 5.10: all 128 bits 1.
        ("00000000-0000-0000-0000-000000000000", "Nil UUID", "NCS (reserved)"),
        ("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "Max UUID", "reserved for future definition"),
    ],
)
def test_nil_and_max(text, name, variant):
    decoded = decode(text)
    assert (decoded.version, decoded.version_name, decoded.variant, decoded.timestamp) == (None, name, variant, None)


@pytest.mark.parametrize(
    ("octet_8", "variant"),
    # RFC 9562, section 4.1, table 1: the top bits of octet 8 (first digit of the 4th group).
    [("0", "NCS (reserved)"), ("7", "NCS (reserved)"), ("8", "RFC 9562"), ("b", "RFC 9562")]
    + [("c", "Microsoft (reserved)"), ("d", "Microsoft (reserved)"), ("e", "reserved for future definition")],
)
def test_variant_bits(octet_8, variant):
    decoded = decode(f"00000000-0000-4000-{octet_8}000-000000000001")
    assert decoded.variant == variant
    assert decoded.version == (4 if variant == "RFC 9562" else None)


@pytest.mark.parametrize(
    "text",
    [
        RFC_V7,
        RFC_V7.lower(),
        RFC_V7.replace("-", ""),
        "{" + RFC_V7 + "}",
        "urn:uuid:" + RFC_V7.lower(),
        "URN:UUID:" + RFC_V7,
        "  " + RFC_V7 + "\n",
    ],
)
def test_uuid_notations(text):
    assert decode(text).canonical == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"


def test_spec_ulid():
    decoded = decode(SPEC_ULID)
    assert decoded.kind == "ulid" and decoded.version is None and decoded.variant is None
    assert decoded.timestamp_raw == 1469922850259  # hand-computed above
    assert decoded.timestamp == "2016-07-30T23:54:10.259Z"
    assert decoded.canonical == SPEC_ULID
    assert decoded.equivalent == str(uuid.UUID(decoded.hex))
    assert decode(SPEC_ULID.lower()).canonical == SPEC_ULID  # the ULID spec: case insensitive


def test_seeded_ulid_and_the_largest_ulid():
    assert decode(SEEDED_ULID).timestamp_raw == 1469918176385
    assert decode(SEEDED_ULID).timestamp == "2016-07-30T22:36:16.385Z"
    largest = decode(MAX_ULID)
    assert largest.timestamp_raw == 2**48 - 1 == 281474976710655
    # Past year 9999, so ISO 8601's expanded year form; hand-checked against the ULID spec's "year 10889".
    assert largest.timestamp == "+10889-08-02T05:31:50.655Z"
    assert largest.hex == "f" * 32


def test_uuid_and_ulid_are_the_same_128_bits():
    assert decode(RFC_V7).equivalent == "01FWHE4YDGFK1SHH6W1G60EECF"
    assert decode("01FWHE4YDGFK1SHH6W1G60EECF").equivalent == RFC_V7.lower()
    assert decode("01FWHE4YDGFK1SHH6W1G60EECF").timestamp == "2022-02-22T19:22:22Z"


def test_iso_time_keeps_full_precision():
    # Hand-computed: one 100-ns tick after the RFC 9562 A.1 instant; one tick before the Unix epoch.
    assert decode("C232AB01-9414-11EC-B3C8-9F6BDECED846").timestamp == "2022-02-22T19:22:22.0000001Z"
    assert decode("13813FFF-1DD2-11B2-8000-000000000000").timestamp == "1969-12-31T23:59:59.9999999Z"
    # Gregorian epoch itself: all time bits zero -> 1582-10-15 (RFC 9562, section 5.1).
    assert decode("00000000-0000-1000-8000-000000000000").timestamp == "1582-10-15T00:00:00Z"
    assert iso_utc(0, 1000) == "1970-01-01T00:00:00Z"
    assert iso_utc(-1, 1000) == "1969-12-31T23:59:59.999Z"
    assert civil_from_days(19045) == (2022, 2, 22)  # 2022-02-22 is day 19045 of the Unix epoch


ERROR_CASES = [
    ("", ["enter a UUID or a ULID"]),
    ("   ", ["enter a UUID or a ULID"]),
    ("C232AB00-9414-11EC-B3C8", ["23 characters", "32 hex digits", "26 characters"]),
    ("C232AB0G-9414-11EC-B3C8-9F6BDECED846", ["invalid character 'G' at position 8 (counting from 1)"]),
    ("C232AB00+9414-11EC-B3C8-9F6BDECED846", ["expected '-' at position 9 (counting from 1), found '+'"]),
    ("C232AB00-9414-11EC-B3C89-F6BDECED846", ["expected '-' at position 24", "found '9'"]),
    ("-C232AB00-9414-11EC-B3C8-9F6BDECED84", ["invalid character '-' at position 1", "hex digit belongs"]),
    ("C232AB00-9414-11EC-B3C8-9F6BDECED8460", ["37 characters"]),
    ("c232ab00941411ecb3c8-f6bdeced846", ["invalid character '-' at position 21", "hex digit"]),
    ("  C232AB0x-9414-11EC-B3C8-9F6BDECED846", ["'x' at position 10 (counting from 1)"]),
    ("{C232AB00-9414-11EC-B3C8-9F6BDECED84Z}", ["'Z' at position 37"]),
    ("01ARZ3NDEKTSV4RRFFQ69G5FAU", ["invalid character 'U' at position 26", "leaves out I, L, O and U"]),
    ("01ARZ3NDEKTSV4-RFFQ69G5FAV", ["invalid character '-' at position 15"]),
    ("81ARZ3NDEKTSV4RRFFQ69G5FAV", ["'8' at position 1", "too large", "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"]),
]


@pytest.mark.parametrize(("text", "phrases"), ERROR_CASES)
def test_decode_errors_say_where(text, phrases):
    with pytest.raises(ToolInputError) as raised:
        decode(text)
    assert raised.value.field == "input"
    for phrase in phrases:
        assert phrase in raised.value.message


# --- generated values -------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "nibble"), [("v1", 1), ("v4", 4), ("v7", 7)])
def test_generated_uuids_have_version_and_variant_bits(version, nibble):
    for text in generate(version, 200):
        assert UUID_HYPHENATED.match(text), text
        parsed = uuid.UUID(text)
        assert parsed.version == nibble  # RFC 9562, section 4.2: bits 48-51
        assert parsed.variant == uuid.RFC_4122  # section 4.1: bits 64-65 are 10
        assert text[14] == str(nibble) and text[19] in "89ab"


@pytest.mark.parametrize("version", ["v1", "v4", "v7", "ulid"])
def test_a_thousand_are_unique(version):
    values = generate(version, 1000)
    assert len(values) == 1000
    assert len(set(values)) == 1000


@pytest.mark.parametrize("version", ["v7", "ulid"])
def test_one_call_is_monotonic(version):
    # RFC 9562, section 6.2 (v7) and the ULID spec's "Monotonicity": sorted in generation order.
    values = generate(version, 1000)
    assert values == sorted(values)
    assert [int(decode(v).integer) for v in values] == sorted(int(decode(v).integer) for v in values)


@pytest.mark.parametrize("version", ["v1", "v7", "ulid"])
def test_embedded_time_is_now(version):
    before = time.time_ns() // 1_000_000
    value = generate(version, 1)[0]
    after = time.time_ns() // 1_000_000
    decoded = decode(value)
    unix_ms = decoded.timestamp_raw
    if version == "v1":
        unix_ms = (decoded.timestamp_raw - 0x01B21DD213814000) // 10_000  # RFC 9562, section 5.1
    assert before - 1 <= unix_ms <= after + 1


def test_v1_node_is_random_not_the_mac_address():
    first = decode(generate("v1", 1)[0])
    second = decode(generate("v1", 1)[0])
    assert first.node_multicast is True and second.node_multicast is True  # RFC 9562, section 6.10
    assert first.node != second.node  # a fresh random node per request (2^-47 chance of a false failure)
    assert first.node.replace(":", "") != f"{uuid.getnode():012x}"


def test_case_and_hyphens():
    assert re.fullmatch(r"[0-9A-F]{32}", generate("v4", 1, "upper", hyphens=False)[0])
    assert UUID_HYPHENATED.match(generate("v7", 1, "canonical", hyphens=True)[0])
    assert ULID_TEXT.match(generate("ulid", 1)[0])  # canonical ULIDs are uppercase
    lower_ulid = generate("ulid", 1, "lower")[0]
    assert lower_ulid == lower_ulid.lower() and ULID_TEXT.match(lower_ulid.upper())
    assert len(generate("ulid", 1, hyphens=False)[0]) == 26  # hyphens do not apply to ULIDs


def test_count_limits_in_the_pure_function():
    with pytest.raises(ToolInputError) as raised:
        generate("v4", 1001)
    assert (raised.value.field, raised.value.message) == ("count", "count must be between 1 and 1000")


# --- JSON API ---------------------------------------------------------------------------------------


async def test_api_decode_rfc_v7(tool_client):
    response = await tool_client.post("/api/uuid", json={"mode": "decode", "input": RFC_V7})
    assert response.status_code == 200
    assert await response.get_json() == {"mode": "decode", "version": None, "values": None, "decoded": RFC_V7_DECODED}


async def test_api_generate(tool_client):
    response = await tool_client.post("/api/uuid", json={"version": "v7", "count": 5, "case": "upper"})
    body = await response.get_json()
    assert response.status_code == 200
    assert (body["mode"], body["version"], body["decoded"]) == ("generate", "v7", None)
    assert len(body["values"]) == 5 and body["values"] == sorted(body["values"])
    for value in body["values"]:
        assert re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-7[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}", value)


async def test_api_default_is_one_v4(tool_client):
    body = await (await tool_client.post("/api/uuid", json={})).get_json()
    assert body["version"] == "v4" and len(body["values"]) == 1
    assert uuid.UUID(body["values"][0]).version == 4


async def test_api_generates_a_thousand(tool_client):
    body = await (await tool_client.post("/api/uuid", json={"version": "ulid", "count": 1000})).get_json()
    assert len(set(body["values"])) == 1000


@pytest.mark.parametrize(
    ("body", "field", "phrase"),
    [
        ({"count": 1001}, "count", "less than or equal to 1000"),
        ({"count": 0}, "count", "greater than or equal to 1"),
        ({"count": "many"}, "count", "valid integer"),
        ({"version": "v5"}, "version", "'v1', 'v4', 'v7' or 'ulid'"),
        ({"mode": "explain"}, "mode", "'generate' or 'decode'"),
        ({"mode": "decode", "input": "x" * 101}, "input", "at most 100 characters"),
        ({"mode": "decode", "input": "not-a-uuid"}, "input", "10 characters"),
        ({"mode": "decode"}, "input", "enter a UUID or a ULID"),
    ],
)
async def test_api_errors_name_the_field(tool_client, body, field, phrase):
    response = await tool_client.post("/api/uuid", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field
    assert phrase in error["message"]


# --- page -------------------------------------------------------------------------------------------


async def test_page_decode_post_returns_the_whole_page(tool_client):
    form = urlencode({"mode": "decode", "input": RFC_V1})
    response = await tool_client.post("/tools/uuid/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert '<code id="decoded-timestamp">2022-02-22T19:22:22Z</code>' in page
    assert '<code id="decoded-node">9f:6b:de:ce:d8:46</code>' in page
    assert '<code id="decoded-clock-sequence">13256</code>' in page
    assert "HX-Request" in response.headers["Vary"]
    assert share_link(page) == f"/tools/uuid/?mode=decode&input={RFC_V1}"


async def test_page_htmx_returns_only_the_result(tool_client):
    form = urlencode({"mode": "decode", "input": RFC_V7})
    response = await tool_client.post("/tools/uuid/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert '<code id="decoded-timestamp">2022-02-22T19:22:22Z</code>' in fragment
    assert "HX-Request" in response.headers["Vary"]


async def test_shareable_get_generates(tool_client):
    response = await tool_client.get("/tools/uuid/?count=5&version=v7")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    values = re.findall(r'<code id="uuid-value-\d+">([^<]*)</code>', page)
    assert len(values) == 5 and values == sorted(values)
    assert all(uuid.UUID(v).version == 7 for v in values)
    assert share_link(page) is None  # random output: no link to "this result"


async def test_shareable_get_decodes(tool_client):
    page = await (await tool_client.get(f"/tools/uuid/?mode=decode&input={SPEC_ULID}")).get_data(as_text=True)
    assert '<code id="decoded-timestamp">2016-07-30T23:54:10.259Z</code>' in page


async def test_many_values_in_one_block(tool_client):
    page = await (await tool_client.get("/tools/uuid/?count=50&version=ulid")).get_data(as_text=True)
    block = re.search(r'<code id="uuid-values">([^<]*)</code>', page).group(1)
    assert len(block.split("\n")) == 50 and all(ULID_TEXT.match(v) for v in block.split("\n"))


async def test_page_errors_are_422_next_to_the_field(tool_client):
    response = await tool_client.post("/tools/uuid/", data=urlencode({"count": "1001"}), headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="count-error" role="alert">Input should be less than or equal to 1000</small>' in page
    bad = urlencode({"mode": "decode", "input": "C232AB0G-9414-11EC-B3C8-9F6BDECED846"})
    fragment = await (await tool_client.post("/tools/uuid/", data=bad, headers={**FORM, **HTMX})).get_data(as_text=True)
    assert 'id="input-feedback" hx-swap-oob="true"' in fragment
    assert "invalid character &#39;G&#39; at position 8 (counting from 1)" in fragment


async def test_first_load_shows_a_fresh_uuid_v4_on_every_view(tool_client):
    values = []
    for _ in range(2):
        page = await fresh_page(tool_client, "/tools/uuid/")
        found = re.findall(r'<code id="uuid-value-(\d+)">([^<]*)</code>', page)
        assert [number for number, _ in found] == ["1"] and "decoded-canonical" not in page
        values.append(found[0][1])
    for value in values:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value)
    assert values[0] != values[1]
    assert 'href="/static/css/tools/uuid.css?v=' in page  # content-hashed URL (core/static.py)
