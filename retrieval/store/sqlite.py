"""SQLite behind ``Database``: one file, WAL, aiosqlite.

Two connections: one writer, serialised by a lock so a bulk load's
transaction never absorbs another coroutine's write, and one reader, which
WAL lets run beside it and which only ever sees committed rows.
``synchronous=FULL`` because a committed article must survive a power cut.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import aiosqlite

from retrieval.errors import DiskFullError, is_disk_full
from retrieval.store.database import Dialect, Params, Row

# How long a connection waits for another one's lock (SQLite's busy timeout).
BUSY_SECONDS = 10.0
# Between tries to switch a new file to WAL while another process switches it.
_WAL_RETRY_SECONDS = 0.05
T = TypeVar("T")


def connect_read_only(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    """A synchronous read-only connection, for checks and backups from outside the store."""
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)


class _SQLiteTransaction:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._db.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        await self._db.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def serialize(self, name: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already made this the only writer."""

    async def notify(self, channel: str) -> None:
        """Nothing to do: no process listens to SQLite."""


class SQLiteDatabase:
    """One SQLite file."""

    dialect: Dialect = "sqlite"
    statement_errors = (sqlite3.Error,)
    waiting_since = None  # a file has no server to wait for

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def _connect(self) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA synchronous = FULL")
        except BaseException:
            await db.close()  # else its thread keeps the process alive
            raise
        return db

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        try:
            await self._use_wal(self._writer)
            self._reader = await self._connect()
        except BaseException:
            await self.close()
            raise

    @staticmethod
    async def _use_wal(db: aiosqlite.Connection) -> None:
        """Put the file in WAL mode (a no-op once it is).

        Switching needs the file to itself, and SQLite answers "database is
        locked" at once, without its busy timeout, while another process
        opens the same new file (the bot and ``newsbot load`` started
        together): so try again until the busy timeout has passed.
        """
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                async with db.execute("PRAGMA journal_mode = WAL") as cursor:
                    await cursor.fetchone()  # an unread result would keep its statement, and a lock, open
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(_WAL_RETRY_SECONDS)

    async def close(self) -> None:
        for db in (self._reader, self._writer):
            if db is not None:
                await db.close()
        self._reader = self._writer = None

    @property
    def _read(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("store is not open")
        return self._reader

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._read.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._read.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_SQLiteTransaction]:
        """Serialise writers and wrap the block in BEGIN IMMEDIATE ... COMMIT."""
        async with self._write_lock:
            if self._writer is None:
                raise RuntimeError("store is not open")
            db = self._writer
            await db.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLiteTransaction(db)
                await db.execute("COMMIT")
            except BaseException as error:
                if db.in_transaction:  # SQLite may have rolled back already (a full disk)
                    await db.execute("ROLLBACK")
                if is_disk_full(error):
                    raise DiskFullError(f"the disk holding the database ({self.path}) is full") from error
                raise

    async def repeatable(self, work: Callable[[_SQLiteTransaction], Awaitable[T]]) -> T:
        """``work`` in one transaction: a local file has no connection to lose midway."""
        async with self.transaction() as tx:
            return await work(tx)

    async def execute_repeatable(self, sql: str, params: Params = ()) -> int:
        """One statement in a transaction of its own (see ``Database``)."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def columns(self, table: str) -> list[str]:
        return [row[1] for row in await self.fetchall("SELECT * FROM pragma_table_info(?)", (table,))]

    async def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
