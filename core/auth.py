"""Owner accounts: argon2 passwords, login sessions (quart-auth) and hashed API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from functools import cache, wraps

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from quart import g, redirect, request, url_for
from quart_auth import current_user

from core.db import get_db, metadata
from core.forms import api_error

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

TOKEN_PREFIX = "mt_"
password_hasher = PasswordHasher()


@cache
def dummy_hash() -> str:
    """Verified against when the user does not exist, so both cases take the same time."""
    return password_hasher.hash(secrets.token_hex(16))


def now() -> datetime:
    return datetime.now(UTC)


def hash_token(token: str) -> str:
    """API tokens are 256 random bits, so one SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create_user(name: str, password: str) -> int:
    if not name or len(name) > 64:
        raise ValueError("the user name must be 1 to 64 characters")
    if len(password) < 8:
        raise ValueError("the password must be at least 8 characters")
    db = get_db()
    if await db.fetch_val(sa.select(users.c.id).where(users.c.name == name)) is not None:
        raise ValueError(f"a user named {name!r} already exists")
    return await db.execute(
        sa.insert(users).values(name=name, password_hash=password_hasher.hash(password), created_at=now())
    )


async def check_password(name: str, password: str) -> int | None:
    """The user's id when the password is right, else None."""
    row = await get_db().fetch_one(sa.select(users.c.id, users.c.password_hash).where(users.c.name == name))
    try:
        password_hasher.verify(row.password_hash if row else dummy_hash(), password)
    except (VerifyMismatchError, InvalidHashError):
        return None
    return row.id if row else None


async def create_token(name: str) -> str:
    """A new API token for the user; only its hash is stored."""
    db = get_db()
    user_id = await db.fetch_val(sa.select(users.c.id).where(users.c.name == name))
    if user_id is None:
        raise ValueError(f"no user named {name!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await db.execute(sa.insert(api_tokens).values(user_id=user_id, token_hash=hash_token(token), created_at=now()))
    return token


async def user_for_token(token: str) -> int | None:
    query = sa.select(api_tokens.c.user_id).where(api_tokens.c.token_hash == hash_token(token))
    return await get_db().fetch_val(query)


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if the request has one."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


async def current_user_id() -> int | None:
    """The owner making this request, by API token or login cookie (the token is looked up once)."""
    token = bearer_token()
    if token is not None:
        if "api_user_id" not in g:
            g.api_user_id = await user_for_token(token)
        return g.api_user_id
    if await current_user.is_authenticated:
        return int(current_user.auth_id)
    return None


def owner_required(view):
    """Let only a logged-in owner (or a valid API token) through."""

    @wraps(view)
    async def wrapper(*args, **kwargs):
        user_id = await current_user_id()
        if user_id is None:
            if bearer_token() is not None:
                return api_error("Invalid API token.", status=401)
            if request.path.startswith("/api/"):
                return api_error("Log in or send an API token (Authorization: Bearer …).", status=401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        g.user_id = user_id
        return await view(*args, **kwargs)

    return wrapper
