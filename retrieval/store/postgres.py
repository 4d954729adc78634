"""PostgreSQL behind ``Database``: a pool of asyncpg connections.

asyncpg rather than psycopg 3: it answered the store's reads 10-35 % faster
here (``bench/pg_drivers.py``, bench/README) and brings a pool and
LISTEN/NOTIFY of its own. The shared SQL uses ``?``; each statement is
rewritten once to asyncpg's ``$1, $2, …`` and cached.

Several processes (bot replicas, ``newsbot load`` beside them) write to one
database: writes that must be ordered take a transaction-scoped advisory
lock (``Transaction.serialize``).

**An outage is waited out.** When the server restarts or drops a
connection (``pg_ctl restart``, a failover, ``pg_terminate_backend``), a
read, the start of a transaction, or a whole transaction whose work is safe
to repeat (``repeatable``: the answer path's writes, the shared send budget)
is tried again on a fresh connection, backing off, for up to
``OUTAGE_WAIT_SECONDS``; an answer in flight is then late rather than lost.
Past that, or when a connection drops in the middle of any other
transaction (whose outcome cannot be known), ``StoreUnavailableError``. A
fast restart took about a second here; waiting costs readers less than a
"try again" they would have to act on (measured in bench/README).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from functools import lru_cache
from typing import TypeVar

import asyncpg

from retrieval.errors import DiskFullError, StoreUnavailableError, is_disk_full
from retrieval.store.database import Dialect, Params, Row

log = logging.getLogger(__name__)
T = TypeVar("T")

POOL_SIZE = 10
OUTAGE_WAIT_SECONDS = 30.0
_FIRST_RETRY_SECONDS = 0.1
_LONGEST_RETRY_SECONDS = 2.0
# Session advisory locks of the serving processes (see ``PostgresSession``).
SERVING_LOCK = "serving"
LEADER_LOCK = "leader"
# The server drops a replica's session (and its locks) about 25 s after its machine vanishes.
KEEPALIVES = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"}
# What a lost or refused connection raises, as asyncpg and the OS say it.
CONNECTION_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError)


def application_name() -> dict[str, str]:
    """Name this process's connections (pg_stat_activity shows which replica holds which)."""
    return {"application_name": f"newsbot {socket.gethostname()}:{os.getpid()}"[:63]}


def is_outage(error: BaseException) -> bool:
    """True for the ways a server that is restarting, gone, or dropped this connection shows up."""
    if isinstance(error, OSError | TimeoutError | asyncpg.PostgresConnectionError):
        return True
    if isinstance(error, asyncpg.CannotConnectNowError | asyncpg.AdminShutdownError | asyncpg.CrashShutdownError):
        return True
    # A connection the server ended in the middle of an operation ("cannot switch to state …"): seen when a
    # replica's sessions are terminated under it. The next try takes another connection from the pool.
    if isinstance(error, asyncpg.exceptions.InternalClientError):
        return True
    return isinstance(error, asyncpg.InterfaceError) and "closed" in str(error)


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

    def __init__(self, url: str, pool_size: int = POOL_SIZE, outage_wait: float = OUTAGE_WAIT_SECONDS) -> None:
        self.url = url
        self.where = public_address(url)
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self.outage_wait = outage_wait
        #: When the wait for the server began (``time.monotonic``), while something waits for it; else None.
        self.waiting_since: float | None = None

    async def open(self) -> None:
        # No floor of idle connections: after a restart the pool would rebuild it on its own, and log a traceback each try.
        self._pool = await asyncpg.create_pool(
            self.url, min_size=0, max_size=self._pool_size, command_timeout=60, server_settings=application_name()
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("store is not open")
        return self._pool

    async def _waiting(self, operation: Callable[[], Awaitable[T]]) -> T:
        """``operation``, tried again through an outage for up to ``outage_wait`` seconds (see the docstring)."""
        deadline = time.monotonic() + self.outage_wait
        delay = _FIRST_RETRY_SECONDS
        while True:
            try:
                result = await operation()
            except Exception as error:
                if not is_outage(error):
                    raise
                if time.monotonic() + delay > deadline:
                    raise StoreUnavailableError(f"{self.where} did not answer for {self.outage_wait:g} s ({error})") from error
                if self.waiting_since is None:
                    self.waiting_since = time.monotonic()
                    log.warning("lost %s (%s): waiting for it", self.where, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _LONGEST_RETRY_SECONDS)
                continue
            if self.waiting_since is not None:
                log.warning("%s answers again, after %.1f s", self.where, time.monotonic() - self.waiting_since)
                self.waiting_since = None
            return result

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row = await self._waiting(lambda: self.pool.fetchrow(numbered(sql), *params))
        return None if row is None else tuple(row)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(row) for row in await self._waiting(lambda: self.pool.fetch(numbered(sql), *params))]

    async def _begin(self) -> tuple[asyncpg.Connection, asyncpg.transaction.Transaction]:
        """A pooled connection with a transaction started on it (a dead connection shows here, and is dropped)."""
        db = await self.pool.acquire()
        try:
            transaction = db.transaction()
            await transaction.start()
        except BaseException:
            await self.pool.release(db)
            raise
        return db, transaction

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PostgresTransaction]:
        try:
            async with self._committed(await self._waiting(self._begin)) as tx:
                yield tx
        except Exception as error:
            if is_outage(error):
                raise StoreUnavailableError(f"lost {self.where} in the middle of a write ({error})") from error
            raise

    async def repeatable(self, work: Callable[[_PostgresTransaction], Awaitable[T]]) -> T:
        """``work`` in a transaction, run again whole on a fresh connection through an outage (see ``Database``)."""

        async def attempt() -> T:
            async with self._committed(await self._begin()) as tx:
                return await work(tx)

        return await self._waiting(attempt)

    async def execute_repeatable(self, sql: str, params: Params = ()) -> int:
        """One statement, committed on its own (autocommit), tried again through an outage (see ``Database``)."""
        try:
            return _changed(await self._waiting(lambda: self.pool.execute(numbered(sql), *params)))
        except Exception as error:
            if is_disk_full(error):
                raise DiskFullError(f"the disk holding the database ({self.where}) is full") from error
            raise

    @asynccontextmanager
    async def _committed(
        self, begun: tuple[asyncpg.Connection, asyncpg.transaction.Transaction]
    ) -> AsyncIterator[_PostgresTransaction]:
        """Commit what the block wrote on a begun transaction, or roll it back; the connection goes back to the pool."""
        db, transaction = begun
        try:
            try:
                yield _PostgresTransaction(db)
            except BaseException:
                with suppress(Exception):  # a connection that dropped has rolled back already
                    await transaction.rollback()
                raise
            await transaction.commit()
        except BaseException as error:
            if is_disk_full(error):
                raise DiskFullError(f"the disk holding the database ({self.where}) is full") from error
            raise
        finally:
            await self.pool.release(db)

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
            db = await asyncpg.connect(self.url, server_settings=KEEPALIVES | application_name())
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
