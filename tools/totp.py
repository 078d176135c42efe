"""Time-based one-time passwords (RFC 6238): a new secret, the current and next codes, verify a code, otpauth:// QR."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote, urlencode

import segno
from pydantic import BaseModel, Field, field_validator
from segno import DataOverflowError

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

Algorithm = Literal["SHA1", "SHA256", "SHA512"]
DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
SECRET_BYTES = 20  # 160 bits, the length RFC 4226 §4 recommends (R6)
MIN_SECRET_BYTES = 16  # RFC 4226 §4 (R6): at least 128 bits
MAX_SECRET = 200
LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z
SEPARATORS = re.compile(r"[\s-]+")
BASE32 = re.compile(r"[A-Z2-7]*")


class TotpInput(BaseModel):
    input: str = Field(
        default="",
        max_length=MAX_SECRET,
        title="Secret (Base32)",
        description="The shared secret in Base32 (spaces, hyphens, lower case and '=' padding are fine). "
        "Empty: generate a new 160-bit secret. Never put in a share link.",
    )
    algorithm: Algorithm = Field(default="SHA1", description="The HMAC hash (RFC 6238 §1.2); most apps only do SHA1.")
    digits: int = Field(default=6, ge=6, le=8, description="Digits per code, 6-8.")
    period: int = Field(default=30, ge=1, le=3600, description="Seconds per code (the time step X), 1-3600.")
    time: int | None = Field(
        default=None, ge=0, le=LAST_SECOND, description="Unix time in seconds to compute the codes at; empty: now."
    )
    code: str = Field(default="", max_length=20, description="A code to verify (spaces ignored); empty: none.")
    window: int = Field(default=1, ge=0, le=10, description="Verify: accept codes this many steps before or after.")
    issuer: str = Field(default="", max_length=100, description="otpauth URI: the service's name, e.g. Example Co.")
    account: str = Field(default="", max_length=100, description="otpauth URI: the account, e.g. alice@example.com.")

    @field_validator("time", mode="before")
    @classmethod
    def empty_time_is_now(cls, value):
        return None if isinstance(value, str) and not value.strip() else value  # the form's empty box


class TotpOutput(BaseModel):
    secret: str = Field(description="The secret in Base32, upper case, without padding.")
    generated: bool = Field(description="True when the secret was generated for this answer.")
    algorithm: Algorithm
    digits: int
    period: int
    time: int = Field(description="The Unix time the codes are for.")
    time_utc: str = Field(description="The same time in ISO 8601, UTC.")
    counter: int = Field(description="The time step T = floor(time / period) (RFC 6238 §4.2).")
    code: str = Field(description="The code for this time step.")
    next_code: str = Field(description="The code for the next time step.")
    seconds_left: int = Field(description="Seconds until the next code.")
    verified: bool | None = Field(description="Whether `code` was accepted within the window; null: none given.")
    verification: str = Field(description="What the check found, in words.")
    matched_step: int | None = Field(description="Steps from now of the matching code (-1: the previous one).")
    uri: str = Field(description="The otpauth://totp/ URI an authenticator app reads (Key Uri Format).")
    qr_svg: str = Field(description="The URI as a QR code, an SVG image.")
    notes: list[str] = Field(description="Warnings, e.g. a secret shorter than RFC 4226 requires.")


def secret_bytes(text: str) -> bytes:
    """Base32 (RFC 4648) with the usual leniency: spaces and hyphens dropped, any case, padding optional."""
    compact = SEPARATORS.sub("", text).upper().rstrip("=")
    bad = re.search(r"[^A-Z2-7]", compact)
    if bad:
        shown = repr(bad.group()) if bad.group().isprintable() else f"U+{ord(bad.group()):04X}"
        hint = " (0, 1, 8 and 9 are not Base32 digits)" if bad.group() in "0189" else ""
        raise ToolInputError(f"the secret is not Base32: {shown} is not one of A-Z, 2-7{hint}")
    try:
        raw = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except binascii.Error:
        raise ToolInputError(f"the secret is not Base32: {len(compact)} characters cannot be whole bytes") from None
    if not raw:
        raise ToolInputError("the secret decodes to no bytes")
    return raw


def hotp(key: bytes, counter: int, digits: int, algorithm: str) -> str:
    """RFC 4226 §5.3: HMAC the 8-byte counter, truncate dynamically, keep the last `digits` decimal digits."""
    mac = hmac.new(key, counter.to_bytes(8, "big"), DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def totp(key: bytes, moment: int, period: int = 30, digits: int = 6, algorithm: str = "SHA1") -> str:
    """RFC 6238 §4.2: HOTP with T = floor((time - T0) / X), T0 = 0."""
    return hotp(key, moment // period, digits, algorithm)


def check_code(key: bytes, code: str, counter: int, data: TotpInput) -> tuple[bool | None, str, int | None]:
    if not code:
        return None, "No code to verify.", None
    if not code.isascii() or not code.isdigit() or len(code) != data.digits:
        raise ToolInputError(f"a code is {data.digits} digits", "code")
    for step in sorted(range(-data.window, data.window + 1), key=abs):  # the current step first
        if counter + step >= 0 and hmac.compare_digest(hotp(key, counter + step, data.digits, data.algorithm), code):
            when = "the current code" if step == 0 else f"{abs(step)} step{'s' * (abs(step) > 1)} "
            when += "" if step == 0 else ("early" if step > 0 else "late")
            return True, f"Code accepted: {when}.", step
    return False, f"Code NOT accepted within ±{data.window} step{'s' * (data.window != 1)}.", None


def otpauth_uri(secret: str, data: TotpInput) -> str:
    """Google Authenticator's Key Uri Format: otpauth://totp/Issuer:account?secret=…&issuer=…"""
    issuer, account = data.issuer.strip(), data.account.strip()
    label = quote(account or "TOTP", safe="@")
    if issuer:
        label = f"{quote(issuer, safe='')}:{label}"
    query = {"secret": secret, **({"issuer": issuer} if issuer else {})}
    query |= {"algorithm": data.algorithm, "digits": data.digits, "period": data.period}
    return f"otpauth://totp/{label}?{urlencode(query, quote_via=quote)}"


def qr_svg(uri: str) -> str:
    out = io.BytesIO()
    try:
        code = segno.make_qr(uri, error="M", boost_error=False, encoding="utf-8")
    except DataOverflowError:  # 😀 is 12 characters once percent-encoded, and the issuer is written twice
        raise ToolInputError(
            f"the otpauth URI is {len(uri):,} characters, too long for a QR code: shorten the issuer or account",
            "issuer",
        ) from None
    code.save(out, kind="svg", xmldecl=False, svgns=True, title="QR code of the otpauth URI", border=4,
              dark="#000", light="#fff", omitsize=True, nl=False)  # fmt: skip
    return out.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" ', 1)


def notes_for(key: bytes, data: TotpInput) -> list[str]:
    notes = []
    if len(key) < MIN_SECRET_BYTES:
        notes.append(f"the secret is {len(key) * 8} bits; RFC 4226 §4 requires at least 128 (160 recommended)")
    if (data.algorithm, data.digits, data.period) != ("SHA1", 6, 30):
        notes.append("many authenticator apps ignore algorithm, digits and period and use SHA1, 6, 30")
    if ":" in data.issuer:
        raise ToolInputError("the issuer may not contain ':' (it separates issuer and account in the label)", "issuer")
    return notes


def run(data: TotpInput, now: float) -> TotpOutput:
    """The codes for now (or `time`) and the next step, a code verified within a window, and the otpauth URI."""
    generated = not data.input.strip()
    key = secrets.token_bytes(SECRET_BYTES) if generated else secret_bytes(data.input)
    secret = base64.b32encode(key).decode("ascii").rstrip("=")
    moment = int(now) if data.time is None else data.time
    counter = moment // data.period
    verified, verification, step = check_code(key, SEPARATORS.sub("", data.code), counter, data)
    uri = otpauth_uri(secret, data)
    return TotpOutput(
        secret=secret,
        generated=generated,
        algorithm=data.algorithm,
        digits=data.digits,
        period=data.period,
        time=moment,
        time_utc=datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z"),
        counter=counter,
        code=hotp(key, counter, data.digits, data.algorithm),
        next_code=hotp(key, counter + 1, data.digits, data.algorithm),
        seconds_left=data.period - moment % data.period,
        verified=verified,
        verification=verification,
        matched_step=step,
        uri=uri,
        qr_svg=qr_svg(uri),
        notes=notes_for(key, data),
    )


# RFC 6238 Appendix B: the SHA1 seed "12345678901234567890" in Base32.
RFC_SHA1_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

TOOL = Tool(
    slug="totp",
    title="TOTP",
    category="Crypto",
    icon="timer",
    keywords=("2fa", "mfa", "otp", "one-time password", "authenticator", "rfc 6238", "hotp", "otpauth", "google"),
    examples=(
        ("RFC 6238 vector at 59 s (SHA1)", {"input": RFC_SHA1_SECRET, "digits": "8", "time": "59"}),
        (
            "Verify a code, ±1 step",
            {"input": RFC_SHA1_SECRET, "digits": "8", "time": "1111111111", "code": "07081804", "window": "1"},
        ),
        ("A new secret for Example Co.", {"issuer": "Example Co", "account": "alice@example.com"}),
    ),
    operations=(
        Operation(
            TotpInput,
            run,
            TotpOutput,
            primary="code",
            request_args=lambda: (time.time(),),
            varies=True,  # a new secret when none is given, and the clock moves
            context=lambda form, result: {"share": None},  # a link would need the secret
            share_secret=("input", "code"),
            response_headers={"Cache-Control": "no-store"},
        ),
    ),
)
