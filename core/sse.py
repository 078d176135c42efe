"""Server-Sent Events responses: a bounded number of open streams per process, a heartbeat comment well under
Heroku's 55 s idle limit, a bounded life, and an end as soon as the process is asked to stop (SIGTERM)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator

from quart import Quart, Response, current_app, stream_with_context

from core.config import Settings
from core.worker_signals import on_sigterm

EXTENSION_KEY = "mytools.streams"
HEARTBEAT = b": ping\n\n"
RECONNECT_MS = 3000  # what EventSource waits before reconnecting
STREAM_SECONDS = 300  # then the stream ends and the browser reconnects, its owner checked again
STREAM_HEADERS = {
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",  # a proxy must pass each event on at once
}


class Streams:
    """The process's open streams: at most `limit`, each ended at shutdown."""

    def __init__(self, limit: int, heartbeat: float) -> None:
        self.limit = limit
        self.heartbeat = heartbeat
        self.open = 0
        self.stopping: asyncio.Event | None = None

    def take(self) -> bool:
        if self.open >= self.limit:
            return False
        self.open += 1
        return True

    def give_back(self) -> None:
        self.open -= 1

    def stop(self) -> None:
        if self.stopping is not None:
            self.stopping.set()


def current_streams() -> Streams:
    return current_app.extensions[EXTENSION_KEY]


def install_streams(app: Quart, settings: Settings) -> None:
    """Streams end at SIGTERM (a Hypercorn worker, which otherwise ignores it) and after serving."""
    app.extensions[EXTENSION_KEY] = streams = Streams(settings.live_max_streams, settings.live_heartbeat_seconds)

    # Hypercorn's master waits up to its graceful timeout for open requests: an open stream would hold the
    # worker that long, so it ends at SIGTERM.
    on_sigterm(app, streams.stop)

    @app.before_serving
    async def watch_for_shutdown() -> None:
        streams.stopping = asyncio.Event()

    @app.after_serving
    async def end_streams() -> None:
        streams.stop()


def event(data: str, name: str | None = None, event_id: int | str | None = None) -> bytes:
    """One SSE message; every line of `data` becomes a `data:` line (the browser joins them with newlines)."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if name:
        lines.append(f"event: {name}")
    lines += [f"data: {line}" for line in data.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return ("\n".join(lines) + "\n\n").encode()


async def with_heartbeat(
    messages: AsyncIterator[bytes], heartbeat: float, stopping: asyncio.Event, lifetime: float = STREAM_SECONDS
) -> AsyncIterator[bytes]:
    """`messages`, with a comment after every `heartbeat` seconds of silence; ends with them, at `lifetime`,
    or when `stopping` is set."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lifetime
    stop = asyncio.ensure_future(stopping.wait())
    pending: asyncio.Future | None = None
    try:
        yield f"retry: {RECONNECT_MS}\n\n".encode()
        while not stopping.is_set():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            if pending is None:
                pending = asyncio.ensure_future(anext(messages))
            done, _ = await asyncio.wait(
                {pending, stop}, timeout=min(heartbeat, remaining), return_when=asyncio.FIRST_COMPLETED
            )
            if pending in done:
                try:
                    message = pending.result()
                except StopAsyncIteration:
                    return
                finally:
                    pending = None
                yield message
            elif not done:
                yield HEARTBEAT
    finally:
        for future in (pending, stop):
            if future is not None:
                future.cancel()
        await asyncio.gather(*(f for f in (pending, stop) if f is not None), return_exceptions=True)
        close = getattr(messages, "aclose", None)
        if close is not None:
            await close()  # the source's own cleanup (its subscription) runs now, not at garbage collection


class SlotStream:
    """A response body that holds one of the process's stream slots until it is closed or dropped."""

    def __init__(self, body: AsyncIterator[bytes], streams: Streams) -> None:
        self.body = body
        # Released once: on close, or when the response is dropped without ever being sent.
        self.release = weakref.finalize(self, streams.give_back)

    def __aiter__(self) -> SlotStream:
        return self

    async def __anext__(self) -> bytes:
        return await anext(self.body)

    async def aclose(self) -> None:
        try:
            await self.body.aclose()
        finally:
            self.release()


def too_many_streams(streams: Streams) -> Response:
    message = f"Too many live streams are open on this server (at most {streams.limit}); the page polls instead.\n"
    return Response(message, 503, content_type="text/plain; charset=utf-8", headers={"Retry-After": "30"})


def unavailable() -> Response:
    message = "Live updates are unavailable on this server right now; the page polls instead.\n"
    return Response(message, 503, content_type="text/plain; charset=utf-8", headers={"Retry-After": "30"})


def stream_response(streams: Streams, body: AsyncIterator[bytes]) -> Response:
    """A text/event-stream response of `body` (messages from `event`), with heartbeats; the caller took a slot.

    `body` runs with the request's context (url_for, templates, the database), in tasks of its own.
    """
    assert streams.stopping is not None, "streams are served only after startup"

    @stream_with_context  # entered in the task that sends the response: the tasks below copy its context
    async def in_request_context():
        messages = with_heartbeat(body, streams.heartbeat, streams.stopping)
        try:
            async for message in messages:
                yield message
        finally:
            await messages.aclose()

    stream = SlotStream(in_request_context(), streams)
    response = Response(stream, 200, content_type="text/event-stream; charset=utf-8", headers=STREAM_HEADERS)
    response.timeout = None  # Quart's RESPONSE_TIMEOUT would cut it; its life is bounded by STREAM_SECONDS
    return response
