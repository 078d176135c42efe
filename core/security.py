"""Security headers, CSRF protection by Origin / Sec-Fetch-Site, and the host check with the proxy fix."""

from __future__ import annotations

from quart import Quart, current_app, request

from core.auth import bearer_token
from core.config import Settings
from core.forms import api_error
from core.hosts import install_hosts

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
CSRF_MESSAGE = "Cross-site request refused: submit the form from this site's own pages."


def csrf_exempt(view):
    """Mark a view that must accept cross-site requests (e.g. a webhook receiver)."""
    view.csrf_exempt = True
    return view


def is_cross_site() -> bool:
    """True when a browser tells us the request came from another site (OWASP's header check)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != f"{request.scheme}://{request.host}"
    # Neither header: not a browser request (curl, scripts), which carries no ambient cookie risk
    # beyond what the caller already holds.
    return False


async def refuse_cross_site_writes():
    # A bearer token is never attached by the browser on its own, and a cross-site page cannot
    # add the header without a CORS preflight, which this app never grants.
    if request.method in SAFE_METHODS or bearer_token() is not None:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, "csrf_exempt", False):
        return None
    if is_cross_site():
        if request.path.startswith("/api/"):
            return api_error(CSRF_MESSAGE, status=403)
        return CSRF_MESSAGE + "\n", 403, {"Content-Type": "text/plain; charset=utf-8"}
    return None


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = "max-age=63072000; includeSubDomains"


async def add_security_headers(response):
    headers = response.headers
    # One pass over the headers a view set, then appends: werkzeug's `in`, `[]=` and setdefault each
    # scan the list again (setdefault also raises and catches an exception per missing header).
    present = {name.lower() for name, _ in headers.items()}
    for name, value in SECURITY_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    if request.scheme == "https" and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", HSTS)
    return response


def install_security(app: Quart, settings: Settings) -> None:
    """The allowed hosts and base URL; the hooks and the host layer are placed by core/pipeline.py."""
    install_hosts(app, settings)
