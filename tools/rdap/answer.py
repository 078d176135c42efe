"""An RDAP answer (RFC 9083 JSON) read into what people look for: registrar, dates, status, nameservers, abuse.

The JSON comes from another server: every value is checked for its type before use, nesting and list
lengths are bounded, and anything unexpected is left out rather than trusted.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

MAX_ITEMS = 50  # of any list read (entities, nameservers, statuses, links)
MAX_DEPTH = 4  # entities inside entities
EVENTS = {"registration": "registered", "expiration": "expires", "last changed": "last_changed"}


class Contact(BaseModel):
    name: str | None = None
    email: str | None = None
    phone: str | None = None


class RdapAnswer(BaseModel):
    kind: str = Field(description="objectClassName: 'domain', 'ip network' or 'autnum'.")
    handle: str | None = Field(description="The registry's identifier of the object.")
    name: str | None = Field(description="The domain (Unicode form when given), or the network's or AS's name.")
    registrar: str | None = Field(description="The registrar's name (domains).")
    registrar_iana_id: str | None = Field(description="The registrar's IANA ID.")
    registrant: str | None = Field(description="The registrant's name or organisation, when not redacted.")
    registered: str | None = Field(description="The registration event's date (as given, ISO 8601).")
    expires: str | None
    last_changed: str | None
    status: list[str] = Field(description="EPP/RDAP statuses, e.g. 'client transfer prohibited'.")
    nameservers: list[str]
    dnssec: bool | None = Field(description="secureDNS.delegationSigned; null when not said.")
    range: str | None = Field(description="An IP network's first and last address, or an AS range.")
    network_type: str | None = Field(description="e.g. 'DIRECT ALLOCATION' (IP networks).")
    country: str | None
    abuse: Contact | None = Field(description="The abuse contact (an entity with the role 'abuse').")
    whois_server: str | None = Field(description="port43: the WHOIS server for the same data.")
    related: list[str] = Field(description="Links to more data (e.g. the registrar's own RDAP server).")


def items(value: Any) -> list:
    return value[:MAX_ITEMS] if isinstance(value, list) else []


def text(value: Any) -> str | None:
    return value.strip()[:500] or None if isinstance(value, str) else None


def vcard_values(entity: dict, prop: str) -> list[str]:
    """The values of one property of the entity's jCard (RFC 7095: ["vcard", [[name, params, type, value], …]])."""
    card = entity.get("vcardArray")
    if not (isinstance(card, list) and len(card) == 2 and isinstance(card[1], list)):
        return []
    found = []
    for entry in items(card[1]):
        if isinstance(entry, list) and len(entry) >= 4 and entry[0] == prop:
            value = entry[3]
            value = " ".join(part for part in value if isinstance(part, str)) if isinstance(value, list) else value
            if isinstance(value, str) and (value := text(value.removeprefix("tel:").removeprefix("mailto:"))):
                found.append(value)
    return found


def entities_with_role(answer: dict, role: str, depth: int = 0) -> list[dict]:
    """Every entity (at any depth up to MAX_DEPTH) that has this role."""
    found = []
    for entity in items(answer.get("entities")):
        if not isinstance(entity, dict):
            continue
        if role in items(entity.get("roles")):
            found.append(entity)
        if depth < MAX_DEPTH:
            found.extend(entities_with_role(entity, role, depth + 1))
    return found


def first(values: list[str]) -> str | None:
    return values[0] if values else None


def contact(entity: dict | None) -> Contact | None:
    if entity is None:
        return None
    return Contact(
        name=first(vcard_values(entity, "fn")) or first(vcard_values(entity, "org")),
        email=first(vcard_values(entity, "email")),
        phone=first(vcard_values(entity, "tel")),
    )


def iana_id(entity: dict | None) -> str | None:
    for public_id in items((entity or {}).get("publicIds")):
        if isinstance(public_id, dict) and text(public_id.get("type")) == "IANA Registrar ID":
            return text(public_id.get("identifier"))
    return None


def events(answer: dict) -> dict[str, str]:
    dates = {}
    for event in items(answer.get("events")):
        if isinstance(event, dict) and (field := EVENTS.get(text(event.get("eventAction")) or "")):
            dates.setdefault(field, text(event.get("eventDate")))
    return dates


def number(value: Any) -> str | None:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


def address_range(answer: dict) -> str | None:
    start = text(answer.get("startAddress")) or number(answer.get("startAutnum"))
    end = text(answer.get("endAddress")) or number(answer.get("endAutnum"))
    return f"{start} - {end}" if start and end else None


def read_answer(answer: Any) -> RdapAnswer:
    """The parts of an RDAP object people look for; ValueError when it is not an RDAP object at all."""
    if not isinstance(answer, dict) or not isinstance(answer.get("objectClassName"), str):
        raise ValueError("the answer is not an RDAP object (no objectClassName)")
    registrar = next(iter(entities_with_role(answer, "registrar")), None)
    registrant = next(iter(entities_with_role(answer, "registrant")), None)
    abuse = next(iter(entities_with_role(answer, "abuse")), None)
    secure = answer.get("secureDNS")
    signed = secure.get("delegationSigned") if isinstance(secure, dict) else None
    nameservers = [text(ns.get("ldhName")) for ns in items(answer.get("nameservers")) if isinstance(ns, dict)]
    links = [link for link in items(answer.get("links")) if isinstance(link, dict) and link.get("rel") == "related"]
    related = [href for href in (text(link.get("href")) for link in links) if href]
    return RdapAnswer(
        kind=answer["objectClassName"][:50],
        handle=text(answer.get("handle")),
        name=text(answer.get("unicodeName")) or text(answer.get("ldhName")) or text(answer.get("name")),
        registrar=contact(registrar).name if registrar else None,
        registrar_iana_id=iana_id(registrar),
        registrant=contact(registrant).name if registrant else None,
        **{field: None for field in EVENTS.values()} | events(answer),
        status=[value for value in map(text, items(answer.get("status"))) if value],
        nameservers=[name.lower() for name in nameservers if name],
        dnssec=signed if isinstance(signed, bool) else None,
        range=address_range(answer),
        network_type=text(answer.get("type")),
        country=text(answer.get("country")),
        abuse=contact(abuse),
        whois_server=text(answer.get("port43")),
        related=related,
    )
