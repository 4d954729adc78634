"""Consistent backups of the live store, restores, and the serving lock.

``backup_store`` uses SQLite's online backup API, which copies a consistent
snapshot while other connections keep writing (WAL). The search index is not
copied: it is rebuilt from the store on the first start after a restore.

``ServingLock`` is an advisory lock (flock) the running bot holds for its
whole life; ``restore_store`` refuses to run while anyone holds it, so a
restore can never pull the database out from under a running bot. The lock
is released by the kernel if the process dies, so it is never stale.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from retrieval.errors import NewsbotError
from retrieval.sqlite_store import connect_read_only

_PAGES_PER_STEP = 1024


class StoreBusyError(NewsbotError):
    """A running newsbot holds the store."""


class BackupError(NewsbotError):
    """A backup or restore could not be made; the message says why."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    articles: int
    size_bytes: int


def _lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".serving.lock")


class ServingLock:
    """Held by ``newsbot run``: one serving process per store."""

    def __init__(self, db_path: Path) -> None:
        self.path = _lock_path(db_path)
        self._handle: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise StoreBusyError(f"another newsbot is already serving {self.path.parent}") from None
        os.ftruncate(handle, 0)
        os.write(handle, str(os.getpid()).encode())
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None

    def __enter__(self) -> ServingLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.release()


def is_serving(db_path: Path) -> bool:
    """True while a process holds the serving lock of ``db_path``."""
    lock = ServingLock(db_path)
    try:
        lock.acquire()
    except StoreBusyError:
        return True
    lock.release()
    return False


def _check_newsbot_database(path: Path) -> int:
    """Return the article count, or raise BackupError if ``path`` is not a sound newsbot store."""
    try:
        with connect_read_only(path) as db:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (SQLite quick_check failed)")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"articles", "passages", "schema_migrations"} <= tables:
                raise BackupError(f"{path} is not a newsbot database")
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error})") from error


def _copy(source: Path, target: Path) -> None:
    """Copy a live database with the online backup API into ``target`` (atomically)."""
    temporary = target.with_name(target.name + ".partial")
    temporary.unlink(missing_ok=True)
    try:
        with connect_read_only(source) as src, sqlite3.connect(temporary) as dst:
            src.backup(dst, pages=_PAGES_PER_STEP)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def backup_store(db_path: Path, target: Path) -> BackupInfo:
    """Write a consistent copy of the store at ``db_path`` to ``target``."""
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path}")
    if target.is_dir():
        target = target / db_path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _copy(db_path, target)
    except sqlite3.Error as error:
        raise BackupError(f"backup failed: {error}") from error
    articles = _check_newsbot_database(target)
    return BackupInfo(target, articles, target.stat().st_size)


def restore_store(source: Path, db_path: Path, index_path: Path) -> BackupInfo:
    """Replace the store with the backup ``source``; refuses while the bot runs."""
    lock = ServingLock(db_path)
    try:
        lock.acquire()  # held throughout, so no bot can start halfway through
    except StoreBusyError:
        raise StoreBusyError("newsbot is running on this archive: stop it before restoring") from None
    try:
        if not source.is_file():
            raise BackupError(f"there is no backup file at {source}")
        articles = _check_newsbot_database(source)
        restored = db_path.with_name(db_path.name + ".restored")
        try:
            _copy(source, restored)
        except sqlite3.Error as error:
            raise BackupError(f"restore failed: {error}") from error
        for suffix in ("-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        os.replace(restored, db_path)
        shutil.rmtree(index_path, ignore_errors=True)
    finally:
        lock.release()
    return BackupInfo(db_path, articles, db_path.stat().st_size)
