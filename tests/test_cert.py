"""The certificate decoder: RFC 8410 keys, certificates made here (fingerprints checked with hashlib over the DER),
chains from trustme, a CSR, RSA/EC/Ed25519 keys (encrypted too), garbage; then API, page, CLI, never a log line."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import struct
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from core.forms import ToolInputError
from tests.conftest import make_app
from tools.cert import EXAMPLE_CERTIFICATE, RFC8410_PUBLIC_KEY, RFC8410_PUBLIC_KEY_HEX
from tools.cert.read import MAX_BLOCKS, Secrets
from tools.cert.report import inspect_paste

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)

# RFC 8410 section 10.3: the Ed25519 private key whose public half is section 10.1's key.
RFC8410_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
"""
# Checked with OpenSSL 3 (`openssl x509 -fingerprint -sha256 -serial`; `openssl pkey -pubin -outform der |
# openssl dgst -sha256 -binary | base64`) and again below with hashlib over the DER.
EXAMPLE_SHA256 = "E6:A6:71:DB:AA:CF:D5:27:1C:21:93:31:6D:CA:A4:6C:A3:27:DE:4B:37:D8:08:AF:2D:99:59:6B:97:81:8B:EE"
EXAMPLE_PIN = "BuP9j9opu2CrWVV95h7bCuzbIxE0vjDnW0Vfjht5L6k="
RFC8410_PIN = "oekVYFTgT6yJmunydRMs3Ael28TqLCrTof/G4NJTaB8="
# RFC 8032 section 7.1, test 1: the example certificate's public key.
RFC8032_TEST1_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"


def inspect(text: str, passphrase: str = "", *, link: bool = False, now: datetime = NOW):
    return inspect_paste(text, Secrets(passphrase, link), now)


def refused(text: str, passphrase: str = "", *, link: bool = False) -> ToolInputError:
    with pytest.raises(ToolInputError) as caught:
        inspect(text, passphrase, link=link)
    return caught.value


def der_of_pem(pem: str) -> bytes:
    """The DER inside one PEM block, decoded here without cryptography: the independent path."""
    body = "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))
    return base64.b64decode(body)


def pem_block(label: str, body: str) -> str:
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def colon_sha(name: str, data: bytes) -> str:
    return ":".join(f"{b:02X}" for b in hashlib.new(name, data).digest())


def pin_of(public_key) -> str:
    spki = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def pem_of(thing) -> str:
    return thing.public_bytes(serialization.Encoding.PEM).decode()


def private_pem(key, fmt=serialization.PrivateFormat.PKCS8, encryption=None) -> str:
    encryption = encryption or serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, fmt, encryption).decode()


def make_certificate(subject: str, key, issuer: str | None = None, signer=None, *, days=(-10, 80), **extra):
    """A certificate made here: subject CN, signed by signer (itself by default), valid NOW+days."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer or subject)]))
        .public_key(key.public_key())
        .serial_number(extra.get("serial", 1000))
        .not_valid_before(NOW + timedelta(days=days[0]))
        .not_valid_after(NOW + timedelta(days=days[1]))
    )
    signer = signer or key
    algorithm = None if isinstance(signer, ed25519.Ed25519PrivateKey) else extra.get("hash", hashes.SHA256())
    return builder.sign(signer, algorithm)


# --- the examples: published keys and a certificate whose answers were checked with OpenSSL ---------------------


def test_example_certificate_fingerprints_match_hashlib_and_openssl():
    (item,) = inspect(EXAMPLE_CERTIFICATE).items
    der = der_of_pem(EXAMPLE_CERTIFICATE)
    assert item.fingerprints == {"sha256": colon_sha("sha256", der), "sha1": colon_sha("sha1", der)}
    assert item.fingerprints["sha256"] == EXAMPLE_SHA256
    assert item.key.spki_sha256 == EXAMPLE_PIN


def test_example_certificate_fields():
    (item,) = inspect(EXAMPLE_CERTIFICATE).items
    assert (item.kind, item.source, item.subject, item.issuer) == ("certificate", "PEM", "CN=demo.test", "CN=demo.test")
    assert (item.serial, item.serial_decimal) == ("12:34:56:78:9A:BC:DE:F0", str(0x123456789ABCDEF0))
    assert (item.not_before, item.not_after) == ("2026-01-01T00:00:00Z", "2036-01-01T00:00:00Z")
    # 2026-12-04 12:00 to 2036-01-01 00:00: 3314.5 days, so 3314 whole days are left.
    assert item.days_left == (date(2036, 1, 1) - date(2026, 12, 4)).days - 1 == 3314
    assert (item.validity, item.validity_text) == ("valid", "Valid: 3314 days left, until 2036-01-01T00:00:00Z.")
    assert item.subject_alt_names == ["DNS:demo.test"]
    assert (item.is_ca, item.extended_key_usage) == (False, ["TLS server (serverAuth)"])
    assert item.signature_algorithm == "ED25519 (1.3.101.112)"
    assert item.signature.startswith("Self-signed")
    assert (item.key.type, item.key.size) == ("Ed25519", 256)
    assert RFC8032_TEST1_PUBLIC in der_of_pem(item.key.public_key_pem).hex()
    assert [(e.name, e.oid, e.critical) for e in item.extensions] == [
        ("subject alternative name", "2.5.29.17", False),
        ("basic constraints", "2.5.29.19", True),
        ("extended key usage", "2.5.29.37", False),
    ]
    assert "3652 days" in item.notes[0] and "398" in item.notes[0]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (RFC8410_PUBLIC_KEY, "PEM"),
        (RFC8410_PUBLIC_KEY_HEX, "DER (hex)"),
        (RFC8410_PUBLIC_KEY_HEX.upper(), "DER (hex)"),
        (":".join(re.findall("..", RFC8410_PUBLIC_KEY_HEX)), "DER (hex)"),  # as OpenSSL's -text writes bytes
        ("MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=", "DER (Base64)"),
        ("MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE", "DER (Base64)"),  # padding left off
        ("MCowBQYDK2VwAyEAGb9ECWmEzf6F\nQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=", "DER (Base64)"),
    ],
)
def test_rfc8410_public_key_in_every_spelling(text, source):
    (item,) = inspect(text).items
    assert (item.kind, item.source, item.key.type) == ("public key", source, "Ed25519")
    # pin-sha256 = Base64(SHA-256(SubjectPublicKeyInfo DER)); the DER is the RFC's bytes.
    digest = hashlib.sha256(bytes.fromhex(RFC8410_PUBLIC_KEY_HEX)).digest()
    assert item.key.spki_sha256 == base64.b64encode(digest).decode()
    assert item.key.spki_sha256 == RFC8410_PIN
    assert item.fingerprints == {}


def test_rfc8410_private_key_matches_its_public_key_and_is_never_echoed():
    result = inspect(RFC8410_PRIVATE_KEY + RFC8410_PUBLIC_KEY)
    private, public = result.items
    assert (private.kind, public.kind) == ("private key", "public key")
    assert private.key.spki_sha256 == public.key.spki_sha256 == RFC8410_PIN
    assert (private.same_key_as, public.same_key_as) == ([2], [1])
    assert "not shown, stored or logged" in private.notes[0]
    secret_body = "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp"
    assert secret_body not in result.model_dump_json()


# --- chains, requests, keys ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chain() -> tuple[trustme.LeafCert, trustme.CA, trustme.CA]:
    root = trustme.CA(organization_name="Test Root")
    intermediate = root.create_child_ca()
    leaf = intermediate.issue_cert("localhost", "127.0.0.1", "::1")
    return leaf, intermediate, root


def test_a_trustme_chain_is_listed_in_order_and_linked(chain):
    leaf, intermediate, root = chain
    text = leaf.cert_chain_pems[0].bytes().decode() + pem_of(intermediate._certificate) + root.cert_pem.bytes().decode()
    result = inspect(text)
    assert result.count == 3
    items = result.items
    assert [i.kind for i in items] == ["certificate"] * 3
    pems = [leaf.cert_chain_pems[0].bytes().decode(), pem_of(intermediate._certificate), root.cert_pem.bytes().decode()]
    for item, pem in zip(items, pems, strict=True):
        assert item.fingerprints["sha256"] == colon_sha("sha256", der_of_pem(pem))
    assert items[0].subject_alt_names == ["DNS:localhost", "IP Address:127.0.0.1", "IP Address:::1"]
    assert items[0].signature == "Issued by item 2: its key verifies this signature."
    assert items[1].signature == "Issued by item 3: its key verifies this signature."
    assert items[2].signature.startswith("Self-signed")
    assert (items[1].is_ca, items[2].is_ca, items[0].is_ca) == (True, True, False)
    assert "certificate signing" in items[2].key_usage
    assert items[0].issuer == items[1].subject and items[1].issuer == items[2].subject
    assert result.summary.splitlines()[0].startswith("1. Certificate ")


def test_an_issuer_with_the_right_name_but_another_key_is_caught():
    real_ca, impostor = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    leaf = make_certificate("leaf.test", ec.generate_private_key(ec.SECP256R1()), "Test CA", real_ca)
    fake = make_certificate("Test CA", impostor)
    items = inspect(pem_of(leaf) + pem_of(fake)).items
    assert items[0].signature == "Item 2 has the issuer's name, but its key does NOT verify this signature."
    alone = inspect(pem_of(leaf)).items[0]
    assert alone.signature == "Its issuer is not in the paste: the signature was not checked."


def test_certificate_request_with_its_signature_and_sans():
    key = ec.generate_private_key(ec.SECP256R1())
    names = ("api.example.test", "example.test")
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.example.test")]))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (item,) = inspect(pem_of(csr)).items
    assert (item.kind, item.subject, item.issuer) == ("certificate request", "CN=api.example.test", None)
    assert item.subject_alt_names == ["DNS:api.example.test", "DNS:example.test"]
    assert item.signature.startswith("The request's signature is valid")
    assert item.signature_algorithm == "ECDSA with SHA256 (1.2.840.10045.4.3.2)"
    assert (item.key.type, item.key.size, item.key.curve) == ("EC", 256, "secp256r1 (P-256)")
    der = csr.public_bytes(serialization.Encoding.DER)
    assert item.fingerprints["sha256"] == colon_sha("sha256", der)
    assert item.key.spki_sha256 == pin_of(key.public_key())
    # The same request as DER in Base64 (no PEM lines) is read the same.
    assert inspect(base64.b64encode(der).decode()).items[0].fingerprints == item.fingerprints


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize("fmt", [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL])
def test_rsa_private_key_in_pkcs8_and_pkcs1(rsa_key, fmt):
    text = private_pem(rsa_key, fmt)
    assert ("BEGIN RSA PRIVATE KEY" in text) == (fmt is serialization.PrivateFormat.TraditionalOpenSSL)
    result = inspect(text)
    (item,) = result.items
    assert (item.kind, item.title) == ("private key", "RSA 2048-bit private key")
    assert (item.key.type, item.key.size, item.key.exponent) == ("RSA", 2048, 65537)
    assert item.key.spki_sha256 == pin_of(rsa_key.public_key())
    assert (
        item.key.public_key_pem
        == rsa_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    body_line = text.splitlines()[5]
    assert body_line not in result.model_dump_json()


def test_rsa_private_key_and_its_certificate_are_matched(rsa_key):
    certificate = make_certificate("rsa.test", rsa_key)
    items = inspect(pem_of(certificate) + private_pem(rsa_key)).items
    assert (items[0].same_key_as, items[1].same_key_as) == ([2], [1])
    assert items[0].signature_algorithm == "RSA with SHA256 (1.2.840.113549.1.1.11)"


def test_ec_key_as_openssl_ecparam_writes_it():
    key = ec.generate_private_key(ec.SECP384R1())
    text = pem_block("EC PARAMETERS", "BgUrgQQAIg==")
    text += private_pem(key, serialization.PrivateFormat.TraditionalOpenSSL)
    (item,) = inspect(text).items
    assert (item.kind, item.key.type, item.key.size, item.key.curve) == ("private key", "EC", 384, "secp384r1 (P-384)")


def test_openssh_public_key_line():
    key = ed25519.Ed25519PrivateKey.generate()
    line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    (item,) = inspect(line + " me@laptop\n").items
    assert (item.kind, item.source, item.key.type) == ("public key", "OpenSSH", "Ed25519")
    assert item.key.spki_sha256 == pin_of(key.public_key())


SHA256_WITH_RSA = bytes.fromhex("06092a864886f70d01010b")  # OID 1.2.840.113549.1.1.11, DER-encoded
SHA1_WITH_RSA = bytes.fromhex("06092a864886f70d010105")  # 1.2.840.113549.1.1.5


def test_weak_key_and_sha1_signature_are_noted():
    # cryptography no longer signs with SHA-1: the algorithm's OID is changed in both places it is written.
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    der = make_certificate("old.test", key).public_bytes(serialization.Encoding.DER)
    assert der.count(SHA256_WITH_RSA) == 2
    (item,) = inspect(der.replace(SHA256_WITH_RSA, SHA1_WITH_RSA).hex()).items
    assert item.signature_algorithm == "RSA with SHA1 (1.2.840.113549.1.1.5)"
    assert any("broken hash" in note for note in item.notes)
    assert any("1024-bit RSA key is weak" in note for note in item.notes)


@pytest.mark.parametrize(
    ("days", "state", "text"),
    [
        ((-100, -3), "expired", "Expired 3 days ago, on 2026-12-01T12:00:00Z."),
        ((-100, 0), "valid", "Valid: 0 days left, until 2026-12-04T12:00:00Z."),
        ((2, 30), "not yet valid", "Not valid yet: it starts on 2026-12-06T12:00:00Z."),
        ((-1, 1), "valid", "Valid: 1 day left, until 2026-12-05T12:00:00Z."),
    ],
)
def test_validity_at_a_fixed_now(days, state, text):
    certificate = make_certificate("t.test", ed25519.Ed25519PrivateKey.generate(), days=days)
    (item,) = inspect(pem_of(certificate)).items
    assert (item.validity, item.validity_text) == (state, text)
    assert item.days_left == days[1]


# --- encrypted keys --------------------------------------------------------------------------------------------------


def encrypted(key, passphrase: bytes, fmt=serialization.PrivateFormat.PKCS8) -> str:
    return private_pem(key, fmt, serialization.BestAvailableEncryption(passphrase))


@pytest.mark.parametrize(
    "fmt",
    [
        serialization.PrivateFormat.PKCS8,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.PrivateFormat.OpenSSH,
    ],
)
def test_encrypted_private_key_needs_its_passphrase(fmt):
    key = ec.generate_private_key(ec.SECP256R1())
    text = encrypted(key, b"correct horse", fmt)
    missing = refused(text)
    assert missing.field == "passphrase" and "is encrypted: type its passphrase" in missing.message
    wrong = refused(text, "wrong horse")
    assert wrong.field == "passphrase" and wrong.message.startswith("The passphrase does not decrypt PEM block 1")
    (item,) = inspect(text, "correct horse").items
    assert item.key.spki_sha256 == pin_of(key.public_key())
    assert "the passphrase decrypted it for this answer only" in item.notes[0]


def test_encrypted_der_private_key():
    key = ed25519.Ed25519PrivateKey.generate()
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw")
    )
    text = base64.b64encode(der).decode()
    assert refused(text).field == "passphrase"
    assert inspect(text, "pw").items[0].key.spki_sha256 == pin_of(key.public_key())


def test_a_private_key_is_never_read_from_a_link():
    error = refused(RFC8410_PRIVATE_KEY, link=True)
    assert (error.field, error.message.split(":")[0]) == ("input", "A private key is never read from a link")
    assert inspect(RFC8410_PUBLIC_KEY, link=True).items[0].key.spki_sha256 == RFC8410_PIN


# --- what is not a certificate -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Paste a certificate"),
        ("hello world!", "neither PEM"),
        ("aGVsbG8gd29ybGQ=", "neither PEM"),  # "hello world": not DER, which begins with a SEQUENCE (0x30)
        ("MAA=", "decodes to 2 bytes that are not a certificate"),  # 30 00: an empty SEQUENCE
        ("3000", "decodes to 2 bytes that are not a certificate"),
        ("-----BEGIN CERTIFICATE-----\nMIIB\n", "'BEGIN CERTIFICATE' has no matching END line"),
        (pem_block("CERTIFICATE", "!!!!"), "PEM block 1 (CERTIFICATE) is not valid Base64"),
        (pem_block("CERTIFICATE", "aGVsbG8="), "PEM block 1 (CERTIFICATE) could not be read"),
        (pem_block("PKCS7", "aGVsbG8="), "PEM block 1 (PKCS7) is not something this tool reads"),
        (pem_block("PRIVATE KEY", "aGVsbG8="), "PEM block 1 (PRIVATE KEY) could not be read"),
        (pem_block("EC PARAMETERS", "BggqhkjOPQMBBw=="), "There is no certificate"),
    ],
)
def test_garbage_is_refused_naming_the_input(text, fragment):
    error = refused(text)
    assert error.field == "input"
    assert fragment in error.message


def test_too_many_blocks():
    assert f"at most {MAX_BLOCKS}" in refused(RFC8410_PUBLIC_KEY * (MAX_BLOCKS + 1)).message
    assert inspect(RFC8410_PUBLIC_KEY * MAX_BLOCKS).count == MAX_BLOCKS


# --- API, page, command line -----------------------------------------------------------------------------------------


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr("tools.cert.current_time", lambda: NOW)


async def test_api_decodes_the_example_and_is_never_cached(tool_client, fixed_now):
    response = await tool_client.post("/api/cert", json={"input": EXAMPLE_CERTIFICATE})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = await response.get_json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["fingerprints"]["sha256"], item["key"]["spki_sha256"], item["days_left"]) == (
        EXAMPLE_SHA256,
        EXAMPLE_PIN,
        3314,
    )
    assert body["summary"] == (
        "1. Certificate CN=demo.test — Valid: 3314 days left, until 2036-01-01T00:00:00Z — key Ed25519 256 bits — "
        f"SHA-256 {EXAMPLE_SHA256}"
    )


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"input": "not a certificate"}, "input", "neither PEM"),
        ({"input": encrypted(ed25519.Ed25519PrivateKey.generate(), b"pw")}, "passphrase", "is encrypted"),
        ({"input": "x" * 250_001}, "input", "250000"),
        ({"passphrase": "x"}, "input", "input"),
    ],
)
async def test_api_errors_name_the_field(tool_client, body, field, fragment):
    response = await tool_client.post("/api/cert", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field and fragment in error["message"]


async def test_private_keys_and_passphrases_never_reach_the_log(tool_client, caplog):
    caplog.set_level(logging.DEBUG)
    key = ed25519.Ed25519PrivateKey.generate()
    text = encrypted(key, b"never-log-this-passphrase")
    plain = private_pem(key)
    for body in ({"input": text, "passphrase": "never-log-this-passphrase"}, {"input": text}, {"input": plain}):
        await tool_client.post("/api/cert", json=body)
        await tool_client.post("/tools/cert/", data=urlencode(body), headers=FORM)
    await tool_client.get("/tools/cert/?" + urlencode({"input": plain}))
    assert "never-log-this-passphrase" not in caplog.text
    for line in (text.splitlines()[2], plain.splitlines()[1]):
        assert line not in caplog.text


async def test_page_post_shows_the_result_without_a_share_link(tool_client, fixed_now):
    response = await tool_client.post("/tools/cert/", data=urlencode({"input": EXAMPLE_CERTIFICATE}), headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert EXAMPLE_SHA256 in page and EXAMPLE_PIN in page
    assert "Valid: 3314 days left" in page
    assert 'class="share"' not in page


async def test_htmx_partial_and_the_passphrase_is_not_written_back(tool_client, fixed_now):
    key = ec.generate_private_key(ec.SECP256R1())
    form = urlencode({"input": encrypted(key, b"s3cret-pass"), "passphrase": "s3cret-pass"})
    response = await tool_client.post("/tools/cert/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert pin_of(key.public_key()) in fragment
    full = await (await tool_client.post("/tools/cert/", data=form, headers=FORM)).get_data(as_text=True)
    assert "s3cret-pass" not in full and 'name="passphrase" value=""' in full


async def test_page_errors_sit_next_to_their_field(tool_client):
    form = urlencode({"input": encrypted(ed25519.Ed25519PrivateKey.generate(), b"pw")})
    response = await tool_client.post("/tools/cert/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    feedback = r'<div id="passphrase-feedback" hx-swap-oob="true"><small class="field-error"[^>]*>PEM block 1'
    assert re.search(feedback, fragment)


async def test_a_link_with_a_private_key_is_refused(tool_client):
    response = await tool_client.get("/tools/cert/?" + urlencode({"input": RFC8410_PRIVATE_KEY}))
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A private key is never read from a link" in page


async def test_an_encrypted_key_is_refused_in_time(sqlite_template, tmp_path):
    """An OpenSSH key whose bcrypt rounds were raised to 2^31 - 1: the bounded executor stops the KDF."""
    key = ed25519.Ed25519PrivateKey.generate()
    builder = serialization.PrivateFormat.OpenSSH.encryption_builder().kdf_rounds(1).build(b"pw")
    text = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, builder).decode()
    blob = bytearray(der_of_pem(text))
    # openssh-key-v1\0, string cipher, string kdf "bcrypt", string options = (string salt, uint32 rounds).
    offset = blob.index(b"bcrypt") + len("bcrypt") + 4
    salt_length = struct.unpack(">I", blob[offset : offset + 4])[0]
    rounds_at = offset + 4 + salt_length
    assert struct.unpack(">I", blob[rounds_at : rounds_at + 4]) == (1,)
    blob[rounds_at : rounds_at + 4] = struct.pack(">I", 2**31 - 1)
    body = base64.b64encode(bytes(blob)).decode()
    hostile = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n"
    path = tmp_path / "db.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    app = make_app(f"sqlite:///{path}", WORK_TIME_LIMIT_MS="1000")
    async with app.test_app():
        started = datetime.now(UTC)
        response = await app.test_client().post("/api/cert", json={"input": hostile, "passphrase": "pw"})
        elapsed = (datetime.now(UTC) - started).total_seconds()
    assert response.status_code == 422
    assert "takes too long" in (await response.get_json())["error"]["message"]
    assert elapsed < 5


def test_the_command_line_prints_the_api_answer(tmp_path, sqlite_template, fixed_now):
    path = tmp_path / "db.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    runner = make_app(f"sqlite:///{path}").test_cli_runner()
    result = runner.invoke(args=["tool", "cert", json.dumps({"input": RFC8410_PUBLIC_KEY_HEX})])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["items"][0]["key"]["spki_sha256"] == RFC8410_PIN
    failed = runner.invoke(args=["tool", "cert", '{"input": "zz"}'])  # Base64 for one byte, 0xCF
    assert failed.exit_code == 1 and "neither PEM" in failed.output
