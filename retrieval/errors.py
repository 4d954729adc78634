"""Errors raised by the retrieval core.

Every error carries a message a person can read; front ends (CLI, bot) show
``str(error)`` as is.

    NewsbotError
    ├── IngestError        one input (row, file, URL) could not be loaded
    │   └── FetchError     an http(s) URL was refused or could not be fetched
    ├── NotFoundError      no article with that id or URL
    ├── IndexBusyError     another process holds the index writer
    ├── IndexRebuildingError  the index's files were damaged: it is being rebuilt from the store
    ├── StoreBusyError     another process holds the archive (serving it, or restoring it)
    ├── DiskFullError      the disk holding the database or the index is full
    └── StoreUnavailableError  the database server cannot be reached (down, restarting, connection dropped)
"""

from __future__ import annotations

import errno

from retrieval.messages import Message, english_text


class NewsbotError(Exception):
    """Base of every error the retrieval core raises on purpose."""


class IngestError(NewsbotError):
    """One input could not be turned into an article.

    ``where`` names the place in the input ("a.jsonl line 4", "a.json item 2",
    a URL), ``line`` the line number of a line file (JSON Lines, CSV) on its
    own, for a list of failures with a column for it, and ``field`` the
    offending field, so a report can point at it exactly.
    ``message`` is the reason as an English template (a ``Plural`` when it
    counts something) and ``values`` fill it, so a front end can say it in
    another language (the bot's catalogue has every message); ``reason`` is
    the English text.
    """

    def __init__(
        self, message: Message, *, where: str | None = None, field: str | None = None, line: int | None = None,
        **values: object,
    ) -> None:
        self.message = message
        self.values = values
        self.reason = english_text(message, values)
        self.where = where
        self.field = field
        self.line = line
        super().__init__(self._describe())

    def moved(self, where: str | None, line: int | None = None) -> IngestError:
        """The same error, placed at ``where`` (line ``line`` of a line file)."""
        return type(self)(self.message, where=where, field=self.field, line=line, **self.values)

    @property
    def detail(self) -> str:
        """The reason with the field it concerns, without the place."""
        return f"field '{self.field}': {self.reason}" if self.field else self.reason

    def _describe(self) -> str:
        return f"{self.where}: {self.detail}" if self.where else self.detail


class FetchError(IngestError):
    """A URL was refused (scheme, address, size, type) or failed to download."""


class NotFoundError(NewsbotError):
    """The article asked for does not exist."""


class IndexBusyError(NewsbotError):
    """Another process (usually the running bot) is writing the index."""


class IndexRebuildingError(NewsbotError):
    """The search index is being rebuilt from the store (its files were lost or damaged); try again soon."""


class SnapshotError(NewsbotError):
    """A snapshot of the search index cannot be taken or used; the message says why."""


class StoreBusyError(NewsbotError):
    """Another process holds the archive lock this one needs (see ``retrieval.store.locks``)."""


class DiskFullError(NewsbotError):
    """No space left for the database or the index; what was stored before stays whole."""


class StoreUnavailableError(NewsbotError):
    """The database server did not answer or dropped the connection; trying again later may work."""


def is_disk_full(error: BaseException) -> bool:
    """True for the ways SQLite, PostgreSQL, tantivy and the OS say a disk is full."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    if getattr(error, "sqlite_errorcode", None) == 13:  # SQLITE_FULL
        return True
    if getattr(error, "sqlstate", None) == "53100":  # PostgreSQL's disk_full
        return True
    return isinstance(error, ValueError) and ("No space left on device" in str(error) or "os error 28" in str(error))
