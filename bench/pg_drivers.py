"""asyncpg against psycopg 3 (async) on the store's typical statements, to choose the PostgreSQL driver.

Usage: python bench/pg_drivers.py postgresql://user@127.0.0.1:5432/db
Needs both drivers (pip install asyncpg "psycopg[binary]"); creates and drops a scratch table.
Prints, per driver: point reads (one row by key, like ``article``), a 20-row read with a
long text column (like ``answer_sources``) and batched inserts (like a load's passages).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

ROWS = 20_000
TEXT = "The quick brown fox jumps over the lazy dog. " * 20


def _report(name: str, label: str, timings: list[float]) -> None:
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99)] * 1000
    print(f"{name:10} {label:28} p50 {p50:6.3f} ms  p99 {p99:6.3f} ms")


async def _setup(url: str) -> None:
    import asyncpg

    db = await asyncpg.connect(url)
    await db.execute("DROP TABLE IF EXISTS driver_bench")
    await db.execute("CREATE TABLE driver_bench (id BIGINT PRIMARY KEY, title TEXT, body TEXT)")
    await db.copy_records_to_table(
        "driver_bench", records=[(i, f"title {i}", TEXT) for i in range(ROWS)], columns=["id", "title", "body"]
    )
    await db.close()


async def _asyncpg(url: str) -> None:
    import asyncpg

    db = await asyncpg.connect(url)
    point, wide, insert = [], [], []
    for i in range(3000):
        start = time.perf_counter()
        await db.fetchrow("SELECT id, title, body FROM driver_bench WHERE id = $1", i * 7 % ROWS)
        point.append(time.perf_counter() - start)
    for i in range(1000):
        ids = [(i * 13 + k * 101) % ROWS for k in range(20)]
        start = time.perf_counter()
        await db.fetch("SELECT id, title, body FROM driver_bench WHERE id = ANY($1::bigint[])", ids)
        wide.append(time.perf_counter() - start)
    for i in range(200):
        rows = [(ROWS + i * 50 + k, "t", TEXT) for k in range(50)]
        start = time.perf_counter()
        async with db.transaction():
            await db.executemany("INSERT INTO driver_bench (id, title, body) VALUES ($1, $2, $3)", rows)
        insert.append(time.perf_counter() - start)
    await db.close()
    _report("asyncpg", "point read", point)
    _report("asyncpg", "20 rows with bodies", wide)
    _report("asyncpg", "insert 50 rows, one tx", insert)


async def _psycopg(url: str) -> None:
    import psycopg

    db = await psycopg.AsyncConnection.connect(url, autocommit=True, prepare_threshold=0)
    point, wide, insert = [], [], []
    for i in range(3000):
        start = time.perf_counter()
        async with db.cursor() as cursor:
            await cursor.execute("SELECT id, title, body FROM driver_bench WHERE id = %s", (i * 7 % ROWS,))
            await cursor.fetchone()
        point.append(time.perf_counter() - start)
    for i in range(1000):
        ids = [(i * 13 + k * 101) % ROWS for k in range(20)]
        start = time.perf_counter()
        async with db.cursor() as cursor:
            await cursor.execute("SELECT id, title, body FROM driver_bench WHERE id = ANY(%s)", (ids,))
            await cursor.fetchall()
        wide.append(time.perf_counter() - start)
    for i in range(200):
        rows = [(ROWS * 2 + i * 50 + k, "t", TEXT) for k in range(50)]
        start = time.perf_counter()
        async with db.transaction():
            async with db.cursor() as cursor:
                await cursor.executemany("INSERT INTO driver_bench (id, title, body) VALUES (%s, %s, %s)", rows)
        insert.append(time.perf_counter() - start)
    await db.close()
    _report("psycopg 3", "point read", point)
    _report("psycopg 3", "20 rows with bodies", wide)
    _report("psycopg 3", "insert 50 rows, one tx", insert)


async def main(url: str) -> None:
    await _setup(url)
    await _asyncpg(url)
    await _psycopg(url)
    import asyncpg

    db = await asyncpg.connect(url)
    await db.execute("DROP TABLE driver_bench")
    await db.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1]))
