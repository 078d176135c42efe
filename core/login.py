"""Login and logout pages for the owner; each login is a server-side session that logout ends."""

from __future__ import annotations

from datetime import timedelta

from quart import Blueprint, current_app, flash, redirect, render_template, request, url_for
from quart_auth import current_user, login_user, logout_user

from core.auth import SessionUser, check_password, end_session, start_session

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only redirect to a path on this site: never `//evil.example`, never a header-breaking character.

    Anything but printable ASCII is refused: browsers drop tabs and newlines from URLs (so
    "/\t/evil" is "//evil"), and CR/LF would split the Location header.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(32 < ord(char) < 127 for char in target)
    ):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
async def login():
    next_url = safe_next(request.args.get("next"))
    if request.method == "GET":
        return await render_template("login.html", next_url=next_url, name="", error=None)
    form = await request.form
    name, password = form.get("name", "").strip(), form.get("password", "")
    user_id = await check_password(name, password) if name and password else None
    if user_id is None:
        error = "Wrong name or password." if name and password else "Enter your name and password."
        return await render_template("login.html", next_url=next_url, name=name, error=error), 401
    if current_user.auth_id is not None:
        await end_session(current_user.auth_id)  # a new login never reuses the browser's old session id
    max_age = timedelta(seconds=current_app.config["QUART_AUTH_DURATION"])
    session_id = await start_session(user_id, max_age)
    login_user(SessionUser(session_id, user_id=user_id), remember=True)
    await flash(f"Logged in as {name}.")
    return redirect(next_url)


@bp.post("/logout")
async def logout():
    if current_user.auth_id is not None:
        await end_session(current_user.auth_id)  # a copy of the cookie stops working too
    logout_user()
    await flash("Logged out.")
    return redirect(url_for("home.index"))
