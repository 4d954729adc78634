"""Schema migrations for the SQLite store, one named function per version.

Each runs in its own transaction and is recorded in ``schema_migrations``;
``MIGRATIONS`` is append-only. Times are integer Unix seconds (UTC).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

Migration = Callable[[aiosqlite.Connection], Awaitable[None]]


async def create_articles_passages_opens(db: aiosqlite.Connection) -> None:
    """Articles, their passages, reader opens, the index change log, loads."""
    await _run_script(
        db,
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            published INTEGER,
            added_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL,
            views INTEGER NOT NULL DEFAULT 0,
            opens INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX articles_by_date ON articles (coalesce(published, added_at) DESC, id DESC);
        CREATE INDEX articles_by_views ON articles ((views + opens) DESC, id DESC);

        CREATE TABLE passages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (article_id, seq)
        );

        CREATE TABLE opens (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            opened_at INTEGER NOT NULL
        );
        CREATE INDEX opens_by_time ON opens (opened_at, article_id);
        CREATE INDEX opens_by_article ON opens (article_id);

        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL
        );

        CREATE TABLE loads (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER NOT NULL,
            new INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            unchanged INTEGER NOT NULL,
            failed INTEGER NOT NULL
        );
        """
    )


async def _run_script(db: aiosqlite.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit midway."""
    for statement in script.split(";"):
        if statement.strip():
            await db.execute(statement)


MIGRATIONS: list[Migration] = [create_articles_passages_opens]
