"""The one seam between newsbot's SQL and a database engine: SQLite or PostgreSQL.

The store and every table (``articles``, and each package's ``table``) are
written once, in SQL both engines run: ``?`` placeholders, ``ON CONFLICT``,
``RETURNING``, ``count(*) FILTER (WHERE …)``, and the passages' ``"end"``
column quoted. Each engine's adapter (``sqlite``, ``postgres``) turns
that into calls on its driver; the few statements that cannot be shared
(the schema, packing passage offsets) are chosen by ``Database.dialect``.
Times are integer Unix seconds (UTC) in both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Literal, Protocol, TypeVar

from retrieval.errors import NotFoundError
from retrieval.models import in_id_range

Dialect = Literal["sqlite", "postgresql"]
Row = tuple
Params = Sequence[object]
T = TypeVar("T")


def to_epoch(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def from_epoch(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def require_id(value: int, missing: str) -> None:
    """NotFoundError(``missing``) when no row can have ``value`` as its id (``retrieval.models.in_id_range``).

    Ids come from outside (a command, a deep link, forged button data) as
    numbers of any size; past 64 bits the drivers fail (SQLite with
    OverflowError, asyncpg with DataError) instead of finding nothing.
    Every table method that looks a row up by an id it was given asks here
    first, so no caller can get that far.
    """
    if not in_id_range(value):
        raise NotFoundError(missing)


def chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """``values`` in slices small enough for one ``IN (?, …)`` each."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def marks(values: Sequence[object]) -> str:
    """``?, ?, …``: one placeholder per value, for an ``IN`` list."""
    return ",".join("?" * len(values))


class Transaction(Protocol):
    """Statements inside one transaction: all of them commit, or none."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed."""

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement once per row of parameters."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def serialize(self, name: str) -> None:
        """Hold ``name`` until this transaction ends: other transactions asking for it wait.

        The change log depends on it: sequence numbers must commit in the
        order they were taken, or a replica reading ``seq > n`` could pass
        a change still in flight. SQLite has one writer at a time anyway.
        """

    async def notify(self, channel: str) -> None:
        """Wake the processes listening on ``channel`` once this transaction commits.

        PostgreSQL's NOTIFY; SQLite has no listeners (a process sharing the
        file looks for changes on a timer), so there it does nothing.
        """


class Database(Protocol):
    """Connections to one database: reads of committed data, and write transactions."""

    dialect: Dialect
    #: Errors of one statement (a constraint, bad text) that fail one article of a batch, not the batch.
    statement_errors: tuple[type[BaseException], ...]
    #: Where the data lives, for messages ("the disk holding … is full").
    where: str
    #: While a read or a write waits out an outage of the server: since when (``time.monotonic``); else None.
    waiting_since: float | None

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A write transaction; an error rolls it back (DiskFullError when the disk is full).

        On PostgreSQL, a connection lost in the middle of it is StoreUnavailableError: whether it
        committed cannot be known, so it is not tried again (see ``repeatable``).
        """

    async def repeatable(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """``work`` in a write transaction that is run again, whole, when the connection drops in the middle.

        For writes safe to repeat (idempotent: the first try may have committed
        before its connection dropped): PostgreSQL waits out an outage for them
        on fresh connections, as it does for reads, so an answer that needs
        them comes late rather than not at all. SQLite runs ``work`` once.
        """

    async def execute_repeatable(self, sql: str, params: Params = ()) -> int:
        """One statement safe to repeat, committed on its own, waited out through an outage like ``repeatable``;
        returns the rows it changed. On PostgreSQL one round trip, where a transaction takes three: for a write
        whose every millisecond counts (the answered mark, see ``retrieval.readers.replies``)."""

    async def size_bytes(self) -> int:
        """What the database takes on disk."""

    async def columns(self, table: str) -> list[str]:
        """The columns of ``table``, in order (for copying a store from one engine to the other)."""
