"""Index snapshots: a replica starts from another's index and catches up from the change log."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from retrieval import Archive, Settings
from retrieval.errors import SnapshotError
from retrieval.search import snapshots
from retrieval.store.maintenance import backup, restore
from tests.conftest import article, write_jsonl


def replica_settings(tmp_path: Path, name: str, database_url: str | None, **extra: object) -> Settings:
    """Settings of one replica: its own index folder, the one store (a SQLite file shared when no URL)."""
    return Settings(
        _env_file=None,
        db_path=tmp_path / "data" / "newsbot.sqlite3",
        index_path=tmp_path / name / "index",
        database_url=database_url,
        load_seeds=False,
        **extra,
    )


async def answers(archive: Archive, question: str) -> list[tuple[str, str]]:
    result = await archive.search(question, limit=5)
    return [(hit.headline.title, hit.snippet.text) for hit in result.hits]


QUESTIONS = ["topic3", "story 12", "body of story", "topic25 at some length"]


async def test_a_replica_started_from_a_snapshot_answers_what_was_loaded_after_it(
    tmp_path: Path, database_url: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "snapshots"
    first = await Archive.open(replica_settings(tmp_path, "a", database_url))
    try:
        await first.load([str(write_jsonl(tmp_path / "early.jsonl", [article(n) for n in range(20)]))])
        snapshot, taken = await first.snapshot_index(folder)
        assert taken and snapshot.path.parent == folder and snapshot.size_bytes > 0
        assert snapshot.applied_change == first.index.applied_change
        again, taken = await first.snapshot_index(folder)
        assert (again.path, taken) == (snapshot.path, False)  # nothing changed since: the same snapshot serves
        later = [article(n) for n in range(20, 30)] + [article(3, body="A rewritten story about topic3 and more.")]
        await first.load([str(write_jsonl(tmp_path / "later.jsonl", later))])

        caplog.set_level(logging.INFO, logger="retrieval.search.index_sync")
        second = await Archive.open(replica_settings(tmp_path, "b", database_url, index_snapshot_path=folder))
        try:
            assert second.index_seeded_from == snapshot
            assert "search index copied from" in caplog.text
            assert second.index.applied_change == first.index.applied_change
            assert second.index.num_docs == first.index.num_docs
            for question in QUESTIONS:
                assert await answers(second, question) == await answers(first, question)
            assert (await answers(second, "topic25"))[0][0] == "Story number 25"  # loaded after the snapshot
            assert "rewritten" in (await answers(second, "topic3"))[0][1]  # updated after the snapshot
        finally:
            await second.close()
    finally:
        await first.close()


async def test_a_snapshot_of_the_store_before_a_restore_is_never_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "snapshots"
    settings = replica_settings(tmp_path, "a", None)
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "one.jsonl", [article(n) for n in range(5)]))])
        await backup(settings, tmp_path / "backup.sqlite3")
        await archive.load([str(write_jsonl(tmp_path / "two.jsonl", [article(n) for n in range(5, 9)]))])
        await archive.snapshot_index(folder)
    await restore(settings, tmp_path / "backup.sqlite3")

    caplog.set_level(logging.WARNING, logger="retrieval.search.index_sync")
    async with await Archive.open(replica_settings(tmp_path, "b", None, index_snapshot_path=folder)) as archive:
        assert archive.index_seeded_from is None
        assert "taken of another store" in caplog.text
        assert (await archive.stats()).indexed_passages == archive.index.num_docs
        assert not (await archive.search("topic7")).hits  # loaded after the backup: gone with the restore
        assert (await archive.search("topic2")).hits
    with pytest.raises(SnapshotError, match="another store"):
        await Archive.open(replica_settings(tmp_path, "c", None), index_seed=folder)


async def test_snapshots_are_published_whole_and_only_the_newest_two_kept(tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    settings = replica_settings(tmp_path, "a", None)
    async with await Archive.open(settings) as archive:
        taken = []
        for batch in range(3):
            records = [article(n) for n in range(batch * 3, batch * 3 + 3)]
            await archive.load([str(write_jsonl(tmp_path / f"{batch}.jsonl", records))])
            taken.append((await archive.snapshot_index(folder))[0])
    names = sorted(entry.name for entry in folder.iterdir())
    assert names == sorted(snapshot.path.name for snapshot in taken[1:])
    assert [found.path for found in snapshots.snapshots_in(folder)] == [taken[2].path, taken[1].path]

    # A copy that died halfway (no params file) is not a snapshot, and one left long ago is cleared away.
    (folder / "index-999999999999" / "passages").mkdir(parents=True)
    stale = folder / ".index-000000000001.partial-1"
    stale.mkdir()
    os.utime(stale, (0, 0))
    assert snapshots.snapshots_in(folder)[0].path == taken[2].path
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "more.jsonl", [article(40)]))])
        await archive.snapshot_index(folder)
    assert not stale.exists()


async def test_an_import_replaces_the_index_and_names_what_is_wrong_with_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    with pytest.raises(SnapshotError, match="holds no snapshot"):
        await Archive.open(replica_settings(tmp_path, "a", None), index_seed=folder)
    async with await Archive.open(replica_settings(tmp_path, "a", None)) as archive:
        await archive.load([str(write_jsonl(tmp_path / "one.jsonl", [article(n) for n in range(6)]))])
        snapshot, _ = await archive.snapshot_index(folder)
    async with await Archive.open(replica_settings(tmp_path, "b", None), index_seed=snapshot.path) as archive:
        assert archive.index_seeded_from == snapshot
        assert (await archive.search("topic4")).hits
    with pytest.raises(Exception, match="no snapshot folder"):
        async with await Archive.open(replica_settings(tmp_path, "b", None)) as archive:
            await archive.snapshot_index()
