"""Short links: your own URL shortener with expiry, visit limits, QR codes and click statistics."""

from __future__ import annotations

from quart import Blueprint

from core.registry import Tool

TOOL = Tool(
    slug="links",
    title="Short links",
    category="Web services",
    icon="link",
    keywords=("url shortener", "short url", "redirect", "alias", "qr", "clicks", "statistics"),
    login_required=True,
)
bp = Blueprint("links", __name__, cli_group=None)

from tools.links import api, views  # noqa: E402, F401  (imported last: they add their routes to bp)
