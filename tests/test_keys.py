"""The keys tool: RFC 7638 and RFC 8037 thumbprints, OpenSSH fingerprints checked with ssh-keygen and by hand,
generated keys parsed back in every format, hostile keys refused, HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import struct

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from core.forms import ToolInputError
from tools.keys import RFC8037_JWK, KeysInput, primary_text, run
from tools.keys.formats import jwk_thumbprint

# RFC 7638 §3.1: the RSA key (RFC 7517 Appendix A.1) and its thumbprint.
RFC7638_N = (
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs"
    "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5"
    "hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
)
RFC7638_JWK = {"kty": "RSA", "n": RFC7638_N, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
# RFC 8037 Appendix A.3: the thumbprint of RFC 8032's test key 1 (public d75a9801…511a).
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
# `ssh-keygen -lf` (OpenSSH 9.2p1) on these two public keys printed these fingerprints.
ED25519_FINGERPRINT = "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8"
RFC7638_RSA_FINGERPRINT = "SHA256:h+PAyXb3n4bqtmzZtsfJYZi/Ru2NzBNfXOe72fMggoU"


def ssh_string(raw: bytes) -> bytes:
    return struct.pack(">I", len(raw)) + raw


def hand_fingerprint(blob: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def test_rfc7638_thumbprint_example():
    assert jwk_thumbprint(RFC7638_JWK) == RFC7638_THUMBPRINT
    result = run(KeysInput(mode="inspect", input=json.dumps(RFC7638_JWK)))
    assert (result.jwk_thumbprint, result.key_type, result.jws_algorithm) == (RFC7638_THUMBPRINT, "RSA 2048", "RS256")
    assert result.private_pem is None and not result.private_given


def test_rfc8037_thumbprint_and_the_openssh_fingerprint_of_its_key():
    result = run(KeysInput(mode="inspect", input=RFC8037_JWK, comment="rfc8032-test1"))
    assert result.jwk_thumbprint == RFC8037_THUMBPRINT
    # RFC 4253 §6.6 / RFC 8709 §4: string "ssh-ed25519", string key; hashed by hand, and as ssh-keygen showed it.
    blob = ssh_string(b"ssh-ed25519") + ssh_string(RFC8032_PUBLIC)
    assert result.public_openssh == f"ssh-ed25519 {base64.b64encode(blob).decode()} rfc8032-test1"
    assert result.ssh_fingerprint == hand_fingerprint(blob) == ED25519_FINGERPRINT
    assert primary_text(result) == ED25519_FINGERPRINT


def test_the_rsa_fingerprint_matches_ssh_keygen():
    result = run(KeysInput(mode="inspect", input=json.dumps(RFC7638_JWK)))
    n = base64.urlsafe_b64decode(RFC7638_N + "==")
    # RFC 4253 §6.6: string "ssh-rsa", mpint e, mpint n (a leading zero byte when the top bit is set).
    blob = ssh_string(b"ssh-rsa") + ssh_string(b"\x01\x00\x01") + ssh_string(b"\x00" + n)
    assert result.ssh_fingerprint == hand_fingerprint(blob) == RFC7638_RSA_FINGERPRINT


@pytest.mark.parametrize(
    ("kind", "key_type", "algorithm", "cls"),
    [
        ("ed25519", "Ed25519", "EdDSA", ed25519.Ed25519PrivateKey),
        ("ec-p256", "EC P-256", "ES256", ec.EllipticCurvePrivateKey),
        ("ec-p384", "EC P-384", "ES384", ec.EllipticCurvePrivateKey),
        ("rsa-2048", "RSA 2048", "RS256", rsa.RSAPrivateKey),
    ],
)
def test_generated_keys_parse_back_in_every_format(kind, key_type, algorithm, cls):
    result = run(KeysInput(kind=kind, comment="me@host"))
    assert (result.key_type, result.jws_algorithm) == (key_type, algorithm)
    private = serialization.load_pem_private_key(result.private_pem.encode(), password=None)
    assert isinstance(private, cls)
    from_ssh = serialization.load_ssh_private_key(result.private_openssh.encode(), password=None)
    public_pem = serialization.load_pem_public_key(result.public_pem.encode())
    public_ssh = serialization.load_ssh_public_key(result.public_openssh.rsplit(" ", 1)[0].encode())
    reader = {"RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}[json.loads(result.public_jwk)["kty"]]
    from_jwk = reader.from_jwk(result.private_jwk)
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    same = private.public_key().public_bytes(serialization.Encoding.DER, spki)
    public_jwk = json.loads(result.public_jwk)
    for key in (from_ssh.public_key(), public_pem, public_ssh, from_jwk.public_key(), reader.from_jwk(public_jwk)):
        assert key.public_bytes(serialization.Encoding.DER, spki) == same
    assert result.public_openssh.endswith(" me@host")
    assert public_jwk["kid"] == result.jwk_thumbprint == jwk_thumbprint(public_jwk)
    assert "d" not in public_jwk and "d" in json.loads(result.private_jwk)
    assert primary_text(result) == result.private_pem
    assert run(KeysInput(kind=kind)).private_pem != result.private_pem


def test_rsa_4096_is_generated_within_the_time_limit():
    result = run(KeysInput(kind="rsa-4096"))
    assert result.key_type == "RSA 4096"


def test_inspecting_a_private_key_shows_only_its_public_half():
    generated = run(KeysInput(kind="ec-p256"))
    result = run(KeysInput(mode="inspect", input=generated.private_pem))
    assert result.private_given and result.private_pem is None and result.private_jwk is None
    assert result.ssh_fingerprint == generated.ssh_fingerprint
    assert run(KeysInput(mode="inspect", input=generated.private_openssh)).jwk_thumbprint == generated.jwk_thumbprint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "paste a key"),
        ("hello", "not a key"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "could not be read"),
        ('{"kty": "oct", "k": "AAAA"}', '"kty" RSA, EC or OKP'),
        ('{"kty": "EC", "crv": "P-256"}', "incomplete or invalid"),
        ("{" * 5000, "not JSON"),
        ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", "encrypted"),
    ],
)
def test_what_is_not_a_usable_key_is_a_field_error(text, message):
    with pytest.raises(ToolInputError, match=message) as error:
        run(KeysInput(mode="inspect", input=text))
    assert error.value.field == "input"


def test_unsupported_key_types_are_named():
    secp256k1 = ec.generate_private_key(ec.SECP256K1()).public_key()
    pem = secp256k1.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ToolInputError, match="not supported"):
        run(KeysInput(mode="inspect", input=pem.decode()))


async def test_api_and_page(tool_client):
    api = await tool_client.post("/api/keys", json={"mode": "inspect", "input": json.dumps(RFC7638_JWK)})
    assert (await api.get_json())["jwk_thumbprint"] == RFC7638_THUMBPRINT
    generated = await tool_client.post("/api/keys", json={"kind": "ed25519"})
    assert (await generated.get_json())["private_pem"].startswith("-----BEGIN PRIVATE KEY-----")
    assert generated.headers["Cache-Control"] == "no-store"
    first = await tool_client.get("/tools/keys/")
    html = await first.get_data(as_text=True)
    assert "-----BEGIN PRIVATE KEY-----" in html and "Link to this result" not in html  # a fresh pair, no link
    assert first.headers["Cache-Control"] == "no-store"
    public = await tool_client.post("/tools/keys/", form={"mode": "inspect", "input": RFC8037_JWK})
    assert "Link to this result" in await public.get_data(as_text=True)
    private = (await generated.get_json())["private_pem"]
    inspected = await tool_client.post("/tools/keys/", form={"mode": "inspect", "input": private})
    page = await inspected.get_data(as_text=True)
    assert "only its public half is shown" in page and "Link to this result" not in page
