"""Share text and code by an unguessable link: highlighting, expiry, burn after read, curl."""

from __future__ import annotations

import click

from core.cli import run
from tools.paste import api, views  # noqa: F401 - they add their routes to bp
from tools.paste.blueprint import TOOL, bp
from tools.paste.store import purge_expired

__all__ = ["TOOL", "bp"]


@bp.cli.command("purge-expired")
def purge_expired_command() -> None:
    """Delete expired pastes and print how many (for Heroku Scheduler)."""
    app = click.get_current_context().obj.load_app()
    count = run(app, purge_expired)
    click.echo(f"Deleted {count} expired paste{'' if count == 1 else 's'}.")
