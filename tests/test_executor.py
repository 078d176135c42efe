"""The bounded executor: time, memory and output limits enforced by killing a forked child."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

import core.executor
from core.executor import Limits, WorkLimitExceeded, run_bounded
from core.forms import ToolInputError
from core.limits import CappedWriter, OutputTooLarge, join_capped

MB = 2**20
LIMITS = Limits(seconds=1.0, memory_bytes=64 * MB, output_bytes=1 * MB)


def add(a: int, b: int) -> int:
    return a + b


def spin() -> None:
    while True:
        pass


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * MB))


def produce(n: int) -> str:
    return "x" * n


def fail_with_field() -> None:
    raise ToolInputError("the input is not what we want", "format")


class OddError(Exception):
    def __init__(self, code: int, why: str) -> None:
        super().__init__(f"{code}: {why}")
        self.code = code


def fail_oddly() -> None:
    raise OddError(7, "seven")


def my_pid() -> int:
    return os.getpid()


def children() -> set[int]:
    """This process's children that are alive (zombies included: an unreaped child is a leak too)."""
    core.executor._reap_leftovers()  # what a next call would collect anyway
    with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as listed:
        return {int(pid) for pid in listed.read().split()}


async def test_returns_the_result_from_another_process():
    assert await run_bounded(add, 2, 3, limits=LIMITS) == 5
    assert await run_bounded(my_pid, limits=LIMITS) != os.getpid()


async def test_endless_work_is_killed_at_the_time_limit():
    started = time.monotonic()
    with pytest.raises(WorkLimitExceeded) as stopped:
        await run_bounded(spin, limits=LIMITS.replace(seconds=0.3))
    assert stopped.value.kind == "time"
    assert stopped.value.message == "this input takes too long to process: the limit is 0.3 s"
    assert time.monotonic() - started < 1.0
    await asyncio.sleep(0.1)
    assert children() == set()  # killed and reaped: no zombie left


async def test_memory_past_the_limit_stops_the_work():
    with pytest.raises(WorkLimitExceeded) as stopped:
        await run_bounded(allocate, 200, limits=LIMITS)
    assert stopped.value.kind == "memory"
    assert stopped.value.message == "this input needs too much memory: the limit is 64 MB"
    assert await run_bounded(allocate, 16, limits=LIMITS) == 16 * MB  # within the limit it works


async def test_a_result_over_the_output_cap_is_refused():
    with pytest.raises(WorkLimitExceeded) as stopped:
        await run_bounded(produce, 3 * MB, limits=LIMITS)
    assert stopped.value.kind == "output"
    assert stopped.value.message == "the result would be larger than the output limit of 1 MB"
    assert await run_bounded(produce, 1000, limits=LIMITS) == "x" * 1000


async def test_limit_errors_are_422_tool_input_errors_on_the_input_field():
    error = WorkLimitExceeded("time", LIMITS)
    assert isinstance(error, ToolInputError)
    assert (error.field, error.message) == ("input", "this input takes too long to process: the limit is 1 s")


async def test_the_functions_own_errors_come_back_as_they_were():
    with pytest.raises(ToolInputError) as raised:
        await run_bounded(fail_with_field, limits=LIMITS)
    assert (raised.value.message, raised.value.field) == ("the input is not what we want", "format")
    with pytest.raises(OddError) as odd:  # an __init__ that pickle could not call again
        await run_bounded(fail_oddly, limits=LIMITS)
    assert (odd.value.code, str(odd.value)) == (7, "7: seven")


async def test_waiting_for_a_slot_counts_against_the_deadline(monkeypatch):
    monkeypatch.setattr(core.executor, "_default_processes", 1)
    monkeypatch.setattr(core.executor, "_SLOTS", type(core.executor._SLOTS)())
    started = time.monotonic()
    outcomes = await asyncio.gather(
        run_bounded(spin, limits=LIMITS.replace(seconds=0.4)),
        run_bounded(add, 1, 1, limits=LIMITS.replace(seconds=0.4)),
        return_exceptions=True,
    )
    # One slot: the second waits for the first, which holds it until its deadline; so does the wait.
    assert [getattr(o, "kind", o) for o in outcomes] == ["time", "time"]
    assert time.monotonic() - started < 1.0


async def test_the_event_loop_stays_free_while_work_runs():
    ticks = 0

    async def tick():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    with pytest.raises(WorkLimitExceeded):
        await run_bounded(spin, limits=LIMITS.replace(seconds=0.5))
    ticker.cancel()
    assert ticks >= 25  # ~50 in 0.5 s; a blocked loop would give 0 or 1


async def test_cancelling_the_caller_kills_the_work():
    task = asyncio.create_task(run_bounded(spin, limits=LIMITS.replace(seconds=30)))
    await asyncio.sleep(0.2)
    assert len(children()) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.2)
    assert children() == set()


def test_capped_writers_stop_while_producing():
    writer = CappedWriter(cap=10)
    writer.write("12345")
    with pytest.raises(OutputTooLarge):
        writer.write("123456")
    produced = []

    def chunks():
        for i in range(1000):
            produced.append(i)
            yield "abc"

    with pytest.raises(OutputTooLarge):
        join_capped(chunks(), cap=30)
    assert len(produced) == 11  # stopped at the chunk that crossed the cap, not after all 1000
    assert join_capped(iter(["a", "b"]), cap=2) == "ab"


async def test_many_calls_at_once_each_get_their_own_answer():
    # Each caller collects its own child's exit: none may take another's (a 500 under load, once).
    results = await asyncio.gather(*(run_bounded(add, i, 1, limits=LIMITS.replace(seconds=10)) for i in range(40)))
    assert results == [i + 1 for i in range(40)]
    assert children() == set()
