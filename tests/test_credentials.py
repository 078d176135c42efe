"""This site's cookies and API tokens are found and removed from headers; everything else is kept as sent."""

from __future__ import annotations

from quart import Quart
from quart_auth import QuartAuth

from core.credentials import (
    REMOVED_COOKIE,
    REMOVED_TOKEN,
    SITE_TOKEN,
    redact_cookie_header,
    redact_headers,
    site_cookie_names,
)

OURS = frozenset({"QUART_AUTH", "session"})
TOKEN = "mt_" + "Ab9_-" * 8 + "xyz"  # 43 characters after the prefix, like secrets.token_urlsafe(32)


def test_cookie_names_come_from_the_apps_configuration(app):
    assert site_cookie_names(app) == {"QUART_AUTH", "session"}
    other = Quart(__name__)
    other.config.update(SESSION_COOKIE_NAME="flash", QUART_AUTH_COOKIE_NAME="login")
    QuartAuth(other)
    assert site_cookie_names(other) == {"login", "flash"}


def test_the_owners_real_token_has_the_recognised_form(owner):
    assert SITE_TOKEN.fullmatch(owner)


def test_only_this_sites_cookies_are_removed():
    assert redact_cookie_header("theme=dark; QUART_AUTH=abc.def; session=.eJx; lang=en", OURS) == (
        f"theme=dark; QUART_AUTH={REMOVED_COOKIE}; session={REMOVED_COOKIE}; lang=en"
    )
    assert redact_cookie_header("theme=dark;  QUART_AUTH = abc", OURS) == f"theme=dark;  QUART_AUTH ={REMOVED_COOKIE}"
    assert redact_cookie_header("quart_auth=x; sessionid=y; flag", OURS) == "quart_auth=x; sessionid=y; flag"
    # A quoted value may hold ";": the whole header goes rather than a piece of the value staying.
    assert redact_cookie_header('theme=dark; session="a;b"', OURS) == REMOVED_COOKIE


def test_tokens_are_removed_from_any_header_and_other_credentials_kept():
    headers = [
        ("Authorization", f"Bearer {TOKEN}"),
        ("X-Api-Key", f"key={TOKEN}x"),  # a longer run goes whole
        ("Cookie", f"api={TOKEN}; QUART_AUTH=abc"),
        ("authorization", "Bearer mt_not_a_token"),
        ("Authorization", "Basic dXNlcjpwYXNz"),
        ("X-Hub-Signature-256", "sha256=0123abcd"),
    ]
    assert redact_headers(headers, OURS) == [
        ("Authorization", f"Bearer {REMOVED_TOKEN}"),
        ("X-Api-Key", f"key={REMOVED_TOKEN}"),
        ("Cookie", f"api={REMOVED_TOKEN}; QUART_AUTH={REMOVED_COOKIE}"),
        ("authorization", "Bearer mt_not_a_token"),
        ("Authorization", "Basic dXNlcjpwYXNz"),
        ("X-Hub-Signature-256", "sha256=0123abcd"),
    ]
