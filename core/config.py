"""Settings, read from the environment in this one place."""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from pathlib import Path
from urllib.parse import urlsplit

from core.netaddr import normalize_host

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "mytools.sqlite3"
# Heroku Postgres Essential-0 allows 20 connections; one-off dynos (release, `heroku run`) need 2.
DEFAULT_CONNECTION_LIMIT = 20
RESERVED_CONNECTIONS = 2
# Each worker also holds one connection of its own for LISTEN (core/events.py), opened on the first live viewer.
LISTENER_CONNECTIONS = 1
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
# Host names a development server (no DYNO, not MYTOOLS_ENV=production) answers to without configuration;
# "localhost" is also what Quart's test client sends.
DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1", "::1")

log = logging.getLogger("mytools")


class ConfigError(Exception):
    """A setting is missing or invalid; the message is one line for the operator."""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    pool_min: int
    pool_max: int
    ssl: str  # "require", "verify-full" or "disable"
    connect_timeout: float
    connection_limit: int = DEFAULT_CONNECTION_LIMIT  # the database plan's limit (DATABASE_CONNECTION_LIMIT)
    # Behind PgBouncer in transaction mode (Heroku's pooler): asyncpg must not keep prepared statements.
    pgbouncer: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def host_port(self) -> str:
        """Where the database is, without credentials, for log lines."""
        if self.is_sqlite:
            return sqlite_path(self.url)
        parts = urlsplit(self.url)
        return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


@dataclass(frozen=True)
class Settings:
    production: bool
    secret_key: str
    secret_key_generated: bool
    database: DatabaseSettings
    web_concurrency: int
    log_level: str
    disabled_tools: frozenset[str]
    max_content_length: int
    auto_migrate: bool
    proxy_hops: int
    paste_anonymous: bool = False
    paste_max_bytes: int = 1024 * 1024
    hooks_max_requests: int = 100
    hooks_max_body_bytes: int = 64 * 1024
    hooks_bin_ttl_days: int = 7
    testing: bool = False
    redis_url: str = ""  # when set, rate-limit counters live in Redis instead of the database
    login_max_failures_per_address: int = 10
    login_max_failures_per_account: int = 5
    login_failure_window_seconds: int = 15 * 60
    paste_anonymous_per_hour: int = 30
    hooks_captures_per_minute: int = 120
    # Live pages (Server-Sent Events, core/sse.py): open streams per worker process, and the heartbeat.
    live_max_streams: int = 100
    live_heartbeat_seconds: float = 20.0
    # The bounded executor (core/executor.py): limits of one piece of work on user content.
    work_seconds: float = 5.0
    work_memory_bytes: int = 96 * 2**20
    max_output_bytes: int = 16 * 2**20
    work_processes: int = 2
    # Recipes (core/recipes.py): one time budget and one output cap for a whole run of chained steps.
    recipe_seconds: float = 10.0
    recipe_max_output_bytes: int = 4 * 2**20
    form_max_bytes: int = 4 * 1024 * 1024
    form_max_fields: int = 500
    login_form_max_bytes: int = 4096
    # Anonymous tool pages kept per worker (core/page_cache.py); 0 renders every request.
    page_cache_entries: int = 256
    # Absolute URLs (redirects, short and paste URLs) start with this origin when set, e.g. https://tools.example.com
    base_url: str = ""
    # Host names this site answers to (lowercase, no port); a request with another Host header gets 400.
    allowed_hosts: frozenset[str] = frozenset(DEVELOPMENT_HOSTS)
    # Name endings allowed as well: on a dyno with no name configured, ".herokuapp.com" (Heroku's router
    # delivers a request to this app only for this app's own domains, so such a Host is ours).
    allowed_host_suffixes: tuple[str, ...] = ()
    # Network tools (core/netguard.py): networks exempt from the SSRF guard, the DNS servers asked
    # (empty: the system's), and whether visitors may use the tools (else they are for signed-in accounts).
    network_allow: tuple[IPv4Network | IPv6Network, ...] = ()
    dns_resolvers: tuple[tuple[str, int], ...] = ()
    network_public: bool = False
    network_per_hour: int = 60
    # The RDAP redirector asked for what the rdap tool's vendored bootstrap does not cover (tests: a local server).
    rdap_bootstrap_url: str = "https://rdap.org/"


def sqlite_path(url: str) -> str:
    """The file path in an sqlite:/// URL."""
    return url.split(":///", 1)[1] if ":///" in url else ""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def default_pool_max(web_concurrency: int, limit: int = DEFAULT_CONNECTION_LIMIT) -> int:
    """Largest pool such that workers × (pool max + listener) + reserved one-off connections fit the limit."""
    per_worker = (limit - RESERVED_CONNECTIONS) // max(1, web_concurrency)
    return max(1, min(10, per_worker - LISTENER_CONNECTIONS))


def _ssl_mode(env: Mapping[str, str], url: str) -> str:
    raw = env.get("DATABASE_SSL", "auto").strip().lower() or "auto"
    aliases = {"true": "require", "1": "require", "false": "disable", "0": "disable"}
    mode = aliases.get(raw, raw)
    if mode not in {"auto", "require", "verify-full", "disable"}:
        raise ConfigError(f"DATABASE_SSL must be auto, require, verify-full or disable, got {raw!r}")
    if mode != "auto":
        return mode
    if url.startswith("sqlite"):
        return "disable"
    return "disable" if (urlsplit(url).hostname or "") in LOCAL_HOSTS else "require"


def load_database_settings(env: Mapping[str, str]) -> DatabaseSettings:
    url = env.get("DATABASE_URL", "").strip() or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    if not url.startswith(("sqlite:", "sqlite+aiosqlite:", "postgres://", "postgresql")):
        raise ConfigError("DATABASE_URL must start with sqlite:///, postgres:// or postgresql://")
    concurrency = _int(env, "WEB_CONCURRENCY", 2, minimum=1)
    limit = _int(env, "DATABASE_CONNECTION_LIMIT", DEFAULT_CONNECTION_LIMIT, minimum=RESERVED_CONNECTIONS + 1)
    pool_min = _int(env, "DATABASE_POOL_MIN", 1, minimum=1)
    pool_max = _int(env, "DATABASE_POOL_MAX", default_pool_max(concurrency, limit), minimum=1)
    if pool_min > pool_max:
        raise ConfigError(f"DATABASE_POOL_MIN ({pool_min}) exceeds DATABASE_POOL_MAX ({pool_max})")
    return DatabaseSettings(
        url=url,
        pool_min=pool_min,
        pool_max=pool_max,
        ssl=_ssl_mode(env, url),
        connect_timeout=float(_int(env, "DATABASE_CONNECT_TIMEOUT", 30, minimum=1)),
        connection_limit=limit,
        pgbouncer=_bool(env, "DATABASE_PGBOUNCER", False),
    )


def _secret_key(env: Mapping[str, str], production: bool) -> tuple[str, bool]:
    key = env.get("SECRET_KEY", "")
    if production and len(key) < 32:
        state = "missing" if not key else f"only {len(key)} characters"
        raise ConfigError(
            f"SECRET_KEY is {state}; production needs at least 32 random characters "
            "(heroku config:set SECRET_KEY=$(openssl rand -hex 32))"
        )
    if key:
        return key, False
    return secrets.token_hex(32), True


def _heartbeat(env: Mapping[str, str]) -> float:
    """LIVE_HEARTBEAT_SECONDS: under the 55 s after which Heroku's router closes a silent connection."""
    raw = env.get("LIVE_HEARTBEAT_SECONDS", "").strip() or "20"
    try:
        seconds = float(raw)
    except ValueError:
        raise ConfigError(f"LIVE_HEARTBEAT_SECONDS must be a number of seconds, got {raw!r}") from None
    if not 0.05 <= seconds <= 50:
        raise ConfigError(f"LIVE_HEARTBEAT_SECONDS must be between 0.05 and 50 (Heroku closes at 55), got {raw}")
    return seconds


def _redis_url(env: Mapping[str, str]) -> str:
    url = env.get("REDIS_URL", "").strip()
    if url and not url.startswith(("redis://", "rediss://")):
        raise ConfigError("REDIS_URL must start with redis:// or rediss://")
    return url


def _host_name(name: str, setting: str) -> str:
    """A configured host name in the form requests are compared with; raises ConfigError."""
    if not name or any(c in name for c in "/@?#") or (":" in name and not name.startswith("[")):
        raise ConfigError(f"{setting} takes host names (IPv6 in brackets) without scheme, port or path, got {name!r}")
    try:
        return str(normalize_host(name))
    except ValueError as exc:
        raise ConfigError(f"{setting}: {exc}") from None


def _networks(env: Mapping[str, str], name: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """A comma-separated list of CIDRs (a bare address is its own /32 or /128)."""
    networks = []
    for item in (part.strip() for part in env.get(name, "").split(",")):
        if item:
            try:
                networks.append(ip_network(item, strict=False))
            except ValueError:
                raise ConfigError(f"{name} must list networks such as 10.0.0.0/8, got {item!r}") from None
    return tuple(networks)


def _resolvers(env: Mapping[str, str], name: str) -> tuple[tuple[str, int], ...]:
    """A comma-separated list of ip or ip:port ([v6]:port for IPv6 with a port); port 53 by default."""
    resolvers = []
    for item in (part.strip() for part in env.get(name, "").split(",")):
        if not item:
            continue
        host, port = item, "53"
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else "53"
        elif item.count(":") == 1:
            host, port = item.split(":")
        try:
            resolvers.append((str(ip_address(host)), int(port)))
        except ValueError:
            raise ConfigError(f"{name} must list addresses such as 1.1.1.1 or 127.0.0.1:5353, got {item!r}") from None
        if not 0 < resolvers[-1][1] < 65536:
            raise ConfigError(f"{name}: the port of {item!r} is out of range")
    return tuple(resolvers)


def _rdap_url(env: Mapping[str, str]) -> str:
    raw = env.get("MYTOOLS_RDAP_BOOTSTRAP_URL", "").strip() or "https://rdap.org/"
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.username is not None:
        raise ConfigError(f"MYTOOLS_RDAP_BOOTSTRAP_URL must be an http(s) URL such as https://rdap.org/, got {raw!r}")
    return raw if raw.endswith("/") else raw + "/"


def _base_url(env: Mapping[str, str]) -> str:
    raw = env.get("MYTOOLS_BASE_URL", "").strip().rstrip("/")
    if not raw:
        return ""
    parts = urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        port = -1
    malformed = port == -1 or parts.path or parts.query or parts.fragment or parts.username is not None
    if parts.scheme not in ("http", "https") or not parts.hostname or malformed:
        raise ConfigError(f"MYTOOLS_BASE_URL must be a scheme and host such as https://tools.example.com, got {raw!r}")
    try:
        normalize_host(parts.hostname)
    except ValueError as exc:
        raise ConfigError(f"MYTOOLS_BASE_URL: {exc}") from None
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _allowed_hosts(env: Mapping[str, str], production: bool, base_url: str) -> frozenset[str]:
    """MYTOOLS_ALLOWED_HOSTS, the base URL's host, the Heroku app's own domain, and loopback in development."""
    listed = (n.strip() for n in env.get("MYTOOLS_ALLOWED_HOSTS", "").split(","))
    names = {_host_name(n, "MYTOOLS_ALLOWED_HOSTS") for n in listed if n}
    if base_url:
        names.add(str(normalize_host(urlsplit(base_url).hostname or "")))
    # Heroku's dyno metadata (heroku labs:enable runtime-dyno-metadata): newer apps have a default domain
    # with a random suffix (HEROKU_APP_DEFAULT_DOMAIN_NAME); older ones are <app>.herokuapp.com.
    if default_domain := env.get("HEROKU_APP_DEFAULT_DOMAIN_NAME", "").strip():
        names.add(_host_name(default_domain, "HEROKU_APP_DEFAULT_DOMAIN_NAME"))
    if app_name := env.get("HEROKU_APP_NAME", "").strip():
        names.add(_host_name(f"{app_name}.herokuapp.com", "HEROKU_APP_NAME"))
    if not production:
        names.update(DEVELOPMENT_HOSTS)
    return frozenset(names)


def current_settings() -> Settings:
    """The settings of the app handling this request (tools read their settings here)."""
    from quart import current_app

    return current_app.config["MYTOOLS_SETTINGS"]


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Parse every setting; raises ConfigError with a one-line message."""
    env = os.environ if env is None else env
    production = bool(env.get("DYNO")) or env.get("MYTOOLS_ENV", "").lower() == "production"
    secret_key, generated = _secret_key(env, production)
    database = load_database_settings(env)
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {log_level!r}")
    disabled = {s.strip() for s in env.get("MYTOOLS_DISABLED_TOOLS", "").split(",") if s.strip()}
    base_url = _base_url(env)
    return Settings(
        production=production,
        secret_key=secret_key,
        secret_key_generated=generated,
        database=database,
        web_concurrency=_int(env, "WEB_CONCURRENCY", 2, minimum=1),
        log_level=log_level,
        disabled_tools=frozenset(disabled),
        max_content_length=_int(env, "MAX_CONTENT_LENGTH", 12 * 1024 * 1024, minimum=1024),
        auto_migrate=_bool(env, "MYTOOLS_AUTO_MIGRATE", database.is_sqlite),
        proxy_hops=_int(env, "MYTOOLS_PROXY_HOPS", 1 if env.get("DYNO") else 0),
        paste_anonymous=_bool(env, "PASTE_ANONYMOUS", False),
        paste_max_bytes=_int(env, "PASTE_MAX_BYTES", 1024 * 1024, minimum=1),
        hooks_max_requests=_int(env, "HOOKS_MAX_REQUESTS", 100, minimum=1),
        hooks_max_body_bytes=_int(env, "HOOKS_MAX_BODY_BYTES", 64 * 1024, minimum=0),
        hooks_bin_ttl_days=_int(env, "HOOKS_BIN_TTL_DAYS", 7, minimum=1),
        testing=_bool(env, "TESTING", False),
        redis_url=_redis_url(env),
        login_max_failures_per_address=_int(env, "LOGIN_MAX_FAILURES_PER_ADDRESS", 10, minimum=1),
        login_max_failures_per_account=_int(env, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, minimum=1),
        login_failure_window_seconds=_int(env, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60, minimum=1),
        paste_anonymous_per_hour=_int(env, "PASTE_ANONYMOUS_PER_HOUR", 30, minimum=1),
        hooks_captures_per_minute=_int(env, "HOOKS_CAPTURES_PER_MINUTE", 120, minimum=1),
        live_max_streams=_int(env, "LIVE_MAX_STREAMS", 100, minimum=0),
        live_heartbeat_seconds=_heartbeat(env),
        work_seconds=_int(env, "WORK_TIME_LIMIT_MS", 5000, minimum=100) / 1000,
        work_memory_bytes=_int(env, "WORK_MEMORY_MB", 96, minimum=16) * 2**20,
        max_output_bytes=_int(env, "MAX_OUTPUT_BYTES", 16 * 2**20, minimum=1024),
        work_processes=_int(env, "WORK_PROCESSES", 2, minimum=1),
        recipe_seconds=_int(env, "RECIPE_TIME_LIMIT_MS", 10_000, minimum=10) / 1000,
        recipe_max_output_bytes=_int(env, "RECIPE_MAX_OUTPUT_BYTES", 4 * 2**20, minimum=1024),
        form_max_bytes=_int(env, "FORM_MAX_BYTES", 4 * 1024 * 1024, minimum=1024),
        form_max_fields=_int(env, "FORM_MAX_FIELDS", 500, minimum=10),
        login_form_max_bytes=_int(env, "LOGIN_FORM_MAX_BYTES", 4096, minimum=1024),
        page_cache_entries=_int(env, "PAGE_CACHE_ENTRIES", 256, minimum=0),
        base_url=base_url,
        allowed_hosts=(allowed := _allowed_hosts(env, production, base_url)),
        allowed_host_suffixes=(".herokuapp.com",) if env.get("DYNO") and not allowed else (),
        network_allow=_networks(env, "MYTOOLS_NETWORK_ALLOW"),
        dns_resolvers=_resolvers(env, "MYTOOLS_DNS_RESOLVERS"),
        network_public=_bool(env, "MYTOOLS_NETWORK_PUBLIC", False),
        network_per_hour=_int(env, "MYTOOLS_NETWORK_PER_HOUR", 60, minimum=1),
        rdap_bootstrap_url=_rdap_url(env),
    )


def main() -> None:
    """`python -m core.config`: check the settings, print one line, exit 1 when they are wrong."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        sys.exit(f"mytools: configuration error: {exc}")
    db = settings.database
    print(
        f"mytools: configuration ok (database {db.host_port}, pool {db.pool_min}-{db.pool_max}, "
        f"{settings.web_concurrency} workers)"
    )


if __name__ == "__main__":
    main()
