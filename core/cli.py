"""Commands: `quart --app app create-user NAME`, `create-token NAME`, `list-tokens NAME`, `revoke-token NAME ID`,
`set-password NAME`, `check-deploy`, `migrate`, `export`, `import FILE`, `tool SLUG …`."""

from __future__ import annotations

import asyncio
import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import click
from quart import Quart

from core import auth, backup
from core.db import EXTENSION_KEY, DatabaseUnavailable, connect_with_retry
from core.deploycheck import FAIL, WARN, check_deploy
from core.migrate import upgrade_to_head
from core.tool_cli import install_tool_command


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


def rows_summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {table}" for table, count in counts.items())


def export_to_file(app: Quart, output: str, user_name: str | None) -> dict[str, int]:
    """Write the backup next to `output`, then rename it: a failed export never leaves half a file."""
    partial = Path(output).with_name(Path(output).name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            counts = run(app, backup.write_export, app.extensions[EXTENSION_KEY], handle, user_name)
        partial.replace(output)
        return counts
    finally:
        partial.unlink(missing_ok=True)


def install_backup_commands(app: Quart) -> None:
    @app.cli.command("export")
    @click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
    @click.option("--user", "user_name", help="Only this owner's data (default: everything).")
    def export_command(output: str | None, user_name: str | None) -> None:
        """Write the owners' data (notes, links and clicks, pastes, favorites, hook bins, tokens) as JSON."""
        try:
            if output:
                counts = export_to_file(app, output, user_name)
            else:
                counts = run(app, backup.write_export, app.extensions[EXTENSION_KEY], sys.stdout, user_name)
        except (backup.BackupError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Exported {rows_summary(counts)}.", err=True)  # stdout holds the backup itself

    @app.cli.command("import")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
    def import_command(source: str) -> None:
        """Add the data of an export (SOURCE, or - for stdin) to this instance: all of it or, on any error, none."""
        try:
            with click.open_file(source, "rb") as handle:
                document = backup.read_document(handle, "stdin" if source == "-" else source)
            counts = run(app, backup.import_document, app.extensions[EXTENSION_KEY], document)
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Imported {rows_summary(counts)}.")


def install_cli(app: Quart) -> None:
    install_backup_commands(app)
    install_tool_command(app)

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
    @click.option("--label", default="", help="A name for the token, shown by list-tokens.")
    def create_token_command(name: str, label: str) -> None:
        """Print a new API token for NAME (shown once; only its hash is stored)."""
        try:
            token = run(app, auth.create_token, name, label)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(token)

    @app.cli.command("list-tokens")
    @click.argument("name")
    def list_tokens_command(name: str) -> None:
        """List NAME's API tokens: id, created, last used, label (never the tokens themselves)."""

        async def tokens_of(user_name: str) -> list[dict]:
            return await auth.list_tokens(await auth.user_id_by_name(user_name))

        try:
            tokens = run(app, tokens_of, name)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        if not tokens:
            click.echo(f"{name} has no API tokens.")
            return
        click.echo(f"{'ID':>6}  {'CREATED (UTC)':16}  {'LAST USED (UTC)':16}  LABEL")
        for token in tokens:
            created = token["created_at"].strftime("%Y-%m-%d %H:%M")
            used = token["last_used_at"].strftime("%Y-%m-%d %H:%M") if token["last_used_at"] else "never"
            click.echo(f"{token['id']:>6}  {created:16}  {used:16}  {token['name']}")

    @app.cli.command("revoke-token")
    @click.argument("name")
    @click.argument("token_id", type=int)
    def revoke_token_command(name: str, token_id: int) -> None:
        """Revoke NAME's API token TOKEN_ID (see list-tokens)."""

        async def revoke(user_name: str, token: int) -> bool:
            return await auth.revoke_token(await auth.user_id_by_name(user_name), token)

        try:
            revoked = run(app, revoke, name, token_id)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        if not revoked:
            raise click.ClickException(f"{name} has no token with id {token_id}")
        click.echo(f"Revoked token {token_id} of {name}.")

    @app.cli.command("set-password")
    @click.argument("name")
    @click.password_option(help="Asked for when not given.")
    def set_password_command(name: str, password: str) -> None:
        """Set NAME's password, end all of NAME's login sessions and revoke all of NAME's API tokens."""

        async def change(user_name: str, new_password: str) -> auth.PasswordChange:
            return await auth.set_password(await auth.user_id_by_name(user_name), new_password)

        try:
            ended, revoked = run(app, change, name, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(
            f"Password of {name} changed; {ended} login session{'s' if ended != 1 else ''} ended, "
            f"{revoked} API token{'s' if revoked != 1 else ''} revoked."
        )

    @app.cli.command("check-deploy")
    def check_deploy_command() -> None:
        """Check the settings for production, one line per check; exit 1 when any check FAILs."""
        results = check_deploy(app.config["MYTOOLS_SETTINGS"], os.environ)
        for result in results:
            click.echo(result.line())
        failed = sum(r.status == FAIL for r in results)
        warned = sum(r.status == WARN for r in results)
        click.echo(f"{len(results)} checks: {failed} failed, {warned} warnings.")
        if failed:
            raise SystemExit(1)

    @app.cli.command("migrate")
    def migrate_command() -> None:
        """Apply database migrations (what the Procfile's release process runs)."""
        upgrade_to_head(app.config["MYTOOLS_SETTINGS"].database)
        click.echo("Database schema is up to date.")
