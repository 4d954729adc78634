"""The feeds of an archive as front ends use them: add (with its backfill), list, pause, resume, remove, poll."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from retrieval.errors import IngestError
from retrieval.feeds.models import PAUSED_BY_ADMIN, Feed, FeedStats
from retrieval.feeds.poller import FeedPoller, PollResult
from retrieval.feeds.table import StoredFeeds
from retrieval.ingest.fetch import split_url


class Feeds:
    """The feed table and the poller of one archive."""

    def __init__(self, table: StoredFeeds, poller: FeedPoller) -> None:
        self._table = table
        self._poller = poller

    async def add(self, url: str, interval: timedelta, language: str = "") -> tuple[Feed, PollResult]:
        """Add a feed and poll it at once (its backfill); IngestError, and nothing kept, if it is not a feed.

        ``language`` (a code) is the language of its articles whatever the feed and its pages say.

        Returns the feed and what the first poll did (``PollResult.summary`` says it in words).
        """
        url = url.strip()
        split_url(url)  # FetchError for what cannot be a feed's address
        feed = await self._table.add(url, interval, datetime.now(UTC), language)
        result = await self._poller.poll(feed.id)
        if result.error is not None:
            await self._table.remove(feed.id)
            raise result.failure.moved(url) if result.failure else IngestError("{reason}", where=url, reason=result.error)
        return await self._table.get(feed.id), result

    async def all(self) -> list[Feed]:
        return await self._table.all()

    async def get(self, feed_id: int) -> Feed:
        """One feed (NotFoundError if there is none with that number)."""
        return await self._table.get(feed_id)

    async def pause(self, feed_id: int) -> Feed:
        """Stop polling a feed until an admin resumes it."""
        return await self._table.set_paused(feed_id, PAUSED_BY_ADMIN, datetime.now(UTC))

    async def resume(self, feed_id: int) -> Feed:
        """Poll a paused feed again, at once, its errors forgotten."""
        return await self._table.set_paused(feed_id, None, datetime.now(UTC))

    async def remove(self, feed_id: int) -> Feed:
        """Forget a feed and the items it offered; the articles it brought stay."""
        return await self._table.remove(feed_id)

    async def poll(self, feed_id: int, now: datetime | None = None) -> PollResult:
        """Poll one feed at ``now`` (default: now), due or not (NotFoundError if there is none with that number)."""
        return await self._poller.poll(feed_id, now)

    async def poll_due(self, now: datetime | None = None) -> list[PollResult]:
        """Poll every feed whose turn has come (the bot's job, ``newsbot feeds check`` from cron)."""
        return await self._poller.poll_due(now)

    async def poll_active(self) -> list[PollResult]:
        """Poll every feed that is not paused, now."""
        return [await self._poller.poll(feed.id) for feed in await self._table.all() if not feed.paused]

    async def stats(self, since: datetime, posts: dict[str, int]) -> FeedStats:
        return await self._table.stats(since, posts)
