"""The SQLite implementation of ``Store`` (one file, WAL, aiosqlite).

Two connections: one writer, serialised by a lock so a bulk load's
transaction never absorbs another coroutine's write, and one reader, which
WAL lets run beside it and which only ever sees committed articles.
``synchronous=FULL`` because a committed article must survive a power cut.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from retrieval.errors import DiskFullError, NotFoundError, is_disk_full
from retrieval.migrations import MIGRATIONS
from retrieval.models import (
    AnswerSource,
    Article,
    Headline,
    IndexArticle,
    LoadReport,
    Outcome,
    PassageSpan,
    PreparedArticle,
    StoreStats,
)

log = logging.getLogger(__name__)

_HEADLINE_COLUMNS = "a.id, a.url, a.title, a.published, a.views + a.opens"


def to_epoch(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def from_epoch(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _headline(row: sqlite3.Row | tuple) -> Headline:
    return Headline(id=row[0], url=row[1], title=row[2], published=from_epoch(row[3]), views=row[4])


# An article's passage offsets in one column, packed as "id start end,…" in
# order: one query per batch of articles (each round trip through aiosqlite's
# thread costs more than the SQL).
_SPANS_COLUMN = (
    "(SELECT group_concat(p.id || ' ' || p.start || ' ' || p.end, ',')"
    " FROM (SELECT id, start, end FROM passages WHERE article_id = a.id ORDER BY seq) p)"
)
_INDEX_COLUMNS = f"a.id, a.title, a.body, a.published, {_SPANS_COLUMN}"


def _unpack_spans(packed: str | None) -> tuple[PassageSpan, ...]:
    if not packed:
        return ()
    return tuple(PassageSpan(*map(int, item.split())) for item in packed.split(","))


def _index_article(row: sqlite3.Row | tuple) -> IndexArticle:
    return IndexArticle(row[0], row[1], row[2], from_epoch(row[3]), _unpack_spans(row[4]))


def connect_read_only(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    """A synchronous read-only connection, for checks and backups from outside the store."""
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)


def count_articles(path: Path) -> int:
    """How many articles the store file at ``path`` holds (sqlite3.Error if unreadable)."""
    with connect_read_only(path) as db:
        return db.execute("SELECT count(*) FROM articles").fetchone()[0]


def chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """``values`` in slices small enough for one ``IN (?, …)`` each."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


class SQLiteStore:
    """Articles, passages, opens and the change log in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self.created = False

    async def _connect(self) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await db.execute("PRAGMA busy_timeout = 10000")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA synchronous = FULL")
        except BaseException:
            await db.close()  # else its thread keeps the process alive
            raise
        return db

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        await self._writer.execute("PRAGMA journal_mode = WAL")
        await self._migrate()
        self._reader = await self._connect()

    async def close(self) -> None:
        for db in (self._reader, self._writer):
            if db is not None:
                await db.close()
        self._reader = self._writer = None

    @property
    def _w(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise RuntimeError("store is not open")
        return self._writer

    @property
    def reader(self) -> aiosqlite.Connection:
        """The read connection (sees committed data only); the feed and outbox tables read through it too."""
        if self._reader is None:
            raise RuntimeError("store is not open")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Serialise writers and wrap the block in BEGIN IMMEDIATE ... COMMIT."""
        async with self._write_lock:
            db = self._w
            await db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                await db.execute("COMMIT")
            except BaseException as error:
                if db.in_transaction:  # SQLite may have rolled back already (a full disk)
                    await db.execute("ROLLBACK")
                if is_disk_full(error):
                    raise DiskFullError(f"the disk holding the database ({self.path}) is full") from error
                raise

    async def _migrate(self) -> None:
        db = self._w
        await db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
        )
        async with db.execute("SELECT coalesce(max(version), 0) FROM schema_migrations") as cursor:
            (current,) = await cursor.fetchone()
        self.created = current == 0
        for version, migration in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            async with self.transaction() as tx:
                await migration(tx)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, migration.__name__, to_epoch(datetime.now(UTC))),
                )
            log.info("store migrated to version %d (%s)", version, migration.__name__)

    async def schema_version(self) -> int:
        async with self.reader.execute("SELECT coalesce(max(version), 0) FROM schema_migrations") as cursor:
            (version,) = await cursor.fetchone()
        return version

    async def upsert(self, batch: Sequence[PreparedArticle]) -> list[tuple[Outcome, int | None, str | None]]:
        results: list[tuple[Outcome, int | None, str | None]] = []
        now = to_epoch(datetime.now(UTC))
        async with self.transaction() as db:
            for prepared in batch:
                await db.execute("SAVEPOINT article")
                try:
                    outcome, article_id = await self._upsert_one(db, prepared, now)
                except sqlite3.Error as error:
                    if is_disk_full(error):
                        raise
                    await db.execute("ROLLBACK TO article")
                    await db.execute("RELEASE article")
                    results.append((Outcome.FAILED, None, f"could not store: {error}"))
                    continue
                await db.execute("RELEASE article")
                results.append((outcome, article_id, None))
        return results

    async def _upsert_one(self, db: aiosqlite.Connection, prepared: PreparedArticle, now: int) -> tuple[Outcome, int]:
        article = prepared.article
        async with db.execute("SELECT id, content_hash, views FROM articles WHERE url = ?", (article.url,)) as cursor:
            existing = await cursor.fetchone()
        if existing is None:
            cursor = await db.execute(
                "INSERT INTO articles"
                " (url, title, body, published, added_at, updated_at, source, content_hash, views, author, summary)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article.url,
                    article.title,
                    article.body,
                    to_epoch(article.published),
                    now,
                    now,
                    article.source,
                    prepared.content_hash,
                    article.views or 0,
                    article.author,
                    article.summary,
                ),
            )
            article_id = cursor.lastrowid
            await self._replace_passages(db, article_id, prepared)
            return Outcome.NEW, article_id
        article_id, old_hash, old_views = existing
        views = old_views if article.views is None else article.views
        if old_hash == prepared.content_hash:
            if views == old_views:
                return Outcome.UNCHANGED, article_id
            await db.execute("UPDATE articles SET views = ?, updated_at = ? WHERE id = ?", (views, now, article_id))
            return Outcome.UPDATED, article_id
        await db.execute(
            "UPDATE articles SET title = ?, body = ?, published = coalesce(?, published), updated_at = ?,"
            " source = ?, content_hash = ?, views = ?, author = coalesce(nullif(?, ''), author),"
            " summary = coalesce(nullif(?, ''), summary) WHERE id = ?",
            (
                article.title,
                article.body,
                to_epoch(article.published),
                now,
                article.source,
                prepared.content_hash,
                views,
                article.author,
                article.summary,
                article_id,
            ),
        )
        await self._replace_passages(db, article_id, prepared)
        return Outcome.UPDATED, article_id

    async def _replace_passages(self, db: aiosqlite.Connection, article_id: int, prepared: PreparedArticle) -> None:
        await db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
        await db.executemany(
            "INSERT INTO passages (article_id, seq, start, end, text) VALUES (?, ?, ?, ?, ?)",
            [(article_id, seq, c.start, c.end, c.text) for seq, c in enumerate(prepared.chunks)],
        )
        await db.execute("INSERT INTO changes (article_id) VALUES (?)", (article_id,))

    async def delete(self, article_id: int) -> None:
        async with self.transaction() as db:
            cursor = await db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"no article with id {article_id}")
            await db.execute("INSERT INTO changes (article_id) VALUES (?)", (article_id,))

    async def find_id(self, url: str) -> int | None:
        async with self.reader.execute("SELECT id FROM articles WHERE url = ?", (url,)) as cursor:
            row = await cursor.fetchone()
        return None if row is None else row[0]

    async def find_ids(self, urls: Sequence[str]) -> dict[str, int]:
        """The ids of the articles stored under these URLs (unknown URLs left out)."""
        found: dict[str, int] = {}
        for chunk in chunks(urls):
            marks = ",".join("?" * len(chunk))
            async with self.reader.execute(f"SELECT url, id FROM articles WHERE url IN ({marks})", chunk) as cursor:
                found.update({row[0]: row[1] for row in await cursor.fetchall()})
        return found

    async def article(self, article_id: int) -> Article:
        async with self.reader.execute(
            "SELECT id, url, title, body, published, added_at, source, views + opens, author, summary"
            " FROM articles WHERE id = ?",
            (article_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return Article(
            id=row[0],
            url=row[1],
            title=row[2],
            body=row[3],
            published=from_epoch(row[4]),
            added_at=from_epoch(row[5]),
            source=row[6],
            views=row[7],
            author=row[8],
            summary=row[9],
        )

    async def latest(self, limit: int, offset: int = 0) -> list[Headline]:
        async with self.reader.execute(
            f"SELECT {_HEADLINE_COLUMNS} FROM articles a"
            " ORDER BY coalesce(a.published, a.added_at) DESC, a.id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        ) as cursor:
            return [_headline(row) for row in await cursor.fetchall()]

    async def top(self, limit: int, offset: int = 0, since: datetime | None = None) -> list[Headline]:
        if since is None:
            sql = (
                f"SELECT {_HEADLINE_COLUMNS} FROM articles a"
                " ORDER BY a.views + a.opens DESC, a.id DESC LIMIT ? OFFSET ?"
            )
            params: tuple = (limit, offset)
        else:
            # In a window only recorded opens count; the headline still shows
            # the total so readers see one consistent number per article.
            sql = (
                f"SELECT {_HEADLINE_COLUMNS}, w.n FROM"
                " (SELECT article_id, count(*) AS n FROM opens WHERE opened_at >= ? GROUP BY article_id) w"
                " JOIN articles a ON a.id = w.article_id"
                " ORDER BY w.n DESC, a.views + a.opens DESC, a.id DESC LIMIT ? OFFSET ?"
            )
            params = (to_epoch(since), limit, offset)
        async with self.reader.execute(sql, params) as cursor:
            return [_headline(row) for row in await cursor.fetchall()]

    async def record_open(self, article_id: int, at: datetime, via: str = "", reader: str | None = None) -> None:
        async with self.transaction() as db:
            cursor = await db.execute("UPDATE articles SET opens = opens + 1 WHERE id = ?", (article_id,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"no article with id {article_id}")
            await db.execute(
                "INSERT INTO opens (article_id, opened_at, via, reader) VALUES (?, ?, ?, ?)",
                (article_id, to_epoch(at), via, reader),
            )

    async def answer_sources(self, article_ids: Sequence[int]) -> dict[int, AnswerSource]:
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        async with self.reader.execute(
            f"SELECT {_HEADLINE_COLUMNS}, a.body, {_SPANS_COLUMN} FROM articles a WHERE a.id IN ({marks})",
            tuple(article_ids),
        ) as cursor:
            rows = await cursor.fetchall()
        return {row[0]: AnswerSource(_headline(row[:5]), row[5], _unpack_spans(row[6])) for row in rows}

    async def index_documents(self, article_ids: Sequence[int]) -> list[IndexArticle]:
        if not article_ids:
            return []
        marks = ",".join("?" * len(article_ids))
        async with self.reader.execute(
            f"SELECT {_INDEX_COLUMNS} FROM articles a WHERE a.id IN ({marks}) ORDER BY a.id", tuple(article_ids)
        ) as cursor:
            return [_index_article(row) for row in await cursor.fetchall()]

    async def iter_index_documents(self, batch_size: int = 500) -> AsyncIterator[list[IndexArticle]]:
        last = 0
        while True:
            async with self.reader.execute(
                f"SELECT {_INDEX_COLUMNS} FROM articles a WHERE a.id > ? ORDER BY a.id LIMIT ?", (last, batch_size)
            ) as cursor:
                rows = await cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [_index_article(row) for row in rows]

    async def changes_since(self, seq: int, limit: int = 1000) -> tuple[list[int], int]:
        async with self.reader.execute(
            "SELECT seq, article_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
        ) as cursor:
            rows = await cursor.fetchall()
        if not rows:
            return [], seq
        return list(dict.fromkeys(row[1] for row in rows)), rows[-1][0]

    async def last_change(self) -> int:
        async with self.reader.execute("SELECT coalesce(max(seq), 0) FROM changes") as cursor:
            (seq,) = await cursor.fetchone()
        return seq

    async def record_load(self, source: str, report: LoadReport, started: datetime, finished: datetime) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO loads (source, started_at, finished_at, new, updated, unchanged, failed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    source,
                    to_epoch(started),
                    to_epoch(finished),
                    report.new,
                    report.updated,
                    report.unchanged,
                    report.failed,
                ),
            )

    async def stats(self) -> StoreStats:
        db = self.reader
        async with db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM passages), (SELECT count(*) FROM opens)"
        ) as cursor:
            articles, passages, opens = await cursor.fetchone()
        async with db.execute(
            "SELECT finished_at, source, new, updated, unchanged, failed FROM loads ORDER BY id DESC LIMIT 1"
        ) as cursor:
            load = await cursor.fetchone()
        summary = None
        if load is not None:
            summary = f"{load[1]}: {load[2]} new, {load[3]} updated, {load[4]} unchanged, {load[5]} failed"
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return StoreStats(
            articles=articles,
            passages=passages,
            opens=opens,
            last_load_at=from_epoch(load[0]) if load else None,
            last_load_summary=summary,
            db_bytes=size,
        )
