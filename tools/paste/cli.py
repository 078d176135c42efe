"""`quart --app app purge-expired`: delete expired pastes (for Heroku Scheduler)."""

from __future__ import annotations

import click

from core.cli import run
from tools.paste import bp, store


@bp.cli.command("purge-expired")
def purge_expired_command() -> None:
    """Delete expired pastes and print how many (for Heroku Scheduler)."""
    app = click.get_current_context().obj.load_app()
    count = run(app, store.purge_expired)
    click.echo(f"Deleted {count} expired paste{'' if count == 1 else 's'}.")
