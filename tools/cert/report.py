"""The whole answer for a paste: every item described, chains linked, keys matched, and a summary."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from tools.cert.describe import CertItem, check_signature, describe_certificate, describe_key_item, describe_request
from tools.cert.read import Loaded, Secrets, read_input


class CertOutput(BaseModel):
    count: int
    summary: str  # one line per item: what a recipe passes on
    items: list[CertItem]


def describe(loaded: Loaded, number: int, now: datetime) -> CertItem:
    if loaded.kind == "certificate":
        return describe_certificate(loaded, number, now)
    if loaded.kind == "certificate request":
        return describe_request(loaded, number)
    return describe_key_item(loaded, number)


def link_chain(items: list[CertItem], loaded: list[Loaded]) -> None:
    """For each certificate: self-signed, or signed by another certificate of the paste (its signature checked)."""
    pairs = zip(items, loaded, strict=True)
    certificates = [(item, entry.value) for item, entry in pairs if entry.kind == "certificate"]
    for item, certificate in certificates:
        if item.subject == item.issuer and check_signature(certificate, certificate):
            item.signature = "Self-signed: its own key verifies its signature (a root, or a test certificate)."
            continue
        issuers = [(o, value) for o, value in certificates if o is not item and o.subject == item.issuer]
        for other, value in issuers:
            verified = check_signature(certificate, value)
            if verified is not None:
                item.signature = (
                    f"Issued by item {other.number}: its key verifies this signature."
                    if verified
                    else f"Item {other.number} has the issuer's name, but its key does NOT verify this signature."
                )
                break
        else:
            item.signature = "Its issuer is not in the paste: the signature was not checked."


def match_keys(items: list[CertItem]) -> None:
    """Items that hold the same public key: a private key, its certificate and its request."""
    for item in items:
        item.same_key_as = [o.number for o in items if o is not item and o.key.spki_sha256 == item.key.spki_sha256]


def summary_line(item: CertItem) -> str:
    parts = [f"{item.number}. {item.title}"]
    if item.validity_text:
        parts.append(item.validity_text.rstrip("."))
    parts.append(f"key {item.key.type}" + (f" {item.key.size} bits" if item.key.size else ""))
    if item.fingerprints:
        parts.append(f"SHA-256 {item.fingerprints['sha256']}")
    else:
        parts.append(f"pin-sha256 {item.key.spki_sha256}")
    return " — ".join(parts)


def inspect_paste(text: str, secrets: Secrets, now: datetime) -> CertOutput:
    """Decode every certificate, request and key in the text."""
    loaded = read_input(text, secrets)
    items = [describe(entry, number, now) for number, entry in enumerate(loaded, 1)]
    link_chain(items, loaded)
    match_keys(items)
    return CertOutput(count=len(items), summary="\n".join(summary_line(item) for item in items), items=items)
