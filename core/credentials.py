"""This site's own credentials (login and session cookies, API tokens), removed from headers users can read."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from quart import Quart, current_app
from werkzeug.http import parse_cookie

from core.auth import TOKEN_PREFIX

REMOVED_COOKIE = "[removed: this site's session cookie]"
REMOVED_TOKEN = "[removed: this site's API token]"
# issue_token makes TOKEN_PREFIX + secrets.token_urlsafe(32): 43 URL-safe base64 characters. A longer run is
# removed whole, so no prefix of a real token is left behind.
SITE_TOKEN = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{43,}")


def site_cookie_names(app: Quart) -> frozenset[str]:
    """The cookies that carry a login or session of this site, by the names the app is configured with."""
    names = {extension.cookie_name for extension in app.extensions.get("QUART_AUTH", [])}
    names.add(app.session_interface.get_cookie_name(app))
    return frozenset(name for name in names if name)


def redact_cookie_header(value: str, cookie_names: Collection[str]) -> str:
    """A Cookie header with the values of this site's cookies replaced; other cookies are kept as sent."""
    pairs = []
    for pair in value.split(";"):
        name, equals, cookie = pair.partition("=")
        if equals and name.strip() in cookie_names:
            if cookie.lstrip().startswith('"'):
                return REMOVED_COOKIE  # a quoted value may hold ";": its end is not where we split
            pair = f"{name}={REMOVED_COOKIE}"
        pairs.append(pair)
    redacted = ";".join(pairs)
    # The site reads cookies with werkzeug's parser: if it still finds one of ours (a quoted value holding
    # ";", say), nothing of this header is kept.
    left = parse_cookie(redacted)
    if any(value != REMOVED_COOKIE for name in cookie_names for value in left.getlist(name)):
        return REMOVED_COOKIE
    return redacted


def redact_headers(headers: Iterable[tuple[str, str]], cookie_names: Collection[str]) -> list[tuple[str, str]]:
    """Headers without any working credential of this site: its cookies, and its API tokens in any header."""
    redacted = []
    for name, value in headers:
        if name.lower() == "cookie":
            value = redact_cookie_header(value, cookie_names)
        redacted.append((name, SITE_TOKEN.sub(REMOVED_TOKEN, value)))
    return redacted


def redact_site_credentials(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """redact_headers with the current app's cookie names."""
    return redact_headers(headers, site_cookie_names(current_app))
