"""The TOTP tool: RFC 6238 Appendix B and RFC 4226 Appendix D vectors, verification windows, the URI, HTTP."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import segno

from core.forms import ToolInputError
from tools.totp import TotpInput, hotp, run, secret_bytes, totp

# RFC 6238 Appendix B: the seeds (ASCII "1234567890" repeated to 20, 32 and 64 bytes) and the 8-digit codes.
RFC6238_SEEDS = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238_TABLE = {
    59: ("94287082", "46119246", "90693936"),
    1111111109: ("07081804", "68084774", "25091201"),
    1111111111: ("14050471", "67062674", "99943326"),
    1234567890: ("89005924", "91819424", "93441116"),
    2000000000: ("69279037", "90698825", "38618901"),
    20000000000: ("65353130", "77737706", "47863826"),
}
RFC6238_VECTORS = [
    (moment, algorithm, codes[i])
    for moment, codes in RFC6238_TABLE.items()
    for i, algorithm in enumerate(RFC6238_SEEDS)
]
# RFC 4226 Appendix D: HOTP of "12345678901234567890" for counts 0-9, 6 digits.
RFC4226_CODES = ("755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489")
SHA1_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of the RFC's SHA1 seed (RFC 4648 §10 alphabet)
NOW = 1_700_000_000.5


def b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(("moment", "algorithm", "expected"), RFC6238_VECTORS)
def test_rfc6238_appendix_b(moment, algorithm, expected):
    assert totp(RFC6238_SEEDS[algorithm], moment, 30, 8, algorithm) == expected
    result = run(TotpInput(input=b32(RFC6238_SEEDS[algorithm]), algorithm=algorithm, digits=8, time=moment), NOW)
    assert result.code == expected
    assert result.counter == moment // 30


@pytest.mark.parametrize("count", range(10))
def test_rfc4226_appendix_d(count):
    assert hotp(RFC6238_SEEDS["SHA1"], count, 6, "SHA1") == RFC4226_CODES[count]


def test_the_next_code_is_the_next_step_and_the_clock_is_the_request_time():
    result = run(TotpInput(input=SHA1_SECRET, digits=8, time=59), NOW)
    assert result.next_code == totp(RFC6238_SEEDS["SHA1"], 89, 30, 8, "SHA1")
    assert (result.seconds_left, result.time_utc) == (1, "1970-01-01T00:00:59Z")
    now = run(TotpInput(input=SHA1_SECRET), NOW)
    assert (now.time, now.counter, now.seconds_left) == (1_700_000_000, 56_666_666, 10)


def test_verify_within_a_window():
    # 07081804 is the code at 1111111109 (step 37037036); at 1111111111 the step is 37037037: one step late.
    base = {"input": SHA1_SECRET, "digits": 8, "time": 1111111111}
    late = run(TotpInput(**base, code="0708 1804", window=1), NOW)
    assert (late.verified, late.matched_step, late.verification) == (True, -1, "Code accepted: 1 step late.")
    strict = run(TotpInput(**base, code="07081804", window=0), NOW)
    assert (strict.verified, strict.matched_step) == (False, None)
    current = run(TotpInput(**base, code="14050471", window=0), NOW)
    assert (current.verified, current.matched_step) == (True, 0)
    assert run(TotpInput(**base), NOW).verified is None
    with pytest.raises(ToolInputError) as error:
        run(TotpInput(**base, code="123456"), NOW)  # 6 digits where the codes have 8
    assert error.value.field == "code"


def test_a_generated_secret_is_160_bits_and_new_each_time():
    one, two = run(TotpInput(), NOW), run(TotpInput(), NOW)
    assert one.generated and len(secret_bytes(one.secret)) == 20 and one.secret != two.secret
    assert one.notes == []


def test_base32_is_read_leniently_and_refused_clearly():
    assert secret_bytes("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq====") == RFC6238_SEEDS["SHA1"]
    with pytest.raises(ToolInputError, match="'1' is not one of A-Z, 2-7"):
        secret_bytes("GEZ1")
    with pytest.raises(ToolInputError, match="cannot be whole bytes"):
        secret_bytes("A")
    short = run(TotpInput(input="GEZDGNBV"), NOW)
    assert short.notes[0].startswith("the secret is 40 bits")


def test_the_otpauth_uri_and_its_qr_code():
    result = run(TotpInput(input=SHA1_SECRET, issuer="Example Co", account="alice@example.com"), NOW)
    # Key Uri Format: otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…, spaces as %20.
    assert result.uri == (
        "otpauth://totp/Example%20Co:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30"
    )
    query = parse_qs(urlsplit(result.uri).query)
    assert query["secret"] == [SHA1_SECRET]
    assert result.qr_svg.startswith('<svg role="img"') and "<script" not in result.qr_svg
    # The image's modules are those of a QR code of exactly the URI (segno's own SVG path of it).
    path = re.search(r' d="([^"]+)"', segno.make_qr(result.uri, error="M", boost_error=False).svg_inline()).group(1)
    assert f' d="{path}"' in result.qr_svg
    with pytest.raises(ToolInputError) as error:
        run(TotpInput(issuer="a:b"), NOW)
    assert error.value.field == "issuer"


def test_a_uri_too_long_for_a_qr_code_is_a_field_error():
    # Each 😀 is %F0%9F%98%80 (12 characters); the issuer appears twice: over 3,600 characters, past the
    # 2,331 bytes a version 40 QR code holds at level M (ISO/IEC 18004 Table 7).
    with pytest.raises(ToolInputError, match="too long for a QR code") as error:
        run(TotpInput(issuer="😀" * 100, account="😀" * 100), NOW)
    assert error.value.field == "issuer"


async def test_api_and_page(tool_client):
    body = {"input": SHA1_SECRET, "digits": 8, "time": 59}
    api = await tool_client.post("/api/totp", json=body)
    assert (await api.get_json())["code"] == "94287082"
    assert api.headers["Cache-Control"] == "no-store"
    page = await (await tool_client.post("/tools/totp/", form={**body, "digits": "8", "time": "59"})).get_data(
        as_text=True
    )
    assert "94287082" in page and "otpauth://totp/" in page and "Link to this result" not in page
    empty_time = await tool_client.post("/tools/totp/", form={"input": SHA1_SECRET, "time": ""})
    assert empty_time.status_code == 200 and 'aria-invalid="true"' not in await empty_time.get_data(as_text=True)
    first = await (await tool_client.get("/tools/totp/")).get_data(as_text=True)
    assert 'id="totp-secret"' in first  # a first load generates a secret


async def test_as_a_recipe_step_the_secret_comes_in_and_the_code_goes_out(tool_client):
    steps = [{"tool": "totp", "options": {"digits": 8, "time": 1234567890}}]
    response = await tool_client.post("/api/recipes/run", json={"input": SHA1_SECRET, "steps": steps})
    assert (await response.get_json())["output"] == "89005924"  # RFC 6238 Appendix B, SHA1 at 1234567890
