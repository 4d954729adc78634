"""Moving an archive from SQLite to PostgreSQL and back: every row, ids kept, resumable, verified by counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from retrieval import Archive, Settings
from retrieval.outbox.models import OutboxKind
from retrieval.store import copy as copying
from retrieval.store.connect import store_for
from retrieval.store.copy import TABLES, copy_store
from tests.conftest import article, tables_of, write_jsonl

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


async def _fill(settings: Settings, tmp_path: Path) -> None:
    """An archive with a row in every kind of table."""
    async with await Archive.open(settings) as archive:
        tables = tables_of(archive)
        await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(1, 40)]))])
        await archive.delete("3")
        await archive.record_open(5)
        feed = await tables.feeds.add("https://news.example.com/feed.xml", interval=timedelta(minutes=15), now=NOW)
        await tables.feeds.record_items(feed.id, [("guid-5", "https://news.example.com/story-5", 5, None)], NOW)
        await tables.outbox.queue(OutboxKind.NOTICE, "notice:1", NOW, payload="x")
        await tables.topics.follow(77, "camp albania", ("camp", "albania"), NOW, max_topics=20)
        await tables.readers.set_language(77, "fa", NOW)
        reader = await tables.insights.reader_key(77)
        async with archive.store.db.transaction() as tx:
            question = await tables.insights.add_question(tx, reader, "camp?", ("camp",), 2, NOW)
            await tables.replies.add_page(tx, "camp?", question, NOW)
        await tables.insights.record_feedback(question, reader, 1, NOW)
        await tables.replies.mark_handled(9, NOW)
        await tables.budget.reserve(None, NOW.timestamp())


async def _counts(settings: Settings) -> dict[str, int]:
    store = store_for(settings)
    await store.open()
    try:
        return {table: (await store.db.fetchone(f"SELECT count(*) FROM {table}"))[0] for table, _ in TABLES}
    finally:
        await store.close()


async def _copy(source: Settings, target: Settings) -> list:
    stores = store_for(source), store_for(target)
    for store in stores:
        await store.open()
    try:
        return await copy_store(*stores)
    finally:
        for store in stores:
            await store.close()


async def test_an_archive_goes_to_postgresql_and_back_whole(tmp_path: Path, postgres_url: str) -> None:
    sqlite = Settings(_env_file=None, db_path=tmp_path / "a" / "news.sqlite3", load_seeds=False)
    postgres = Settings(_env_file=None, db_path=tmp_path / "b" / "x", database_url=postgres_url, load_seeds=False)
    back = Settings(_env_file=None, db_path=tmp_path / "c" / "news.sqlite3", load_seeds=False)
    await _fill(sqlite, tmp_path)
    expected = await _counts(sqlite)
    assert all(expected.values()), expected  # every table has rows to copy

    assert all(table.complete for table in await _copy(sqlite, postgres))
    assert await _counts(postgres) == expected
    async with await Archive.open(postgres) as moved:  # a replica's first start: its index is built from the store
        hit = (await moved.search("topic7")).hits[0]
        assert hit.headline.id == 7 and hit.headline.title == "Story number 7"
        assert (await moved.article(5)).views == 1
        assert [t.words for t in await moved.follows.topics(77)] == ["camp albania"]
        assert await moved.language(77) == "fa"
        new = await moved.load([str(write_jsonl(tmp_path / "b.jsonl", [article(100)]))])
        assert new.new == 1 and await moved.store.find_id("https://news.example.com/story-100") == 40  # after the ids

    assert all(table.complete for table in await _copy(postgres, back))
    grown = {"articles": 39, "passages": 39, "changes": expected["changes"] + 1, "loads": expected["loads"] + 1}
    assert await _counts(back) == {**expected, **grown}  # with the article loaded on PostgreSQL


async def test_an_interrupted_copy_carries_on_where_it_stopped(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite = Settings(_env_file=None, db_path=tmp_path / "a" / "news.sqlite3", load_seeds=False)
    postgres = Settings(_env_file=None, db_path=tmp_path / "b" / "x", database_url=postgres_url, load_seeds=False)
    await _fill(sqlite, tmp_path)
    monkeypatch.setattr(copying, "BATCH", 10)
    source, target = store_for(sqlite), store_for(postgres)
    await source.open()
    await target.open()
    seen: list[tuple[str, int]] = []

    def cut(table: str, rows: int) -> None:
        seen.append((table, rows))
        if table == "passages" and len(seen) == 6:
            raise KeyboardInterrupt  # the admin pressed Ctrl-C

    try:
        with pytest.raises(KeyboardInterrupt):
            await copy_store(source, target, cut)
        (copied,) = await target.db.fetchone("SELECT count(*) FROM passages")
        assert copied == 20  # two batches of passages committed
        again: list[tuple[str, int]] = []
        results = await copy_store(source, target, lambda table, rows: again.append((table, rows)))
    finally:
        await source.close()
        await target.close()
    assert all(table.complete for table in results)
    assert sum(rows for table, rows in again if table == "passages") == 38 - 20  # only what was left
