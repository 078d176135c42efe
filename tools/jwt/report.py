"""The JWT tool's whole answer for one token: decoded segments, time claims, signature check (no Quart)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.jwt.decode import claim_times, pretty_json, split_token
from tools.jwt.verify import verify_signature

KeyEncoding = Literal["text", "base64url"]
SummaryState = Literal["success", "warning", "danger", "info"]


class ClaimTimeOut(BaseModel):
    claim: Literal["exp", "nbf", "iat"]
    value: Any = Field(description="The claim's value as it appears in the payload.")
    utc: str | None = Field(description="ISO 8601 in UTC; null when the value is not a usable NumericDate.")
    status: Literal["expired", "valid", "not_yet_valid", "in_effect", "issued", "issued_in_future", "invalid"]
    text: str = Field(description='Relative to now: "expired 3 h ago", "valid for another 2 days", ...')


class JwtOutput(BaseModel):
    header: dict[str, Any] = Field(description="The decoded JOSE header.")
    payload: Any = Field(description="The payload: a JSON value, or text (or hex) when it is not JSON.")
    payload_format: Literal["json", "text", "hex"]
    header_pretty: str = Field(description="The header as indented JSON.")
    payload_pretty: str = Field(description="The payload as indented JSON, or as text / hex.")
    algorithm: str | None = Field(description='The header\'s "alg", if it is a string.')
    signature_bytes: int = Field(description="Length of the decoded signature, in bytes.")
    verified: bool | None = Field(description="true/false after a check with the key; null when nothing was checked.")
    verification: str = Field(description="What the signature check found, in words.")
    times: list[ClaimTimeOut] = Field(description="exp, nbf and iat as UTC dates, relative to now.")
    notes: list[str] = Field(description="Warnings, e.g. a key shorter than the algorithm requires.")
    summary: str = Field(
        description='Signature and time in one line: "Signature verified (HS256), but the token expired 3 days ago."'
    )
    summary_state: SummaryState = Field(
        description="success: verified and in its validity window; warning: expired or not yet valid (even with a "
        "good signature), or a time claim that cannot be read; danger: the signature does not match; info: "
        "nothing was checked and no time claim argues against it."
    )


def summarise(verified: bool | None, verification: str, times: list[ClaimTimeOut]) -> tuple[str, SummaryState]:
    """One line and its state: a token outside its exp/nbf window is never a success, however good its signature."""
    problems = [
        f"the token {t.text}" if t.status == "expired" else f"the token is {t.text}"
        for t in times
        if t.status in ("expired", "not_yet_valid")
    ]
    problems += [f"its {t.claim} is not a usable date" for t in times if t.status == "invalid" and t.claim != "iat"]
    if not problems:
        return verification, "success" if verified else ("danger" if verified is False else "info")
    said = " and ".join(problems)
    if verified:
        return f"{verification.removesuffix('.')}, but {said}.", "warning"
    return f"{verification} {said[0].upper()}{said[1:]}.", "danger" if verified is False else "warning"


def inspect_token(text: str, key: str, key_encoding: KeyEncoding, now: datetime) -> JwtOutput:
    """Decode a JWS compact token, read exp/nbf/iat at `now`, and verify it when a key is given."""
    token = split_token(text)
    verification = verify_signature(token, key, key_encoding)
    alg = token.header.get("alg")
    times = [ClaimTimeOut(**t._asdict()) for t in claim_times(token.payload, now)]
    summary, summary_state = summarise(verification.verified, verification.message, times)
    return JwtOutput(
        header=token.header,
        payload=token.payload,
        payload_format=token.payload_format,
        header_pretty=pretty_json(token.header),
        payload_pretty=pretty_json(token.payload) if token.payload_format == "json" else token.payload,
        algorithm=alg if isinstance(alg, str) else None,
        signature_bytes=len(token.signature),
        verified=verification.verified,
        verification=verification.message,
        times=times,
        notes=list(verification.notes),
        summary=summary,
        summary_state=summary_state,
    )
