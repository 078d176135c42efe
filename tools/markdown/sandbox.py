"""Render Markdown in a child process that is killed when it takes too long or too much memory.

Neither markdown-it-py nor nh3 can be interrupted, and some inputs are slow: measured here on 1,000,000
characters, "[" repeated takes 13 s, alternating "*_" 9 s, 200,000 nested "<div>" 175 s in nh3, and task
list items grow quadratically (18,000 of them: 31 s). A thread cannot be stopped, so each render runs in
a fresh Python process (about 70 ms to start with the renderer imported) that is killed at the deadline.
multiprocessing is no help here: Hypercorn's workers are daemonic processes, which may not start children
through it.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import weakref
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT = 5.0  # seconds; 1,000,000 characters of ordinary Markdown take about 2.5 s here
MEMORY_LIMIT = 1024 * 1024 * 1024  # address space of the child, in bytes
CONCURRENT_RENDERS = 2  # per server process; further requests wait their turn

RENDERER = Path(__file__).with_name("render.py")
# The child loads render.py by its path (python -I: no environment variables, no current directory on the
# path), limits its own memory, renders stdin and writes a status line and the result to stdout.
CHILD = """
import importlib.util, resource, sys
spec = importlib.util.spec_from_file_location("markdown_render", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
out = sys.stdout.buffer
try:
    html = module.render_markdown(sys.stdin.buffer.read().decode("utf-8", "surrogatepass"))
except MemoryError:
    out.write(b"memory\\n")
except Exception as exc:
    out.write(b"failed\\n" + f"{type(exc).__name__}: {exc}".encode("utf-8", "replace"))
else:
    out.write(b"ok\\n" + html.encode("utf-8", "surrogatepass"))
"""
_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Outcome:
    status: str  # "ok", "timeout", "memory", "failed", "unavailable"
    html: str = ""
    detail: str = ""


def render_with_limits(source: str, time_limit: float, memory_limit: int) -> Outcome:
    """Blocking: render in a child process; its outcome, never an exception."""
    command = [sys.executable, "-I", "-c", CHILD, str(RENDERER), str(memory_limit)]
    try:
        finished = subprocess.run(
            command,
            input=source.encode("utf-8", "surrogatepass"),
            capture_output=True,
            timeout=time_limit,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        return Outcome("timeout")
    except OSError as exc:
        return Outcome("unavailable", detail=str(exc))
    status, _, payload = finished.stdout.partition(b"\n")
    text = payload.decode("utf-8", "surrogatepass")
    if status == b"ok" and finished.returncode == 0:
        return Outcome("ok", html=text)
    if status in (b"memory", b"failed"):
        return Outcome(status.decode(), detail=text)
    # No status line: the child died (killed by the system, or out of memory while starting up).
    return Outcome("failed", detail=f"the renderer ended with exit code {finished.returncode}")


def _slots() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slots = _SLOTS.get(loop)
    if slots is None:
        slots = _SLOTS[loop] = asyncio.Semaphore(CONCURRENT_RENDERS)
    return slots


async def render_isolated(source: str) -> Outcome:
    """Render in a child process, at most CONCURRENT_RENDERS at a time, without blocking the event loop."""
    async with _slots():
        return await asyncio.to_thread(render_with_limits, source, TIME_LIMIT, MEMORY_LIMIT)
