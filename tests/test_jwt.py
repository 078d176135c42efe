"""The JWT tool: RFC 7515 / 7519 / 8037 vectors, time claims at a fixed `now`, key errors, then page and API."""

from __future__ import annotations

import base64
import html
import logging
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from core.forms import ToolInputError
from tools.jwt import MAX_TOKEN
from tools.jwt.report import inspect_token

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def number(text: str) -> int:
    return int.from_bytes(b64u(text), "big")


def pem(public_key) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def private_pem(private_key) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def run(token: str, key: str = "", key_encoding: str = "text", now: datetime | None = None):
    return inspect_token(token, key, key_encoding, now or datetime(2026, 1, 2, 16, 50, tzinfo=UTC))


def refused(token: str, key: str = "", key_encoding: str = "text") -> ToolInputError:
    with pytest.raises(ToolInputError) as caught:
        run(token, key, key_encoding)
    return caught.value


# --- published vectors -------------------------------------------------------------------------------

# RFC 7519 §3.1 (example JWT) = RFC 7515 Appendix A.1 (HS256); the payload is RFC 7515 §3.3's example claims.
RFC7519_TOKEN = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
# RFC 7515 Appendix A.1.1: the HMAC key as a JWK, {"kty":"oct","k": ...}; "k" is base64url.
RFC7515_A1_K = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
RFC_PAYLOAD = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
RFC_CLAIMS = {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
# RFC 7515 Appendix A.2.1: RS256 over the same payload, and the RSA key's public JWK members n and e.
RFC7515_A2_TOKEN = (
    "eyJhbGciOiJSUzI1NiJ9."
    + RFC_PAYLOAD
    + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9"
    "uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eS"
    "N9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIh"
    "WkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
)
RFC7515_A2_N = (
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-"
    "pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2Ca"
    "pHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb5"
    "4h4FRWyuXpoQ"
)
# RFC 7515 Appendix A.3.1: ES256 over the same payload, and the P-256 key's public JWK members x and y.
RFC7515_A3_TOKEN = (
    "eyJhbGciOiJFUzI1NiJ9."
    + RFC_PAYLOAD
    + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
)
RFC7515_A3_X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
RFC7515_A3_Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
# RFC 8037 Appendix A.4: Ed25519 signature of the text "Example of Ed25519 signing"; A.2 gives the public x.
RFC8037_A4_TOKEN = (
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)
RFC8037_A2_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"


def rfc7515_rsa_pem() -> str:
    return pem(rsa.RSAPublicNumbers(number("AQAB"), number(RFC7515_A2_N)).public_key())


def rfc7515_ec_pem() -> str:
    return pem(ec.EllipticCurvePublicNumbers(number(RFC7515_A3_X), number(RFC7515_A3_Y), ec.SECP256R1()).public_key())


def rfc8037_ed25519_pem() -> str:
    return pem(ed25519.Ed25519PublicKey.from_public_bytes(b64u(RFC8037_A2_X)))


def flip_last_signature_char(token: str) -> str:
    # Changing the signature's first character changes its first byte (the last one may only carry padding bits).
    head, _, signature = token.rpartition(".")
    return f"{head}.{'B' if signature[0] != 'B' else 'C'}{signature[1:]}"


def test_rfc7519_example_decodes():
    result = run(RFC7519_TOKEN)
    assert result.header == {"typ": "JWT", "alg": "HS256"}
    assert result.payload == RFC_CLAIMS
    assert result.payload_format == "json"
    assert result.algorithm == "HS256"
    assert result.signature_bytes == 32  # HMAC-SHA-256
    assert result.verified is None
    assert result.verification == "Signature not verified: enter the key to check it."
    assert result.payload_pretty == '{\n  "iss": "joe",\n  "exp": 1300819380,\n  "http://example.com/is_root": true\n}'


def test_rfc7519_example_verifies_with_the_rfc7515_a1_key_as_base64url():
    result = run(RFC7519_TOKEN, RFC7515_A1_K, "base64url")
    assert (result.verified, result.verification) == (True, "Signature verified (HS256).")
    assert result.notes == []  # the key is 64 bytes, above HS256's 32


def test_rfc7515_a1_key_used_as_text_does_not_verify():
    # The JWK "k" string is not the key: its base64url decoding is. As text the bytes differ.
    result = run(RFC7519_TOKEN, RFC7515_A1_K, "text")
    assert result.verified is False
    assert result.verification.startswith("Signature does NOT match")


def test_rfc7519_example_altered_signature_fails():
    assert run(flip_last_signature_char(RFC7519_TOKEN), RFC7515_A1_K, "base64url").verified is False


def test_rfc7515_a2_rs256_verifies_with_the_jwk_as_pem():
    result = run(RFC7515_A2_TOKEN, rfc7515_rsa_pem())
    assert (result.header, result.payload, result.signature_bytes) == ({"alg": "RS256"}, RFC_CLAIMS, 256)
    assert (result.verified, result.verification) == (True, "Signature verified (RS256).")
    assert run(flip_last_signature_char(RFC7515_A2_TOKEN), rfc7515_rsa_pem()).verified is False


def test_rfc7515_a3_es256_verifies_with_the_jwk_as_pem():
    result = run(RFC7515_A3_TOKEN, rfc7515_ec_pem())
    assert (result.header, result.signature_bytes) == ({"alg": "ES256"}, 64)  # R || S, 32 bytes each
    assert (result.verified, result.verification) == (True, "Signature verified (ES256).")
    assert run(flip_last_signature_char(RFC7515_A3_TOKEN), rfc7515_ec_pem()).verified is False


def test_rfc8037_a4_ed25519_verifies_and_shows_a_text_payload():
    result = run(RFC8037_A4_TOKEN, rfc8037_ed25519_pem())
    assert result.header == {"alg": "EdDSA"}
    assert (result.payload_format, result.payload, result.payload_pretty) == (
        "text",
        "Example of Ed25519 signing",
        "Example of Ed25519 signing",
    )
    assert result.signature_bytes == 64
    assert (result.verified, result.verification) == (True, "Signature verified (EdDSA).")
    assert result.times == []
    assert run(flip_last_signature_char(RFC8037_A4_TOKEN), rfc8037_ed25519_pem()).verified is False


def test_rfc_keys_refuse_each_others_algorithms():
    assert (
        refused(RFC7515_A2_TOKEN, rfc7515_ec_pem()).message
        == "RS256 needs an RSA public key, but this is an EC P-256 key"
    )
    assert refused(RFC7515_A3_TOKEN, rfc7515_rsa_pem()).message == (
        "ES256 needs an EC P-256 public key, but this is an RSA 2048-bit key"
    )
    assert refused(RFC8037_A4_TOKEN, rfc7515_rsa_pem()).message == (
        "EdDSA needs an Ed25519 or Ed448 public key, but this is an RSA 2048-bit key"
    )


# --- time claims (RFC 7519 §4.1.4-4.1.6) at a fixed now --------------------------------------------


def test_rfc7519_exp_as_utc_date_before_and_after():
    # Hand-computed: 1300819380 = 15055 days + 67380 s; day 15055 is 2011-03-22 (14975 days to 2011-01-01,
    # then 31 + 28 + 21), and 67380 s = 18:43:00.
    before = run(RFC7519_TOKEN, now=datetime(2011, 3, 22, 15, 43, tzinfo=UTC))
    assert [t.model_dump() for t in before.times] == [
        {"claim": "exp", "value": 1300819380, "utc": "2011-03-22T18:43:00Z", "status": "valid",
         "text": "valid for another 3 h"}
    ]  # fmt: skip
    after = run(RFC7519_TOKEN, now=datetime(2011, 3, 25, 18, 43, tzinfo=UTC))
    assert (after.times[0].status, after.times[0].text) == ("expired", "expired 3 days ago")
    # RFC 7519 §4.1.4: "on or after" the expiration time it is expired.
    at = run(RFC7519_TOKEN, now=datetime(2011, 3, 22, 18, 43, tzinfo=UTC))
    assert (at.times[0].status, at.times[0].text) == ("expired", "expired just now")


NOW = datetime(2026, 1, 2, 16, 50, tzinfo=UTC)
NOW_S = int(NOW.timestamp())  # 1767372600 (hand-checked in test_time.py's vectors)
SECRET = "a-secret-of-at-least-32-bytes-for-hs256!"


def made_token(claims: dict, key=SECRET, algorithm="HS256") -> str:
    return pyjwt.encode(claims, key, algorithm=algorithm)


def test_token_not_yet_valid_with_future_exp_and_past_iat():
    token = made_token({"sub": "alice", "iat": NOW_S - 3600, "nbf": NOW_S + 7200, "exp": NOW_S + 2 * 86400})
    result = run(token, SECRET, now=NOW)
    assert result.verified is True
    assert [(t.claim, t.utc, t.status, t.text) for t in result.times] == [
        ("exp", "2026-01-04T16:50:00Z", "valid", "valid for another 2 days"),
        ("nbf", "2026-01-02T18:50:00Z", "not_yet_valid", "not valid before 2026-01-02T18:50:00Z (in 2 h)"),
        ("iat", "2026-01-02T15:50:00Z", "issued", "issued 1 h ago"),
    ]


def test_expired_token_still_verifies_its_signature():
    token = made_token({"exp": NOW_S - 3 * 3600, "nbf": NOW_S - 86400})
    result = run(token, SECRET, now=NOW)
    assert result.verified is True  # the signature is fine; expiry is reported separately
    assert [(t.claim, t.status, t.text) for t in result.times] == [
        ("exp", "expired", "expired 3 h ago"),
        ("nbf", "in_effect", "valid since 2026-01-01T16:50:00Z (1 day ago)"),
    ]


def test_odd_time_claims_are_reported_not_fatal():
    token = made_token({"exp": "tomorrow", "iat": NOW_S + 600, "nbf": 10**20})
    result = run(token, now=NOW)
    assert [(t.claim, t.utc, t.status) for t in result.times] == [
        ("exp", None, "invalid"),
        ("nbf", None, "invalid"),
        ("iat", "2026-01-02T17:00:00Z", "issued_in_future"),
    ]
    assert result.times[0].text.startswith("exp is not a NumericDate")
    assert (
        result.times[1].text == "nbf = 100000000000000000000 is outside the dates this tool can show (years 1 to 9999)"
    )
    assert result.times[2].text == "issued in the future (in 10 min): clock skew?"


# --- other algorithms, with keys made here ---------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_hmac_variants(algorithm):
    key = "k" * 64
    token = made_token({"sub": "x"}, key, algorithm)
    assert run(token, key).verification == f"Signature verified ({algorithm})."
    assert run(token, "k" * 63 + "j").verified is False


@pytest.mark.parametrize("algorithm", ["RS384", "RS512", "PS256", "PS384", "PS512"])
def test_rsa_variants(algorithm, rsa_key):
    token = made_token({"sub": "x"}, private_pem(rsa_key), algorithm)
    assert run(token, pem(rsa_key.public_key())).verification == f"Signature verified ({algorithm})."
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert run(token, pem(other.public_key())).verified is False


@pytest.mark.parametrize(
    ("algorithm", "curve", "name"), [("ES384", ec.SECP384R1(), "P-384"), ("ES512", ec.SECP521R1(), "P-521")]
)
def test_ecdsa_variants(algorithm, curve, name):
    key = ec.generate_private_key(curve)
    token = made_token({"sub": "x"}, private_pem(key), algorithm)
    assert run(token, pem(key.public_key())).verification == f"Signature verified ({algorithm})."
    wrong_curve = pem(ec.generate_private_key(ec.SECP256R1()).public_key())
    assert (
        refused(token, wrong_curve).message == f"{algorithm} needs an EC {name} public key, but this is an EC P-256 key"
    )


def test_certificate_is_accepted_as_the_public_key(rsa_key):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(rsa_key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
        .sign(rsa_key, hashes.SHA256())
    )
    token = made_token({"sub": "x"}, private_pem(rsa_key), "RS256")
    assert run(token, cert.public_bytes(serialization.Encoding.PEM).decode()).verified is True


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# --- refusals ---------------------------------------------------------------------------------------


def test_private_key_is_refused(rsa_key):
    error = refused(RFC7515_A2_TOKEN, private_pem(rsa_key))
    assert error.field == "key"
    assert error.message.startswith("this is a private key: RS256 signatures are checked with the public key")


def test_secret_with_an_asymmetric_algorithm_is_refused():
    error = refused(RFC7515_A2_TOKEN, "my secret")
    assert error.field == "key"
    assert error.message == (
        "RS256 needs a PEM public key (-----BEGIN PUBLIC KEY-----), and this key is not PEM; "
        "a shared secret only works with HS256, HS384, HS512"
    )
    assert "JWK" in refused(RFC7515_A3_TOKEN, '{"kty":"EC"}').message


def test_public_key_as_hmac_secret_is_refused():
    # Algorithm confusion: an HS256 token "verified" with the RSA public key's PEM text as the secret.
    error = refused(RFC7519_TOKEN, rfc7515_rsa_pem())
    assert error.field == "key"
    assert error.message.startswith("HS256 uses a shared secret, but the key is PEM")


def test_alg_none_is_decoded_but_never_verified():
    unsecured = "eyJhbGciOiJub25lIn0." + RFC_PAYLOAD + "."  # RFC 7515 Appendix A.5
    decoded = run(unsecured)
    assert (decoded.algorithm, decoded.verified, decoded.signature_bytes) == ("none", None, 0)
    assert decoded.verification == 'Unsecured token ("alg": "none"): there is no signature to verify.'
    error = refused(unsecured, "any key")
    assert error.field == "input"
    assert error.message.startswith('the header says "alg": "none"')


def test_unsupported_or_missing_alg_with_a_key():
    hs1 = made_token({"a": 1}).split(".")
    header = base64.urlsafe_b64encode(b'{"alg":"HS1"}').rstrip(b"=").decode()
    assert refused(f"{header}.{hs1[1]}.{hs1[2]}", "k").message.startswith("\"alg\": 'HS1' is not supported here")
    no_alg = base64.urlsafe_b64encode(b'{"typ":"JWT"}').rstrip(b"=").decode()
    assert refused(f"{no_alg}.{hs1[1]}.{hs1[2]}", "k").message.startswith('the header has no "alg"')
    assert run(f"{no_alg}.{hs1[1]}.{hs1[2]}").algorithm is None  # decoding alone still works


def test_short_hmac_key_is_noted():
    with pytest.warns(pyjwt.warnings.InsecureKeyLengthWarning):  # PyJWT warns when signing with it, too
        token = made_token({"a": 1}, "short", "HS256")
    result = run(token, "short")
    assert result.verified is True
    assert result.notes == ["the key is 5 bytes; RFC 7518 §3.2 requires at least 32 bytes for HS256"]


def test_base64url_key_errors_do_not_echo_the_secret():
    error = refused(RFC7519_TOKEN, "abc$def", "base64url")
    assert error.field == "key"
    assert error.message == (
        "the key is not valid base64url: its character 4 (counting from 1) is not one of A-Z, a-z, 0-9, '-', '_'"
    )


THREE_SEGMENTS = "a JWS compact token has 3 segments (header.payload.signature) separated by '.', but this one has"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("abc.def", f"{THREE_SEGMENTS} 2"),
        ("a.b.c.d", f"{THREE_SEGMENTS} 4"),
        ("a.b.c.d.e", f"{THREE_SEGMENTS} 5 — a 5-segment token is an encrypted JWE, which this tool cannot decrypt"),
        ("eyJ!bGciOiJIUzI1NiJ9.e30.", "segment 1 (header) is not valid base64url: its character 4 (counting from 1), "
         "'!', is not one of A-Z, a-z, 0-9, '-', '_'"),
        ("e30.e3+.", "segment 2 (payload) is not valid base64url: its character 3 (counting from 1), '+', is not one "
         "of A-Z, a-z, 0-9, '-', '_' ('+' and '/' belong to standard Base64, not base64url)"),
        ("e30.e30.A", "segment 3 (signature) is not valid base64url: its length (1 character) leaves one character "
         "over, which cannot encode a byte (is it cut short?)"),
        # base64url("not json") and base64url("[1]"), hand-encoded
        ("bm90IGpzb24.e30.", "segment 1 (header) is not JSON: Expecting value at line 1, column 1"),
        ("WzFd.e30.", "segment 1 (header) must be a JSON object, not an array"),
        # {"alg":"HS256","alg":"none"}: RFC 7515 §4 lets a parser reject duplicate names, and this one does
        ("eyJhbGciOiJIUzI1NiIsImFsZyI6Im5vbmUifQ.e30.", "segment 1 (header) is not JSON: duplicate member name "
         "'alg' (RFC 7515 §4 / RFC 7519 §4: names must be unique)"),
        ("   ", "paste a token: three base64url segments separated by '.'"),
    ],
)  # fmt: skip
def test_malformed_tokens_name_the_problem(token, message):
    error = refused(token)
    assert (error.field, error.message) == ("input", message)


def test_pasted_whitespace_and_bearer_prefix_are_ignored():
    wrapped = "Bearer " + RFC7519_TOKEN[:40] + "\n  " + RFC7519_TOKEN[40:] + "\n"
    assert run(wrapped, RFC7515_A1_K, "base64url").verified is True


def test_binary_payload_is_shown_as_hex():
    header = base64.urlsafe_b64encode(b'{"alg":"HS256"}').rstrip(b"=").decode()
    result = run(f"{header}.__8.")  # base64url "__8" = bytes ff ff (hand-decoded: 111111 111111 1111)
    assert (result.payload_format, result.payload) == ("hex", "ffff")


# --- JSON API ---------------------------------------------------------------------------------------


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr("tools.jwt.current_time", lambda: datetime(2011, 3, 22, 15, 43, tzinfo=UTC))


async def test_api_decodes_and_verifies_the_rfc_vector(tool_client, fixed_now):
    body = {"input": RFC7519_TOKEN, "key": RFC7515_A1_K, "key_encoding": "base64url"}
    response = await tool_client.post("/api/jwt", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {
        "header": {"typ": "JWT", "alg": "HS256"},
        "payload": RFC_CLAIMS,
        "payload_format": "json",
        "header_pretty": '{\n  "typ": "JWT",\n  "alg": "HS256"\n}',
        "payload_pretty": '{\n  "iss": "joe",\n  "exp": 1300819380,\n  "http://example.com/is_root": true\n}',
        "algorithm": "HS256",
        "signature_bytes": 32,
        "verified": True,
        "verification": "Signature verified (HS256).",
        "times": [
            {"claim": "exp", "value": 1300819380, "utc": "2011-03-22T18:43:00Z", "status": "valid",
             "text": "valid for another 3 h"}
        ],
        "notes": [],
        "summary": "Signature verified (HS256).",
        "summary_state": "success",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"input": "abc.def"}, "input", "but this one has 2"),
        ({"input": RFC7515_A2_TOKEN, "key": "secret"}, "key", "RS256 needs a PEM public key"),
        ({"input": RFC7519_TOKEN, "key": "x", "key_encoding": "hex"}, "key_encoding", "key_encoding"),
        ({"key": "x"}, "input", "input"),
        ({"input": "a" * (MAX_TOKEN + 1)}, "input", str(MAX_TOKEN)),
    ],
)
async def test_api_errors_name_the_field(tool_client, body, field, fragment):
    response = await tool_client.post("/api/jwt", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert set(error) == {"message", "field"}
    assert error["field"] == field
    assert fragment in error["message"]


async def test_the_key_is_never_logged(tool_client, caplog):
    secret = "never-log-this-secret-value-0123456789"
    token = made_token({"sub": "x"}, secret)
    caplog.set_level(logging.DEBUG)
    await tool_client.post("/api/jwt", json={"input": token, "key": secret})
    await tool_client.post("/api/jwt", json={"input": RFC7515_A2_TOKEN, "key": secret})
    await tool_client.post("/tools/jwt/", data=urlencode({"input": token, "key": secret}), headers=FORM)
    assert secret not in caplog.text


# --- page -------------------------------------------------------------------------------------------


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


async def test_page_post_returns_the_whole_page(tool_client, fixed_now):
    form = urlencode({"input": RFC7519_TOKEN, "key": RFC7515_A1_K, "key_encoding": "base64url"})
    response = await tool_client.post("/tools/jwt/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert "Signature verified (HS256)." in page
    assert "valid for another 3 h" in page
    assert "HX-Request" in response.headers.get("Vary", "")


async def test_htmx_partial_and_share_link_leave_the_key_out(tool_client, fixed_now):
    form = urlencode({"input": RFC7519_TOKEN, "key": RFC7515_A1_K, "key_encoding": "base64url"})
    response = await tool_client.post("/tools/jwt/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "Signature verified (HS256)." in fragment
    assert RFC7515_A1_K not in fragment
    assert "HX-Request" in response.headers.get("Vary", "")
    link = share_link(fragment)
    assert link == "/tools/jwt/?" + urlencode({"input": RFC7519_TOKEN, "key_encoding": "base64url"})


async def test_shared_link_reproduces_the_decoding(tool_client, fixed_now):
    response = await tool_client.get("/tools/jwt/?" + urlencode({"input": RFC7519_TOKEN}))
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2011-03-22T18:43:00Z" in page
    assert "Signature not verified" in page
    assert share_link(page) == "/tools/jwt/?" + urlencode({"input": RFC7519_TOKEN})


async def test_a_key_in_a_link_is_ignored(tool_client, fixed_now):
    query = urlencode({"input": RFC7519_TOKEN, "key": RFC7515_A1_K, "key_encoding": "base64url"})
    page = await (await tool_client.get("/tools/jwt/?" + query)).get_data(as_text=True)
    assert "The key in this link was ignored" in page
    assert "Signature not verified" in page
    assert RFC7515_A1_K not in page


async def test_page_error_is_422_next_to_the_field(tool_client):
    response = await tool_client.post("/tools/jwt/", data=urlencode({"input": "abc.def"}), headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<div id="input-feedback" hx-swap-oob="true">' in fragment
    assert "but this one has 2" in fragment


async def test_openapi_describes_the_jwt_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/jwt"]["post"]
    assert operation["summary"].startswith("Decode a JWT")
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"input", "key", "key_encoding"}
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" in response or "properties" in response


# --- the summary: a good signature on a token outside its exp/nbf window is a warning, never a success --------

AT = NOW_S
DAY = 86400


@pytest.mark.parametrize(
    ("claims", "key", "summary", "state"),
    [
        ({"exp": AT + 3600}, SECRET, "Signature verified (HS256).", "success"),
        ({"exp": AT - 3 * DAY}, SECRET, "Signature verified (HS256), but the token expired 3 days ago.", "warning"),
        (
            {"nbf": AT + 2 * 3600},
            SECRET,
            "Signature verified (HS256), but the token is not valid before 2026-01-02T18:50:00Z (in 2 h).",
            "warning",
        ),
        ({"exp": AT - 60}, "", "Signature not verified: enter the key to check it. The token expired 1 min ago.",
         "warning"),
        ({"exp": AT + 60}, "", "Signature not verified: enter the key to check it.", "info"),
        ({"exp": AT - DAY}, "another-secret-of-at-least-32-bytes!!",
         "Signature does NOT match: this HS256 token was not signed with this key, or it was altered. "
         "The token expired 1 day ago.", "danger"),
        ({"exp": "tomorrow"}, SECRET, "Signature verified (HS256), but its exp is not a usable date.", "warning"),
        ({"iat": AT - DAY}, SECRET, "Signature verified (HS256).", "success"),  # iat alone never invalidates
    ],
)  # fmt: skip
def test_summary_state_follows_signature_and_time(claims, key, summary, state):
    result = run(made_token(claims), key, now=NOW)
    assert (result.summary, result.summary_state) == (summary, state)


@pytest.mark.parametrize(
    ("claims", "state"),
    [({"exp": AT + 3600}, "success"), ({"exp": AT - 3 * DAY}, "warning"), ({"nbf": AT + 60}, "warning")],
)
async def test_page_shows_the_summary_in_its_state(tool_client, monkeypatch, claims, state):
    monkeypatch.setattr("tools.jwt.current_time", lambda: NOW)
    form = urlencode({"input": made_token(claims), "key": SECRET})
    for headers in (FORM, {**FORM, **HTMX}):
        page = await (await tool_client.post("/tools/jwt/", data=form, headers=headers)).get_data(as_text=True)
        verdict = re.search(r'<p class="jwt-verdict ([^"]*)" id="jwt-verification">', page)
        assert verdict.group(1) == f"jwt-{state}"
        assert "jwt-success" not in page if state == "warning" else "jwt-warning" not in page
