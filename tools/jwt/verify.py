"""Check a JWS signature with PyJWT: an HMAC secret, or a PEM public key for RSA, ECDSA and EdDSA."""

from __future__ import annotations

import warnings
from typing import NamedTuple

import jwt
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.warnings import InsecureKeyLengthWarning

from core.forms import ToolInputError
from tools.jwt.decode import Token, base64url_bytes

# The algorithms this tool verifies (RFC 7518 §3.1, RFC 8037 §3.1) and what each one needs as a key.
HMAC_ALGORITHMS = {"HS256": 32, "HS384": 48, "HS512": 64}  # minimum key bytes, RFC 7518 §3.2
RSA_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
EC_CURVES = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1, "ES512": ec.SECP521R1}  # RFC 7518 §3.4
SUPPORTED = (*HMAC_ALGORITHMS, *RSA_ALGORITHMS, *EC_CURVES, "EdDSA")
CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
MIN_RSA_BITS = 2048  # RFC 7518 §3.3 and §3.5


class Verification(NamedTuple):
    verified: bool | None  # None: nothing was checked (no key, or an unsecured token)
    message: str
    notes: tuple[str, ...] = ()


def header_algorithm(token: Token) -> str:
    """The header's `alg`, once it is known to be one this tool may use; ToolInputError otherwise."""
    alg = token.header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise ToolInputError(
            'the header has no "alg" (a string naming the signature algorithm), so there is '
            "nothing to verify the signature with"
        )
    if alg.lower() == "none":
        raise ToolInputError(
            'the header says "alg": "none", an unsecured token with no signature (RFC 7515 Appendix A.5); '
            "it is never accepted as verified — remove the key to just decode it"
        )
    if alg not in SUPPORTED:
        raise ToolInputError(f'"alg": {alg!r} is not supported here; supported: {", ".join(SUPPORTED)}')
    return alg


def hmac_secret(alg: str, key: str, encoding: str) -> tuple[bytes, tuple[str, ...]]:
    """The HMAC key bytes, and a note when it is shorter than RFC 7518 §3.2 requires."""
    if "-----BEGIN" in key:
        raise ToolInputError(
            f"{alg} uses a shared secret, but the key is PEM: a public key must never be used as an HMAC "
            "secret (the algorithm-confusion attack; RFC 8725 §3.1: use each key with one algorithm only)",
            "key",
        )
    if encoding == "base64url":
        secret = base64url_bytes(key.strip(), "the key", field="key", show_characters=False)
    else:
        secret = key.encode("utf-8")
    if not secret:
        raise ToolInputError("the key decodes to no bytes at all", "key")
    minimum = HMAC_ALGORITHMS[alg]
    notes = ()
    if len(secret) < minimum:
        notes = (f"the key is {len(secret)} bytes; RFC 7518 §3.2 requires at least {minimum} bytes for {alg}",)
    return secret, notes


def describe_key(key) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"an RSA {key.key_size}-bit key"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"an EC {CURVE_NAMES.get(key.curve.name, key.curve.name)} key"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "an Ed25519 key"
    if isinstance(key, ed448.Ed448PublicKey):
        return "an Ed448 key"
    return f"a {type(key).__name__.removeprefix('_')} key"


def expected_key(alg: str) -> str:
    if alg in RSA_ALGORITHMS:
        return "an RSA public key"
    if alg in EC_CURVES:
        return f"an EC {CURVE_NAMES[EC_CURVES[alg].name]} public key"
    return "an Ed25519 or Ed448 public key"


def key_fits(alg: str, key) -> bool:
    if alg in RSA_ALGORITHMS:
        return isinstance(key, rsa.RSAPublicKey)
    if alg in EC_CURVES:
        return isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, EC_CURVES[alg])
    return isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey)


def public_key(alg: str, key: str):
    """The PEM public key (or certificate) for an asymmetric `alg`; ToolInputError (field `key`) says what is wrong."""
    text = key.strip()
    if "PRIVATE KEY-----" in text:
        raise ToolInputError(
            f"this is a private key: {alg} signatures are checked with the public key (-----BEGIN PUBLIC KEY-----). "
            "Keep private keys out of web tools, this one included",
            "key",
        )
    if not text.startswith("-----BEGIN "):
        hint = ""
        if text.startswith("{"):
            hint = " (this looks like a JWK: convert it to PEM first)"
        elif text.startswith(("ssh-", "ecdsa-sha2-")):
            hint = " (an OpenSSH public key is not PEM)"
        raise ToolInputError(
            f"{alg} needs a PEM public key (-----BEGIN PUBLIC KEY-----), and this key is not PEM{hint}; "
            f"a shared secret only works with {', '.join(HMAC_ALGORITHMS)}",
            "key",
        )
    try:
        if text.startswith("-----BEGIN CERTIFICATE-----"):
            loaded = x509.load_pem_x509_certificate(text.encode()).public_key()
        else:
            loaded = load_pem_public_key(text.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ToolInputError(
            "the PEM public key could not be read: is it complete, from its -----BEGIN line to its -----END line?",
            "key",
        ) from None
    if not key_fits(alg, loaded):
        raise ToolInputError(f"{alg} needs {expected_key(alg)}, but this is {describe_key(loaded)}", "key")
    return loaded


def verify_signature(token: Token, key: str, key_encoding: str = "text") -> Verification:
    """Check the signature with the key (only with the header's own, allowed `alg`); no key: just say so."""
    if not key.strip():
        if str(token.header.get("alg", "")).lower() == "none":
            return Verification(None, 'Unsecured token ("alg": "none"): there is no signature to verify.')
        return Verification(None, "Signature not verified: enter the key to check it.")
    alg = header_algorithm(token)
    notes: tuple[str, ...] = ()
    if alg in HMAC_ALGORITHMS:
        prepared, notes = hmac_secret(alg, key, key_encoding)
    else:
        prepared = public_key(alg, key)
        if isinstance(prepared, rsa.RSAPublicKey) and prepared.key_size < MIN_RSA_BITS:
            notes = (f"the RSA key has {prepared.key_size} bits; RFC 7518 §3.3 requires {MIN_RSA_BITS} or more",)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureKeyLengthWarning)  # reported in `notes` instead
            jwt.PyJWS(algorithms=[alg]).decode_complete(token.text, key=prepared, algorithms=[alg])
    except jwt.InvalidSignatureError:
        return Verification(
            False, f"Signature does NOT match: this {alg} token was not signed with this key, or it was altered.", notes
        )
    except jwt.InvalidKeyError as exc:
        raise ToolInputError(f"the key cannot be used with {alg}: {exc}", "key") from None
    except jwt.PyJWTError as exc:
        raise ToolInputError(f"the token cannot be verified: {exc}") from None
    return Verification(True, f"Signature verified ({alg}).", notes)
