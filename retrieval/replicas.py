"""Serving processes of one archive: which one runs the scheduled jobs, and hearing of new articles at once.

With SQLite there is one serving process per archive (the serving file
lock), so it leads from the start (``SingleProcess``).

With PostgreSQL, several replicas serve one store (``PostgresReplicas``).
Each keeps a connection of its own, outside the pool, that:

- holds the *serving* advisory lock: shared by replicas in webhook mode,
  exclusive for a bot polling Telegram (getUpdates hands each update to one
  poller only, and two pollers fight with 409 Conflict), so a polling bot
  and any other serving process refuse each other with a clear message;
- LISTENs for new changes: a load committed through any replica wakes the
  others to index it at once. The change log, read from where each index
  stopped, is what makes this correct; the notification only makes it
  prompt, and a replica that was down catches up when it starts;
- tries the *leader* advisory lock every ``RETRY_SECONDS``: the one replica
  holding it runs the jobs (feed polling, channel posts, pushes, notices,
  purges). A session's locks end with it, so a replica that dies (its
  connection closes, or TCP keepalives find it gone) frees the lock for
  another's next try, within ``RETRY_SECONDS`` plus the keepalive time.

The connection is pinged on every try; when it fails, the replica stops
leading at once and reconnects.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Protocol

import asyncpg

from retrieval.errors import NewsbotError
from retrieval.store.articles import CHANGES_CHANNEL
from retrieval.store.postgres import lock_key

log = logging.getLogger(__name__)

RETRY_SECONDS = 10.0
# The server drops a replica's session (and its locks) about 25 s after its machine vanishes.
KEEPALIVES = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"}
SERVING = "serving"
LEADER = "leader"

Callback = Callable[[], Awaitable[None]]

POLLING_REFUSED = (
    "another newsbot process serves this PostgreSQL archive, and polling Telegram (getUpdates) works for one"
    " process only: run every replica in webhook mode (newsbot run --webhook) behind the proxy"
)
WEBHOOK_REFUSED = (
    "a newsbot process polling Telegram serves this PostgreSQL archive: stop it (or run it with --webhook)"
    " before starting replicas"
)


class ReplicaError(NewsbotError):
    """This process may not serve the archive beside the others; the message says why."""


class Replicas(Protocol):
    #: True while this process runs the scheduled jobs.
    leading: bool

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class SingleProcess:
    """The only serving process of a SQLite archive: it leads from the start."""

    def __init__(self, on_lead: Callback) -> None:
        self._on_lead = on_lead
        self.leading = False

    async def start(self) -> None:
        self.leading = True
        await self._on_lead()

    async def stop(self) -> None:
        self.leading = False


class PostgresReplicas:
    """One replica among several on a PostgreSQL store (see the module docstring)."""

    def __init__(self, url: str, *, polling: bool, on_change: Callback, on_lead: Callback) -> None:
        self.url = url
        self.polling = polling
        self.leading = False
        self._on_change = on_change
        self._on_lead = on_lead
        self._db: asyncpg.Connection | None = None
        self._changed = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Take the serving lock and start listening and trying to lead (ReplicaError if refused)."""
        await self._connect()
        self._tasks = [asyncio.create_task(self._lead()), asyncio.create_task(self._sync())]

    async def stop(self) -> None:
        """Stop leading and listening; the locks go with the connection."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self._disconnect()

    async def _connect(self) -> None:
        db = await asyncpg.connect(self.url, server_settings=KEEPALIVES)
        try:
            take = "pg_try_advisory_lock" if self.polling else "pg_try_advisory_lock_shared"
            if not await db.fetchval(f"SELECT {take}($1)", lock_key(SERVING)):
                raise ReplicaError(POLLING_REFUSED if self.polling else WEBHOOK_REFUSED)
            await db.add_listener(CHANGES_CHANNEL, self._heard)
        except BaseException:
            await db.close()
            raise
        self._db = db
        self._changed.set()  # catch up on whatever changed while nobody listened here

    async def _disconnect(self) -> None:
        self.leading = False
        if self._db is not None:
            db, self._db = self._db, None
            with suppress(Exception):  # a broken connection cannot be closed politely
                await db.close(timeout=2)

    def _heard(self, *_: object) -> None:
        self._changed.set()

    async def _lead(self) -> None:
        while True:
            try:
                if self._db is None:
                    await self._connect()
                    log.info("reconnected to PostgreSQL")
                if self.leading:
                    await self._db.fetchval("SELECT 1")
                elif await self._db.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(LEADER)):
                    self.leading = True
                    log.info("this replica now runs the scheduled jobs")
                    await self._on_lead()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ReplicaError) as error:
                if self._db is not None:
                    log.warning("lost the PostgreSQL session that leads and listens (%s); reconnecting", error)
                await self._disconnect()
            except Exception:  # the take-over work failed: still leading, logged
                log.exception("taking over the scheduled jobs failed")
            await asyncio.sleep(RETRY_SECONDS)

    async def _sync(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            try:
                await self._on_change()
            except Exception:  # the next change, or the timer, tries again
                log.exception("indexing changes from other replicas failed")


def replicas_for(database_url: str | None, *, polling: bool, on_change: Callback, on_lead: Callback) -> Replicas:
    """PostgresReplicas for a PostgreSQL archive, else SingleProcess."""
    if database_url:
        return PostgresReplicas(database_url, polling=polling, on_change=on_change, on_lead=on_lead)
    return SingleProcess(on_lead)
