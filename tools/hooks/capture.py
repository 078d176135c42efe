"""The public capture endpoint: records any request sent to /hooks/<key:bin_id>[/anything]."""

from __future__ import annotations

from urllib.parse import quote

from quart import Response, request

from core.config import Settings, current_settings
from core.credentials import redact_site_credentials
from core.ratelimit import Rule, limit_address, retry_after_header, too_many_requests_message
from core.security import csrf_exempt
from tools.hooks import NO_STORE, bp, store
from tools.hooks.answers import ANSWER_HEADERS, served_answer
from tools.hooks.display import decode_text

CAPTURE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
NO_BODY_STATUSES = {204, 304}


def plain(message: str, status: int) -> Response:
    return Response(message + "\n", status, content_type="text/plain; charset=utf-8", headers=NO_STORE)


def capture_rule(settings: Settings) -> Rule:
    """Captures per client address per minute, whichever bin they go to (HOOKS_CAPTURES_PER_MINUTE)."""
    return Rule("hooks-capture", settings.hooks_captures_per_minute, 60)


def captured_request(body: bytes, max_body: int) -> dict:
    """What is stored of this request: what arrived (headers from the ASGI scope, in order), minus our credentials."""
    raw_path = request.scope.get("raw_path") or quote(request.path).encode()
    headers = [(decode_text(name), decode_text(value)) for name, value in request.scope.get("headers", [])]
    return {
        "method": request.method,
        "path": decode_text(raw_path),
        "query": decode_text(request.query_string),
        # A browser sends this site's cookies along to /hooks/… (an <img> in a paste, a link): the bin's owner
        # must never read another account's login.
        "headers": redact_site_credentials(headers),
        "body": body[:max_body],
        "body_size": len(body),
        "client_address": (request.remote_addr or "")[:64] or None,
    }


# strict_slashes=False: "/hooks/<id>/" is captured too, never redirected (a 308 would make senders resend).
@bp.route("/hooks/<key:bin_id>", methods=CAPTURE_METHODS, strict_slashes=False)
@bp.route("/hooks/<key:bin_id>/<path:rest>", methods=CAPTURE_METHODS)
@csrf_exempt  # webhook senders are other sites; no login, and an Authorization header is just data here
async def capture(bin_id: str, rest: str = ""):
    settings = current_settings()
    # Counted before the body is read or a bin looked up: a flood costs one counter update per request.
    refusal = await limit_address(capture_rule(settings))
    if refusal is not None:
        response = plain(too_many_requests_message(refusal), 429)
        response.headers.update(retry_after_header(refusal))
        return response
    body = await request.get_data()
    hook_bin = await store.count_capture(bin_id)
    if hook_bin is None:
        return plain("No bin with this id.", 404)
    if store.is_expired(hook_bin):
        await store.delete_bin(bin_id)  # purge on access
        return plain("This bin has expired.", 410)
    await store.store_capture(
        bin_id, settings.hooks_max_requests, **captured_request(body, settings.hooks_max_body_bytes)
    )
    status = hook_bin["response_status"]
    answer = "" if request.method == "HEAD" or status in NO_BODY_STATUSES else hook_bin["response_body"]
    # The owner chooses the answer's type and body: nothing of it may run as script or style at this origin.
    content_type, extra_headers = served_answer(hook_bin["response_content_type"])
    return Response(answer, status, content_type=content_type, headers={**ANSWER_HEADERS, **extra_headers})
