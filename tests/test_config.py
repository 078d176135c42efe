"""Settings come from the environment, with defaults that run a fresh checkout."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from core.config import DEFAULT_SQLITE_PATH, PROJECT_ROOT, ConfigError, default_pool_max, load_settings
from core.db import asyncpg_ssl, make_database, sqlalchemy_url

HEROKU_URL = "postgres://user:pw@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8abc"


def test_defaults_run_a_fresh_checkout():
    settings = load_settings({})
    assert settings.database.url == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    assert settings.database.is_sqlite
    assert settings.auto_migrate is True
    assert settings.production is False
    assert settings.secret_key_generated and len(settings.secret_key) == 64
    assert settings.database.pool_min == 1
    assert settings.log_level == "INFO"
    assert settings.disabled_tools == frozenset()


def test_generated_secret_differs_per_process():
    assert load_settings({}).secret_key != load_settings({}).secret_key


@pytest.mark.parametrize("env", [{"DYNO": "web.1"}, {"MYTOOLS_ENV": "production"}])
def test_production_refuses_a_missing_secret(env):
    with pytest.raises(ConfigError, match="SECRET_KEY is missing"):
        load_settings(env)


def test_production_refuses_a_short_secret():
    with pytest.raises(ConfigError, match="only 10 characters"):
        load_settings({"DYNO": "web.1", "SECRET_KEY": "0123456789"})


def test_production_with_a_real_secret():
    settings = load_settings({"DYNO": "web.1", "SECRET_KEY": "k" * 32, "DATABASE_URL": HEROKU_URL})
    assert settings.production and not settings.secret_key_generated
    assert settings.auto_migrate is False  # PostgreSQL is migrated by the release phase
    assert settings.proxy_hops == 1  # behind Heroku's router


def test_app_import_refuses_to_start_in_production_without_secret():
    env = {"PATH": "/usr/bin:/bin", "MYTOOLS_ENV": "production"}
    result = subprocess.run(
        [sys.executable, "-c", "import app"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY is missing" in lines[0]


@pytest.mark.parametrize("workers, expected", [(1, 10), (2, 8), (3, 5), (4, 3), (9, 1), (18, 1), (40, 1)])
def test_default_pool_fits_twenty_connections(workers, expected):
    """Each worker: its pool and one listening connection (core/events.py); 2 left for one-off dynos."""
    assert default_pool_max(workers) == expected
    if workers <= 9:
        assert workers * (default_pool_max(workers) + 1) + 2 <= 20


def test_pool_max_follows_web_concurrency():
    assert load_settings({"WEB_CONCURRENCY": "3"}).database.pool_max == 5
    assert load_settings({"WEB_CONCURRENCY": "3", "DATABASE_POOL_MAX": "2"}).database.pool_max == 2


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DATABASE_POOL_MAX": "many"}, "DATABASE_POOL_MAX must be a whole number"),
        ({"DATABASE_POOL_MIN": "5", "DATABASE_POOL_MAX": "2"}, "exceeds DATABASE_POOL_MAX"),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY must be at least 1"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must start with"),
        ({"DATABASE_SSL": "maybe"}, "DATABASE_SSL must be"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be"),
        ({"MYTOOLS_AUTO_MIGRATE": "perhaps"}, "MYTOOLS_AUTO_MIGRATE must be true or false"),
    ],
)
def test_invalid_settings_have_one_line_messages(env, message):
    with pytest.raises(ConfigError, match=message) as error:
        load_settings(env)
    assert "\n" not in str(error.value)


def test_ssl_required_for_remote_postgres_and_off_for_localhost():
    assert load_settings({"DATABASE_URL": HEROKU_URL}).database.ssl == "require"
    assert load_settings({"DATABASE_URL": "postgres://postgres@localhost/test"}).database.ssl == "disable"
    assert load_settings({"DATABASE_URL": "postgresql://postgres@127.0.0.1/test"}).database.ssl == "disable"
    assert load_settings({"DATABASE_URL": HEROKU_URL, "DATABASE_SSL": "disable"}).database.ssl == "disable"
    assert asyncpg_ssl("require") == "require"
    assert asyncpg_ssl("disable") is False


def test_heroku_url_used_unmodified_with_ssl_and_pool_keywords():
    settings = load_settings({"DATABASE_URL": HEROKU_URL, "WEB_CONCURRENCY": "2"})
    database = make_database(settings.database)
    assert str(database.url) == HEROKU_URL
    assert database.options["ssl"] == "require"
    # 2 workers × (8 + 1 listening connection) + 2 one-off = 20
    assert (database.options["min_size"], database.options["max_size"]) == (1, 8)
    assert (
        sqlalchemy_url(settings.database)
        == "postgresql+asyncpg://user:pw@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8abc"
    )


def test_host_port_never_shows_the_password():
    settings = load_settings({"DATABASE_URL": HEROKU_URL})
    assert settings.database.host_port == "ec2-1-2-3-4.compute-1.amazonaws.com:5432"


def test_disabled_tools_list():
    assert load_settings({"MYTOOLS_DISABLED_TOOLS": "hash, notes ,"}).disabled_tools == {"hash", "notes"}


def test_config_check_command_prints_one_line():
    env = {"PATH": "/usr/bin:/bin", "DYNO": "web.1", "SECRET_KEY": "short"}
    result = subprocess.run(
        [sys.executable, "-m", "core.config"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "mytools: configuration error: SECRET_KEY is only 5 characters; production needs at least 32 random "
        "characters (heroku config:set SECRET_KEY=$(openssl rand -hex 32))"
    )


# --- host names and the base URL ------------------------------------------------------------

PRODUCTION = {"MYTOOLS_ENV": "production", "SECRET_KEY": "k" * 32}


def test_development_answers_to_the_loopback_names_and_production_to_none_by_default():
    assert load_settings({}).allowed_hosts == {"localhost", "127.0.0.1", "::1"}
    assert load_settings({}).base_url == ""
    assert load_settings(PRODUCTION).allowed_hosts == frozenset()


def test_allowed_hosts_base_url_and_heroku_names_are_one_list():
    settings = load_settings(
        {
            **PRODUCTION,
            "MYTOOLS_ALLOWED_HOSTS": " Tools.Example.com. , www.tools.example.com,[::1],127.1,,",
            "MYTOOLS_BASE_URL": "HTTPS://Short.Example:8443/",
            "HEROKU_APP_NAME": "mytools-demo",
            "HEROKU_APP_DEFAULT_DOMAIN_NAME": "mytools-demo-1a2b3c4d5e6f.herokuapp.com",
        }
    )
    assert settings.base_url == "https://short.example:8443"
    assert settings.allowed_hosts == {
        "tools.example.com",
        "www.tools.example.com",
        "::1",
        "127.0.0.1",
        "short.example",
        "mytools-demo.herokuapp.com",
        "mytools-demo-1a2b3c4d5e6f.herokuapp.com",
    }


@pytest.mark.parametrize(
    "env, message",
    [
        ({"MYTOOLS_BASE_URL": "tools.example.com"}, "MYTOOLS_BASE_URL must be a scheme and host"),
        ({"MYTOOLS_BASE_URL": "ftp://tools.example.com"}, "MYTOOLS_BASE_URL must be a scheme and host"),
        ({"MYTOOLS_BASE_URL": "https://tools.example.com/app"}, "MYTOOLS_BASE_URL must be a scheme and host"),
        ({"MYTOOLS_BASE_URL": "https://u@tools.example.com"}, "MYTOOLS_BASE_URL must be a scheme and host"),
        ({"MYTOOLS_BASE_URL": "https://tools.example.com:99999"}, "MYTOOLS_BASE_URL must be a scheme and host"),
        ({"MYTOOLS_BASE_URL": "https://1.2.3.999"}, "MYTOOLS_BASE_URL: '1.2.3.999' is not a valid IPv4"),
        ({"MYTOOLS_ALLOWED_HOSTS": "https://tools.example.com"}, "MYTOOLS_ALLOWED_HOSTS takes host names"),
        ({"MYTOOLS_ALLOWED_HOSTS": "tools.example.com:443"}, "MYTOOLS_ALLOWED_HOSTS takes host names"),
        ({"MYTOOLS_ALLOWED_HOSTS": "::1"}, "MYTOOLS_ALLOWED_HOSTS takes host names (IPv6 in brackets)"),
    ],
)
def test_bad_host_settings_are_refused(env, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(env)
