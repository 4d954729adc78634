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
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from functools import lru_cache

import asyncpg

from retrieval.errors import DiskFullError, StoreUnavailableError, is_disk_full
from retrieval.store.database import Dialect, Params, Row

POOL_SIZE = 10
# Session advisory locks of the serving processes (see ``PostgresSession``).
SERVING_LOCK = "serving"
LEADER_LOCK = "leader"
# The server drops a replica's session (and its locks) about 25 s after its machine vanishes.
KEEPALIVES = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"}
# What a lost or refused connection raises, as asyncpg and the OS say it.
CONNECTION_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError)


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


def public_address(url: str) -> str:
    """The server and database of ``url``, for messages: never its user or password."""
    return "PostgreSQL at " + url.split("@")[-1]


async def count_articles_at(url: str) -> int:
    """How many articles the PostgreSQL store at ``url`` holds, on a connection of its own."""
    db = await asyncpg.connect(url, timeout=5)
    try:
        return await db.fetchval("SELECT count(*) FROM articles")
    finally:
        await db.close()


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
        self.where = public_address(url)
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


class PostgresSession:
    """A replica's own connection, outside the pool: session advisory locks and LISTEN.

    Session locks last as long as the connection, so a process that dies
    frees them; that is what ``retrieval.replicas`` builds leadership on.
    Every failure of the connection comes out as ``StoreUnavailableError``.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._db: asyncpg.Connection | None = None

    @property
    def connected(self) -> bool:
        return self._db is not None

    async def connect(self, *, exclusive_serving: bool, channel: str, on_notify: Callable[[], None]) -> bool:
        """Connect, take the serving lock (exclusive or shared) and listen on ``channel``.

        False, and no connection kept, when another process holds the serving lock the other way.
        """
        try:
            db = await asyncpg.connect(self.url, server_settings=KEEPALIVES)
        except CONNECTION_ERRORS as error:
            raise StoreUnavailableError(f"cannot reach PostgreSQL ({error})") from error
        try:
            take = "pg_try_advisory_lock" if exclusive_serving else "pg_try_advisory_lock_shared"
            if not await db.fetchval(f"SELECT {take}($1)", lock_key(SERVING_LOCK)):
                await db.close()
                return False
            await db.add_listener(channel, lambda *_: on_notify())
        except CONNECTION_ERRORS as error:
            with suppress(*CONNECTION_ERRORS):
                await db.close()
            raise StoreUnavailableError(f"lost PostgreSQL while connecting ({error})") from error
        self._db = db
        return True

    async def try_lock(self, name: str) -> bool:
        """Take the session advisory lock ``name`` if nobody holds it."""
        return bool(await self._call("SELECT pg_try_advisory_lock($1)", lock_key(name)))

    async def ping(self) -> None:
        """StoreUnavailableError if the connection (and with it every lock) is gone."""
        await self._call("SELECT 1")

    async def _call(self, sql: str, *params: object) -> object:
        if self._db is None:
            raise StoreUnavailableError("not connected to PostgreSQL")
        try:
            return await self._db.fetchval(sql, *params)
        except CONNECTION_ERRORS as error:
            raise StoreUnavailableError(f"lost the PostgreSQL session ({error})") from error

    async def close(self) -> None:
        """Drop the connection and its locks (a broken one cannot be closed politely)."""
        if self._db is not None:
            db, self._db = self._db, None
            with suppress(Exception):
                await db.close(timeout=2)
