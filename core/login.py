"""Login and logout pages for the owner."""

from __future__ import annotations

from quart import Blueprint, flash, redirect, render_template, request, url_for
from quart_auth import AuthUser, login_user, logout_user

from core.auth import check_password

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only redirect to a path on this site (never `//evil.example`)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
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
    login_user(AuthUser(str(user_id)), remember=True)
    await flash(f"Logged in as {name}.")
    return redirect(next_url)


@bp.post("/logout")
async def logout():
    logout_user()
    await flash("Logged out.")
    return redirect(url_for("home.index"))
