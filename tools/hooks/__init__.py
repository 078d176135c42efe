"""Catch webhooks: a private URL that records every request sent to it, shown live."""

from __future__ import annotations

from urllib.parse import parse_qsl

from quart import Blueprint, url_for

from core.bounded_render import render_limits
from core.credentials import redact_site_credentials
from core.executor import WorkLimitExceeded, run_bounded
from core.registry import Tool
from tools.hooks import display
from tools.hooks.answers import answer_note, served_answer

TOOL = Tool(
    slug="hooks",
    title="Webhook inspector",
    category="Web services",
    keywords=("webhook", "request bin", "requestbin", "http", "callback", "inspect", "capture", "curl"),
    login_required=True,
)
# cli_group=None: `quart --app app purge-hooks`, not `quart --app app hooks purge-hooks`.
bp = Blueprint("hooks", __name__, cli_group=None)
NO_STORE = {"Cache-Control": "no-store"}


def capture_url(bin_id: str) -> str:
    return url_for("hooks.capture", bin_id=bin_id, _external=True)


def bin_view(hook_bin: dict) -> dict:
    """A bin as the pages and the API show it."""
    return {
        **hook_bin,
        "capture_url": capture_url(hook_bin["id"]),
        "page_url": url_for("hooks.show_bin", bin_id=hook_bin["id"], _external=True),
        "stored": hook_bin.get("stored", 0),
        "response_served_content_type": served_answer(hook_bin["response_content_type"])[0],
        "response_note": answer_note(hook_bin["response_content_type"]),
    }


def request_url(captured: dict) -> str:
    """Where the request was sent: this site's origin, the path as sent, and the query."""
    origin = url_for("home.index", _external=True).rstrip("/")
    return origin + captured["path"] + ("?" + captured["query"] if captured["query"] else "")


def request_view(captured: dict) -> dict:
    """A captured request with its body views and curl command (the full row is needed)."""
    headers = redact_site_credentials(captured["headers"])  # again on read: rows stored before redaction existed
    content_type = display.header(headers, "content-type")
    url = request_url(captured)
    return {
        **captured,
        "headers": headers,
        "url": url,
        "content_type": content_type,
        "query_fields": parse_qsl(captured["query"], keep_blank_values=True),
        "body_view": display.body_view(captured["body"], captured["body_size"], content_type),
        "curl": display.curl_command(url, captured["method"], headers, captured["body"]),
    }


async def pretty_body(view: dict) -> tuple[str | None, str]:
    """The body's JSON pretty-printed, within the render limits; (None, why) when it cannot be."""
    body = view["body_view"]
    if body["truncated"] or body["text"] is None:
        return None, ""
    try:
        return await run_bounded(display.pretty_json, body["text"], view["content_type"], limits=render_limits()), ""
    except WorkLimitExceeded as exc:
        return None, f"Not pretty-printed: {exc.message}."


from tools.hooks import api, capture, cli, pages  # noqa: E402, F401  (they add their routes to bp)
