"""Share text and code by an unguessable link: highlighting, expiry, burn after read, curl."""

from __future__ import annotations

from quart import Blueprint

from core.registry import Tool

TOOL = Tool(
    slug="paste",
    title="Paste",
    category="Web services",
    icon="clipboard",
    keywords=("pastebin", "snippet", "share", "code", "syntax highlighting", "burn after read", "curl"),
    login_required=True,  # unless PASTE_ANONYMOUS is on
)
# cli_group=None: the commands sit at the top level, `quart --app app purge-expired`.
bp = Blueprint("paste", __name__, cli_group=None)

from tools.paste import api, cli, views  # noqa: E402, F401  (imported last: they add their routes to bp)
