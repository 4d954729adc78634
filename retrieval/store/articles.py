"""The store: articles, passages, opens and the change log, in SQL that SQLite and PostgreSQL both run.

One implementation of ``Store`` (``retrieval.store.interface``) over a
``Database`` (``retrieval.store.database``): the embedded default is one
SQLite file, and several bot replicas share one PostgreSQL database through
the same code (``retrieval.store.connect.open_store``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

from retrieval.errors import NotFoundError, is_disk_full
from retrieval.models import (
    AnswerSource,
    Article,
    Headline,
    IndexArticle,
    LastLoad,
    LoadReport,
    Outcome,
    PassageSpan,
    PreparedArticle,
    StoreStats,
)
from retrieval.store.database import Database, Row, Transaction, chunks, from_epoch, marks, require_id, to_epoch
from retrieval.store.locks import ArchiveLock
from retrieval.store.migrations import migrate

log = logging.getLogger(__name__)

_HEADLINE_COLUMNS = "a.id, a.url, a.title, a.published, a.views + a.opens"
# Writers that append to the change log hold this until they commit, so change
# numbers commit in order (see ``Transaction.serialize``), and tell replicas
# listening on CHANGES_CHANNEL to index what changed.
CHANGE_LOG = "changes"
CHANGES_CHANNEL = "newsbot_changes"
GENERATION = "store-generation"


def _headline(row: Row) -> Headline:
    return Headline(id=row[0], url=row[1], title=row[2], published=from_epoch(row[3]), views=row[4])


# An article's passage offsets in one column, packed as "id start end,…" in
# order: one query per batch of articles (each round trip costs more than the SQL).
_SPANS_COLUMN = {
    "sqlite": (
        "(SELECT group_concat(p.id || ' ' || p.start || ' ' || p.\"end\", ',')"
        " FROM (SELECT id, start, \"end\" FROM passages WHERE article_id = a.id ORDER BY seq) p)"
    ),
    "postgresql": (
        "(SELECT string_agg(p.id || ' ' || p.start || ' ' || p.\"end\", ',' ORDER BY p.seq)"
        " FROM passages p WHERE p.article_id = a.id)"
    ),
}


def _unpack_spans(packed: str | None) -> tuple[PassageSpan, ...]:
    if not packed:
        return ()
    return tuple(PassageSpan(*map(int, item.split())) for item in packed.split(","))


def _index_article(row: Row) -> IndexArticle:
    return IndexArticle(row[0], row[1], row[2], from_epoch(row[3]), _unpack_spans(row[4]), row[5])


class SqlStore:
    """Articles, passages, opens and the change log of one database."""

    def __init__(self, db: Database, lock: ArchiveLock | None = None) -> None:
        self.db = db
        # Held shared from open to close, so a restore cannot replace the file under this process (SQLite only).
        self.lock = lock
        spans = _SPANS_COLUMN[db.dialect]
        self._spans = spans
        self._index_columns = f"a.id, a.title, a.body, a.published, {spans}, a.lang"

    async def open(self) -> None:
        """Take the archive lock, connect and migrate; nothing is left open if any of it fails."""
        if self.lock is not None:
            self.lock.acquire()
        try:
            await self.db.open()
        except BaseException:
            if self.lock is not None:
                self.lock.release()
            raise
        try:
            await migrate(self.db)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        await self.db.close()
        if self.lock is not None:
            self.lock.release()

    async def pristine(self) -> bool:
        """True for a new store: no article, and nothing ever loaded (where the demo articles go)."""
        (empty,) = await self.db.fetchone(
            "SELECT NOT EXISTS (SELECT 1 FROM articles) AND NOT EXISTS (SELECT 1 FROM loads)"
        )
        return bool(empty)

    async def generation(self) -> str:
        """This store's identity, kept by every search index built from it.

        A restore gives the store a new one (the restore forgets it): its change
        log went back in time, so an index built before must be rebuilt,
        however far its change numbers reach.
        """
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (GENERATION, secrets.token_hex(8)),
            )
            (value,) = await tx.fetchone("SELECT value FROM secrets WHERE name = ?", (GENERATION,))
        return value

    async def upsert(self, batch: Sequence[PreparedArticle]) -> list[tuple[Outcome, int | None, str | None]]:
        results: list[tuple[Outcome, int | None, str | None]] = []
        now = to_epoch(datetime.now(UTC))
        async with self.db.transaction() as tx:
            await tx.serialize(CHANGE_LOG)
            await tx.notify(CHANGES_CHANNEL)
            for prepared in batch:
                await tx.execute("SAVEPOINT article")
                try:
                    outcome, article_id = await self._upsert_one(tx, prepared, now)
                except self.db.statement_errors as error:
                    if is_disk_full(error):
                        raise
                    await tx.execute("ROLLBACK TO SAVEPOINT article")
                    await tx.execute("RELEASE SAVEPOINT article")
                    results.append((Outcome.FAILED, None, f"could not store: {error}"))
                    continue
                await tx.execute("RELEASE SAVEPOINT article")
                results.append((outcome, article_id, None))
        return results

    async def _upsert_one(self, tx: Transaction, prepared: PreparedArticle, now: int) -> tuple[Outcome, int]:
        article = prepared.article
        existing = await tx.fetchone("SELECT id, content_hash, views FROM articles WHERE url = ?", (article.url,))
        if existing is None:
            (article_id,) = await tx.fetchone(
                "INSERT INTO articles"
                " (url, title, body, published, added_at, updated_at, source, content_hash, views, author, summary, lang)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
                    prepared.language,
                ),
            )
            await self._replace_passages(tx, article_id, prepared)
            return Outcome.NEW, article_id
        article_id, old_hash, old_views = existing
        views = old_views if article.views is None else article.views
        if old_hash == prepared.content_hash:
            if views == old_views:
                return Outcome.UNCHANGED, article_id
            await tx.execute("UPDATE articles SET views = ?, updated_at = ? WHERE id = ?", (views, now, article_id))
            return Outcome.UPDATED, article_id
        await tx.execute(
            "UPDATE articles SET title = ?, body = ?, published = coalesce(?, published), updated_at = ?,"
            " source = ?, content_hash = ?, views = ?, author = coalesce(nullif(?, ''), author),"
            " summary = coalesce(nullif(?, ''), summary), lang = ? WHERE id = ?",
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
                prepared.language,
                article_id,
            ),
        )
        await self._replace_passages(tx, article_id, prepared)
        return Outcome.UPDATED, article_id

    async def _replace_passages(self, tx: Transaction, article_id: int, prepared: PreparedArticle) -> None:
        await tx.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
        await tx.executemany(
            'INSERT INTO passages (article_id, seq, start, "end", text) VALUES (?, ?, ?, ?, ?)',
            [(article_id, seq, c.start, c.end, c.text) for seq, c in enumerate(prepared.chunks)],
        )
        await tx.execute("INSERT INTO changes (article_id) VALUES (?)", (article_id,))

    async def delete(self, article_id: int) -> None:
        require_id(article_id, f"no article with id {article_id}")
        async with self.db.transaction() as tx:
            await tx.serialize(CHANGE_LOG)
            await tx.notify(CHANGES_CHANNEL)
            if await tx.execute("DELETE FROM articles WHERE id = ?", (article_id,)) == 0:
                raise NotFoundError(f"no article with id {article_id}")
            await tx.execute("INSERT INTO changes (article_id) VALUES (?)", (article_id,))

    async def find_id(self, url: str) -> int | None:
        row = await self.db.fetchone("SELECT id FROM articles WHERE url = ?", (url,))
        return None if row is None else row[0]

    async def content_hashes(self, urls: Sequence[str], first: int) -> dict[int, str]:
        """The content hash of each article stored under one of ``urls`` and of the ``first`` articles ever stored.

        Both by index (the URLs' and the primary key), however big the archive.
        """
        found: dict[int, str] = {}
        for chunk in chunks(urls):
            rows = await self.db.fetchall(f"SELECT id, content_hash FROM articles WHERE url IN ({marks(chunk)})", chunk)
            found.update(dict(rows))
        found.update(dict(await self.db.fetchall("SELECT id, content_hash FROM articles ORDER BY id LIMIT ?", (first,))))
        return found

    async def find_ids(self, urls: Sequence[str]) -> dict[str, int]:
        """The ids of the articles stored under these URLs (unknown URLs left out)."""
        found: dict[str, int] = {}
        for chunk in chunks(urls):
            rows = await self.db.fetchall(f"SELECT url, id FROM articles WHERE url IN ({marks(chunk)})", chunk)
            found.update({row[0]: row[1] for row in rows})
        return found

    async def article(self, article_id: int) -> Article:
        require_id(article_id, f"no article with id {article_id}")
        row = await self.db.fetchone(
            "SELECT id, url, title, body, published, added_at, source, views + opens, author, summary, lang"
            " FROM articles WHERE id = ?",
            (article_id,),
        )
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
            language=row[10],
        )

    async def latest(self, limit: int, offset: int = 0) -> list[Headline]:
        """Dated articles newest first, then undated ones by when they were added (index ``articles_by_recency``)."""
        rows = await self.db.fetchall(
            f"SELECT {_HEADLINE_COLUMNS} FROM articles a"
            " ORDER BY (a.published IS NULL), coalesce(a.published, a.added_at) DESC, a.id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_headline(row) for row in rows]

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
        return [_headline(row) for row in await self.db.fetchall(sql, params)]

    async def record_open(self, article_id: int, at: datetime, via: str = "", reader: str | None = None) -> None:
        require_id(article_id, f"no article with id {article_id}")
        async with self.db.transaction() as tx:
            if await tx.execute("UPDATE articles SET opens = opens + 1 WHERE id = ?", (article_id,)) == 0:
                raise NotFoundError(f"no article with id {article_id}")
            await tx.execute(
                "INSERT INTO opens (article_id, opened_at, via, reader) VALUES (?, ?, ?, ?)",
                (article_id, to_epoch(at), via, reader),
            )

    async def answer_sources(self, article_ids: Sequence[int]) -> dict[int, AnswerSource]:
        if not article_ids:
            return {}
        rows = await self.db.fetchall(
            f"SELECT {_HEADLINE_COLUMNS}, a.body, {self._spans}, a.lang FROM articles a"
            f" WHERE a.id IN ({marks(article_ids)})",
            tuple(article_ids),
        )
        return {row[0]: AnswerSource(_headline(row[:5]), row[5], _unpack_spans(row[6]), row[7]) for row in rows}

    async def openings(self, article_ids: Sequence[int], chars: int) -> dict[int, tuple[str, datetime | None]]:
        if not article_ids:
            return {}
        rows = await self.db.fetchall(
            f"SELECT a.id, substr(a.body, 1, ?), a.published FROM articles a WHERE a.id IN ({marks(article_ids)})",
            (chars, *article_ids),
        )
        return {row[0]: (row[1], from_epoch(row[2])) for row in rows}

    async def index_documents(self, article_ids: Sequence[int]) -> list[IndexArticle]:
        if not article_ids:
            return []
        rows = await self.db.fetchall(
            f"SELECT {self._index_columns} FROM articles a WHERE a.id IN ({marks(article_ids)}) ORDER BY a.id",
            tuple(article_ids),
        )
        return [_index_article(row) for row in rows]

    async def iter_index_documents(self, batch_size: int = 500) -> AsyncIterator[list[IndexArticle]]:
        last = 0
        while True:
            rows = await self.db.fetchall(
                f"SELECT {self._index_columns} FROM articles a WHERE a.id > ? ORDER BY a.id LIMIT ?", (last, batch_size)
            )
            if not rows:
                return
            last = rows[-1][0]
            yield [_index_article(row) for row in rows]

    async def unknown_languages(self, after: int, limit: int, chars: int) -> list[tuple[int, str, str]]:
        """(id, title, opening) of articles stored without a language, by id after ``after``."""
        rows = await self.db.fetchall(
            "SELECT id, title, substr(body, 1, ?) FROM articles WHERE lang = '' AND id > ? ORDER BY id LIMIT ?",
            (chars, after, limit),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def set_languages(self, languages: Sequence[tuple[int, str]]) -> None:
        """Record detected languages of articles that had none (no change logged: their index terms are the same)."""
        async with self.db.transaction() as tx:
            await tx.executemany("UPDATE articles SET lang = ? WHERE id = ? AND lang = ''", [(code, key) for key, code in languages])

    async def changes_since(self, seq: int, limit: int = 1000) -> tuple[list[int], int]:
        rows = await self.db.fetchall(
            "SELECT seq, article_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
        )
        if not rows:
            return [], seq
        return list(dict.fromkeys(row[1] for row in rows)), rows[-1][0]

    async def last_change(self) -> int:
        (seq,) = await self.db.fetchone("SELECT coalesce(max(seq), 0) FROM changes")
        return seq

    async def record_load(self, source: str, report: LoadReport, started: datetime, finished: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
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
        articles, passages, opens = await self.db.fetchone(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM passages), (SELECT count(*) FROM opens)"
        )
        load = await self.db.fetchone(
            "SELECT finished_at, source, new, updated, unchanged, failed FROM loads ORDER BY id DESC LIMIT 1"
        )
        languages = await self.db.fetchall("SELECT lang, count(*) FROM articles GROUP BY lang ORDER BY count(*) DESC, lang")
        return StoreStats(
            articles=articles,
            passages=passages,
            opens=opens,
            last_load=LastLoad(from_epoch(load[0]), *load[1:]) if load else None,
            db_bytes=await self.db.size_bytes(),
            languages=tuple((row[0], row[1]) for row in languages),
        )
