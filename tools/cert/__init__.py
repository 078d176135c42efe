"""Decode X.509 certificates, certificate requests and public or private keys: names, validity, SANs, fingerprints."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field
from quart import request

from core.forms import FormInput, read_form
from core.operations import NO_STORE, Operation
from core.registry import Tool
from tools.cert.read import Secrets
from tools.cert.report import CertOutput, inspect_paste

MAX_INPUT = 250_000  # a CA bundle of ~150 certificates
MAX_PASSPHRASE = 1_000

# Generated once for the examples with cryptography (tests/test_cert.py checks their fingerprints with hashlib):
# a self-signed Ed25519 certificate, key = RFC 8032 test 1 secret key, 2026-01-01 to 2036-01-01.
EXAMPLE_CERTIFICATE = """-----BEGIN CERTIFICATE-----
MIIBGDCBy6ADAgECAggSNFZ4mrze8DAFBgMrZXAwFDESMBAGA1UEAwwJZGVtby50
ZXN0MB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFowFDESMBAGA1UEAwwJ
ZGVtby50ZXN0MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIa
aPcHURqjOzA5MBQGA1UdEQQNMAuCCWRlbW8udGVzdDAMBgNVHRMBAf8EAjAAMBMG
A1UdJQQMMAoGCCsGAQUFBwMBMAUGAytlcANBAJtU/qV+pdcF+AMRhUh/s5mMvOBI
mGO1E/fXFJkpLnlH1Aruz03Kctg6VBT+vRJ97U1If1TIb9Ma6NfmKg5TuAU=
-----END CERTIFICATE-----
"""
# RFC 8410 section 10.1: an Ed25519 public key.
RFC8410_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PUBLIC KEY-----
"""
RFC8410_PUBLIC_KEY_HEX = "302a300506032b657003210019bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"


class CertInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        title="Certificate, request or key",
        description="PEM (one block or several: a chain), DER as Base64 or hex, or an OpenSSH public key. "
        "Never stored or logged; a private key is never read from a link.",
    )
    passphrase: str = Field(
        default="",
        max_length=MAX_PASSPHRASE,
        description="Only for an encrypted private key. Used for this answer, never stored or put in links.",
    )


def current_time() -> datetime:
    """The clock the views read (tests replace it)."""
    return datetime.now(UTC)


def from_link() -> bool:
    """A GET page (an example or a hand-made link) carries its input in the URL, which servers log."""
    return request.method == "GET"


def decode(data: CertInput, now: datetime, link: bool) -> CertOutput:
    """Decode every certificate, certificate request and key pasted (PEM, DER as Base64 or hex)."""
    return inspect_paste(data.input, Secrets(data.passphrase, link), now)


async def read_page_form() -> FormInput:
    """The page's form; a passphrase is never taken from a link, nor written back into the page."""
    form = await read_form(CertInput)
    values = {name: value for name, value in form.values.items() if name != "passphrase"}
    if form.data is not None and from_link():
        return form._replace(data=form.data.model_copy(update={"passphrase": ""}), values=values)
    return form._replace(values=values)


TOOL = Tool(
    slug="cert",
    title="Certificate decoder",
    category="Crypto",
    icon="file-badge",
    keywords=("x509", "x.509", "pem", "der", "csr", "ssl", "tls", "fingerprint", "san", "private key", "public key"),
    examples=(
        ("Self-signed Ed25519 certificate", {"input": EXAMPLE_CERTIFICATE}),
        ("RFC 8410 Ed25519 public key", {"input": RFC8410_PUBLIC_KEY}),
        ("The same key as DER in hex", {"input": RFC8410_PUBLIC_KEY_HEX}),
    ),
    operations=(
        Operation(
            CertInput,
            decode,
            CertOutput,
            primary="summary",
            bounded=True,  # an encrypted key's KDF (PBKDF2 iterations, scrypt memory) is chosen by whoever wrote it
            request_args=lambda: (current_time(), from_link()),
            form=read_page_form,
            context=lambda form, result: {"share": None},  # a pasted certificate or key is never put in a link
            share_secret=("input", "passphrase"),
            response_headers=NO_STORE,  # a pasted key's answer is kept by no cache
        ),
    ),
)
