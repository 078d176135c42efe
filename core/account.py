"""The owner's account page (/account): change the password, end other sessions, manage API tokens.

Both the password change and a new token need the current password, counted like a login attempt.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from quart import Blueprint, flash, g, redirect, request, url_for
from quart_schema import validate_response

from core.auth import (
    MAX_TOKEN_NAME,
    MIN_PASSWORD_LENGTH,
    count_sessions,
    current_session_id,
    end_other_sessions,
    issue_token,
    list_tokens,
    owner_api,
    owner_required,
    revoke_token,
    set_password,
    token_name_problem,
)
from core.forms import api_error
from core.login import TooManyFailures, check_current_password
from core.ratelimit import retry_after_header
from core.render import render_template

bp = Blueprint("account", __name__)


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class TokenList(BaseModel):
    tokens: list[TokenOut]


WRONG_PASSWORD = "This is not your current password."


async def render_account(
    status: int = 200, errors: dict | None = None, new_token: str | None = None, headers: dict | None = None, **values
):
    context = {
        "tokens": await list_tokens(g.user_id),
        "sessions": await count_sessions(g.user_id),
        "errors": errors or {},
        "new_token": new_token,
        "min_password_length": MIN_PASSWORD_LENGTH,
        "max_token_name": MAX_TOKEN_NAME,
        "token_name": values.get("token_name", ""),
    }
    return await render_template("account.html", **context), status, headers or {}


async def refuse_guessing(refusal: TooManyFailures, field: str):
    """429 with Retry-After: too many wrong passwords (here or at /login) for this account or address."""
    return await render_account(status=429, errors={field: str(refusal)}, headers=retry_after_header(refusal.decision))


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def password_errors(current_ok: bool, new: str, again: str) -> dict[str, str]:
    errors = {}
    if not current_ok:
        errors["current_password"] = WRONG_PASSWORD
    if len(new) < MIN_PASSWORD_LENGTH:
        errors["new_password"] = f"The new password must be at least {MIN_PASSWORD_LENGTH} characters."
    elif new != again:
        errors["new_password_again"] = "The two new passwords differ."
    return errors


@bp.get("/account")
@owner_required
async def index():
    return await render_account()


@bp.post("/account/password")
@owner_required
async def change_password():
    form = await request.form
    new, again = form.get("new_password", ""), form.get("new_password_again", "")
    try:
        current_ok = await check_current_password(g.user_id, form.get("current_password", ""))
    except TooManyFailures as refusal:
        return await refuse_guessing(refusal, "current_password")
    errors = password_errors(current_ok, new, again)
    if errors:
        return await render_account(status=422, errors=errors)
    change = await set_password(g.user_id, new, keep_session=current_session_id())
    await flash(
        f"Password changed. {plural(change.sessions_ended, 'other login session')} ended; "
        f"{plural(change.tokens_revoked, 'API token')} revoked."
    )
    return redirect(url_for("account.index"))


@bp.post("/account/sessions/end-others")
@owner_required
async def end_others():
    ended = await end_other_sessions(g.user_id, keep_session=current_session_id())
    await flash(f"{ended} other login session{'s' if ended != 1 else ''} ended.")
    return redirect(url_for("account.index"))


@bp.post("/account/tokens")
@owner_required
async def create_token():
    form = await request.form
    name = form.get("name", "").strip()
    if problem := token_name_problem(name):
        return await render_account(status=422, errors={"name": problem}, token_name=name)
    # A token outlives the session: whoever holds only the cookie must not turn it into one.
    try:
        password_ok = await check_current_password(g.user_id, form.get("current_password", ""))
    except TooManyFailures as refusal:
        return await refuse_guessing(refusal, "token_current_password")
    if not password_ok:
        return await render_account(status=422, errors={"token_current_password": WRONG_PASSWORD}, token_name=name)
    _, token = await issue_token(g.user_id, name)
    # Shown in this response only: never flashed (the session cookie is signed, not encrypted).
    return await render_account(status=201, new_token=token)


@bp.post("/account/tokens/<id:token_id>/revoke")
@owner_required
async def revoke(token_id: int):
    if not await revoke_token(g.user_id, token_id):
        await flash("No such token (already revoked?).")
    else:
        await flash("Token revoked: it no longer works.")
    return redirect(url_for("account.index"))


# --- JSON API ----------------------------------------------------------------------------


@bp.get("/api/tokens")
@owner_api
@validate_response(TokenList)
async def api_list_tokens() -> TokenList:
    """Your API tokens (never the tokens themselves: only their id, name and dates)."""
    return TokenList(tokens=[TokenOut(**t) for t in await list_tokens(g.user_id)])


@bp.delete("/api/tokens/<id:token_id>")
@owner_api
async def api_revoke_token(token_id: int):
    """Revoke one of your API tokens (it may be the one making this request)."""
    if not await revoke_token(g.user_id, token_id):
        return api_error("No token with this id.", status=404)
    return "", 204
