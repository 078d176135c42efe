"""The bins' input models (the page forms and the JSON API share their field names), the API's output models,
and how a bin and a captured request are shown (pages and API alike)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl

from pydantic import BaseModel, Field
from quart import url_for

from core.credentials import redact_site_credentials
from core.curl import curl_command
from core.forms import StoredText
from tools.hooks import display
from tools.hooks.answers import answer_note, served_answer

# A header value: printable ASCII, no line breaks (so nothing can be smuggled into the response).
CONTENT_TYPE_PATTERN = r"^[!-~][ -~]*$"
MAX_RESPONSE_BODY = 64 * 1024
CAPTURE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
FILTER_MAX_CHARS = 200
FILTER_MAX_WORDS = 10


class BinSettings(BaseModel):
    name: StoredText = Field(default="", max_length=100, description="A label for you; never sent anywhere.")
    response_status: int = Field(default=200, ge=200, le=599, description="Status the capture URL answers.")
    response_content_type: str = Field(
        default="text/plain; charset=utf-8",
        min_length=1,
        max_length=200,
        pattern=CONTENT_TYPE_PATTERN,
        description="Content-Type of that answer.",
    )
    response_body: StoredText = Field(default="", max_length=MAX_RESPONSE_BODY, description="Body of that answer.")


class BinUpdate(BaseModel):
    name: StoredText | None = Field(default=None, max_length=100)
    response_status: int | None = Field(default=None, ge=200, le=599)
    response_content_type: str | None = Field(default=None, min_length=1, max_length=200, pattern=CONTENT_TYPE_PATTERN)
    response_body: StoredText | None = Field(default=None, max_length=MAX_RESPONSE_BODY)


class BinOut(BaseModel):
    id: str = Field(description="The bin's secret id (part of the capture URL).")
    name: str
    capture_url: str = Field(description="Send any request (any method, any sub-path) here to record it.")
    page_url: str = Field(description="The bin's live page.")
    response_status: int
    response_content_type: str = Field(description="The Content-Type chosen for the answer.")
    response_served_content_type: str = Field(
        description="The Content-Type the answer is really sent with: text/plain when the chosen one is a script "
        "or stylesheet type (HTML, XML and SVG keep theirs, with Content-Disposition: attachment)."
    )
    response_body: str
    received: int = Field(description="Requests captured since the bin was created, including dropped ones.")
    stored: int = Field(description="Requests kept now (at most HOOKS_MAX_REQUESTS, oldest dropped).")
    created_at: datetime
    expires_at: datetime


class BinList(BaseModel):
    bins: list[BinOut]


class HeaderOut(BaseModel):
    name: str
    value: str


class RequestOut(BaseModel):
    id: int = Field(description="Grows with every capture: a larger id is a newer request.")
    method: str
    path: str = Field(description="The path as sent, percent-encoding kept.")
    query: str = Field(description="The raw query string, without '?'.")
    url: str
    headers: list[HeaderOut] = Field(
        description="Every header as received, in order (owner only); this site's own login cookies and API "
        "tokens are replaced by a '[removed: …]' note and never stored."
    )
    client_address: str | None
    received_at: datetime
    content_type: str | None
    body_size: int = Field(description="The body's real length in bytes.")
    body_stored: int = Field(description="Bytes stored: at most HOOKS_MAX_BODY_BYTES.")
    body_truncated: bool
    body_text: str | None = Field(description="The stored body as text; null when it is not UTF-8 (binary).")
    body_base64: str = Field(description="The stored body, base64.")
    curl: str = Field(description="A shell command that sends the same request again.")


class BinRequests(BaseModel):
    bin: BinOut
    requests: list[RequestOut] = Field(description="Newest first.")


class RequestsQuery(BaseModel):
    after: int = Field(default=0, ge=0, description="Only requests with a larger id (for polling).")


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
        "curl": curl_command(url, captured["method"], headers, captured["body"]),
    }


@dataclass(frozen=True)
class RequestFilter:
    """The request list's filter (`?method=&path=&q=` of the bin's page), with a message per invalid field."""

    method: str = ""
    path: str = ""
    q: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.method or self.path or self.q)

    def query_args(self) -> dict[str, str]:
        """The filter as URL query arguments (only those set), for links that keep it."""
        return {name: value for name in ("method", "path", "q") if (value := getattr(self, name))}


def parse_filter(args) -> RequestFilter:
    """Read the filter from query arguments; an invalid field is dropped from the query and named in `errors`."""
    errors = {}
    method = args.get("method", "").strip().upper()
    if method and method not in CAPTURE_METHODS:
        errors["method"] = f"Choose one of {', '.join(CAPTURE_METHODS)}."
        method = ""
    values = {}
    for name in ("path", "q"):
        value = args.get(name, "").strip()
        if len(value) > FILTER_MAX_CHARS:
            errors[name] = f"At most {FILTER_MAX_CHARS} characters."
        elif any(ord(c) < 32 or ord(c) == 127 for c in value):
            errors[name] = "Control characters cannot be searched for."
        elif name == "q" and len(value.split()) > FILTER_MAX_WORDS:
            errors[name] = f"At most {FILTER_MAX_WORDS} words."
        else:
            values[name] = value
    return RequestFilter(method, values.get("path", ""), values.get("q", ""), errors)


def request_summary(captured: dict, prefix_length: int) -> dict:
    """A row of the request list: the path below the bin, and a short preview of the body."""
    return {
        **captured,
        "sub_path": captured["path"][prefix_length:] or "/",
        "preview": display.body_preview(captured.get("body_head", b""), captured["body_size"]),
    }
