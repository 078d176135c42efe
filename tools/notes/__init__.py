"""Private markdown notes: write, search, edit and delete, stored in the database."""

from __future__ import annotations

from quart import Blueprint

from core.registry import Tool

TOOL = Tool(
    slug="notes",
    title="Notes",
    category="Text",
    icon="notebook-pen",
    keywords=("markdown", "notebook", "memo", "snippets"),
    login_required=True,
)
bp = Blueprint("notes", __name__)

from tools.notes import api, views  # noqa: E402, F401  (imported last: they add their routes to bp)
