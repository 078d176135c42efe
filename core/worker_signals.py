"""SIGTERM in a Hypercorn worker. Heroku signals every process of a dyno at once, the master included.

While starting, a worker keeps the default: it dies at once. Nothing is in flight yet, and a startup still
waiting on the database would otherwise hold the dyno until Heroku's SIGKILL (the master waits for every worker).
Once serving, it ignores the signal and lets the master stop it gracefully, so in-flight requests finish; the
callbacks registered with `on_sigterm` run first (an open live stream would otherwise hold the worker until
the graceful timeout)."""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from collections.abc import Callable

from quart import Quart

EXTENSION_KEY = "mytools.sigterm_callbacks"


def on_sigterm(app: Quart, callback: Callable[[], None]) -> None:
    """Run `callback` in the event loop when a serving worker is asked to stop."""
    app.extensions.setdefault(EXTENSION_KEY, []).append(callback)


def install_worker_signals(app: Quart) -> None:
    """Call after every other install: its startup hook must run last."""
    callbacks: list[Callable[[], None]] = app.extensions.setdefault(EXTENSION_KEY, [])

    def stopping() -> None:
        for callback in callbacks:
            callback()

    @app.before_serving
    async def ignore_sigterm_once_started() -> None:
        if multiprocessing.parent_process() is not None:  # a worker; a lone process keeps Hypercorn's handler
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping)
