"""Startup and shutdown: the pool opens before serving (migrating first when configured)."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from typing import NoReturn

from quart import Quart

from core.config import Settings
from core.db import EXTENSION_KEY, DatabaseUnavailable, connect_with_retry, make_database
from core.migrate import upgrade_to_head

log = logging.getLogger("mytools")


def stop_server(message: str) -> NoReturn:
    """Startup cannot succeed: log one line and end the server with a non-zero status."""
    log.critical(message)
    master = multiprocessing.parent_process()
    if master is not None and master.pid == os.getppid():
        # A Hypercorn worker: Hypercorn 0.18's master exits 0 whatever its workers' status,
        # so end the master with a signal it does not handle (exit status 128 + SIGUSR1).
        os.kill(master.pid, signal.SIGUSR1)
    os._exit(1)


def install_database(app: Quart, settings: Settings) -> None:
    """One pool per app: built here, connected before serving, closed after."""
    app.extensions[EXTENSION_KEY] = database = make_database(settings.database)

    @app.before_serving
    async def open_pool() -> None:
        try:
            # Connect (with retries) before migrating, so an unreachable database gets the same
            # deadline and the same one-line message whether or not the app migrates itself.
            await connect_with_retry(database, settings.database)
        except DatabaseUnavailable as exc:
            if settings.testing:
                raise
            stop_server(str(exc))
        if settings.auto_migrate:
            await asyncio.to_thread(upgrade_to_head, settings.database)

    @app.after_serving
    async def close_pool() -> None:
        if database.is_connected:
            await database.disconnect()
