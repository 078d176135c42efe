"""Quart's cookie session (it carries flash messages), without its per-request cost when there is none.

Quart builds an itsdangerous signer for every request to open the session, and reads seven cookie
settings to save it, even when the request has no session cookie and the response writes none:
that is nearly every request (API calls, anonymous pages, redirects).
"""

from __future__ import annotations

from quart import Quart
from quart.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    async def open_session(self, app: Quart, request):
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()  # what Quart returns for a request without the cookie
        return await super().open_session(app, request)

    async def save_session(self, app: Quart, session, response) -> None:
        if response is not None and not session and not session.modified:
            # Empty before and after: no cookie to set or delete, only the Vary Quart adds when it was read.
            if session.accessed:
                response.vary.add("Cookie")
            return
        await super().save_session(app, session, response)


def install_sessions(app: Quart) -> None:
    app.session_interface = CookieSessions()
