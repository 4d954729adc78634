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
leading at once and reconnects. Every change of role is logged and told to
``on_role`` as it happens (the bot's ``newsbot_leading``, ``/healthz`` and
status file follow it). In PostgreSQL a replica's connections are named
``newsbot HOST:PID`` (``pg_stat_activity.application_name``): ``name``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Protocol

from retrieval.errors import NewsbotError, StoreUnavailableError
from retrieval.store.articles import CHANGES_CHANNEL
from retrieval.store.postgres import LEADER_LOCK, PostgresSession, application_name

log = logging.getLogger(__name__)

RETRY_SECONDS = 10.0
RECONNECT_SECONDS = 1.0

Callback = Callable[[], Awaitable[None]]
RoleCallback = Callable[[bool], None]

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
    #: How PostgreSQL names this process's connections (``newsbot HOST:PID``); None with SQLite.
    name: str | None

    @property
    def leading(self) -> bool:
        """True while this process runs the scheduled jobs."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def _ignore_role(leading: bool) -> None:
    return None


class SingleProcess:
    """The only serving process of a SQLite archive: it leads from the start."""

    name = None

    def __init__(self, on_lead: Callback, on_role: RoleCallback = _ignore_role) -> None:
        self._on_lead = on_lead
        self._on_role = on_role
        self.leading = False

    async def start(self) -> None:
        self.leading = True
        self._on_role(True)
        await self._on_lead()

    async def stop(self) -> None:
        self.leading = False
        self._on_role(False)


class PostgresReplicas:
    """One replica among several on a PostgreSQL store (see the module docstring)."""

    def __init__(
        self, url: str, *, polling: bool, on_change: Callback, on_lead: Callback, on_role: RoleCallback = _ignore_role
    ) -> None:
        self.polling = polling
        self.name = application_name()["application_name"]
        self._leading = False
        self._session = PostgresSession(url)
        self._on_change = on_change
        self._on_lead = on_lead
        self._on_role = on_role
        self._changed = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def leading(self) -> bool:
        return self._leading

    def _set_leading(self, leading: bool, why: str) -> None:
        """Change role, log it and tell ``on_role`` (nothing when the role stays)."""
        if leading == self._leading:
            return
        self._leading = leading
        if leading:
            log.info("this replica now runs the scheduled jobs")
        else:
            log.warning("this replica no longer runs the scheduled jobs (%s); another takes over", why)
        self._on_role(leading)

    async def start(self) -> None:
        """Take the serving lock and start listening and trying to lead (ReplicaError if refused,
        StoreUnavailableError if PostgreSQL cannot be reached)."""
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
        await self._disconnect("it is stopping")

    async def _connect(self) -> None:
        if not await self._session.connect(
            exclusive_serving=self.polling, channel=CHANGES_CHANNEL, on_notify=self._changed.set
        ):
            raise ReplicaError(POLLING_REFUSED if self.polling else WEBHOOK_REFUSED)
        self._changed.set()  # catch up on whatever changed while nobody listened here

    async def _disconnect(self, why: str) -> None:
        self._set_leading(False, why)
        await self._session.close()

    async def _lead(self) -> None:
        wait = RETRY_SECONDS
        while True:
            try:
                if not self._session.connected:
                    await self._connect()
                    log.info("reconnected to PostgreSQL")
                if self._leading:
                    await self._session.ping()
                elif await self._session.try_lock(LEADER_LOCK):
                    self._set_leading(True, "it took the leader lock")
                    await self._on_lead()
                wait = RETRY_SECONDS
            except (StoreUnavailableError, ReplicaError) as error:
                if self._session.connected:
                    log.warning("lost the PostgreSQL session that leads and listens (%s); reconnecting", error)
                    wait = RECONNECT_SECONDS  # a restart is usually over in a second: soon, then less often
                else:
                    wait = min(wait * 2, RETRY_SECONDS)
                await self._disconnect("its PostgreSQL session was lost")
            except Exception:  # the take-over work failed: still leading, logged
                log.exception("taking over the scheduled jobs failed")
            await asyncio.sleep(wait)

    async def _sync(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            try:
                await self._on_change()
            except Exception:  # the next change, or the timer, tries again
                log.exception("indexing changes from other replicas failed")


def replicas_for(
    database_url: str | None,
    *,
    polling: bool,
    on_change: Callback,
    on_lead: Callback,
    on_role: RoleCallback = _ignore_role,
) -> Replicas:
    """PostgresReplicas for a PostgreSQL archive, else SingleProcess."""
    if database_url:
        return PostgresReplicas(database_url, polling=polling, on_change=on_change, on_lead=on_lead, on_role=on_role)
    return SingleProcess(on_lead, on_role)
