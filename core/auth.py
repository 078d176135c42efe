"""Owner accounts: argon2 passwords, revocable login sessions and hashed API tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache, wraps
from typing import NamedTuple

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from quart import g, redirect, request, url_for
from quart_auth import Action, AuthUser, current_user
from quart_schema import security_scheme

from core.db import get_db, metadata, row_dict, utc
from core.errors import DatabaseOutage, is_database_outage
from core.forms import api_error
from core.patches import AsyncTemplateContextAuth

log = logging.getLogger("mytools.auth")

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
# "bob" and "Bob" would share a login-limit counter and confuse a login: one of them only (migration 0008).
sa.Index("uq_users_lower_name", sa.func.lower(users.c.name), unique=True)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("name", sa.String(100), nullable=False, server_default=""),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
)

# One row per login: the cookie carries the random session id, the table only its SHA-256.
login_sessions = sa.Table(
    "login_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
)

TOKEN_PREFIX = "mt_"
MIN_PASSWORD_LENGTH = 8
MAX_TOKEN_NAME = 100
# last_seen_at / last_used_at are written at most this often, so most requests stay one read.
TOUCH_EVERY = timedelta(minutes=1)
password_hasher = PasswordHasher()


@cache
def dummy_hash() -> str:
    """Verified against when the user does not exist, so both cases take the same time."""
    return password_hasher.hash(secrets.token_hex(16))


def now() -> datetime:
    return datetime.now(UTC)


def is_stale(moment: datetime | None) -> bool:
    return moment is None or now() - utc(moment) >= TOUCH_EVERY


def hash_token(token: str) -> str:
    """API tokens, session ids and paste delete tokens are 192 or more random bits: one SHA-256 stores them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_name(name: str):
    """The condition "users.name is `name`", whatever the letter case (as the unique index on lower(name))."""
    return sa.func.lower(users.c.name) == sa.func.lower(name)


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")


async def create_user(name: str, password: str) -> int:
    if not name or len(name) > 64:
        raise ValueError("the user name must be 1 to 64 characters")
    validate_password(password)
    db = get_db()
    existing = await db.fetch_val(sa.select(users.c.name).where(same_name(name)))
    if existing is not None:
        raise ValueError(f"a user named {existing!r} already exists (names ignore letter case)")
    return await db.execute(
        sa.insert(users).values(name=name, password_hash=password_hasher.hash(password), created_at=now())
    )


async def user_id_by_name(name: str) -> int:
    user_id = await get_db().fetch_val(sa.select(users.c.id).where(same_name(name)))
    if user_id is None:
        raise ValueError(f"no user named {name!r}")
    return user_id


async def check_password(name: str, password: str) -> int | None:
    """The user's id when the password is right, else None."""
    if "\x00" in name:
        name = ""  # no account has it (PostgreSQL text cannot even compare it): a wrong name, same cost
    row = await get_db().fetch_one(sa.select(users.c.id, users.c.password_hash).where(same_name(name)))
    try:
        password_hasher.verify(row.password_hash if row else dummy_hash(), password)
    except (VerifyMismatchError, InvalidHashError):
        return None
    return row.id if row else None


async def user_name(user_id: int) -> str:
    """The account's name as stored (the key of its login-failure counter)."""
    return await get_db().fetch_val(sa.select(users.c.name).where(users.c.id == user_id)) or ""


async def password_matches(user_id: int, password: str) -> bool:
    stored = await get_db().fetch_val(sa.select(users.c.password_hash).where(users.c.id == user_id))
    try:
        return password_hasher.verify(stored or dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, InvalidHashError):
        return False


class PasswordChange(NamedTuple):
    sessions_ended: int
    tokens_revoked: int


async def set_password(user_id: int, password: str, keep_session: str | None = None) -> PasswordChange:
    """Store a new password, end every login session of the user but `keep_session` and revoke all the user's
    API tokens (whoever knew the old password may have minted one)."""
    validate_password(password)
    password_hash = password_hasher.hash(password)  # before the transaction: argon2 takes a while
    db = get_db()
    async with db.transaction():
        await db.execute(sa.update(users).where(users.c.id == user_id).values(password_hash=password_hash))
        sessions = await end_other_sessions(user_id, keep_session)
        tokens = await revoke_all_tokens(user_id)
    log.info(
        "password changed for user %d; %d other login sessions ended, %d API tokens revoked", user_id, sessions, tokens
    )
    return PasswordChange(sessions, tokens)


# --- login sessions ----------------------------------------------------------------------


async def start_session(user_id: int, max_age: timedelta) -> str:
    """A new login session; returns its id (for the signed cookie), stores only its hash."""
    session_id = secrets.token_urlsafe(32)
    db = get_db()
    moment = now()
    # Sessions whose cookie has expired anyway are of no use: drop them while we are here.
    await db.execute(
        login_sessions.delete().where(
            login_sessions.c.user_id == user_id, login_sessions.c.created_at < moment - max_age
        )
    )
    await db.execute(
        sa.insert(login_sessions).values(
            id=hash_token(session_id), user_id=user_id, created_at=moment, last_seen_at=moment
        )
    )
    return session_id


async def end_session(session_id: str) -> None:
    await get_db().execute(login_sessions.delete().where(login_sessions.c.id == hash_token(session_id)))


async def end_other_sessions(user_id: int, keep_session: str | None) -> int:
    """End the user's login sessions but `keep_session`; returns how many ended."""
    condition = login_sessions.c.user_id == user_id
    if keep_session is not None:
        condition = sa.and_(condition, login_sessions.c.id != hash_token(keep_session))
    ended = await get_db().fetch_all(login_sessions.delete().where(condition).returning(login_sessions.c.id))
    return len(ended)


async def count_sessions(user_id: int) -> int:
    query = sa.select(sa.func.count()).select_from(login_sessions).where(login_sessions.c.user_id == user_id)
    return await get_db().fetch_val(query)


async def user_for_session(session_id: str) -> int | None:
    """The user of a live login session (one indexed read; last_seen_at is refreshed now and then)."""
    key = hash_token(session_id)
    db = get_db()
    row = await db.fetch_one(
        sa.select(login_sessions.c.user_id, login_sessions.c.last_seen_at).where(login_sessions.c.id == key)
    )
    if row is None:
        return None
    if is_stale(row.last_seen_at):
        await db.execute(sa.update(login_sessions).where(login_sessions.c.id == key).values(last_seen_at=now()))
    return row.user_id


class SessionUser(AuthUser):
    """quart-auth's user: auth_id is a login session id, checked against login_sessions once per request."""

    def __init__(self, auth_id: str | None, action: Action = Action.PASS, user_id: int | None = None) -> None:
        super().__init__(auth_id, action)
        self._user_id = user_id
        self._resolved = user_id is not None or auth_id is None
        self.database_unavailable = False

    async def resolve_user_id(self) -> int | None:
        """The owner's id, or None when there is no cookie or its session was ended."""
        if not self._resolved:
            try:
                self._user_id = await user_for_session(self.auth_id)
            except Exception as exc:
                if not is_database_outage(exc):
                    raise
                # Pages that need no database keep working for a logged-in owner during an outage;
                # owner_required turns this into a 503 rather than a redirect to the login page.
                self.database_unavailable = True
                log.warning("login session not checked: database unavailable (%s)", type(exc).__name__)
            self._resolved = True
        return self._user_id

    @property
    def known_user_id(self) -> int | None:
        """The owner's id if this request already looked it up (no I/O), else None."""
        return self._user_id if self._resolved else None

    @property
    async def is_authenticated(self) -> bool:
        return await self.resolve_user_id() is not None


def for_an_owner(session_user: SessionUser | None) -> bool:
    """True when this request was found to carry a valid API token or login session: its response may
    depend on who is logged in. Only what the request already looked up counts (no query here)."""
    if g.get("user_id") is not None or g.get("api_user_id") is not None:
        return True
    return session_user is not None and session_user.known_user_id is not None


def keep_out_of_caches(response) -> None:
    """What an owner sees (notes, tokens, the account) must not stay in a browser's or proxy's cache."""
    if "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"  # a view's own "private, no-store" stays as it is


class SessionAuth(AsyncTemplateContextAuth):
    """quart-auth (with its template context made async: core.patches), that skips unused cookie work."""

    async def after_request(self, response):
        if for_an_owner(getattr(g, self.attribute_name, None)):
            keep_out_of_caches(response)
        # The user is loaded (into g) by whatever reads current_user, login_user or logout_user; when
        # nothing did, its action is PASS and quart-auth would only parse the cookie to change nothing.
        if not hasattr(g, self.attribute_name):
            return response
        return await super().after_request(response)


# --- API tokens ----------------------------------------------------------------------------


def token_name_problem(name: str) -> str | None:
    """Why a token name cannot be stored, or None."""
    if len(name) > MAX_TOKEN_NAME:
        return f"The name must be at most {MAX_TOKEN_NAME} characters."
    if "\x00" in name:
        return "The name must not contain the NUL character (U+0000)."
    return None


async def issue_token(user_id: int, name: str = "") -> tuple[int, str]:
    """A new API token for the user: (its id, the token). Only its hash is stored."""
    name = name.strip()
    if problem := token_name_problem(name):
        raise ValueError(problem)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = await get_db().execute(
        sa.insert(api_tokens).values(user_id=user_id, token_hash=hash_token(token), created_at=now(), name=name)
    )
    return token_id, token


async def create_token(name: str, label: str = "") -> str:
    """A new API token for the user called `name`; only its hash is stored."""
    _, token = await issue_token(await user_id_by_name(name), label)
    return token


async def list_tokens(user_id: int) -> list[dict]:
    query = (
        sa.select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at, api_tokens.c.last_used_at)
        .where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.id)
    )
    rows = await get_db().fetch_all(query)
    return [row_dict(row) for row in rows]


async def revoke_token(user_id: int, token_id: int) -> bool:
    """Delete one of the user's tokens; False when the user has no token with this id."""
    query = api_tokens.delete().where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id)
    return await get_db().fetch_val(query.returning(api_tokens.c.id)) is not None


async def revoke_all_tokens(user_id: int) -> int:
    """Delete every API token of the user; returns how many there were."""
    query = api_tokens.delete().where(api_tokens.c.user_id == user_id).returning(api_tokens.c.id)
    return len(await get_db().fetch_all(query))


async def user_for_token(token: str) -> int | None:
    db = get_db()
    row = await db.fetch_one(
        sa.select(api_tokens.c.id, api_tokens.c.user_id, api_tokens.c.last_used_at).where(
            api_tokens.c.token_hash == hash_token(token)
        )
    )
    if row is None:
        return None
    if is_stale(row.last_used_at):
        await db.execute(sa.update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=now()))
    return row.user_id


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if the request has one."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


async def current_user_id() -> int | None:
    """The owner making this request, by API token or login session (each looked up once per request)."""
    token = bearer_token()
    if token is not None:
        if "api_user_id" not in g:
            g.api_user_id = await user_for_token(token)
        return g.api_user_id
    return await current_user.resolve_user_id()


def current_session_id() -> str | None:
    """The login session id of this request's cookie (None for API token requests)."""
    return None if bearer_token() is not None else current_user.auth_id


# OpenAPI's security of an owner-only route: the owner's API token (the login cookie works too).
OWNER_ONLY = [{"bearer": []}]


def owner_required(view):
    """Let only a logged-in owner (or a valid API token) through."""

    @wraps(view)
    async def wrapper(*args, **kwargs):
        user_id = await current_user_id()
        if user_id is None:
            if bearer_token() is None and current_user.database_unavailable:
                raise DatabaseOutage("the login session could not be checked")
            if bearer_token() is not None:
                return api_error("Invalid API token.", status=401)
            if request.path.startswith("/api/"):
                return api_error("Log in or send an API token (Authorization: Bearer …).", status=401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        g.user_id = user_id
        return await view(*args, **kwargs)

    return wrapper


def owner_api(view):
    """An owner-only JSON route: owner_required, documented in OpenAPI as taking the owner's bearer token."""
    return owner_required(security_scheme(OWNER_ONLY)(view))
