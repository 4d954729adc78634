import asyncio
import sqlite3
from pathlib import Path

import pytest

from retrieval import Archive, Settings
from retrieval.ingest.records import article_from_fields, content_hash
from retrieval.search.index_sync import IndexSync
from retrieval.store.articles import SqlStore
from retrieval.store.connect import store_for
from retrieval.store.migrations import MIGRATIONS, schema_version
from tests.conftest import article, write_jsonl


def _store(settings: Settings) -> SqlStore:
    return store_for(settings)


async def test_new_store_is_migrated(settings: Settings) -> None:
    store = _store(settings)
    await store.open()
    try:
        assert await store.pristine()
        assert await schema_version(store.db) == len(MIGRATIONS)
        rows = await store.db.fetchall("SELECT name FROM schema_migrations ORDER BY version")
    finally:
        await store.close()
    assert [row[0] for row in rows] == [migration.name for migration in MIGRATIONS]
    if settings.database_url is None:
        with sqlite3.connect(settings.db_path) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_reopening_applies_nothing_twice(settings: Settings) -> None:
    for _ in range(2):
        store = _store(settings)
        await store.open()
        await store.close()
    store = _store(settings)
    await store.open()
    try:
        assert await store.db.fetchone("SELECT count(*) FROM schema_migrations") == (len(MIGRATIONS),)
    finally:
        await store.close()


async def test_replicas_starting_together_migrate_once(settings: Settings) -> None:
    """Several processes opening a new store at once: each version is applied exactly once."""
    stores = [_store(settings) for _ in range(3)]
    await asyncio.gather(*(store.open() for store in stores))
    try:
        rows = await stores[0].db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [row[0] for row in rows] == list(range(1, len(MIGRATIONS) + 1))
    finally:
        for store in stores:
            await store.close()


async def test_an_archive_from_before_feeds_upgrades_and_reloads_unchanged(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store of the first schema gains the feed and outbox tables; its articles keep their hashes."""
    from retrieval.store import migrations

    rows = [article(1), article(2)]
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    old = _store(settings)
    await old.open()
    async with old.db.transaction() as tx:  # what the first version wrote: no author, no summary
        for row in rows:
            fields = article_from_fields(row, site_url="https://news.example.com", source="a.jsonl", where="")
            await tx.execute(
                "INSERT INTO articles (url, title, body, added_at, updated_at, source, content_hash)"
                " VALUES (?, ?, ?, 0, 0, 'a.jsonl', ?)",
                (fields.url, fields.title, fields.body, content_hash(fields)),
            )
    await old.close()
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS)
    async with await Archive.open(settings) as upgraded:
        assert await schema_version(upgraded.store.db) == len(MIGRATIONS)
        again = await upgraded.load([str(write_jsonl(tmp_path / "a.jsonl", rows))])
        assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
        stored = await upgraded.article(1)
        assert (stored.author, stored.summary) == ("", "")
        assert await upgraded.feeds.all() == []


async def test_an_index_from_before_store_generations_is_kept_not_rebuilt(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Upgrading adopts the store's generation into the index; a rebuild (minutes at 1M passages) is not needed."""
    import json

    from retrieval.search import index as index_module

    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1)]))])
        generation = await archive.store.generation()
    params = settings.resolved_index_path / index_module._PARAMS_FILE
    stored = json.loads(params.read_text())
    del stored["store"]
    params.write_text(json.dumps(stored))

    async def no_rebuild(self: IndexSync) -> int:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(IndexSync, "rebuild", no_rebuild)
    async with await Archive.open(settings) as archive:
        assert archive.index.params.store == generation
        assert (await archive.search("topic1")).hits


async def test_latest_reads_its_page_through_an_index_on_both_stores(settings: Settings, tmp_path: Path) -> None:
    """The order "dated first" has its own index, so a page of /latest reads its rows, not the whole table."""
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, published="2024-01-01"), article(2)]))])
        db = archive.store.db
        query = (
            "SELECT a.id FROM articles a"
            " ORDER BY (a.published IS NULL), coalesce(a.published, a.added_at) DESC, a.id DESC LIMIT 5 OFFSET 0"
        )
        if db.dialect == "sqlite":
            plan = " ".join(str(row) for row in await db.fetchall("EXPLAIN QUERY PLAN " + query))
        else:
            async with db.transaction() as tx:  # one connection: two rows, PostgreSQL would rather scan them
                await tx.execute("SET LOCAL enable_seqscan = off")
                plan = " ".join(str(row) for row in await tx.fetchall("EXPLAIN " + query))
        assert "articles_by_recency" in plan
        assert [h.id for h in await archive.latest(5)] == [1, 2]
