"""Poll feeds and sitemaps: fetch, find the new items, load them, remember what was seen.

One poll of one feed, under its lease (``StoredFeeds.claim``):

1. a conditional GET (ETag / Last-Modified); 304 ends the poll;
2. parse (``retrieval.feeds.parse``); a sitemap index is followed one level down;
3. drop the items already dealt with, by guid in this feed and by canonical
   URL in the whole archive, so a re-published or re-ordered feed adds
   nothing twice; keep the newest ``MAX_ENTRIES_PER_POLL`` (a 50,000-URL
   sitemap is taken in steps, newest first, one step per poll);
4. an item whose feed carries the full text is stored from it; the others
   are fetched and extracted like ``/load`` (the same SSRF guard, size cap
   and timeout), the feed filling the title, date, author and summary a page
   lacks;
5. the feed's state: on success the next poll is one interval away; on
   failure after ``interval × 2^errors`` (at most a day), and after
   ``PAUSE_AFTER_FAILURES`` failures in a row the feed is paused and the
   admins are told once (an outbox notice).

The first poll of a feed is its backfill: its items are loaded but not
posted to the channel (they are not news any more).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from retrieval.errors import IngestError
from retrieval.feeds.intervals import backoff
from retrieval.feeds.models import Feed
from retrieval.feeds.parse import FeedEntry, FeedKind, ParsedFeed, parse_feed
from retrieval.feeds.table import StoredFeeds
from retrieval.ingest.extract import extract_article
from retrieval.ingest.fetch import PageFetcher, shown_url
from retrieval.ingest.records import article_from_fields, canonical_url
from retrieval.ingest.sources import ArticleOrError
from retrieval.messages import IN_RESULT, N_, Plural, Say, english, nested, notice
from retrieval.models import ArticleInput, LoadReport
from retrieval.outbox.models import Announce, OutboxKind
from retrieval.outbox.table import StoredOutbox
from retrieval.store.interface import Store
from retrieval.workers import Workers

# Loads a feed's items and announces the new ones (``Archive.load_items``): handed in by the archive.
LoadItems = Callable[[Iterator[ArticleOrError], str, Announce], Awaitable[LoadReport]]

log = logging.getLogger(__name__)

PAUSE_AFTER_FAILURES = 8
MAX_ENTRIES_PER_POLL = 100
MAX_CHILD_SITEMAPS = 20
# Pages of one feed fetched at once: enough to take 100 items in a minute,
# few enough not to hammer the site or crowd out readers' answers.
PAGE_CONCURRENCY = 4
# How long a poller may hold a feed; one that died frees it when this runs out.
LEASE = timedelta(minutes=30)


# The messages a front end shows for polls, in English; the bot's catalogues translate them (bot/i18n/locales).
POLL_BUSY = N_("being polled already (by the bot or another process)")
POLL_FAILED = N_("failed: {error}")
POLL_PAUSED = N_("failed: {error} (paused)")
POLL_NOT_MODIFIED = N_("not changed since the last poll")
POLL_LOADED = Plural("{count} item offered, {new} new, {updated} updated", "{count} items offered, {new} new, {updated} updated")
POLL_LOADED_FAILED = Plural(
    "{count} item offered, {new} new, {updated} updated, {failed} failed",
    "{count} items offered, {new} new, {updated} updated, {failed} failed",
)
PAUSED_FAILING = Plural("failed {count} time in a row", "failed {count} times in a row")
PAUSED_NOTICE = N_(
    "Feed {feed} ({name}) is paused ({reason}). Last error: {error}."
    " Once it is fixed, resume it: /feed resume {feed} (or newsbot feeds resume {feed})."
)


@dataclass(slots=True)
class PollResult:
    """What one poll of one feed did."""

    feed_id: int
    name: str
    # False when the feed was being polled already (its lease was held).
    polled: bool = True
    not_modified: bool = False
    offered: int = 0
    report: LoadReport | None = None
    error: str | None = None
    # The error of a failed poll, to be said in another language (``error`` is its English text).
    failure: IngestError | None = None
    paused_now: bool = False

    @property
    def outcome(self) -> str:
        """In one word: "busy" (another poller had it), "failed", "not_modified" or "ok"."""
        if not self.polled:
            return "busy"
        if self.error:
            return "failed"
        return "not_modified" if self.not_modified else "ok"

    def summary(self, say: Say = english) -> str:
        """What the poll did, in one line; ``say`` translates the messages (the bot's ``Translator``)."""
        if not self.polled:
            return say(POLL_BUSY)
        if self.error:
            error = say(self.failure.message, **self.failure.values) if self.failure else self.error
            return say(POLL_PAUSED if self.paused_now else POLL_FAILED, error=error)
        if self.not_modified:
            return say(POLL_NOT_MODIFIED)
        report = self.report or LoadReport()
        template = POLL_LOADED_FAILED if report.failed else POLL_LOADED
        return say(template, count=self.offered, new=report.new, updated=report.updated, failed=report.failed)


class FeedPoller:
    """Polls the feeds of one store (see the module docstring)."""

    def __init__(
        self,
        feeds: StoredFeeds,
        outbox: StoredOutbox,
        store: Store,
        fetcher: PageFetcher,
        workers: Workers,
        load_items: LoadItems,
        site_url: str,
        stopping: asyncio.Event,
    ) -> None:
        self.feeds = feeds
        self.outbox = outbox
        self.store = store
        self.fetcher = fetcher
        self.workers = workers
        self.load_items = load_items
        self.site_url = site_url
        # Set when the process is stopping: no new poll starts, no new page is fetched.
        self.stopping = stopping

    async def poll_due(self, now: datetime | None = None) -> list[PollResult]:
        """Poll every feed whose turn has come, one after another."""
        results = []
        for feed_id in await self.feeds.due(now or datetime.now(UTC)):
            if self.stopping.is_set():
                break
            results.append(await self.poll(feed_id, now))
        return results

    async def poll(self, feed_id: int, now: datetime | None = None) -> PollResult:
        """Poll one feed now, whether due or not, unless another process is polling it."""
        now = now or datetime.now(UTC)
        feeds = self.feeds
        feed = await feeds.get(feed_id)
        result = PollResult(feed.id, feed.name)
        if not await feeds.claim(feed.id, now, LEASE):
            result.polled = False
            return result
        try:
            await self._poll_claimed(feed, now, result)
        except IngestError as error:
            await self._failed(feed, now, error, result)
        except BaseException:
            await feeds.release(feed.id)
            raise
        return result

    async def _poll_claimed(self, feed: Feed, now: datetime, result: PollResult) -> None:
        page = await self.fetcher.fetch_feed(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if page.not_modified:
            result.not_modified = True
            await self._succeeded(feed, now, page.etag, page.last_modified, None, 0)
            return
        parsed = await self.workers.load(parse_feed, page.content, feed.url)
        entries = parsed.entries
        if parsed.kind is FeedKind.SITEMAP_INDEX:
            entries = await self._sitemap_entries(parsed)
        fresh = await self._fresh(feed, entries)
        result.offered = len(entries)
        # None: not fetched because the bot is stopping; such items stay fresh for the next poll.
        items = [(entry, item) for entry, item in await self._articles(feed, fresh) if item is not None]
        backfill = feed.last_success_at is None
        report = await self.load_items(
            iter(item for _, item in items),
            f"feed {feed.id}: {feed.name}",
            Announce.NONE if backfill else Announce.AUTO,
        )
        result.report = report
        for note in report.notes:  # an item dated far ahead, stored undated; the command line prints these
            log.warning("feed %d: %s: %s", feed.id, note.source, note.reason, extra=IN_RESULT)
        stored = await self.store.find_ids([item.url for _, item in items if isinstance(item, ArticleInput)])
        outcomes = []
        for entry, item in items:
            if isinstance(item, IngestError):
                outcomes.append((entry.guid, entry.url, None, item.reason))
            elif item.url in stored:
                outcomes.append((entry.guid, entry.url, stored[item.url], None))
            elif not report.interrupted:  # cut off by a shutdown, it is simply taken next time
                outcomes.append((entry.guid, entry.url, None, "could not be stored"))
        await self.feeds.record_items(feed.id, outcomes, now)
        await self._succeeded(feed, now, page.etag, page.last_modified, parsed, report.new)

    async def _sitemap_entries(self, index: ParsedFeed) -> tuple[FeedEntry, ...]:
        """The entries of a sitemap index's children (the first ``MAX_CHILD_SITEMAPS``; failures logged)."""
        entries: list[FeedEntry] = []
        errors = []
        for child in index.sitemaps[:MAX_CHILD_SITEMAPS]:
            try:
                page = await self.fetcher.fetch_feed(child)
                parsed = await self.workers.load(parse_feed, page.content, child)
            except IngestError as error:
                errors.append(error)
                continue
            entries += parsed.entries
        if errors and not entries:
            raise IngestError("none of its sitemaps could be read ({error})", error=errors[0].reason)
        for error in errors:
            log.warning("sitemap skipped: %s", error)
        return tuple(entries)

    async def _fresh(self, feed: Feed, entries: tuple[FeedEntry, ...]) -> list[FeedEntry]:
        """Entries not dealt with before, canonical URLs: the newest ``MAX_ENTRIES_PER_POLL``, oldest first.

        Oldest first so they are stored, and posted to the channel, in the
        order they were published: the newest post ends up at the bottom.
        """
        site_url = self.site_url
        unique: dict[str, FeedEntry] = {}
        for entry in entries:
            try:
                url = canonical_url(entry.url, site_url)
            except IngestError:
                continue
            if url not in unique:
                unique[url] = replace(entry, url=url)
        candidates = list(unique.values())
        guids, urls = await self.feeds.settled(feed.id, [e.guid for e in candidates], list(unique))
        fresh = [entry for entry in candidates if entry.guid not in guids and entry.url not in urls]
        fresh.sort(key=lambda entry: entry.published or datetime.min.replace(tzinfo=UTC), reverse=True)
        return fresh[:MAX_ENTRIES_PER_POLL][::-1]

    async def _articles(
        self, feed: Feed, entries: list[FeedEntry]
    ) -> list[tuple[FeedEntry, ArticleInput | IngestError | None]]:
        """Each entry as an article (from the feed's full text or its page), or why not.

        None for a page not fetched because the bot is stopping: a shutdown
        waits for at most the pages being fetched, not for the whole feed.
        """
        gate = asyncio.Semaphore(PAGE_CONCURRENCY)
        source = f"feed {feed.id}"
        stopping = self.stopping

        async def article(entry: FeedEntry) -> tuple[FeedEntry, ArticleInput | IngestError | None]:
            try:
                found = await from_feed_or_page(entry)
                # An admin's language for the feed wins over what the feed and the page say.
                return entry, found if found is None or not feed.language else replace(found, language=feed.language)
            except IngestError as error:
                return entry, error.moved(shown_url(entry.url))

        async def from_feed_or_page(entry: FeedEntry) -> ArticleInput | None:
            if entry.full_text:
                return article_from_fields(entry.fields(), site_url=self.site_url, source=source, where=entry.url)
            async with gate:
                if stopping.is_set():
                    return None
                page = await self.fetcher.fetch(entry.url)
            return await self.workers.load(
                extract_article,
                page.content,
                url=page.url,
                site_url=self.site_url,
                source=source,
                defaults=entry.fields(),
            )

        return list(await asyncio.gather(*(article(entry) for entry in entries)))

    async def _succeeded(
        self, feed: Feed, now: datetime, etag: str | None, modified: str | None, parsed: ParsedFeed | None, added: int
    ) -> None:
        await self.feeds.record_success(
            feed.id,
            now,
            title=parsed.title if parsed else "",
            kind=parsed.kind.value if parsed else "",
            etag=etag,
            last_modified=modified,
            added=added,
        )

    async def _failed(self, feed: Feed, now: datetime, error: IngestError, result: PollResult) -> None:
        failures = feed.error_count + 1
        reason = error.reason
        result.error, result.failure = reason, error
        pause = None
        if failures >= PAUSE_AFTER_FAILURES:
            pause = notice(PAUSED_FAILING, count=failures)
            result.paused_now = True
            await self.outbox.queue(
                OutboxKind.NOTICE,
                f"feed-paused:{feed.id}:{int(now.timestamp())}",
                now,
                payload=notice(
                    PAUSED_NOTICE,
                    feed=feed.id,
                    name=shown_url(feed.name, 100),
                    reason=nested(PAUSED_FAILING, count=failures),
                    error=nested(error.message, **error.values),
                ),
            )
        retry = now + backoff(timedelta(seconds=feed.interval_seconds), failures)
        await self.feeds.record_failure(feed.id, now, notice(error.message, **error.values), retry, pause)
        log.warning("feed %d failed (%d in a row): %s", feed.id, failures, reason, extra=IN_RESULT)
