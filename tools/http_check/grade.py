"""A graded check of an answer's security headers: HSTS, CSP, nosniff, framing, Referrer-Policy,
Permissions-Policy and the flags of each cookie. Each check is good, warn or bad, with a reason.

The rules follow the headers' specifications (RFC 6797, CSP Level 3, Fetch, Referrer Policy, RFC 6265bis)
and the OWASP Secure Headers Project's recommendations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

Grade = Literal["good", "warn", "bad"]
HALF_YEAR = 15_552_000  # seconds: the shortest HSTS max-age worth having (the preload list asks for a year)
STRONG_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
WEAK_REFERRER = {"origin", "origin-when-cross-origin", "no-referrer-when-downgrade"}
SAMESITE = {"strict", "lax", "none"}


class Check(BaseModel):
    name: str = Field(description="What is checked, e.g. 'Strict-Transport-Security' or 'Cookie session'.")
    grade: Grade
    value: str | None = Field(description="The header's value as received; null when it is missing.")
    verdict: str = Field(description="Why this grade, in one sentence.")


def header_values(headers: Iterable[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name.lower()]


def parameters(value: str) -> dict[str, str]:
    """'max-age=300; includeSubDomains' -> {'max-age': '300', 'includesubdomains': ''} (names lowercased)."""
    parsed = {}
    for part in value.split(";"):
        name, _, argument = part.strip().partition("=")
        if name:
            parsed.setdefault(name.strip().lower(), argument.strip().strip('"'))
    return parsed


def csp_directives(value: str) -> dict[str, str]:
    """ "default-src 'self'; frame-ancestors 'none'" -> {'default-src': "'self'", 'frame-ancestors': "'none'"}."""
    parsed = {}
    for part in value.split(";"):
        name, _, sources = part.strip().partition(" ")
        if name:
            parsed.setdefault(name.lower(), sources.strip())
    return parsed


def check_hsts(values: list[str], https: bool) -> Check:
    name = "Strict-Transport-Security"
    if not https:
        return Check(name=name, grade="bad", value=None, verdict="Served over plain HTTP: nothing here is protected.")
    if not values:
        return Check(name=name, grade="bad", value=None, verdict="Missing: a first visit can be downgraded to HTTP.")
    found = parameters(values[0])
    age = found.get("max-age", "")
    if not age.isdigit():
        return Check(name=name, grade="bad", value=values[0], verdict="No valid max-age: browsers ignore it.")
    extras = ", ".join(word for word in ("includeSubDomains", "preload") if word.lower() in found)
    also = f" ({extras})" if extras else ""
    if int(age) < HALF_YEAR:
        return Check(name=name, grade="warn", value=values[0], verdict=f"max-age is {age} s, under 180 days{also}.")
    return Check(name=name, grade="good", value=values[0], verdict=f"max-age is {int(age) // 86400} days{also}.")


def script_sources(policy: dict[str, str]) -> str:
    return policy.get("script-src", policy.get("default-src", ""))


def check_csp(values: list[str], report_only: list[str]) -> Check:
    name = "Content-Security-Policy"
    if not values:
        if report_only:
            verdict = "Only report-only: violations are reported, not blocked."
            return Check(name=name, grade="warn", value=report_only[0], verdict=verdict)
        return Check(name=name, grade="bad", value=None, verdict="Missing: injected scripts would run.")
    policy = csp_directives(values[0])
    sources = script_sources(policy).split()
    if not sources:
        verdict = "No script-src or default-src: scripts are not restricted."
        return Check(name=name, grade="warn", value=values[0], verdict=verdict)
    nonce_or_hash = any(source.startswith(("'nonce-", "'sha256-", "'sha384-", "'sha512-")) for source in sources)
    if "'unsafe-inline'" in sources and not nonce_or_hash:
        verdict = "Scripts allow 'unsafe-inline': injected inline scripts would run."
        return Check(name=name, grade="warn", value=values[0], verdict=verdict)
    if "'unsafe-eval'" in sources:
        return Check(name=name, grade="warn", value=values[0], verdict="Scripts allow 'unsafe-eval'.")
    return Check(name=name, grade="good", value=values[0], verdict="Scripts are restricted.")


def check_nosniff(values: list[str]) -> Check:
    name = "X-Content-Type-Options"
    if values and values[0].strip().lower() == "nosniff":
        return Check(name=name, grade="good", value=values[0], verdict="nosniff: types are not guessed.")
    verdict = "Missing or not nosniff: browsers may guess a type."
    return Check(name=name, grade="bad", value=values[0] if values else None, verdict=verdict)


def check_framing(csp: list[str], frame_options: list[str]) -> Check:
    name = "Framing (frame-ancestors / X-Frame-Options)"
    ancestors = csp_directives(csp[0]).get("frame-ancestors") if csp else None
    if ancestors is not None:
        wide = "*" in ancestors.split()
        grade, verdict = ("warn", "frame-ancestors allows any site.") if wide else ("good", "CSP frame-ancestors.")
        return Check(name=name, grade=grade, value=f"frame-ancestors {ancestors}", verdict=verdict)
    if frame_options:
        option = frame_options[0].strip().upper()
        if option in ("DENY", "SAMEORIGIN"):
            return Check(name=name, grade="good", value=frame_options[0], verdict=f"X-Frame-Options {option}.")
        verdict = "X-Frame-Options with a value browsers ignore (ALLOW-FROM is obsolete)."
        return Check(name=name, grade="warn", value=frame_options[0], verdict=verdict)
    return Check(name=name, grade="bad", value=None, verdict="Missing: any site can frame the page (clickjacking).")


def check_referrer(values: list[str]) -> Check:
    name = "Referrer-Policy"
    if not values:
        verdict = "Missing: browsers default to strict-origin-when-cross-origin."
        return Check(name=name, grade="warn", value=None, verdict=verdict)
    # Several values: the last one the browser knows applies (Referrer Policy §11.1).
    known = [token.strip().lower() for token in ",".join(values).split(",") if token.strip()]
    policy = next((token for token in reversed(known) if token in STRONG_REFERRER | WEAK_REFERRER | {"unsafe-url"}), "")
    if policy in STRONG_REFERRER:
        return Check(name=name, grade="good", value=", ".join(values), verdict=f"{policy}.")
    if policy in WEAK_REFERRER:
        return Check(name=name, grade="warn", value=", ".join(values), verdict=f"{policy}: full URLs may leak.")
    verdict = "unsafe-url sends the full URL everywhere." if policy else "No value a browser knows."
    return Check(name=name, grade="bad", value=", ".join(values), verdict=verdict)


def check_permissions(values: list[str]) -> Check:
    name = "Permissions-Policy"
    if values:
        return Check(name=name, grade="good", value=", ".join(values), verdict="Browser features are limited.")
    verdict = "Missing: browser features (camera, geolocation…) keep their defaults."
    return Check(name=name, grade="warn", value=None, verdict=verdict)


def check_cookie(set_cookie: str, https: bool) -> Check:
    """Secure (over HTTPS), HttpOnly and SameSite on one Set-Cookie; the value itself is not shown."""
    cookie, _, attributes = set_cookie.partition(";")
    cookie_name = cookie.split("=", 1)[0].strip() or "(no name)"
    flags = parameters(attributes)
    missing = [flag for flag in ("secure", "httponly") if flag not in flags]
    samesite = flags.get("samesite", "").lower()
    shown = f"{cookie_name}=…; {attributes.strip()}" if attributes.strip() else f"{cookie_name}=…"
    name = f"Cookie {cookie_name}"
    if https and "secure" in missing:
        return Check(name=name, grade="bad", value=shown, verdict="Not Secure: it can travel over plain HTTP.")
    if samesite == "none" and "secure" in missing:
        return Check(name=name, grade="bad", value=shown, verdict="SameSite=None without Secure: browsers refuse it.")
    if "httponly" in missing or samesite not in SAMESITE:
        lacking = ", ".join((["HttpOnly"] if "httponly" in missing else []) + ([] if samesite else ["SameSite"]))
        return Check(name=name, grade="warn", value=shown, verdict=f"Lacks {lacking or 'a valid SameSite'}.")
    return Check(name=name, grade="good", value=shown, verdict=f"Secure, HttpOnly, SameSite={samesite.title()}.")


def security_checks(headers: list[tuple[str, str]], https: bool, cookies: list[str]) -> list[Check]:
    """Every check for an answer's headers (cookies: every Set-Cookie of the chain)."""
    csp = header_values(headers, "Content-Security-Policy")
    return [
        check_hsts(header_values(headers, "Strict-Transport-Security"), https),
        check_csp(csp, header_values(headers, "Content-Security-Policy-Report-Only")),
        check_nosniff(header_values(headers, "X-Content-Type-Options")),
        check_framing(csp, header_values(headers, "X-Frame-Options")),
        check_referrer(header_values(headers, "Referrer-Policy")),
        check_permissions(header_values(headers, "Permissions-Policy")),
        *(check_cookie(cookie, https) for cookie in cookies),
    ]


def letter(checks: list[Check]) -> str:
    """A: nothing bad and at most one warning; B: nothing bad; C: one bad; D: two; F: three or more."""
    bad = sum(check.grade == "bad" for check in checks)
    warnings = sum(check.grade == "warn" for check in checks)
    if bad:
        return {1: "C", 2: "D"}.get(bad, "F")
    return "A" if warnings <= 1 else "B"
