import sqlite3
from pathlib import Path

import pytest

from retrieval import Archive, Settings
from retrieval.migrations import MIGRATIONS
from retrieval.records import article_from_fields, content_hash
from retrieval.sqlite_store import SQLiteStore
from tests.conftest import article, write_jsonl


async def test_new_store_is_migrated_in_wal_mode(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "a" / "s.sqlite3")
    await store.open()
    try:
        assert store.created
        assert await store.schema_version() == len(MIGRATIONS)
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "a" / "s.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = [row[0] for row in db.execute("SELECT name FROM schema_migrations ORDER BY version")]
    assert names == [migration.__name__ for migration in MIGRATIONS]


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    for expected_created in (True, False):
        store = SQLiteStore(path)
        await store.open()
        assert store.created is expected_created
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)


async def test_an_archive_from_before_feeds_upgrades_and_reloads_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store of the first schema gains the feed and outbox tables; its articles keep their hashes."""
    from retrieval import migrations, sqlite_store

    rows = [article(1), article(2)]
    db_path = tmp_path / "old.sqlite3"
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", migrations.MIGRATIONS[:1])
    old = SQLiteStore(db_path)
    await old.open()
    async with old.transaction() as db:  # what the first version wrote: no author, no summary
        for row in rows:
            fields = article_from_fields(row, site_url="https://news.example.com", source="a.jsonl", where="")
            await db.execute(
                "INSERT INTO articles (url, title, body, added_at, updated_at, source, content_hash)"
                " VALUES (?, ?, ?, 0, 0, 'a.jsonl', ?)",
                (fields.url, fields.title, fields.body, content_hash(fields)),
            )
    await old.close()
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", migrations.MIGRATIONS)
    settings = Settings(_env_file=None, db_path=db_path, load_seeds=False)
    async with await Archive.open(settings) as upgraded:
        assert await upgraded.store.schema_version() == len(MIGRATIONS)
        again = await upgraded.load([str(write_jsonl(tmp_path / "a.jsonl", rows))])
        assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
        stored = await upgraded.article(1)
        assert (stored.author, stored.summary) == ("", "")
        assert await upgraded.feeds.all() == []
