"""Commands: `quart --app app create-user NAME`, `create-token NAME`, `migrate`."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import click
from quart import Quart

from core import auth
from core.db import EXTENSION_KEY, DatabaseUnavailable, connect_with_retry
from core.migrate import upgrade_to_head


@asynccontextmanager
async def connected(app: Quart):
    """The app's pool, connected for the length of one command, inside an app context."""
    settings = app.config["MYTOOLS_SETTINGS"]
    if settings.auto_migrate:
        await asyncio.to_thread(upgrade_to_head, settings.database)
    database = app.extensions[EXTENSION_KEY]
    await connect_with_retry(database, settings.database)
    try:
        async with app.app_context():
            yield
    finally:
        await database.disconnect()


def run(app: Quart, coroutine_function, *args):
    async def main():
        async with connected(app):
            return await coroutine_function(*args)

    try:
        return asyncio.run(main())
    except DatabaseUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def install_cli(app: Quart) -> None:
    @app.cli.command("create-user")
    @click.argument("name")
    @click.password_option(help="Asked for when not given.")
    def create_user_command(name: str, password: str) -> None:
        """Create an owner account."""
        try:
            run(app, auth.create_user, name, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Created user {name}.")

    @app.cli.command("create-token")
    @click.argument("name")
    def create_token_command(name: str) -> None:
        """Print a new API token for NAME (shown once; only its hash is stored)."""
        try:
            token = run(app, auth.create_token, name)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(token)

    @app.cli.command("migrate")
    def migrate_command() -> None:
        """Apply database migrations (what the Procfile's release process runs)."""
        upgrade_to_head(app.config["MYTOOLS_SETTINGS"].database)
        click.echo("Database schema is up to date.")
