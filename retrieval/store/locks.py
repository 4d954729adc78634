"""Advisory file locks (flock) that keep processes on one archive from harming it.

Two locks sit beside the database file:

- ``ServingLock`` (exclusive): held by ``newsbot run`` for its whole life, so
  one bot serves an archive at a time.
- ``ArchiveLock``: every process that opens the archive (the bot, ``load``,
  ``delete``, ``reindex``, ``ask``…) holds it *shared*; ``restore`` takes it
  *exclusive*, so a restore can never pull the database out from under a
  writer, and a writer cannot start while a restore runs.

The kernel releases a flock when its process dies, so neither is ever stale.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from retrieval.errors import StoreBusyError


def lock_files(db_path: Path) -> tuple[Path, Path]:
    """The serving and archive lock files of the database at ``db_path``."""
    return db_path.with_name(db_path.name + ".serving.lock"), db_path.with_name(db_path.name + ".archive.lock")


class _FileLock:
    """A non-blocking flock on one file; ``busy_message`` is raised when taken."""

    def __init__(self, path: Path, *, shared: bool, busy_message: str) -> None:
        self.path = path
        self.shared = shared
        self.busy_message = busy_message
        self._handle: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise StoreBusyError(self.busy_message) from None
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None

    def __enter__(self) -> _FileLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.release()


class ServingLock(_FileLock):
    """Held by ``newsbot run``: one serving process per store."""

    def __init__(self, db_path: Path) -> None:
        path = lock_files(db_path)[0]
        super().__init__(path, shared=False, busy_message=f"another newsbot is already serving {path.parent}")


class ArchiveLock(_FileLock):
    """Shared by every process using the archive; exclusive for a restore."""

    def __init__(self, db_path: Path, *, exclusive: bool = False) -> None:
        message = (
            "another newsbot process (the bot, a load, a delete…) is using this archive: stop it and try again"
            if exclusive
            else f"the archive at {db_path} is being restored: try again when the restore has finished"
        )
        super().__init__(lock_files(db_path)[1], shared=not exclusive, busy_message=message)


def is_serving(db_path: Path) -> bool:
    """True while a process holds the serving lock of ``db_path``."""
    lock = ServingLock(db_path)
    try:
        lock.acquire()
    except StoreBusyError:
        return True
    lock.release()
    return False
