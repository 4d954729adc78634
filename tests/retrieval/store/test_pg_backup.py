"""PostgreSQL backups (pg_dump) while the store is in use, and restores that respect running replicas."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval import Archive, Settings
from retrieval.errors import StoreBusyError
from retrieval.replicas import PostgresReplicas
from retrieval.store.backup import BackupError, BackupInfo
from retrieval.store.migrations import schema_version
from retrieval.store.pg_backup import backup_postgres, restore_postgres
from tests.conftest import article, write_jsonl


@pytest.fixture
def settings(tmp_path: Path, postgres_url: str) -> Settings:
    if shutil.which("pg_dump") is None:
        pytest.skip("PostgreSQL's client tools (pg_dump, pg_restore) are not installed")
    return Settings(_env_file=None, db_path=tmp_path / "replica" / "x", database_url=postgres_url, load_seeds=False)


async def dump(settings: Settings, target: Path, *, force: bool = False) -> BackupInfo:
    return await backup_postgres(
        settings.database_url, settings.db_path, settings.resolved_index_path, target, force=force
    )


async def _nothing() -> None:
    return None


async def test_a_restore_brings_back_the_store_and_every_index_is_rebuilt(settings: Settings, tmp_path: Path) -> None:
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1), article(2)]))])
        (tmp_path / "backups").mkdir()
        info = await dump(settings, tmp_path / "backups")
        assert info.path.name == "newsbot.dump" and info.articles == 2
        with pytest.raises(BackupError, match="--force"):
            await dump(settings, info.path)
        with pytest.raises(BackupError, match="part of the live archive"):  # never into this replica's index
            await dump(settings, settings.resolved_index_path / "newsbot.dump")
        await archive.delete("1")
        await archive.load([str(write_jsonl(tmp_path / "b.jsonl", [article(3)]))])

    restored = await restore_postgres(settings.database_url, info.path)
    assert restored.articles == 2
    # This replica's index had seen more changes than the restored store holds: it is rebuilt, not trusted.
    async with await Archive.open(settings) as archive:
        assert sorted(h.id for h in await archive.latest(10)) == [1, 2]
        assert (await archive.search("topic1")).hits[0].headline.id == 1
        assert (await archive.search("topic3")).hits == ()
        assert await schema_version(archive.store.db) > 0


async def test_a_restore_refuses_while_a_replica_serves_and_refuses_other_files(
    settings: Settings, tmp_path: Path
) -> None:
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1)]))])
    info = await dump(settings, tmp_path / "b.dump")
    replica = PostgresReplicas(settings.database_url, polling=False, on_change=_nothing, on_lead=_nothing)
    await replica.start()
    try:
        with pytest.raises(StoreBusyError, match="stop every replica"):
            await restore_postgres(settings.database_url, info.path)
    finally:
        await replica.stop()
    (tmp_path / "notes.txt").write_text("not a dump")
    with pytest.raises(BackupError, match="not a pg_dump archive"):
        await restore_postgres(settings.database_url, tmp_path / "notes.txt")
    with pytest.raises(BackupError, match="no backup"):
        await restore_postgres(settings.database_url, tmp_path / "missing.dump")
