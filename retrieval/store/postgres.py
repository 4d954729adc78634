"""PostgreSQL behind ``Database``: a pool of asyncpg connections.

asyncpg rather than psycopg 3: it answered the store's reads 10-35 % faster
here (``bench/pg_drivers.py``, bench/README) and brings a pool and
LISTEN/NOTIFY of its own. The shared SQL uses ``?``; each statement is
rewritten once to asyncpg's ``$1, $2, …`` and cached.

Several processes (bot replicas, ``newsbot load`` beside them) write to one
database: writes that must be ordered take a transaction-scoped advisory
lock (``Transaction.serialize``).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache

import asyncpg

from retrieval.errors import DiskFullError, is_disk_full
from retrieval.store.database import Dialect, Params, Row

POOL_SIZE = 10


@lru_cache(maxsize=4096)
def numbered(sql: str) -> str:
    """``?`` placeholders as ``$1, $2, …`` (a ``?`` inside a quoted literal is left alone)."""
    out: list[str] = []
    number = 0
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        elif char == "?" and not quoted:
            number += 1
            out.append(f"${number}")
            continue
        out.append(char)
    return "".join(out)


def lock_key(name: str) -> int:
    """A stable advisory lock key for a name (the same in every process)."""
    return zlib.crc32(f"newsbot:{name}".encode())


def _changed(status: str) -> int:
    """Rows changed, from asyncpg's command tag ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _PostgresTransaction:
    def __init__(self, db: asyncpg.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _changed(await self._db.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            await self._db.executemany(numbered(sql), rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row = await self._db.fetchrow(numbered(sql), *params)
        return None if row is None else tuple(row)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(row) for row in await self._db.fetch(numbered(sql), *params)]

    async def serialize(self, name: str) -> None:
        await self._db.execute("SELECT pg_advisory_xact_lock($1)", lock_key(name))

    async def notify(self, channel: str) -> None:
        await self._db.execute("SELECT pg_notify($1, '')", channel)


class PostgresDatabase:
    """One PostgreSQL database, shared by every process of one bot."""

    dialect: Dialect = "postgresql"
    statement_errors = (asyncpg.PostgresError, asyncpg.DataError)

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self.where = "PostgreSQL at " + url.split("@")[-1]  # no password in messages
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=self._pool_size, command_timeout=60)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("store is not open")
        return self._pool

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row = await self.pool.fetchrow(numbered(sql), *params)
        return None if row is None else tuple(row)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(row) for row in await self.pool.fetch(numbered(sql), *params)]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PostgresTransaction]:
        try:
            async with self.pool.acquire() as db, db.transaction():
                yield _PostgresTransaction(db)
        except BaseException as error:
            if is_disk_full(error):
                raise DiskFullError(f"the disk holding the database ({self.where}) is full") from error
            raise

    async def columns(self, table: str) -> list[str]:
        rows = await self.fetchall(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in rows]

    async def size_bytes(self) -> int:
        return await self.pool.fetchval("SELECT pg_database_size(current_database())")
