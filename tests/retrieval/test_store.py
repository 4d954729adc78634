import sqlite3
from pathlib import Path

from retrieval.migrations import MIGRATIONS
from retrieval.sqlite_store import SQLiteStore


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
