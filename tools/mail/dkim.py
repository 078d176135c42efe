"""DKIM key records (RFC 6376 3.6.1, RFC 8463): the tags, the key's type and size, and a verdict."""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

from tools.mail.tags import MailCheck, tag_list

LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
SELECTOR = re.compile(rf"{LABEL}(?:\.{LABEL})*")  # RFC 6376 3.1: a selector is one or more DNS labels
MIN_RSA_BITS = 1024  # RFC 8301 3.2: verifiers must not accept smaller keys


class DkimCheck(MailCheck):
    selector: str
    key_type: str | None = None  # rsa, ed25519
    key_bits: int | None = None


def key_size(kind: str, data: bytes) -> tuple[int | None, str | None]:
    """(bits, problem) of the p= key: an RSA SubjectPublicKeyInfo (or bare RSAPublicKey), or 32 Ed25519 bytes."""
    if kind == "ed25519":
        return (256, None) if len(data) == 32 else (None, f"An Ed25519 key is 32 bytes, this one is {len(data)}.")
    if kind != "rsa":
        return None, f"k={kind} is not a key type DKIM defines (rsa, ed25519)."
    try:
        key = load_der_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        return None, "p= is not an RSA public key."
    if not isinstance(key, rsa.RSAPublicKey):
        return None, "p= is a key of another type than k= says (rsa)."
    return key.key_size, None


def key_verdict(kind: str, bits: int) -> tuple[str, str]:
    if kind == "ed25519":
        return "good", "DKIM key: Ed25519 (RFC 8463) — strong, though some receivers still verify only RSA."
    if bits < MIN_RSA_BITS:
        return "bad", f"DKIM key: RSA {bits} bits — too short, receivers ignore signatures made with it (RFC 8301)."
    if bits < 2048:
        return "warning", f"DKIM key: RSA {bits} bits — accepted, but 2048 bits is the recommended size now."
    return "good", f"DKIM key: RSA {bits} bits."


def dkim_check(name: str, selector: str, texts: list[str]) -> DkimCheck:
    """The DKIM check from the TXT strings at <selector>._domainkey.<domain>."""
    if not texts:
        verdict = f"No DKIM key for the selector {selector}: check the selector in a signed message's s= tag."
        return DkimCheck(name=name, selector=selector, state="bad", verdict=verdict)
    notes = ["Several TXT records: verifiers may use any one of them."] if len(texts) > 1 else []
    record = texts[0]
    tags, problems = tag_list(record)
    base = {"name": name, "selector": selector, "record": record, "tags": tags}
    if "v" in tags and (next(iter(tags)) != "v" or tags["v"] != "DKIM1"):
        verdict = "Not a DKIM key record: v= must come first and be DKIM1."
        return DkimCheck(**base, state="bad", verdict=verdict, notes=problems)
    if "p" not in tags:
        return DkimCheck(**base, state="bad", verdict="The DKIM record has no p= key.", notes=problems)
    key = re.sub(r"\s+", "", tags["p"])
    if not key:
        verdict = "The DKIM key is revoked (empty p=): signatures with this selector fail."
        return DkimCheck(**base, state="bad", verdict=verdict, notes=problems)
    kind = tags.get("k", "rsa").lower()
    try:
        data = base64.b64decode(key, validate=True)
    except binascii.Error:
        return DkimCheck(**base, state="bad", verdict="p= is not valid Base64.", notes=problems)
    bits, problem = key_size(kind, data)
    if problem:
        return DkimCheck(**base, key_type=kind, state="bad", verdict=problem, notes=problems)
    state, verdict = key_verdict(kind, bits)
    notes += problems + dkim_notes(tags)
    return DkimCheck(**base, key_type=kind, key_bits=bits, state=state, verdict=verdict, notes=notes)


def dkim_notes(tags: dict[str, str]) -> list[str]:
    notes = []
    flags = {flag.strip() for flag in tags.get("t", "").split(":")}
    if "y" in flags:
        notes.append("t=y: testing mode — verifiers treat signed and unsigned mail alike.")
    if "s" in flags:
        notes.append("t=s: the signing domain must be exactly the From domain (no subdomains).")
    hashes = {algorithm.strip().lower() for algorithm in tags.get("h", "").split(":") if algorithm.strip()}
    if hashes and "sha256" not in hashes:
        notes.append("h= allows only SHA-1, which verifiers no longer accept (RFC 8301).")
    return notes
