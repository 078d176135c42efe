"""The JWT tool's sign operation: RFC 7515 A.1 (HS256) and A.2 (RS256) and RFC 8037 A.4 (Ed25519) reproduced
exactly, RFC 7515 A.3 (ES256, random signatures) verified with the public key, key errors, page and API."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from core.forms import ToolInputError
from tests.test_jwt import (
    RFC7515_A1_K,
    RFC7515_A2_N,
    RFC7515_A2_TOKEN,
    RFC7515_A3_TOKEN,
    RFC7515_A3_X,
    RFC7515_A3_Y,
    RFC7519_TOKEN,
    RFC8037_A4_TOKEN,
    b64u,
    number,
    private_pem,
    rfc7515_ec_pem,
)
from tools.jwt.report import inspect_token
from tools.jwt.sign import SignInput, sign

# RFC 7515 A.1.1 and A.2.1: the exact header and payload octets, line breaks (CR LF, space) included.
RFC_A1_HEADER = '{"typ":"JWT",\r\n "alg":"HS256"}'
RFC_PAYLOAD_TEXT = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'
# RFC 7515 A.2.1: the RSA key's private exponent d (p and q are recovered from n, e and d).
RFC7515_A2_D = (
    "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-"
    "pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjud"
    "U2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1D"
    "hOVRuOopznQ"
)
# RFC 7515 A.3.1: the P-256 key's private d.
RFC7515_A3_D = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"
# RFC 8037 A.1: the Ed25519 private key d (RFC 8032's test 1 secret key).
RFC8037_A1_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"


def rfc7515_rsa_private_pem() -> str:
    n, e, d = number(RFC7515_A2_N), 65537, number(RFC7515_A2_D)
    p, q = rsa.rsa_recover_prime_factors(n, e, d)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), rsa.RSAPublicNumbers(e, n)
    )
    return private_pem(numbers.private_key())


def rfc7515_ec_private_jwk() -> str:
    return json.dumps({"kty": "EC", "crv": "P-256", "x": RFC7515_A3_X, "y": RFC7515_A3_Y, "d": RFC7515_A3_D})


def rfc8037_private_pem() -> str:
    return private_pem(ed25519.Ed25519PrivateKey.from_private_bytes(b64u(RFC8037_A1_D)))


def exact(payload: str, header: str, key: str, algorithm: str, **extra) -> str:
    data = SignInput(input=payload, header=header, key=key, algorithm=algorithm, exact=True, **extra)
    return sign(data).token


def verify(token: str, public_pem: str):
    return inspect_token(token, public_pem, "text", datetime(2026, 1, 2, tzinfo=UTC))


def test_rfc7515_a1_hs256_is_reproduced_exactly():
    token = exact(RFC_PAYLOAD_TEXT, RFC_A1_HEADER, RFC7515_A1_K, "HS256", key_encoding="base64url")
    assert token == RFC7519_TOKEN


def test_rfc7515_a2_rs256_is_reproduced_exactly():
    assert exact(RFC_PAYLOAD_TEXT, '{"alg":"RS256"}', rfc7515_rsa_private_pem(), "RS256") == RFC7515_A2_TOKEN


def test_rfc8037_a4_ed25519_is_reproduced_exactly():
    token = exact("Example of Ed25519 signing", '{"alg":"EdDSA"}', rfc8037_private_pem(), "EdDSA")
    assert token == RFC8037_A4_TOKEN


def test_rfc7515_a3_es256_verifies_with_the_public_key():
    # ECDSA signatures are random: the RFC's own token and ours differ, and both verify with the public key.
    token = exact(RFC_PAYLOAD_TEXT, '{"alg":"ES256"}', rfc7515_ec_private_jwk(), "ES256")
    assert token.rsplit(".", 1)[0] == RFC7515_A3_TOKEN.rsplit(".", 1)[0]  # the same signing input as A.3.1
    assert token != RFC7515_A3_TOKEN
    assert verify(RFC7515_A3_TOKEN, rfc7515_ec_pem()).verified is True
    assert len(b64u(token.rsplit(".", 1)[1])) == 64  # r || s, 32 bytes each (RFC 7518 §3.4)
    assert verify(token, rfc7515_ec_pem()).verified is True


def test_compact_claims_with_header_members():
    result = sign(SignInput(input='{"sub": "1234", "admin": true}', key="k" * 32, header='{"kid": "key-1"}'))
    assert result.header_text == '{"alg":"HS256","typ":"JWT","kid":"key-1"}'
    assert result.payload_text == '{"sub":"1234","admin":true}'
    decoded = pyjwt.decode(result.token, "k" * 32, algorithms=["HS256"])
    assert decoded == {"sub": "1234", "admin": True}
    assert pyjwt.get_unverified_header(result.token) == {"alg": "HS256", "typ": "JWT", "kid": "key-1"}


@pytest.mark.parametrize(
    ("algorithm", "make"),
    [
        ("RS384", lambda: rsa.generate_private_key(65537, 2048)),
        ("PS256", lambda: rsa.generate_private_key(65537, 2048)),
        ("ES384", lambda: ec.generate_private_key(ec.SECP384R1())),
        ("ES512", lambda: ec.generate_private_key(ec.SECP521R1())),
        ("EdDSA", ed25519.Ed25519PrivateKey.generate),
    ],
)
def test_signed_tokens_verify_with_pyjwt(algorithm, make):
    key = make()
    token = sign(SignInput(input='{"sub": "x"}', key=private_pem(key), algorithm=algorithm)).token
    assert pyjwt.decode(token, key.public_key(), algorithms=[algorithm]) == {"sub": "x"}


def test_an_openssh_private_key_signs_too():
    key = ed25519.Ed25519PrivateKey.generate()
    openssh = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode()
    token = sign(SignInput(input="{}", key=openssh, algorithm="EdDSA")).token
    assert pyjwt.decode(token, key.public_key(), algorithms=["EdDSA"]) == {}


def test_a_short_hmac_secret_is_signed_with_a_note():
    result = sign(SignInput(input="{}", key="secret"))
    assert result.notes == ["the key is 6 bytes; RFC 7518 §3.2 requires at least 32 bytes for HS256"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"input": "{}", "key": ""}, "key", "enter the key"),
        ({"input": "[1]", "key": "k" * 32}, "input", "must be a JSON object"),
        ({"input": "{nope", "key": "k" * 32}, "input", "not JSON"),
        ({"input": '{"a":1,"a":2}', "key": "k" * 32}, "input", "duplicate member name"),
        ({"input": "{}", "key": "k" * 32, "header": '{"alg": "none"}'}, "header", "remove it"),
        ({"input": "{}", "key": "k" * 32, "header": '{"crit": ["b64"]}'}, "header", "crit"),
        ({"input": "{}", "key": "k" * 32, "header": '{"alg":"HS384"}', "exact": True}, "header", "HS256"),
        ({"input": "{}", "key": '{"kty":"oct","k":"AAAA"}'}, "key", "JWK"),
        ({"input": "{}", "key": "a secret", "algorithm": "RS256"}, "key", "needs a private key"),
        ({"input": "{}", "key": rfc7515_ec_pem(), "algorithm": "ES256"}, "key", "public key"),
        ({"input": "{}", "key": rfc7515_ec_private_jwk(), "algorithm": "ES384"}, "key", "EC P-384 private key"),
        ({"input": "{}", "key": rfc7515_ec_private_jwk(), "algorithm": "RS256"}, "key", "RSA private key"),
        (
            {
                "input": "{}",
                "key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                "algorithm": "RS256",
            },
            "key",
            "could not be read",
        ),  # fmt: skip
        ({"input": "{}", "key": rfc7515_ec_pem(), "algorithm": "HS256"}, "key", "algorithm-confusion"),
    ],
)
def test_what_cannot_be_signed_is_a_field_error(body, field, message):
    with pytest.raises(ToolInputError, match=message) as error:
        sign(SignInput(**body))
    assert error.value.field == field


async def test_api_page_and_key_in_a_link(tool_client):
    body = {"input": RFC_PAYLOAD_TEXT, "header": RFC_A1_HEADER, "exact": True}
    api = await tool_client.post("/api/jwt/sign", json={**body, "key": RFC7515_A1_K, "key_encoding": "base64url"})
    assert (await api.get_json())["token"] == RFC7519_TOKEN
    assert api.headers["Cache-Control"] == "no-store"
    form = {"input": '{"sub": "1"}', "key": "k" * 32, "algorithm": "HS256"}
    page = await tool_client.post("/tools/jwt/sign/", form=form)
    html = await page.get_data(as_text=True)
    expected = pyjwt.encode({"sub": "1"}, "k" * 32, algorithm="HS256", headers={"typ": "JWT"})
    assert page.status_code == 200 and expected.rsplit(".", 1)[1] in html
    partial = await tool_client.post(
        "/tools/jwt/sign/", form={**form, "algorithm": "ES256"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 422 and "ES256 needs a private key" in await partial.get_data(as_text=True)
    unkeyed = await tool_client.post("/tools/jwt/sign/", form={**form, "key": ""})
    assert unkeyed.status_code == 200 and 'id="jwt-token"' not in await unkeyed.get_data(as_text=True)
    linked = await tool_client.get("/tools/jwt/sign/?input=%7B%7D&key=secret")
    text = await linked.get_data(as_text=True)
    assert "The key in this link was ignored" in text and 'id="jwt-token"' not in text
    decode_page = await (await tool_client.get("/tools/jwt/")).get_data(as_text=True)
    assert 'href="/tools/jwt/sign/"' in decode_page


async def test_a_recipe_signs_claims_then_decodes_and_verifies_the_token(tool_client):
    key = {"key": RFC7515_A1_K, "key_encoding": "base64url"}
    steps = [
        {"tool": "jwt", "operation": "sign", "options": key},
        {"tool": "jwt", "options": key, "take": "summary"},
    ]
    claims = '{"iss": "joe", "exp": 4102444800}'  # 2100-01-01T00:00:00Z: valid for decades
    response = await tool_client.post("/api/recipes/run", json={"input": claims, "steps": steps})
    body = await response.get_json()
    assert response.status_code == 200, body
    token = body["steps"][0]["output"]
    assert token == pyjwt.encode({"iss": "joe", "exp": 4102444800}, b64u(RFC7515_A1_K), headers={"typ": "JWT"})
    assert body["output"].startswith("Signature verified (HS256).")


def test_eddsa_signs_with_ed448_too():
    # RFC 8037 §3.1: EdDSA covers Ed25519 and Ed448; the header says only "EdDSA".
    key = ed448.Ed448PrivateKey.generate()
    token = sign(SignInput(input='{"a": 1}', key=private_pem(key), algorithm="EdDSA")).token
    assert pyjwt.decode(token, key.public_key(), algorithms=["EdDSA"]) == {"a": 1}
    assert len(b64u(token.rsplit(".", 1)[1])) == 114  # an Ed448 signature (RFC 8032 §5.2.6)
