"""Backups of a live store while writes go on, and restores that respect a running bot."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from retrieval import Archive, Settings
from retrieval.errors import StoreBusyError
from retrieval.store.backup import BackupError, backup_store, restore_store
from retrieval.store.locks import ArchiveLock, ServingLock
from tests.conftest import article, write_jsonl


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """SQLite only: these are the file's backup API and locks (PostgreSQL's dump and restore: test_pg_backup.py)."""
    return Settings(_env_file=None, db_path=tmp_path / "data" / "newsbot.sqlite3", load_seeds=False)


def consistent(path: Path) -> int:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = db.execute("SELECT count(*) FROM passages WHERE article_id NOT IN (SELECT id FROM articles)")
        empty = db.execute("SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM passages)")
        assert orphans.fetchone()[0] == 0 and empty.fetchone()[0] == 0
        return db.execute("SELECT count(*) FROM articles").fetchone()[0]


async def test_backups_taken_during_writes_are_consistent(archive: Archive, tmp_path: Path) -> None:
    files = [write_jsonl(tmp_path / f"part{i}.jsonl", [article(i * 1000 + n) for n in range(400)]) for i in range(4)]
    loading = asyncio.create_task(archive.load([str(f) for f in files]))
    counts = []
    for number in range(6):
        info = await asyncio.to_thread(backup_store, archive.settings.db_path, archive.settings.resolved_index_path, tmp_path / "backups" / f"b{number}.sqlite3")
        counts.append(consistent(info.path))
        assert counts[-1] == info.articles
        await asyncio.sleep(0.05)
    await loading
    final = await asyncio.to_thread(backup_store, archive.settings.db_path, archive.settings.resolved_index_path, tmp_path / "backups")
    assert consistent(final.path) == 1600 and final.path.name == archive.settings.db_path.name
    assert counts == sorted(counts) and counts[0] < 1600


async def test_restore_replaces_the_store_and_rebuilds_the_index(settings: Settings, tmp_path: Path) -> None:
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1), article(2)]))])
    backup = backup_store(settings.db_path, settings.resolved_index_path, tmp_path / "backup.sqlite3")
    async with await Archive.open(settings) as archive:
        await archive.delete("1")
        await archive.load([str(write_jsonl(tmp_path / "b.jsonl", [article(3)]))])

    info = restore_store(backup.path, settings.db_path, settings.resolved_index_path)
    assert info.articles == 2
    assert not settings.resolved_index_path.exists()
    async with await Archive.open(settings) as archive:
        assert sorted(h.id for h in await archive.latest(10)) == [1, 2]
        assert (await archive.search("topic1")).hits[0].headline.id == 1
        assert (await archive.search("topic3")).hits == ()


async def test_restore_refuses_while_the_bot_serves_and_bad_files(settings: Settings, tmp_path: Path) -> None:
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1)]))])
    backup = backup_store(settings.db_path, settings.resolved_index_path, tmp_path / "backup.sqlite3")
    with ServingLock(settings.db_path):
        with pytest.raises(StoreBusyError):
            restore_store(backup.path, settings.db_path, settings.resolved_index_path)
        with pytest.raises(StoreBusyError):
            ServingLock(settings.db_path).acquire()
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="not a readable SQLite database"):
        restore_store(tmp_path / "junk.sqlite3", settings.db_path, settings.resolved_index_path)
    with sqlite3.connect(tmp_path / "other.sqlite3") as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="not a newsbot database"):
        restore_store(tmp_path / "other.sqlite3", settings.db_path, settings.resolved_index_path)
    with pytest.raises(BackupError, match="no backup file"):
        restore_store(tmp_path / "missing.sqlite3", settings.db_path, settings.resolved_index_path)
    assert consistent(settings.db_path) == 1


async def test_backup_never_writes_onto_the_live_archive(archive: Archive, tmp_path: Path) -> None:
    """The live database, its folder, its -wal/-shm, the index and any spelling of them are refused."""
    settings = archive.settings
    await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(50)]))])
    db, index = settings.db_path, settings.resolved_index_path
    (tmp_path / "link.sqlite3").symlink_to(db)
    os.link(db, tmp_path / "hard.sqlite3")
    targets = [
        db,
        db.parent,
        db.parent / ".." / db.parent.name / db.name,
        Path(os.path.relpath(db)),
        tmp_path / "link.sqlite3",
        tmp_path / "hard.sqlite3",
        db.with_name(db.name + "-wal"),
        db.with_name(db.name + "-shm"),
        index,
        index / "backup.sqlite3",
    ]
    for target in targets:
        with pytest.raises(BackupError, match="part of the live archive"):
            backup_store(db, index, target, force=True)
    await archive.load([str(write_jsonl(tmp_path / "b.jsonl", [article(n) for n in range(50, 60)]))])
    assert consistent(db) == 60
    assert len((await archive.search("topic55")).hits) == 1


def test_backup_replaces_only_regular_files_and_only_when_forced(settings: Settings, tmp_path: Path) -> None:
    asyncio.run(_load_one(settings, tmp_path))
    db, index = settings.db_path, settings.resolved_index_path
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(BackupError, match="not a regular file"):
        backup_store(db, index, fifo, force=True)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    if Path("/dev/full").exists():
        with pytest.raises(BackupError, match="not a regular file"):
            backup_store(db, index, Path("/dev/full"), force=True)
        assert Path("/dev/full").is_char_device()

    first = backup_store(db, index, tmp_path / "b.sqlite3")
    with pytest.raises(BackupError, match="already exists: use --force"):
        backup_store(db, index, tmp_path / "b.sqlite3")
    assert backup_store(db, index, tmp_path / "b.sqlite3", force=True).articles == first.articles

    (tmp_path / "plain-file").write_text("x")
    with pytest.raises(BackupError, match="cannot use"):
        backup_store(db, index, tmp_path / "plain-file" / "x.sqlite3")


async def _load_one(settings: Settings, tmp_path: Path) -> None:
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "one.jsonl", [article(1)]))])


async def test_restore_refuses_while_any_process_has_the_archive_open(settings: Settings, tmp_path: Path) -> None:
    await _load_one(settings, tmp_path)
    backup = backup_store(settings.db_path, settings.resolved_index_path, tmp_path / "backup.sqlite3")
    async with await Archive.open(settings):  # what `newsbot load` or `delete` holds
        with pytest.raises(StoreBusyError, match="using this archive"):
            restore_store(backup.path, settings.db_path, settings.resolved_index_path)
    with ArchiveLock(settings.db_path, exclusive=True):  # what a restore holds
        with pytest.raises(StoreBusyError, match="being restored"):
            await Archive.open(settings)
    assert restore_store(backup.path, settings.db_path, settings.resolved_index_path).articles == 1


async def test_a_backup_is_one_self_contained_file(settings: Settings, tmp_path: Path) -> None:
    """No -wal or -shm beside it: a backup is a file to copy off the server, and it opens on its own."""
    folder = tmp_path / "backups"
    async with await Archive.open(settings) as archive:  # open while the backup is taken, as the bot's is
        await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(30)]))])
        info = await asyncio.to_thread(
            backup_store, settings.db_path, settings.resolved_index_path, folder / "newsbot-2026-12-06.sqlite3"
        )
    assert sorted(path.name for path in folder.iterdir()) == ["newsbot-2026-12-06.sqlite3"]
    copied = tmp_path / "moved" / "copy.sqlite3"  # the file alone, as rsync or object storage carries it off
    copied.parent.mkdir()
    os.replace(info.path, copied)
    assert consistent(copied) == 30
    with sqlite3.connect(copied) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    # Restored, it is the live archive again, in WAL mode as the store keeps it.
    restore_store(copied, settings.db_path, settings.resolved_index_path)
    async with await Archive.open(settings) as reopened:
        assert (await reopened.stats()).store.articles == 30
        (mode,) = await reopened.store.db.fetchone("PRAGMA journal_mode")
        assert mode == "wal"
