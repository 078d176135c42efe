"""DMARC records (RFC 7489 6.3): the tags, the policy, and what receivers do with failing mail, in plain words."""

from __future__ import annotations

import re

from tools.mail.tags import MailCheck, starting_with, tag_list

POLICIES = ("none", "quarantine", "reject")
KNOWN_TAGS = {"v", "p", "sp", "pct", "rua", "ruf", "adkim", "aspf", "fo", "rf", "ri"}
REPORT_URI = re.compile(r"(mailto:[^\s,!]+@[^\s,!]+|https?://[^\s,!]+)(?:!\d+[kmgt]?)?", re.I)
POLICY_VERDICTS = {
    "none": ("warning", "DMARC p=none: monitoring only — mail that fails is delivered as usual; you only get reports."),
    "quarantine": ("good", "DMARC p=quarantine: mail that fails SPF and DKIM alignment goes to the spam folder."),
    "reject": ("good", "DMARC p=reject: mail that fails SPF and DKIM alignment is refused — the strongest setting."),
}


def report_uris(value: str) -> tuple[list[str], list[str]]:
    """(valid URIs, invalid ones) of a rua= or ruf= list."""
    good, bad = [], []
    for uri in (part.strip() for part in value.split(",") if part.strip()):
        (good if REPORT_URI.fullmatch(uri) else bad).append(uri)
    return good, bad


def tag_problems(tags: dict[str, str]) -> list[str]:
    """The values RFC 7489 6.3 does not allow, in words."""
    problems = []
    for name in ("p", "sp"):
        if name in tags and tags[name].lower() not in POLICIES:
            problems.append(f"{name}={tags[name]} is not a policy (none, quarantine or reject).")
    if "pct" in tags and not (tags["pct"].isdigit() and 0 <= int(tags["pct"]) <= 100):
        problems.append(f"pct={tags['pct']} is not a percentage from 0 to 100.")
    for name in ("adkim", "aspf"):
        if name in tags and tags[name].lower() not in ("r", "s"):
            problems.append(f"{name}={tags[name]} is neither r (relaxed) nor s (strict).")
    for name in ("rua", "ruf"):
        if name in tags:
            bad = report_uris(tags[name])[1]
            problems += [f"{name}: '{uri[:60]}' is not a mailto: or https: address." for uri in bad]
    return problems


def dmarc_notes(tags: dict[str, str], policy: str) -> list[str]:
    notes = []
    pct = int(tags["pct"]) if tags.get("pct", "").isdigit() else 100
    if policy != "none" and pct < 100:
        notes.append(f"pct={pct}: the policy applies to {pct}% of failing mail; the rest is treated one step milder.")
    subdomains = tags.get("sp", "").lower()
    if subdomains in POLICIES and subdomains != policy:
        notes.append(f"sp={subdomains}: subdomains get a different policy ({subdomains}).")
    if not report_uris(tags.get("rua", ""))[0]:
        notes.append("No rua: nobody receives the daily aggregate reports, so failures go unnoticed.")
    else:
        notes.append("Aggregate reports go to " + ", ".join(report_uris(tags["rua"])[0]) + ".")
    strict = [name for name in ("adkim", "aspf") if tags.get(name, "").lower() == "s"]
    if strict:
        notes.append(" and ".join(strict) + "=s: strict alignment, the exact domain must match (not a subdomain).")
    unknown = [name for name in tags if name not in KNOWN_TAGS]
    if unknown:
        notes.append("Unknown tags are ignored: " + ", ".join(unknown) + ".")
    return notes


def dmarc_check(name: str, texts: list[str]) -> MailCheck:
    """The DMARC check from the TXT strings at _dmarc.<domain>."""
    records = starting_with(texts, "DMARC1")
    if not records:
        verdict = "No DMARC record: receivers apply no policy, and anyone can send mail that claims to be you."
        return MailCheck(name=name, state="bad", verdict=verdict)
    if len(records) > 1:
        verdict = f"{len(records)} DMARC records: there must be one, so receivers ignore them all (RFC 7489 6.6.3)."
        return MailCheck(name=name, record="\n".join(records), state="bad", verdict=verdict)
    tags, problems = tag_list(records[0])
    problems += tag_problems(tags)
    policy = tags.get("p", "").lower()
    if policy not in POLICIES:
        if report_uris(tags.get("rua", ""))[0] and "p" not in tags:
            policy = "none"  # RFC 7489 6.6.3: a record with a valid rua= but no p= counts as p=none
            problems.append("p= is missing: receivers read it as p=none because rua= is there.")
        else:
            verdict = "The DMARC record has no valid p= policy, so receivers ignore it."
            return MailCheck(name=name, record=records[0], state="bad", verdict=verdict, notes=problems, tags=tags)
    state, verdict = POLICY_VERDICTS[policy]
    if problems:
        state = "warning" if state == "good" else state
    return MailCheck(
        name=name,
        record=records[0],
        state=state,
        verdict=verdict,
        notes=problems + dmarc_notes(tags, policy),
        tags=tags,
    )
