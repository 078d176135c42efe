"""`quart --app app purge-hooks`: delete expired bins (for Heroku Scheduler)."""

from __future__ import annotations

import click

from core.cli import run
from tools.hooks import bp, store


@bp.cli.command("purge-hooks")
def purge_hooks_command() -> None:
    """Delete expired webhook bins and the requests they captured."""
    app = click.get_current_context().obj.load_app()
    count = run(app, store.purge_expired)
    click.echo(f"Deleted {count} expired bin{'' if count == 1 else 's'}.")
