"""The archive: one object owning store, index, analyzer and loader.

It is the retrieval core's composition root and the API every front end
(CLI, bot, benchmarks) calls. ``Archive.open`` migrates the store, opens the
index (rebuilding it from the store if it is missing or of an old format),
replays store changes the index has not seen (say, after a crash between
the two commits) and, for a brand-new store, loads the demo articles.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg

from retrieval.errors import DiskFullError, IngestError, NotFoundError, is_disk_full
from retrieval.feeds.models import Feed, FeedStats
from retrieval.feeds.poller import FeedPoller, check_feed_url
from retrieval.feeds.table import StoredFeeds
from retrieval.follows.matcher import BACKFILL_ARTICLES, FollowMatcher
from retrieval.follows.table import StoredFollows
from retrieval.ingest.fetch import PageFetcher
from retrieval.ingest.loader import Ingestor, ProgressCallback
from retrieval.ingest.records import canonical_url
from retrieval.ingest.seeds import seed_file
from retrieval.ingest.sources import ArticleOrError, articles_from_file
from retrieval.insights.models import Insights
from retrieval.insights.table import Forgotten, StoredInsights
from retrieval.messages import Say, english
from retrieval.models import Article, Headline, LoadReport, OpenedVia, SearchHit, SearchResult, StoreStats, TopWindow
from retrieval.outbox.budget import StoredBudget
from retrieval.outbox.models import Announce, OutboxKind
from retrieval.outbox.table import StoredOutbox
from retrieval.readers.replies import StoredReplies
from retrieval.search import searcher as search_module
from retrieval.search.index import SearchIndex, index_exists
from retrieval.settings import Settings, SettingsError
from retrieval.store.articles import SqlStore, count_articles, store_for
from retrieval.store.locks import ArchiveLock
from retrieval.text.analyzer import Analyzer
from retrieval.workers import Workers

log = logging.getLogger(__name__)

_SYNC_BATCH = 2000


CHANNEL_POSTS = (OutboxKind.ARTICLE, OutboxKind.SUMMARY)
# Headlines named in the summary post of a bulk load.
SUMMARY_HEADLINES = 5




@dataclass(frozen=True, slots=True)
class ArchiveStats:
    """Store figures plus the index's."""

    store: StoreStats
    indexed_passages: int
    index_bytes: int
    pending_changes: int
    feeds: FeedStats
    topics: int = 0
    following_chats: int = 0
    pushes: dict[str, int] = field(default_factory=dict)


def check_files(settings: Settings) -> tuple[int | None, list[str]]:
    """The article count and any problems of the archive on disk, without opening it.

    Opening would migrate the store and load demo articles; a health check
    from another process must only look.
    """
    problems = []
    articles = None
    try:
        articles = count_articles(settings)
    except Exception as error:  # whatever the driver raises, the check reports it
        where = "PostgreSQL (NEWSBOT_DATABASE_URL)" if settings.database_url else settings.db_path
        problems.append(f"store unreachable at {where}: {error}")
    if not index_exists(settings.resolved_index_path):
        problems.append(f"no search index at {settings.resolved_index_path}")
    return articles, problems


class Archive:
    """Search, load, list and count the articles of one news archive."""

    def __init__(
        self,
        settings: Settings,
        store: SqlStore,
        index: SearchIndex,
        analyzer: Analyzer,
        lock: ArchiveLock | None = None,
    ) -> None:
        self.settings = settings
        self.lock = lock
        self.store = store
        self.index = index
        self.analyzer = analyzer
        self._index_lock = asyncio.Lock()
        self.fetcher = PageFetcher(
            allow_private=settings.allow_private_urls,
            timeout=settings.fetch_timeout,
            max_bytes=settings.max_fetch_bytes,
        )
        self.workers = Workers()
        self.ingestor = Ingestor(store, self.fetcher, settings.site_url, self.sync_index, self.workers)
        self.feeds = StoredFeeds(store)
        self.outbox = StoredOutbox(store)
        self.poller = FeedPoller(self)
        self.follows = StoredFollows(store)
        self.matcher = FollowMatcher(self)
        self.insights = StoredInsights(store)
        self.replies = StoredReplies(store)
        self.budget = StoredBudget(store)

    @classmethod
    async def open(cls, settings: Settings) -> Archive:
        """Open (creating if needed) the archive described by ``settings``.

        The archive lock is held shared until ``close``, so a restore cannot
        replace the database while this process uses it.
        """
        store = store_for(settings)
        # A restore replaces the SQLite file under a file lock; PostgreSQL is
        # restored by its own tools while the bot is stopped.
        lock = None if settings.database_url else ArchiveLock(settings.db_path)
        setting = "NEWSBOT_DATABASE_URL" if settings.database_url else f"NEWSBOT_DB_PATH={settings.db_path}"
        try:
            if lock is not None and settings.db_path.is_dir():
                raise SettingsError(f"{setting} is a folder: name the database file, e.g. {settings.db_path / 'newsbot.sqlite3'}")
            if lock is not None:
                lock.acquire()
            await store.open()
            setting = f"NEWSBOT_INDEX_PATH={settings.resolved_index_path}"
            analyzer = Analyzer()
            index = await asyncio.to_thread(SearchIndex, settings.resolved_index_path, analyzer)
        except BaseException as error:
            await store.close()
            if lock is not None:
                lock.release()
            if isinstance(error, sqlite3.DatabaseError | asyncpg.PostgresError):
                raise SettingsError(f"{setting}: not a usable newsbot database ({error})") from None
            if isinstance(error, OSError) and settings.database_url and setting == "NEWSBOT_DATABASE_URL":
                raise SettingsError(f"{setting}: cannot reach PostgreSQL ({error.strerror or error})") from None
            if isinstance(error, OSError):
                raise SettingsError(f"{setting}: cannot keep the archive there ({error.strerror or error})") from None
            raise
        archive = cls(settings, store, index, analyzer, lock)
        try:
            generation = await store.generation()
            if not index.needs_rebuild and not index.params.store:  # built before generations: it mirrors this store
                await archive.workers.load(index.commit, index.applied_change, generation)
            if index.needs_rebuild or index.params.store != generation:
                await archive.reindex()
            else:
                await archive.sync_index()
            if settings.load_seeds and await store.pristine():
                await archive.load_seeds()
        except BaseException:
            await archive.close()
            raise
        return archive

    def request_stop(self) -> None:
        """Make running loads stop after their current batch (for a graceful shutdown)."""
        self.ingestor.stopping.set()

    async def close(self) -> None:
        """Release the index writer and close the store and HTTP client."""
        async with self._index_lock:
            await self.workers.load(self.index.close)
        self.workers.shutdown()
        await self.fetcher.aclose()
        await self.store.close()
        if self.lock is not None:
            self.lock.release()

    async def __aenter__(self) -> Archive:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def search(self, query: str, limit: int = 3, offset: int = 0, now: datetime | None = None) -> SearchResult:
        """The best ``limit`` articles for a question asked at ``now`` (default: now), from ``offset``."""
        return await search_module.search(self.index, self.store, self.analyzer, self.workers, query, limit, offset, now)

    async def load(
        self, inputs: Sequence[str], progress: ProgressCallback | None = None, announce: Announce = Announce.AUTO
    ) -> LoadReport:
        """Load files, folders, ZIPs and http(s) URLs (see ``Ingestor.load``), then announce what is new."""
        report = await self.ingestor.load(inputs, progress)
        await self.announce(report, announce)
        return report

    async def load_items(
        self, items: Iterator[ArticleOrError], label: str, announce: Announce = Announce.NONE
    ) -> LoadReport:
        """Load articles from an iterator (a feed's items), then announce what is new."""
        report = await self.ingestor.load_items(items, label)
        await self.announce(report, announce)
        return report

    async def announce(self, report: LoadReport, announce: Announce) -> None:
        """Queue pushes to the chats following the load's new articles, and channel posts (see ``Announce``).

        Nothing for ``Announce.NONE`` (demo articles, a feed's backfill).
        """
        if announce is Announce.NONE or not report.new_ids:
            return
        if announce is Announce.EACH or report.new <= BACKFILL_ARTICLES:
            await self.matcher.match(report.new_ids)
        else:
            log.info("%d new articles: a backfill, not matched against followed topics", report.new)
        if self.settings.channel_id is None:
            return
        now = datetime.now(UTC)
        if announce is Announce.AUTO and report.new > self.settings.channel_bulk_limit:
            ids = report.new_ids
            payload = json.dumps({"count": report.new, "article_ids": ids[-SUMMARY_HEADLINES:][::-1]})
            await self.outbox.queue(OutboxKind.SUMMARY, f"summary:{ids[0]}-{ids[-1]}", now, payload=payload)
            return
        for article_id in report.new_ids:
            await self.outbox.queue(OutboxKind.ARTICLE, f"article:{article_id}", now, article_id=article_id)

    async def add_feed(self, url: str, interval: timedelta, say: Say = english) -> tuple[Feed, str]:
        """Add a feed and poll it at once (its backfill); IngestError, and nothing kept, if it is not a feed.

        Returns the feed and what the first poll did (in words ``say`` chooses).
        """
        url = check_feed_url(url)
        feed = await self.feeds.add(url, interval, datetime.now(UTC))
        result = await self.poller.poll(feed.id)
        if result.error is not None:
            await self.feeds.remove(feed.id)
            raise result.failure.moved(url) if result.failure else IngestError("{reason}", where=url, reason=result.error)
        return await self.feeds.get(feed.id), result.summary(say)

    async def load_seeds(self) -> LoadReport | None:
        """Load the bundled demo articles, if this installation has them."""
        path = seed_file()
        if path is None:
            log.warning("no seed file found; starting with an empty archive")
            return None
        report = await self.load_items(articles_from_file(path, self.settings.site_url), "demo articles")
        log.info("loaded demo articles: %s", report.summary())
        return report

    async def quote(self, article_id: int, words: str) -> SearchHit | None:
        """An article with the quote that best matches ``words`` (a followed topic); None if it was deleted."""
        return await search_module.quote(self.index, self.store, self.analyzer, self.workers, article_id, words)

    async def latest(self, limit: int, offset: int = 0) -> list[Headline]:
        return await self.store.latest(limit, offset)

    async def top(self, limit: int, offset: int = 0, window: TopWindow = TopWindow.ALL) -> list[Headline]:
        return await self.store.top(limit, offset, window.since(datetime.now(UTC)))

    async def article(self, article_id: int) -> Article:
        return await self.store.article(article_id)

    async def record_open(self, article_id: int, via: OpenedVia | None = None, user_id: int | None = None) -> None:
        """Count an open; ``via`` and the reader feed the insights (the reader only as a keyed hash)."""
        reader = await self.insights.reader_key(user_id) if user_id is not None else None
        await self.store.record_open(article_id, datetime.now(UTC), via.value if via else "", reader)

    async def record_answer(self, user_id: int | None, result: SearchResult) -> tuple[int | None, str]:
        """Log an answered question and keep it behind the answer's paging buttons: (its id, the buttons' key).

        The question is logged for the insights (text, analysed terms, how
        many articles it found) when a reader asked it and it had terms; the
        key is made when it found articles. Both are written in one
        transaction, so an answer costs one commit (one disk sync), not two.
        """
        reader = await self.insights.reader_key(user_id) if user_id is not None and result.terms else None
        if reader is None and not result.hits:
            return None, ""
        now = datetime.now(UTC)
        found = len(result.hits) + (1 if result.has_more else 0)
        async with self.store.db.transaction() as tx:
            question_id = None
            if reader is not None:
                question_id = await self.insights.add_question(tx, reader, result.query, result.terms, found, now)
            key = await self.replies.add_page(tx, result.query, question_id, now) if result.hits else ""
        return question_id, key

    async def record_feedback(self, question_id: int, user_id: int, liked: bool) -> tuple[bool, int, int]:
        """Record 👍/👎 once per reader and answer: (counted now, 👍 total, 👎 total)."""
        reader = await self.insights.reader_key(user_id)
        counted = await self.insights.record_feedback(question_id, reader, 1 if liked else -1, datetime.now(UTC))
        up, down = await self.insights.feedback_counts(question_id)
        return counted, up, down

    async def reader_insights(self, window: TopWindow) -> Insights:
        """What readers asked, missed, follow and open in ``window``."""
        return await self.insights.insights(window.since(datetime.now(UTC)))

    async def forget(self, user_id: int) -> Forgotten:
        """Delete everything kept about one reader (their private chat is their user id)."""
        return await self.insights.forget(await self.insights.reader_key(user_id), user_id)

    async def purge_expired(self) -> int:
        """Delete questions and feedback older than NEWSBOT_RETENTION_DAYS, expired paging keys and old update ids;
        returns questions deleted."""
        now = datetime.now(UTC)
        await self.replies.purge(now)
        return await self.insights.purge(now - timedelta(days=self.settings.retention_days))

    async def resolve(self, reference: str) -> int:
        """Turn an article id or URL into an id (NotFoundError if unknown)."""
        reference = reference.strip()
        if reference.isdigit():
            return int(reference)
        try:
            url = canonical_url(reference, self.settings.site_url)
        except IngestError:
            url = reference
        article_id = await self.store.find_id(url)
        if article_id is None:
            raise NotFoundError(f"no article with id or URL {reference!r}")
        return article_id

    async def delete(self, reference: str) -> Article:
        """Delete an article by id or URL; returns what was deleted."""
        article = await self.store.article(await self.resolve(reference))
        await self.store.delete(article.id)
        await self.sync_index()
        return article

    async def sync_index(self) -> None:
        """Apply every store change the index has not seen yet.

        On a full disk the uncommitted index changes are dropped and
        DiskFullError raised: the store keeps the articles and its change
        log, so the next sync (once there is room) indexes them.
        """
        async with self._index_lock:
            self.index.refresh_params()
            try:
                while True:
                    article_ids, last = await self.store.changes_since(self.index.applied_change, _SYNC_BATCH)
                    if not article_ids:
                        return
                    articles = await self.store.index_documents(article_ids)
                    await self.workers.load(self.index.replace_articles, article_ids, articles)
                    await self.workers.load(self.index.commit, last)
            except (ValueError, OSError) as error:
                if not is_disk_full(error):
                    raise
                await self.workers.load(self.index.close)
                raise DiskFullError(f"the disk holding the search index ({self.settings.resolved_index_path}) is full") from error

    async def reindex(self) -> int:
        """Rebuild the index from the store; returns the passages indexed."""
        async with self._index_lock:
            reached = await self.store.last_change()
            generation = await self.store.generation()
            await self.workers.load(self.index.clear)
            count = 0
            async for articles in self.store.iter_index_documents():
                await self.workers.load(self.index.add, articles)
                count += sum(len(article.passages) for article in articles)
            await self.workers.load(self.index.commit, reached, generation)
        # Changes made while rebuilding are replayed; replaying is idempotent.
        await self.sync_index()
        log.info("search index rebuilt: %d passages", count)
        return count

    async def stats(self) -> ArchiveStats:
        store_stats = await self.store.stats()
        topics, chats = await self.follows.counts()
        pending = await self.store.last_change() - self.index.applied_change
        return ArchiveStats(
            store=store_stats,
            indexed_passages=await asyncio.to_thread(lambda: self.index.num_docs),
            index_bytes=await asyncio.to_thread(self.index.size_bytes),
            pending_changes=max(0, pending),
            feeds=await self.feeds.stats(today_start(), await self.outbox.counts(CHANNEL_POSTS)),
            topics=topics,
            following_chats=chats,
            pushes=await self.outbox.counts((OutboxKind.PUSH,)),
        )


def today_start(now: datetime | None = None) -> datetime:
    """Midnight (UTC) of today, where "new today" counts from."""
    return (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
