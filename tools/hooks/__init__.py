"""Catch webhooks: a private URL that records every request sent to it, shown live."""

from __future__ import annotations

from quart import Blueprint

from core.registry import Tool

TOOL = Tool(
    slug="hooks",
    title="Webhook inspector",
    category="Web services",
    icon="webhook",
    keywords=("webhook", "request bin", "requestbin", "http", "callback", "inspect", "capture", "curl"),
    login_required=True,
)
# cli_group=None: `quart --app app purge-hooks`, not `quart --app app hooks purge-hooks`.
bp = Blueprint("hooks", __name__, cli_group=None)

from tools.hooks import api, cli, views  # noqa: E402, F401  (imported last: they add their routes to bp)
