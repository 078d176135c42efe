"""Login and logout pages for the owner; each login is a server-side session that logout ends.

Failed logins are limited per client address and per account (LOGIN_MAX_FAILURES_PER_*): each attempt
is counted before the password is checked, so parallel guesses cannot slip past the limit and a
limited client costs no argon2 time; a success takes its count back from the address and clears
the account's counter (the owner who mistyped a few times starts afresh).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from quart import Blueprint, Quart, current_app, flash, redirect, request, url_for
from quart_auth import current_user, login_user, logout_user
from werkzeug.datastructures import MultiDict

from core.auth import SessionUser, check_password, end_session, password_matches, start_session, user_name
from core.config import current_settings
from core.forms import pre_auth_form
from core.ratelimit import Decision, Rule, client_address, hit, reset, retry_after_header, take_back, wait_phrase
from core.render import render_template

bp = Blueprint("auth", __name__)
LOGIN_HOOKS = "mytools.login_hooks"  # app.extensions key: what other parts of the platform do on a login
LoginHook = Callable[[int, MultiDict], Awaitable[None]]


def on_login(app: Quart, hook: LoginHook) -> None:
    """Run `hook(user_id, form)` after each successful login through the form (e.g. favorites merges a visitor's)."""
    app.extensions.setdefault(LOGIN_HOOKS, []).append(hook)


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


def login_rules() -> tuple[Rule, Rule]:
    """The failure limits (per address, per account), both over LOGIN_FAILURE_WINDOW_SECONDS."""
    settings = current_settings()
    window = settings.login_failure_window_seconds
    return (
        Rule("login-address", settings.login_max_failures_per_address, window),
        Rule("login-account", settings.login_max_failures_per_account, window),
    )


def account_key(name: str) -> str:
    """One counter per account whatever the letter case typed ("Owner" and "owner" share it)."""
    return name.lower()


async def count_attempt(name: str) -> Decision | None:
    """Count a login attempt against the address and then the account; the refusal if either is over its limit."""
    by_address, by_account = login_rules()
    decision = await hit(client_address(), by_address)
    if decision.allowed:
        decision = await hit(account_key(name), by_account)
    return None if decision.allowed else decision


async def forget_attempt(name: str) -> None:
    """A success is not a failure: take it back from the address and clear the account's counter."""
    by_address, by_account = login_rules()
    await take_back(client_address(), by_address)
    await reset(account_key(name), by_account)


class TooManyFailures(Exception):
    """The address or the account is over its failed-login limit."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(f"Too many failed logins. Try again in {wait_phrase(decision.retry_after)}.")
        self.decision = decision


async def check_current_password(user_id: int, password: str) -> bool:
    """Whether `password` is the logged-in owner's, counted like a login attempt (a stolen session must not
    be an unlimited password oracle); raises TooManyFailures when the address or account is over its limit."""
    if not password:
        return False  # like an empty login form: nothing guessed, nothing counted
    name = await user_name(user_id)
    refusal = await count_attempt(name)
    if refusal is not None:
        raise TooManyFailures(refusal)
    if not await password_matches(user_id, password):
        return False
    await forget_attempt(name)
    return True


async def login_page(next_url: str, name: str, error: str, status: int, headers: dict | None = None):
    page = await render_template("login.html", next_url=next_url, name=name, error=error)
    return page, status, headers or {}


@bp.route("/login", methods=["GET", "POST"])
@pre_auth_form
async def login():
    next_url = safe_next(request.args.get("next"))
    if request.method == "GET":
        return await render_template("login.html", next_url=next_url, name="", error=None)
    form = await request.form
    name, password = form.get("name", "").strip(), form.get("password", "")
    if not (name and password):
        return await login_page(next_url, name, "Enter your name and password.", 401)
    refusal = await count_attempt(name)
    if refusal is not None:
        error = f"Too many failed logins. Try again in {wait_phrase(refusal.retry_after)}."
        return await login_page(next_url, name, error, 429, retry_after_header(refusal))
    user_id = await check_password(name, password)
    if user_id is None:
        return await login_page(next_url, name, "Wrong name or password.", 401)
    await forget_attempt(name)
    if current_user.auth_id is not None:
        await end_session(current_user.auth_id)  # a new login never reuses the browser's old session id
    max_age = timedelta(seconds=current_app.config["QUART_AUTH_DURATION"])
    session_id = await start_session(user_id, max_age)
    login_user(SessionUser(session_id, user_id=user_id), remember=True)
    for hook in current_app.extensions.get(LOGIN_HOOKS, ()):
        await hook(user_id, form)
    await flash(f"Logged in as {name}.")
    return redirect(next_url)


@bp.post("/logout")
async def logout():
    if current_user.auth_id is not None:
        await end_session(current_user.auth_id)  # a copy of the cookie stops working too
    logout_user()
    await flash("Logged out.")
    return redirect(url_for("home.index"))
