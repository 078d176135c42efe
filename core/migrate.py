"""Apply Alembic migrations from code (app startup, CLI, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from core.config import PROJECT_ROOT, DatabaseSettings


def alembic_config(settings: DatabaseSettings) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database"] = settings
    config.attributes["skip_logging"] = True  # keep the app's logging setup
    return config


def upgrade_to_head(settings: DatabaseSettings) -> None:
    """Blocking: bring the schema to the newest revision (safe to run from several processes)."""
    command.upgrade(alembic_config(settings), "head")
