"""CPU per fetch_one: databases compiling the statement at each call vs core.prepared (compiled once).

    .venv/bin/python -m benchmarks.prepared [postgresql://postgres@127.0.0.1:5432/some_scratch_database]

Each query runs in its own task, as each request does. Measured 2026-12 (2 CPUs, load ~7): databases 178 µs,
Prepared 90 µs; the earlier Prepared that read databases' internals (pool, connection map): 75 µs.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from databases import Database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.prepared import AppDatabase, Prepared  # noqa: E402

URL = "postgresql://postgres@127.0.0.1:5432/postgres"
table = sa.Table(
    "bench_prepared",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String),
    sa.Column("at", sa.DateTime(timezone=True)),
    sa.Column("off", sa.Boolean),
)
STATEMENT = sa.select(table.c.id, table.c.at, table.c.off).where(table.c.code == sa.bindparam("code", None))


class CompiledPerCall:
    """The same statement for databases' own path: it compiles what it is given."""

    def __init__(self, statement) -> None:
        self.statement = statement

    def __call__(self, **values):
        return self.statement.params(**values)


async def measure(database_class, statement_class, url: str, calls: int = 3000) -> float:
    database = database_class(url, min_size=1, max_size=1)
    await database.connect()
    try:
        await database.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS bench_prepared (id serial, code text, at timestamptz, off bool)"
        )
        await database.execute("INSERT INTO bench_prepared (code, at, off) VALUES ('abc', now(), false)")
        query = statement_class(STATEMENT)
        best = float("inf")
        for _ in range(5):
            started = time.process_time()
            for _ in range(calls):
                await asyncio.create_task(database.fetch_one(query(code="abc")))
            best = min(best, (time.process_time() - started) / calls * 1e6)
        return best
    finally:
        await database.disconnect()


async def main(url: str) -> None:
    print(f"databases, compiled per call: {await measure(Database, CompiledPerCall, url):.0f} µs CPU per fetch_one")
    print(f"core.prepared, compiled once: {await measure(AppDatabase, Prepared, url):.0f} µs CPU per fetch_one")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else URL))
