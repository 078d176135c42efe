"""Apply Alembic migrations from code (app startup, CLI, tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.config import PROJECT_ROOT, DatabaseSettings

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside the functions: most processes never migrate, and importing it
# costs each worker about 0.1 s of startup.


def alembic_config(settings: DatabaseSettings) -> Config:
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database"] = settings
    config.attributes["skip_logging"] = True  # keep the app's logging setup
    return config


def upgrade_to_head(settings: DatabaseSettings) -> None:
    """Blocking: bring the schema to the newest revision (safe to run from several processes)."""
    from alembic import command

    command.upgrade(alembic_config(settings), "head")
