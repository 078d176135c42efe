"""`quart --app app check-deploy`: a production checklist (like Django's `check --deploy`), one line per check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.config import LISTENER_CONNECTIONS, LOCAL_HOSTS, RESERVED_CONNECTIONS, Settings

OK, WARN, FAIL = "OK", "WARN", "FAIL"
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 10  # 32 random hex characters have ~14 distinct ones; "x" * 40 has 1
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Check:
    status: str  # OK, WARN or FAIL
    name: str
    message: str

    def line(self) -> str:
        return f"{self.status:<4}  {self.name}: {self.message}"


def check_secret_key(settings: Settings, env: Mapping[str, str]) -> Check:
    key = env.get("SECRET_KEY", "")
    if not key or settings.secret_key_generated:
        return Check(FAIL, "SECRET_KEY", "not set (heroku config:set SECRET_KEY=$(openssl rand -hex 32))")
    if len(key) < MIN_SECRET_LENGTH:
        return Check(FAIL, "SECRET_KEY", f"only {len(key)} characters; use at least {MIN_SECRET_LENGTH} random ones")
    if len(set(key)) < MIN_SECRET_DISTINCT:
        return Check(FAIL, "SECRET_KEY", f"low entropy: only {len(set(key))} distinct characters")
    return Check(OK, "SECRET_KEY", f"{len(key)} characters")


def check_production(settings: Settings, env: Mapping[str, str]) -> Check:
    if settings.production:
        why = "DYNO is set" if env.get("DYNO") else "MYTOOLS_ENV=production"
        return Check(OK, "production mode", f"on ({why})")
    return Check(WARN, "production mode", "off: set MYTOOLS_ENV=production (Heroku sets DYNO)")


def check_database_url(settings: Settings, env: Mapping[str, str]) -> Check:
    on_heroku = bool(env.get("DYNO"))
    if not env.get("DATABASE_URL", "").strip():
        status = FAIL if on_heroku else WARN
        return Check(status, "DATABASE_URL", "not set: using the embedded SQLite file")
    if settings.database.is_sqlite:
        if on_heroku:
            return Check(FAIL, "DATABASE_URL", "SQLite on Heroku: the dyno filesystem is wiped on every restart")
        return Check(WARN, "DATABASE_URL", "SQLite: fine on one machine with a persistent disk")
    return Check(OK, "DATABASE_URL", f"PostgreSQL at {settings.database.host_port}")


def check_database_ssl(settings: Settings, env: Mapping[str, str]) -> Check:
    db = settings.database
    if db.is_sqlite:
        return Check(OK, "DATABASE_SSL", "not needed for SQLite")
    host = urlsplit(db.url).hostname or ""
    if host in LOCAL_HOSTS:
        return Check(OK, "DATABASE_SSL", f"{db.ssl} (local database)")
    if db.ssl == "disable":
        return Check(FAIL, "DATABASE_SSL", f"disable for the remote host {host}: passwords and data cross unencrypted")
    return Check(OK, "DATABASE_SSL", f"{db.ssl} for {host}")


def check_pool_budget(settings: Settings, env: Mapping[str, str]) -> Check:
    db = settings.database
    if db.is_sqlite:
        return Check(OK, "pool budget", "SQLite has no connection limit")
    used = settings.web_concurrency * (db.pool_max + LISTENER_CONNECTIONS) + RESERVED_CONNECTIONS
    sum_ = (
        f"{settings.web_concurrency} workers × (pool max {db.pool_max} + {LISTENER_CONNECTIONS} listener)"
        f" + {RESERVED_CONNECTIONS} one-off = {used}"
    )
    if used > db.connection_limit:
        return Check(FAIL, "pool budget", f"{sum_} > DATABASE_CONNECTION_LIMIT {db.connection_limit}")
    return Check(OK, "pool budget", f"{sum_} ≤ {db.connection_limit}")


def check_debug(settings: Settings, env: Mapping[str, str]) -> Check:
    if env.get("QUART_DEBUG", "").strip().lower() in TRUE:
        return Check(FAIL, "debug", "QUART_DEBUG is on: the debugger must never run in production")
    if settings.testing:
        return Check(FAIL, "debug", "TESTING is on")
    if settings.log_level == "DEBUG":
        return Check(WARN, "debug", "LOG_LEVEL=DEBUG logs every query; INFO is enough in production")
    return Check(OK, "debug", f"off (LOG_LEVEL={settings.log_level})")


def check_proxy_hops(settings: Settings, env: Mapping[str, str]) -> Check:
    if env.get("DYNO") and settings.proxy_hops < 1:
        return Check(FAIL, "MYTOOLS_PROXY_HOPS", "0 on Heroku: client addresses and https are not seen")
    return Check(OK, "MYTOOLS_PROXY_HOPS", str(settings.proxy_hops))


def check_hosts(settings: Settings, env: Mapping[str, str]) -> Check:
    if not settings.allowed_hosts and settings.allowed_host_suffixes:
        return Check(
            OK,
            "host names",
            "this app's *.herokuapp.com domain (Heroku's router delivers only this app's domains); absolute URLs "
            "from the request's host. Set MYTOOLS_BASE_URL for a custom domain",
        )
    if not settings.allowed_hosts:
        return Check(
            FAIL,
            "host names",
            "none: every request gets 400. Set MYTOOLS_BASE_URL or MYTOOLS_ALLOWED_HOSTS "
            "(on Heroku: heroku labs:enable runtime-dyno-metadata, then deploy again)",
        )
    urls = f"absolute URLs from {settings.base_url}" if settings.base_url else "absolute URLs from the request's host"
    return Check(OK, "host names", f"{', '.join(sorted(settings.allowed_hosts))}; {urls}")


CHECKS = (
    check_secret_key,
    check_production,
    check_database_url,
    check_database_ssl,
    check_pool_budget,
    check_debug,
    check_proxy_hops,
    check_hosts,
)


def check_deploy(settings: Settings, env: Mapping[str, str]) -> list[Check]:
    """Every check's result for these settings and the environment they came from (no I/O)."""
    return [check(settings, env) for check in CHECKS]
