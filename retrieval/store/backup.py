"""Consistent backups of the live store, and restores.

``backup_store`` uses SQLite's online backup API, which copies a consistent
snapshot while other connections keep writing (WAL). The search index is not
copied: it is rebuilt from the store on the first start after a restore.

A backup never writes onto the archive it copies: the target is resolved
(symlinks, ``..``, a folder) and refused when it is the live database, its
-wal/-shm/-journal or lock files, or anything inside the index folder; a
target that exists and is not a regular file (a device, a FIFO) is refused,
and an existing backup file is replaced only when asked (``force``).

``restore_store`` takes the archive lock exclusively (``retrieval.store.locks``), so
it refuses while the bot or any load, delete or reindex has the archive open.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import NewsbotError, StoreBusyError
from retrieval.store.articles import GENERATION
from retrieval.store.locks import ArchiveLock, ServingLock, lock_files
from retrieval.store.sqlite import connect_read_only

_PAGES_PER_STEP = 1024
SERVING_REFUSAL = "newsbot is running on this archive: stop it before restoring"
_LIVE_SUFFIXES = ("", "-wal", "-shm", "-journal")


class BackupError(NewsbotError):
    """A backup or restore could not be made; the message says why."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a backup wrote, or what a restore read: the file, its articles and size, and the store restored."""

    path: Path
    articles: int
    size_bytes: int
    # The store a restore replaced, for messages ("" for a backup).
    store: str = ""


def check_backup(path: Path) -> int:
    """Return the article count, or raise BackupError if ``path`` is not a sound newsbot store."""
    if not path.is_file():
        raise BackupError(f"there is no backup file at {path}")
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
    """Copy a live database with the online backup API into ``target`` (atomically), as one self-contained file.

    The copy takes the live database's WAL mode with its pages, and a WAL
    database grows -wal and -shm files beside it whenever it is opened (even
    to read it, as ``check_backup`` does) that a reader leaves behind. So the
    copy is switched to a rollback journal before it is renamed into place:
    nothing but the file itself, which opens alone wherever it is carried.
    The store turns WAL on again when it opens a restored copy.
    """
    temporary = partial_path(target)
    temporary.unlink(missing_ok=True)
    try:
        with closing(connect_read_only(source)) as src, closing(sqlite3.connect(temporary)) as dst:
            src.backup(dst, pages=_PAGES_PER_STEP)
            dst.execute("PRAGMA journal_mode = DELETE").fetchone()
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _forget_generation(path: Path) -> None:
    """Make a restored copy another store: every index built before (or a snapshot of one) is then rebuilt.

    The backup carries the generation of the store it was taken of, whose
    change log went on past the backup's; the next open gives it a new one.
    """
    with closing(sqlite3.connect(path)) as db, db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'secrets'").fetchone():
            db.execute("DELETE FROM secrets WHERE name = ?", (GENERATION,))


def partial_path(target: Path) -> Path:
    """Where a backup is written before it is renamed into place."""
    return target.with_name(target.name + ".partial")


def _live_files(db_path: Path) -> list[Path]:
    """Every file of the archive a backup must never write onto, resolved."""
    files = [db_path.with_name(db_path.name + suffix) for suffix in _LIVE_SUFFIXES]
    return [Path(os.path.realpath(path)) for path in (*files, *lock_files(db_path))]


def _same_file(path: Path, others: list[Path]) -> bool:
    """True when ``path`` is (a hard link to) one of ``others``."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    for other in others:
        try:
            if os.path.samestat(info, os.stat(other)):
                return True
        except OSError:
            continue
    return False


def backup_target(
    db_path: Path, index_path: Path, target: Path, *, force: bool = False, file_name: str | None = None
) -> Path:
    """Where a backup of ``db_path`` asked for at ``target`` may be written, or BackupError.

    A folder gets a file named ``file_name`` (default: like the database) inside it.
    """
    try:
        if target.is_dir():
            target = target / (file_name or db_path.name)
        resolved = Path(os.path.realpath(target))
    except OSError as error:
        raise BackupError(f"cannot use {target} as a backup target: {error.strerror or error}") from error
    live = _live_files(db_path)
    index_dir = Path(os.path.realpath(index_path))
    for candidate in (resolved, partial_path(resolved)):
        inside_index = candidate == index_dir or index_dir in candidate.parents
        if candidate in live or inside_index or _same_file(candidate, live):
            raise BackupError(
                f"{target} is part of the live archive ({db_path.parent}): "
                "a backup must go to another file, outside the index folder"
            )
    try:
        info = os.stat(resolved)
    except FileNotFoundError:
        return resolved
    except OSError as error:  # e.g. a path component is a file
        raise BackupError(f"cannot use {target} as a backup target: {error.strerror or error}") from error
    if not stat.S_ISREG(info.st_mode):
        raise BackupError(f"{target} exists and is not a regular file: refusing to replace it")
    if not force:
        raise BackupError(f"{target} already exists: use --force to replace it")
    return resolved


def backup_store(db_path: Path, index_path: Path, target: Path, *, force: bool = False) -> BackupInfo:
    """Write a consistent copy of the store at ``db_path`` to ``target``.

    ``index_path`` (the archive's index folder) is kept out of reach too;
    an existing backup file is replaced only with ``force``.
    """
    if not db_path.is_file():
        raise BackupError(f"there is no database at {db_path}")
    target = backup_target(db_path, index_path, target, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy(db_path, target)
    except OSError as error:
        raise BackupError(f"backup to {target} failed: {error.strerror or error}") from error
    except sqlite3.Error as error:
        raise BackupError(f"backup failed: {error}") from error
    articles = check_backup(target)
    return BackupInfo(target, articles, target.stat().st_size)


def restore_store(source: Path, db_path: Path, index_path: Path) -> BackupInfo:
    """Replace the store with the backup ``source``.

    Refuses while the bot serves or any other process (a load, a delete, a
    reindex) has the archive open; both locks are held throughout, so none
    can start halfway through.
    """
    try:
        serving = ServingLock(db_path)
        serving.acquire()
    except StoreBusyError:
        raise StoreBusyError(SERVING_REFUSAL) from None
    try:
        with ArchiveLock(db_path, exclusive=True):
            articles = check_backup(source)
            restored = db_path.with_name(db_path.name + ".restored")
            try:
                _copy(source, restored)
                _forget_generation(restored)
            except (OSError, sqlite3.Error) as error:
                raise BackupError(f"restore failed: {error}") from error
            for suffix in ("-wal", "-shm"):
                db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
            os.replace(restored, db_path)
            shutil.rmtree(index_path, ignore_errors=True)
    finally:
        serving.release()
    return BackupInfo(source, articles, source.stat().st_size, str(db_path.resolve()))
