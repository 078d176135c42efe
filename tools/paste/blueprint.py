"""The paste tool's registry entry and blueprint (its views and API add their routes to it)."""

from __future__ import annotations

from quart import Blueprint

from core.registry import Tool

TOOL = Tool(
    slug="paste",
    title="Paste",
    category="Web services",
    keywords=("pastebin", "snippet", "share", "code", "syntax highlighting", "burn after read", "curl"),
    login_required=True,  # unless PASTE_ANONYMOUS is on
)
# cli_group=None: the commands sit at the top level, `quart --app app purge-expired`.
bp = Blueprint("paste", __name__, cli_group=None)

# Paste pages hold private text and must not be cached (a shared cache would keep a burnt paste) or indexed.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}
