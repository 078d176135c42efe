"""Read a key the keys tool is given: PEM (public, private, certificate), an OpenSSH public key or a JWK."""

from __future__ import annotations

import json

import jwt
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from core.forms import ToolInputError
from tools.keys.formats import CURVE_NAMES, PublicKey

MAX_RSA_BITS = 8192
JWK_READERS = {"RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}
SUPPORTED = "RSA, EC P-256/P-384/P-521 and Ed25519 keys"


def read_pem(text: str):
    data = text.encode("ascii", "replace")
    if "-----BEGIN OPENSSH PRIVATE KEY-----" in text:
        return serialization.load_ssh_private_key(data, password=None)
    if "ENCRYPTED" in text.split("\n", 1)[0] or "Proc-Type: 4,ENCRYPTED" in text:
        raise ToolInputError("this private key is encrypted with a passphrase: decrypt it first (never paste it here)")
    if "PRIVATE KEY-----" in text:
        return serialization.load_pem_private_key(data, password=None)
    if "-----BEGIN CERTIFICATE-----" in text:
        return x509.load_pem_x509_certificate(data).public_key()
    return serialization.load_pem_public_key(data)


def read_jwk(text: str):
    try:
        jwk = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ToolInputError("this starts like a JWK but is not JSON") from None
    if not isinstance(jwk, dict) or jwk.get("kty") not in JWK_READERS:
        raise ToolInputError('a JWK is a JSON object with "kty" RSA, EC or OKP')
    try:
        return JWK_READERS[jwk["kty"]].from_jwk(jwk)
    except (jwt.InvalidKeyError, KeyError, ValueError, TypeError):
        raise ToolInputError(f"this {jwk['kty']} JWK is incomplete or invalid") from None


def read_key(text: str) -> tuple[PublicKey, bool]:
    """(the public key, whether a private key was given); ToolInputError says what could not be read."""
    text = text.strip()
    if not text:
        raise ToolInputError("paste a key: PEM, an OpenSSH public key (ssh-ed25519 AAAA…) or a JWK")
    try:
        if text.startswith("-----BEGIN "):
            key = read_pem(text)
        elif text.startswith(("ssh-", "ecdsa-sha2-")):
            key = serialization.load_ssh_public_key(" ".join(text.split()[:2]).encode("ascii", "replace"))
        elif text.startswith("{"):
            key = read_jwk(text)
        else:
            raise ToolInputError("not a key: PEM starts with -----BEGIN, OpenSSH with ssh-, a JWK with {")
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        if isinstance(error, ToolInputError):
            raise
        raise ToolInputError(f"the key could not be read: is it complete? Supported: {SUPPORTED}") from None
    private = not hasattr(key, "public_bytes")
    public = key.public_key() if private else key
    check_supported(public)
    return public, private


def check_supported(key) -> None:
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size > MAX_RSA_BITS:
            raise ToolInputError(f"an RSA key of {key.key_size} bits: this tool reads up to {MAX_RSA_BITS}")
        return
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name in CURVE_NAMES:
        return
    if isinstance(key, ed25519.Ed25519PublicKey):
        return
    raise ToolInputError(f"this kind of key is not supported here: {SUPPORTED}")
