"""Where a request's time goes: py-spy samples one Hypercorn worker while wrk drives one scenario.

    .venv/bin/python -m benchmarks.profile hash      # POST /api/hash (scenario 1)
    .venv/bin/python -m benchmarks.profile json      # GET /tools/json/ (scenario 2)
    .venv/bin/python -m benchmarks.profile hash --seconds 10 --top 30 --svg /tmp/hash.svg

Needs py-spy (pip install py-spy; it reads the worker's memory, so root or ptrace rights) and wrk.
Prints the functions with the largest share of samples, inclusive (the function and what it called)
and self (the function's own code), each as a percentage of the samples of the worker's event loop thread.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.run import PROJECT_ROOT, SCRIPTS_BIN, server, server_env, worker_pids, wrk

SCENARIOS = {"hash": ("/api/hash", "post.lua"), "json": ("/tools/json/", None), "healthz": ("/healthz", None)}


def py_spy() -> str:
    found = shutil.which("py-spy", path=f"{SCRIPTS_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if not found:
        sys.exit(f"py-spy is not installed: {sys.executable} -m pip install py-spy")
    return found


def frame_name(frame: str) -> str:
    """`render (quart/templating.py:123)` -> `render (quart/templating.py)`: one entry per function."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", str(PROJECT_ROOT) + "/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def summarize(raw: Path, top: int) -> None:
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        if "_run_once" not in stack:  # idle thread-pool threads: only the event loop's thread counts
            continue
        frames = [frame_name(f) for f in stack.split(";")]
        total += int(count)
        own[frames[-1]] += int(count)
        for name in set(frames):
            inclusive[name] += int(count)
    print(f"{total} samples of the event loop's thread")
    for title, counter in (("inclusive", inclusive), ("self", own)):
        print(f"\ntop {top} {title}:")
        for name, count in counter.most_common(top):
            print(f"  {100 * count / total:5.1f} %  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--svg", help="also write a flame graph here")
    parser.add_argument("--raw", help="keep py-spy's collapsed stacks here")
    parser.add_argument("--worker-class", default="asyncio", choices=["asyncio", "uvloop"])
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file (neither route queries)")
    args = parser.parse_args()
    path, script = SCENARIOS[args.scenario]
    spy = py_spy()
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database_url or f"sqlite:///{tmp}/profile.sqlite3"
        env = server_env(database, 1, MYTOOLS_AUTO_MIGRATE="true")
        with server("app:app", 1, env, args.worker_class) as (process, base):
            worker = worker_pids(process.pid)[0]
            wrk(base + path, 1, 16, 1, script)  # warm-up
            raw = Path(tmp) / "profile.txt"
            record = [spy, "record", "--pid", str(worker), "--duration", str(args.seconds), "--rate", "250"]
            spying = subprocess.Popen([*record, "--format", "raw", "--output", str(raw)], stdout=subprocess.DEVNULL)
            load = wrk(base + path, args.seconds, 16, 1, script)
            spying.wait(args.seconds + 30)
            if args.svg:
                svg = [*record, "--format", "flamegraph", "--output", args.svg]
                subprocess.Popen(svg, stdout=subprocess.DEVNULL)
                wrk(base + path, args.seconds, 16, 1, script)
        print(f"{args.scenario}: {load.rps:,.0f} req/s while sampled (py-spy slows the worker)")
        summarize(raw, args.top)
        if args.raw:
            shutil.copy(raw, args.raw)


if __name__ == "__main__":
    main()
