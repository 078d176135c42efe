"""The bounded executor: CPU-heavy work on user content runs in a forked child killed at its limits.

A thread cannot be stopped, and Hypercorn's workers are daemonic processes that multiprocessing will not
let start children. So each piece of work forks the worker (copy-on-write: the child shares the worker's
imported code and costs only the pages it writes), runs one function there under an address-space limit,
and sends the pickled result back through a pipe. The parent waits on the pipe without blocking the event
loop, reads at most the output cap, and kills the child with SIGKILL at the deadline. The wait for a free
slot counts against the same deadline, so a request never waits longer than its time limit.
"""

from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import gc
import os
import pickle
import resource
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.forms import ToolInputError, human_size
from core.limits import OutputTooLarge, set_output_cap

# Room for pickle's framing around a result of exactly the output cap.
PICKLE_OVERHEAD = 64 * 1024
# The children run at a lower CPU priority than the workers: on a dyno's few cores, hostile work that fills
# every slot must not delay the event loops that answer /healthz and cheap requests (measured with
# tests/test_hostile_load.py: at equal priority, a probe waited up to 4 s behind 8 hostile requests).
CHILD_NICENESS = 10
_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Limits:
    """What one piece of work may take: wall-clock seconds, memory bytes it may add, result bytes."""

    seconds: float
    memory_bytes: int
    output_bytes: int

    def replace(self, **changes: Any) -> Limits:
        return dataclasses.replace(self, **changes)


def limit_message(kind: str, limits: Limits) -> str:
    """The bound that stopped the work, in words."""
    if kind == "time":
        return f"this input takes too long to process: the limit is {limits.seconds:g} s"
    if kind == "memory":
        return f"this input needs too much memory: the limit is {human_size(limits.memory_bytes)}"
    return f"the result would be larger than the output limit of {human_size(limits.output_bytes)}"


class WorkLimitExceeded(ToolInputError):
    """The work hit a bound (kind: "time", "memory" or "output") and was stopped: a 422 naming the limit."""

    def __init__(self, kind: str, limits: Limits, field: str = "input") -> None:
        self.kind = kind
        self.limits = limits
        super().__init__(limit_message(kind, limits), field)


_DEFAULT_LIMITS = Limits(seconds=5.0, memory_bytes=96 * 2**20, output_bytes=16 * 2**20)
_default_processes = 2


def configure(limits: Limits, processes: int) -> None:
    """Set the defaults for this process."""
    global _DEFAULT_LIMITS, _default_processes
    _DEFAULT_LIMITS, _default_processes = limits, processes
    _SLOTS.clear()


def install_executor(settings) -> None:
    """The limits and the number of concurrent children per worker, from the settings (at app creation)."""
    limits = Limits(settings.work_seconds, settings.work_memory_bytes, settings.max_output_bytes)
    configure(limits, settings.work_processes)
    set_output_cap(settings.max_output_bytes)


def default_limits() -> Limits:
    return _DEFAULT_LIMITS


def _slots() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slots = _SLOTS.get(loop)
    if slots is None:
        slots = _SLOTS[loop] = asyncio.Semaphore(_default_processes)
    return slots


def _vm_size() -> int:
    """This process's address space in bytes (VmSize), the base the child's memory limit adds to."""
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the thread that forked it ends (prctl PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere RLIMIT_CPU is the backstop


def _run(outcome: list, function: Callable, args: tuple, kwargs: dict) -> None:
    try:
        outcome[0] = ("ok", function(*args, **kwargs))
    except MemoryError:
        outcome[0] = ("limit", "memory")
    except OutputTooLarge:
        outcome[0] = ("limit", "output")
    except Exception as exc:  # the function's own error, re-raised in the parent
        # By class, args and attributes: pickling an exception calls its __init__ with its args, which
        # fails for the many classes whose __init__ takes other parameters.
        outcome[0] = ("error", (type(exc), exc.args, dict(vars(exc))))


def _child(write_fd: int, function: Callable, args: tuple, kwargs: dict, limits: Limits) -> None:
    """In the forked child: limit ourselves, run, send (status, value) and exit without cleanup."""
    try:
        gc.freeze()  # the collector would otherwise write to (and so copy) every inherited page
        # Heroku sends SIGTERM to every process of the dyno at shutdown: like the workers, a child finishes
        # its (time-limited) work, so the request it serves can still be answered. It dies with its worker.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for number in (signal.SIGINT, signal.SIGCHLD):
            signal.signal(number, signal.SIG_DFL)
        _die_with_parent()
        signal.set_wakeup_fd(-1)
        os.nice(CHILD_NICENESS)
        address_space = _vm_size() + limits.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        cpu = int(limits.seconds) + 2  # a backstop should the parent be gone
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        set_output_cap(limits.output_bytes)
        # In a new thread: the fork happened deep in the server's call stack, and recursion limits (deep
        # JSON, nested Markdown) count from there; a thread starts from an empty stack, as the work would.
        outcome: list[tuple] = [("limit", "memory")]
        worker = threading.Thread(target=_run, args=(outcome, function, args, kwargs))
        worker.start()
        worker.join()
        try:
            payload = pickle.dumps(outcome[0], protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("limit", "memory"))
        except Exception as exc:
            payload = pickle.dumps(("error", (RuntimeError, (f"unpicklable result: {exc!r}",), {})))
        if len(payload) > limits.output_bytes + PICKLE_OVERHEAD:
            payload = pickle.dumps(("limit", "output"))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view) :]
    except BaseException:
        os._exit(3)
    os._exit(0)


async def _read_all(fd: int, cap: int, deadline: float) -> bytes | None:
    """Read the pipe until EOF; None when more than `cap` bytes arrive. TimeoutError at the deadline."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bytes | None] = loop.create_future()
    chunks: list[bytes] = []
    received = 0

    def readable() -> None:
        nonlocal received
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            done.done() or done.set_result(b"".join(chunks))
            return
        received += len(chunk)
        if received > cap:
            done.done() or done.set_result(None)
            return
        chunks.append(chunk)

    os.set_blocking(fd, False)
    loop.add_reader(fd, readable)
    try:
        return await asyncio.wait_for(done, max(0.0, deadline - time.monotonic()))
    finally:
        loop.remove_reader(fd)


async def _reap(pid: int) -> int:
    """Wait for the child's exit without blocking the loop; its wait status (0 when another caller
    already collected it, which happens only to children that were killed)."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return _collected(pid)
    except (AttributeError, OSError):  # no pidfd (old kernel): the child is dead or dying, wait briefly
        return (await asyncio.to_thread(os.waitpid, pid, 0))[1]
    loop = asyncio.get_running_loop()
    exited = loop.create_future()
    loop.add_reader(pidfd, lambda: exited.done() or exited.set_result(None))
    try:
        await exited
    finally:
        loop.remove_reader(pidfd)
        os.close(pidfd)
    return _collected(pid)


def _collected(pid: int) -> int:
    try:
        status = os.waitpid(pid, 0)[1]
    except ChildProcessError:
        status = 0
    _UNREAPED.discard(pid)
    return status


async def run_bounded(function: Callable, *args: Any, limits: Limits | None = None, **kwargs: Any) -> Any:
    """`function(*args, **kwargs)` in a killable child within `limits` (default: the configured ones).

    Returns its result or re-raises its exception; raises WorkLimitExceeded when a bound is hit.
    """
    limits = limits or _DEFAULT_LIMITS
    _reap_leftovers()
    deadline = time.monotonic() + limits.seconds
    slots = _slots()
    try:
        await asyncio.wait_for(slots.acquire(), limits.seconds)
    except TimeoutError:
        raise WorkLimitExceeded("time", limits) from None
    try:
        return await _fork_and_wait(function, args, kwargs, limits, deadline)
    finally:
        slots.release()


_REAPERS: set[asyncio.Task] = set()
_UNREAPED: set[int] = set()  # killed children whose exit nobody has collected yet


def _kill(pid: int) -> None:
    """SIGKILL the child and reap it in the background (the caller may be cancelled and cannot wait)."""
    os.kill(pid, signal.SIGKILL)
    _UNREAPED.add(pid)
    task = asyncio.get_running_loop().create_task(_reap(pid))
    _REAPERS.add(task)
    task.add_done_callback(_REAPERS.discard)


def _reap_leftovers() -> None:
    """Collect killed children whose reaper never ran (its event loop closed first): no zombies pile up."""
    for pid in list(_UNREAPED):
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                continue
        except ChildProcessError:
            pass
        _UNREAPED.discard(pid)


async def _fork_and_wait(function: Callable, args: tuple, kwargs: dict, limits: Limits, deadline: float) -> Any:
    read_fd, write_fd = os.pipe()
    sys.stdout.flush(), sys.stderr.flush()  # a child that wrote would otherwise repeat buffered output
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_fd)
        _child(write_fd, function, args, kwargs, limits)
    os.close(write_fd)
    try:
        payload = await _read_all(read_fd, limits.output_bytes + PICKLE_OVERHEAD, deadline)
    except TimeoutError:
        _kill(pid)
        raise WorkLimitExceeded("time", limits) from None
    except BaseException:  # cancelled (the client went away): the work goes too
        _kill(pid)
        raise
    finally:
        os.close(read_fd)
    if payload is None:
        _kill(pid)  # over the output cap: stop it writing
        raise WorkLimitExceeded("output", limits)
    try:
        status = await _reap(pid)
    except BaseException:  # cancelled while collecting its exit: leave that to the next caller
        _UNREAPED.add(pid)
        raise
    if not payload:
        # No answer: the child died. Out of memory outside Python (a C or Rust allocation that aborts)
        # is by far the likeliest cause under RLIMIT_AS; anything else is a bug we should hear about.
        signalled = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        # SIGKILL that we did not send: the kernel's out-of-memory killer.
        if signalled in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGKILL):
            raise WorkLimitExceeded("memory", limits)
        if signalled == signal.SIGXCPU:
            raise WorkLimitExceeded("time", limits)
        raise RuntimeError(f"the bounded worker ended without an answer (wait status {status})")
    kind, value = pickle.loads(payload)
    if kind == "ok":
        return value
    if kind == "limit":
        raise WorkLimitExceeded(value, limits)
    cls, args, state = value
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    raise error
