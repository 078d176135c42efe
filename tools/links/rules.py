"""Short-link rules as pure functions: codes, aliases, targets, referrers and bot detection."""

from __future__ import annotations

import posixpath
import re
import secrets
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

import ua_parser
from werkzeug.urls import iri_to_uri

from core.forms import ToolInputError
from core.netaddr import normalize_host

# No look-alikes: no 0/o, 1/l/i; lowercase only, so a code read aloud or retyped still works.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 7  # 31**7 ≈ 2.75e10 codes: a collision is rare, and retried when it happens
MAX_CODE = 64
ALIAS = re.compile(r"[A-Za-z0-9_-]{3,64}")
RESERVED_ALIASES = frozenset(
    {"admin", "api", "edit", "help", "login", "logout", "new", "qr", "s", "static", "stats", "tools", "www"}
)
MAX_TARGET = 2048
SHORT_PATH = "/s/"
# Link-preview fetchers that ua-parser may not file under "Spider"; counted apart like crawlers. Matched in
# lowercase against the lowercased User-Agent: ten times faster than re.IGNORECASE (0.5 µs instead of 5).
PREVIEW_FETCHERS = re.compile(
    r"slackbot|slack-imgproxy|twitterbot|facebookexternalhit|discordbot|whatsapp|telegrambot|linkedinbot"
)
MAX_USER_AGENT = 512  # characters given to ua-parser
MAX_SOFTWARE_NAME = 64  # a browser or OS family as stored with a click
MAX_REFERRER_HOST = 255


def generate_code() -> str:
    """A random code of CODE_LENGTH characters from ALPHABET."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def clean_alias(alias: str) -> str:
    """The alias as stored (lowercase: codes are case-insensitive); raises ToolInputError."""
    if not ALIAS.fullmatch(alias):
        raise ToolInputError("an alias has 3 to 64 characters: letters, digits, - and _", "alias")
    alias = alias.lower()
    if alias in RESERVED_ALIASES:
        raise ToolInputError(f"the alias {alias!r} is reserved: choose another one", "alias")
    return alias


def clean_target(url: str, own_hosts: Iterable[str]) -> str:
    """The target as a plain-ASCII http(s) URL; refuses other schemes and links to our own /s/ path."""
    url = url.strip()
    if re.search(r"[\s\x00-\x1f\x7f]", url):
        raise ToolInputError("a URL has no spaces or control characters", "target")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ToolInputError("only http:// and https:// addresses can be shortened", "target")
    if not parts.hostname:
        raise ToolInputError("the address needs a host name, e.g. https://example.com/page", "target")
    if parts.username is not None or parts.password is not None:
        # https://trusted.example@evil.example/ goes to evil.example: a classic disguise.
        raise ToolInputError("an address with a user name or password (user@host) is not accepted", "target")
    try:
        uri = iri_to_uri(url)  # IDN hosts to punycode, other non-ASCII percent-encoded
    except ValueError:
        raise ToolInputError("the host name is not valid", "target") from None
    if len(uri) > MAX_TARGET:
        raise ToolInputError(f"the address is longer than {MAX_TARGET} characters", "target")
    if points_to_short_links(uri, own_hosts):
        raise ToolInputError("a short link cannot point to another short link of this site", "target")
    return uri


def points_to_short_links(uri: str, own_hosts: Iterable[str]) -> bool:
    """True when the URL is on one of this site's hosts ("name" matches any port, "name:port" that port) and
    its path (decoded, normalised) is under /s/. Hosts compare as browsers resolve them: 127.1, 0x7f000001,
    [::ffff:127.0.0.1] and 127.0.0.1. are all 127.0.0.1."""
    parts = urlsplit(uri)
    path = posixpath.normpath("/" + unquote(parts.path).lstrip("/"))
    if not (path + "/").startswith(SHORT_PATH):
        return False
    try:
        host = normalize_host(parts.hostname or "")
        port = parts.port or {"http": 80, "https": 443}[parts.scheme.lower()]
    except ValueError:
        return False  # no browser would open it, so it cannot lead back here
    for own in [own_hosts] if isinstance(own_hosts, str) else own_hosts:
        try:
            own_host, own_port = split_host_port(own)
            if normalize_host(own_host) == host and own_port in (None, port):
                return True
        except ValueError:
            continue
    return False


def split_host_port(host: str) -> tuple[str, int | None]:
    """'name:8080' -> ('name', 8080); a bare IPv6 address ('::1', as configured names hold it) has no port."""
    if host.count(":") > 1 and not host.startswith("["):
        return host, None
    parts = urlsplit("//" + host)
    return parts.hostname or "", parts.port


def referrer_host(referer: str | None) -> str | None:
    """The host of a Referer header (lowercase), or None when absent or unparsable."""
    if not referer:
        return None
    try:
        host = urlsplit(referer.strip()).hostname
    except ValueError:
        return None
    return host[:MAX_REFERRER_HOST] if host else None


def is_bot(user_agent: str | None) -> bool:
    """Crawlers (ua-parser's "Spider" device), link-preview fetchers, and requests without a User-Agent."""
    if not user_agent:
        return True  # every browser sends one
    if PREVIEW_FETCHERS.search(user_agent.lower()):
        return True
    device = ua_parser.parse_device(user_agent[:MAX_USER_AGENT])
    return device is not None and device.family == "Spider"


def software_family(found) -> str | None:
    """ua-parser's family name ("Chrome", "iOS"), or None when it found none ("Other" is its word for that)."""
    if found is None or not found.family or found.family == "Other":
        return None
    return found.family[:MAX_SOFTWARE_NAME]


def client_software(user_agent: str | None) -> tuple[str | None, str | None]:
    """The browser and the operating system a User-Agent names, by ua-parser (uap-core's regexes): only the
    families are kept ("Mobile Safari", "iOS"), never versions or the whole string."""
    if not user_agent:
        return None, None
    text = user_agent[:MAX_USER_AGENT]
    return software_family(ua_parser.parse_user_agent(text)), software_family(ua_parser.parse_os(text))
