"""Feeds, the items they offered, and the lease that lets one poller at a time poll a feed.

Shares the article store's database, so an article and the feed item that
brought it commit together. A lease is a time: ``claim`` sets
``lease_until`` only if it has passed, in one conditional UPDATE, so two
processes (the bot and ``newsbot feeds check`` from cron, or two replicas)
never poll one feed at once, and a poller that died frees its feeds when
its lease runs out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from retrieval.errors import IngestError, NotFoundError
from retrieval.feeds.models import Feed, FeedStats
from retrieval.store.database import Database, Row, chunks, from_epoch, marks, require_id, to_epoch

_FEED_COLUMNS = (
    "id, url, title, kind, interval_seconds, added_at, paused_reason, etag, last_modified, last_polled_at,"
    " last_success_at, next_poll_at, error_count, last_error, polls, items_added, language"
)
# An item that failed this many polls in a row (its page is gone, say) is not tried again.
MAX_ITEM_ATTEMPTS = 3


def _feed(row: Row) -> Feed:
    return Feed(
        id=row[0],
        url=row[1],
        title=row[2],
        kind=row[3],
        interval_seconds=row[4],
        added_at=from_epoch(row[5]),
        paused_reason=row[6],
        etag=row[7],
        last_modified=row[8],
        last_polled_at=from_epoch(row[9]),
        last_success_at=from_epoch(row[10]),
        next_poll_at=from_epoch(row[11]),
        error_count=row[12],
        last_error=row[13],
        polls=row[14],
        items_added=row[15],
        language=row[16],
    )


class StoredFeeds:
    """The feed tables of one store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, url: str, interval: timedelta, now: datetime, language: str = "") -> Feed:
        """Add a feed, due at once, its articles in ``language`` if given (IngestError if that URL is a feed already)."""
        async with self.db.transaction() as tx:
            existing = await tx.fetchone("SELECT id FROM feeds WHERE url = ?", (url,))
            if existing is not None:
                raise IngestError("this is feed {number} already", where=url, number=existing[0])
            (feed_id,) = await tx.fetchone(
                "INSERT INTO feeds (url, interval_seconds, added_at, next_poll_at, language) VALUES (?, ?, ?, ?, ?)"
                " RETURNING id",
                (url, int(interval.total_seconds()), to_epoch(now), to_epoch(now), language),
            )
        return await self.get(feed_id)

    async def get(self, feed_id: int) -> Feed:
        require_id(feed_id, f"no feed with id {feed_id}")
        row = await self.db.fetchone(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
        if row is None:
            raise NotFoundError(f"no feed with id {feed_id}")
        return _feed(row)

    async def all(self) -> list[Feed]:
        return [_feed(row) for row in await self.db.fetchall(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY id")]

    async def remove(self, feed_id: int) -> Feed:
        """Forget a feed and the items it offered; the articles it brought stay."""
        feed = await self.get(feed_id)
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        return feed

    async def set_paused(self, feed_id: int, reason: str | None, now: datetime) -> Feed:
        """Pause with ``reason``, or resume (None): a resumed feed is due at once with its errors forgotten."""
        require_id(feed_id, f"no feed with id {feed_id}")
        async with self.db.transaction() as tx:
            if reason is None:
                changed = await tx.execute(
                    "UPDATE feeds SET paused_reason = NULL, error_count = 0, next_poll_at = ? WHERE id = ?",
                    (to_epoch(now), feed_id),
                )
            else:
                changed = await tx.execute("UPDATE feeds SET paused_reason = ? WHERE id = ?", (reason, feed_id))
            if changed == 0:
                raise NotFoundError(f"no feed with id {feed_id}")
        return await self.get(feed_id)

    async def due(self, now: datetime) -> list[int]:
        """Ids of feeds whose turn has come, the longest waiting first."""
        rows = await self.db.fetchall(
            "SELECT id FROM feeds WHERE paused_reason IS NULL AND next_poll_at <= ? ORDER BY next_poll_at, id",
            (to_epoch(now),),
        )
        return [row[0] for row in rows]

    async def claim(self, feed_id: int, now: datetime, lease: timedelta) -> bool:
        """Take the right to poll this feed until ``now + lease``; False if another poller holds it."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE feeds SET lease_until = ? WHERE id = ? AND (lease_until IS NULL OR lease_until <= ?)",
                (to_epoch(now + lease), feed_id, to_epoch(now)),
            )
            return changed == 1

    async def release(self, feed_id: int) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE feeds SET lease_until = NULL WHERE id = ?", (feed_id,))

    async def record_success(
        self,
        feed_id: int,
        now: datetime,
        *,
        title: str,
        kind: str,
        etag: str | None,
        last_modified: str | None,
        added: int,
    ) -> None:
        """A poll that worked: errors forgotten, next poll one interval away, the lease given back."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE feeds SET title = coalesce(nullif(?, ''), title), kind = coalesce(nullif(?, ''), kind),"
                " etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), last_polled_at = ?,"
                " last_success_at = ?, next_poll_at = ? + interval_seconds, error_count = 0, last_error = NULL,"
                " polls = polls + 1, items_added = items_added + ?, lease_until = NULL WHERE id = ?",
                (title, kind, etag, last_modified, to_epoch(now), to_epoch(now), to_epoch(now), added, feed_id),
            )

    async def record_failure(
        self, feed_id: int, now: datetime, error: str, retry_at: datetime, pause_reason: str | None
    ) -> None:
        """A poll that failed: counted, retried at ``retry_at``, paused when ``pause_reason`` is given."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE feeds SET last_polled_at = ?, next_poll_at = ?, error_count = error_count + 1,"
                " last_error = ?, polls = polls + 1, paused_reason = coalesce(?, paused_reason), lease_until = NULL"
                " WHERE id = ?",
                (to_epoch(now), to_epoch(retry_at), error, pause_reason, feed_id),
            )

    async def settled(self, feed_id: int, guids: Sequence[str], urls: Sequence[str]) -> tuple[set[str], set[str]]:
        """Which of these guids this feed has dealt with, and which URLs the archive holds or gave up on.

        An item is dealt with once stored or after ``MAX_ITEM_ATTEMPTS``
        failed tries; a URL counts whichever feed (or load) brought it, so
        one story in two feeds is stored once.
        """
        known_guids: set[str] = set()
        known_urls: set[str] = set()
        for chunk in chunks(guids):
            rows = await self.db.fetchall(
                f"SELECT guid FROM feed_items WHERE feed_id = ? AND guid IN ({marks(chunk)})"
                " AND (article_id IS NOT NULL OR attempts >= ?)",
                (feed_id, *chunk, MAX_ITEM_ATTEMPTS),
            )
            known_guids.update(row[0] for row in rows)
        for chunk in chunks(urls):
            rows = await self.db.fetchall(f"SELECT url FROM articles WHERE url IN ({marks(chunk)})", tuple(chunk))
            known_urls.update(row[0] for row in rows)
            rows = await self.db.fetchall(
                f"SELECT url FROM feed_items WHERE url IN ({marks(chunk)}) AND attempts >= ? AND article_id IS NULL",
                (*chunk, MAX_ITEM_ATTEMPTS),
            )
            known_urls.update(row[0] for row in rows)
        return known_guids, known_urls

    async def record_items(
        self, feed_id: int, items: Iterable[tuple[str, str, int | None, str | None]], now: datetime
    ) -> None:
        """Remember ``(guid, url, article id or None, error or None)`` per item offered this poll.

        Nothing is kept for a feed removed while it was being polled.
        """
        async with self.db.transaction() as tx:
            if await tx.fetchone("SELECT 1 FROM feeds WHERE id = ?", (feed_id,)) is None:
                return
            await tx.executemany(
                "INSERT INTO feed_items (feed_id, guid, url, article_id, seen_at, error) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (feed_id, guid) DO UPDATE SET attempts = feed_items.attempts + 1, url = excluded.url,"
                " article_id = coalesce(excluded.article_id, feed_items.article_id), error = excluded.error",
                [(feed_id, guid, url, article_id, to_epoch(now), error) for guid, url, article_id, error in items],
            )

    async def stats(self, since: datetime, posts: dict[str, int]) -> FeedStats:
        """Feeds and the articles they brought since ``since``, beside the channel ``posts`` by status."""
        feeds, paused, failing, last_poll = await self.db.fetchone(
            "SELECT count(*), count(paused_reason), count(*) FILTER (WHERE error_count > 0), max(last_polled_at)"
            " FROM feeds"
        )
        (new_today,) = await self.db.fetchone(
            "SELECT count(DISTINCT article_id) FROM feed_items WHERE article_id IS NOT NULL AND seen_at >= ?",
            (to_epoch(since),),
        )
        return FeedStats(feeds, paused, failing, from_epoch(last_poll), new_today, posts)
