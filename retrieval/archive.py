"""The archive: the retrieval core's facade and composition root.

Front ends (the command line, the bot, benchmarks) open an ``Archive`` and
ask it; they never reach a table or a database driver. ``Archive.open``
opens the store (migrating it), opens the search index (rebuilding it,
from a snapshot of another replica's when one fits, else from the store, if
it is missing, of an old format, or built from a store since restored), replays store changes the index has not seen (say, after a crash
between the two commits) and, for a brand-new store, loads the demo
articles.

The archive builds each capability from the narrow parts it uses and hands
out the few a front end drives directly:

- ``feeds`` (``retrieval.feeds``): add, list, pause, poll;
- ``follows`` (``retrieval.follows``): topics and the pause of a chat's pushes;
- ``outbox`` (``retrieval.outbox``): what a sender sends next, and how it went;
- ``send_budget``: Telegram's send budget shared by replicas.

Nothing it builds imports it back: the feed poller and the follow matcher
get their tables, the index's term weights and ``load_items`` as arguments.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from retrieval.errors import IndexRebuildingError, IngestError, NotFoundError
from retrieval.feeds.models import FeedStats
from retrieval.feeds.poller import FeedPoller
from retrieval.feeds.service import Feeds
from retrieval.feeds.table import StoredFeeds
from retrieval.follows.matcher import FollowMatcher
from retrieval.follows.service import Follows
from retrieval.follows.table import StoredFollows
from retrieval.ingest.fetch import PageFetcher
from retrieval.ingest.loader import FailureSink, Ingestor, ProgressCallback
from retrieval.ingest.records import canonical_url
from retrieval.ingest.seeds import demo_set, seed_file
from retrieval.ingest.sources import ArticleOrError, articles_from_file
from retrieval.insights.models import Insights
from retrieval.insights.report import Report, build_report
from retrieval.insights.table import Forgotten, StoredInsights
from retrieval.models import (
    Article,
    Headline,
    LoadReport,
    OpenedVia,
    SearchHit,
    SearchResult,
    StoreStats,
    TopWindow,
    parse_number,
)
from retrieval.outbox.announcer import Announcer
from retrieval.outbox.budget import StoredBudget
from retrieval.outbox.models import Announce, OutboxKind
from retrieval.outbox.sending import CHANNEL_POSTS, Digest, Outbox
from retrieval.outbox.table import StoredOutbox
from retrieval.readers.replies import StoredReplies, new_page_key
from retrieval.readers.table import StoredReaders
from retrieval.search import searcher
from retrieval.search.index import SearchIndex, index_exists
from retrieval.search.index_sync import IndexSync
from retrieval.search.snapshots import Snapshot
from retrieval.settings import DEFAULT_SITE_URL, Settings, SettingsError
from retrieval.store.articles import SqlStore
from retrieval.store.connect import StoreUnreachableError, count_articles, open_store
from retrieval.store.database import Transaction
from retrieval.text.analyzer import Analyzer
from retrieval.text.shorten import shorten
from retrieval.workers import Workers

log = logging.getLogger(__name__)


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
    # Why the index is being rebuilt from the store, while it is.
    index_problem: str | None = None


@dataclass(frozen=True, slots=True)
class ArchiveState:
    """The figures a running bot refreshes every few seconds (for /metrics and its status file)."""

    outbox_queued: dict[str, int]
    index_lag: int
    # Why searches wait for a rebuild of the index, if they do.
    index_problem: str | None


REBUILDING = "the search index is being rebuilt after its files were damaged; answers are back in a few minutes"


def check_files(settings: Settings) -> tuple[int | None, list[str]]:
    """The article count and any problems of the archive on disk, without opening it.

    Opening would migrate the store and load demo articles; a health check
    from another process must only look.
    """
    problems = []
    articles = None
    try:
        articles = count_articles(settings)
    except StoreUnreachableError as error:
        problems.append(str(error))
    if not index_exists(settings.resolved_index_path):
        problems.append(f"no search index at {settings.resolved_index_path}")
    return articles, problems


class Archive:
    """Search, load, list and count the articles of one news archive (see the module docstring)."""

    def __init__(self, settings: Settings, store: SqlStore, index: SearchIndex, analyzer: Analyzer) -> None:
        self.settings = settings
        self.store = store
        self.index = index
        self.analyzer = analyzer
        self.workers = Workers()
        self.fetcher = PageFetcher(
            allow_private=settings.allow_private_urls,
            timeout=settings.fetch_timeout,
            max_bytes=settings.max_fetch_bytes,
        )
        db = store.db
        self.index_sync = IndexSync(
            index, store, self.workers, settings.resolved_index_path, settings.index_snapshot_path
        )
        self.ingestor = Ingestor(store, self.fetcher, settings.site_url, self.index_sync.sync, self.workers)
        outbox, feeds = StoredOutbox(db), StoredFeeds(db)
        topics, readers = StoredFollows(db), StoredReaders(db)
        self.matcher = FollowMatcher(topics, outbox, store, analyzer, index.term_weights, self.workers)
        self.announcer = Announcer(outbox, self.matcher.match, settings.channel_id, settings.channel_bulk_limit)
        poller = FeedPoller(
            feeds,
            outbox,
            store,
            self.fetcher,
            self.workers,
            self.load_items,
            settings.site_url,
            self.ingestor.stopping,
        )
        self.feeds = Feeds(feeds, poller)
        self.follows = Follows(topics, readers, outbox, analyzer, index.language_counts)
        self.outbox = Outbox(outbox, store)
        self.send_budget = StoredBudget(db)
        self._readers = readers
        self._insights = StoredInsights(db)
        self._replies = StoredReplies(db)

    @classmethod
    async def open(cls, settings: Settings, *, index_seed: Path | None = None) -> Archive:
        """Open (creating if needed) the archive described by ``settings``.

        A SQLite archive's lock is held shared until ``close``, so a restore
        cannot replace the database while this process uses it.
        ``index_seed``: replace the search index with the newest snapshot in
        that folder (SnapshotError if none fits this store).
        """
        store = await open_store(settings)
        try:
            analyzer = Analyzer()
            index = await asyncio.to_thread(SearchIndex, settings.resolved_index_path, analyzer)
        except BaseException as error:
            await store.close()
            if isinstance(error, OSError):
                where = f"NEWSBOT_INDEX_PATH={settings.resolved_index_path}"
                raise SettingsError(f"{where}: cannot keep the archive there ({error.strerror or error})") from None
            raise
        archive = cls(settings, store, index, analyzer)
        try:
            await archive.index_sync.open(index_seed)
            if settings.load_seeds and await store.pristine():
                await archive.load_seeds()
        except BaseException:
            await archive.close()
            raise
        return archive

    def request_stop(self) -> None:
        """Make running loads and polls stop after their current batch (for a graceful shutdown)."""
        self.ingestor.stopping.set()

    async def close(self) -> None:
        """Release the index writer and close the store and HTTP client."""
        await self.index_sync.close()
        self.workers.shutdown()
        await self.fetcher.aclose()
        await self.store.close()

    async def __aenter__(self) -> Archive:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # Answers

    async def search(self, query: str, limit: int = 3, offset: int = 0, now: datetime | None = None) -> SearchResult:
        """The best ``limit`` articles for a question asked at ``now`` (default: now), from ``offset``.

        IndexRebuildingError while the index is rebuilt after its files were damaged.
        """
        self._refuse_while_rebuilding()
        try:
            return await searcher.search(self.index, self.store, self.analyzer, self.workers, query, limit, offset, now)
        except (ValueError, OSError) as error:  # tantivy could not read its files
            if await self.index_sync.check() is None:
                raise
            raise IndexRebuildingError(REBUILDING) from error

    def _refuse_while_rebuilding(self) -> None:
        if self.index_sync.problem is not None:
            raise IndexRebuildingError(REBUILDING)

    async def quote(self, article_id: int, words: str) -> SearchHit | None:
        """An article with the quote that best matches ``words`` (a followed topic); None if it was deleted."""
        self._refuse_while_rebuilding()
        return await searcher.quote(self.index, self.store, self.analyzer, self.workers, article_id, words)

    async def latest(self, limit: int, offset: int = 0) -> list[Headline]:
        return await self.store.latest(limit, offset)

    async def top(self, limit: int, offset: int = 0, window: TopWindow = TopWindow.ALL) -> list[Headline]:
        return await self.store.top(limit, offset, window.since(datetime.now(UTC)))

    async def article(self, article_id: int) -> Article:
        return await self.store.article(article_id)

    async def record_open(self, article_id: int, via: OpenedVia | None = None, user_id: int | None = None) -> None:
        """Count an open; ``via`` and the reader feed the insights (the reader only as a keyed hash)."""
        reader = await self._insights.reader_key(user_id) if user_id is not None else None
        await self.store.record_open(article_id, datetime.now(UTC), via.value if via else "", reader)

    async def record_answer(self, user_id: int | None, result: SearchResult) -> tuple[int | None, str]:
        """Log an answered question and keep it behind the answer's paging buttons: (its id, the buttons' key).

        The question is logged for the insights (text, analysed terms, how
        many articles it found) when a reader asked it and it had terms; the
        key is made when it found articles. Both are written in one
        transaction, so an answer costs one commit (one disk sync), not two,
        and it is safe to repeat, so it waits out a PostgreSQL restart.
        """
        reader = await self._insights.reader_key(user_id) if user_id is not None and result.terms else None
        if reader is None and not result.hits:
            return None, ""
        now = datetime.now(UTC)
        found = len(result.hits) + (1 if result.has_more else 0)
        key = new_page_key() if result.hits else ""
        tries = 0

        async def write(tx: Transaction) -> tuple[int | None, str]:
            # Run again whole when PostgreSQL drops the connection midway; a retry finds what a first try committed.
            nonlocal tries
            tries += 1
            question_id = None
            if reader is not None:
                if tries > 1:
                    question_id = await self._insights.find_question(tx, reader, result.query, now)
                if question_id is None:
                    question_id = await self._insights.add_question(tx, reader, result.query, result.terms, found, now)
            return question_id, (await self._replies.add_page(tx, result.query, question_id, now, key) if key else "")

        return await self.store.db.repeatable(write)

    async def recall_question(self, key: str) -> tuple[str, int | None] | None:
        """The question (and its logged id) behind an answer's paging key; None once expired or forgotten."""
        return await self._replies.recall(key, datetime.now(UTC))

    @property
    def store_away(self) -> bool:
        """True while the database server is being waited for (restarting, or gone): see ``retrieval.store.postgres``."""
        return self.store.db.waiting_since is not None

    async def was_handled(self, update_id: int) -> bool:
        """True when some replica answered this update already (Telegram sends it again after a failure)."""
        return await self._replies.was_handled(update_id)

    async def mark_handled(self, update_id: int) -> None:
        await self._replies.mark_handled(update_id, datetime.now(UTC))

    # Readers

    async def language(self, chat_id: int) -> str | None:
        """The language a reader chose with /language (None: their app's)."""
        return await self._readers.language(chat_id)

    async def set_language(self, chat_id: int, language: str | None) -> None:
        await self._readers.set_language(chat_id, language, datetime.now(UTC))

    async def record_feedback(self, question_id: int, user_id: int, liked: bool) -> tuple[bool, int, int]:
        """Record 👍/👎 once per reader and answer: (counted now, 👍 total, 👎 total)."""
        reader = await self._insights.reader_key(user_id)
        counted = await self._insights.record_feedback(question_id, reader, 1 if liked else -1, datetime.now(UTC))
        up, down = await self._insights.feedback_counts(question_id)
        return counted, up, down

    async def reader_insights(self, window: TopWindow) -> Insights:
        """What readers asked, missed, follow and open in ``window``."""
        now = datetime.now(UTC)
        return await self._insights.insights(window.since(now), now)

    async def report(self, window: TopWindow, now: datetime | None = None) -> Report:
        """The newsroom's report for ``window`` ending ``now``, in its days (NEWSBOT_TIMEZONE; see
        ``retrieval.insights.report``)."""
        now = now or datetime.now(UTC)
        return await build_report(self._insights, window, now, self.settings.zone, self.settings.retention_days)

    async def forget(self, user_id: int) -> Forgotten:
        """Delete everything kept about one reader (their private chat is their user id)."""
        return await self._insights.forget(await self._insights.reader_key(user_id), user_id)

    async def purge_expired(self) -> int:
        """Delete questions and feedback older than NEWSBOT_RETENTION_DAYS, expired paging keys and old update ids;
        returns questions deleted."""
        now = datetime.now(UTC)
        await self._replies.purge(now)
        return await self._insights.purge(now - timedelta(days=self.settings.retention_days))

    async def next_digest(self, chat_id: int) -> Digest | None:
        """The pushes to send ``chat_id`` now, each article quoted for its topic (see ``Outbox.digest``)."""
        return await self.outbox.digest(chat_id, self.quote)

    # Loads

    async def load(
        self,
        inputs: Sequence[str],
        progress: ProgressCallback | None = None,
        announce: Announce = Announce.AUTO,
        failures: FailureSink | None = None,
        label: str | None = None,
    ) -> LoadReport:
        """Load files, folders, ZIPs and http(s) URLs (see ``Ingestor.load``), then announce what is new;
        ``failures`` hears of every failed input, past the ones the report keeps; ``label`` names the load in
        the stats."""
        report = await self.ingestor.load(inputs, progress, failures, label)
        await self.announcer.announce(report, announce)
        return report

    async def load_items(
        self, items: Iterator[ArticleOrError], label: str, announce: Announce = Announce.NONE
    ) -> LoadReport:
        """Load articles from an iterator (a feed's items), then announce what is new."""
        report = await self.ingestor.load_items(items, label)
        await self.announcer.announce(report, announce)
        return report

    async def load_seeds(self) -> LoadReport | None:
        """Load the bundled demo articles, if this installation has them."""
        path = seed_file()
        if path is None:
            log.warning("no seed file found; starting with an empty archive")
            return None
        report = await self.load_items(articles_from_file(path, self.settings.site_url), "demo articles")
        log.info("loaded demo articles: %s", report.summary())
        return report

    async def delete_demo_articles(self) -> list[Article]:
        """Delete the bundled demo articles still in the archive as they were loaded; returns what was deleted.

        They are found where a new archive put them: at their URLs (on this
        NEWSBOT_SITE_URL or the default one, where a first run before it was
        set put them) and among the first articles ever stored (a new
        archive's first load is theirs, whatever the site's address was);
        each is deleted only if its text is still the seed file's.
        """
        path = seed_file()
        if path is None:
            return []
        demo = await self.workers.load(demo_set, path, (self.settings.site_url, DEFAULT_SITE_URL))
        stored = await self.store.content_hashes(demo.urls, first=len(demo.hashes))
        deleted = []
        for article_id in sorted(found for found, digest in stored.items() if digest in demo.hashes):
            deleted.append(await self.store.article(article_id))
            await self.store.delete(article_id)
        if deleted:
            await self.sync_index()
            log.info("deleted the %d demo articles", len(deleted))
        return deleted

    async def resolve(self, reference: str) -> int:
        """Turn an article id or URL into an id (NotFoundError if unknown).

        A number is an id, whatever its size: one no row can have is not
        found when it is looked up (``store.require_id``).
        """
        reference = reference.strip()
        number = parse_number(reference)
        if number is not None:
            return number
        try:
            url = canonical_url(reference, self.settings.site_url)
        except IngestError:
            url = reference
        article_id = await self.store.find_id(url)
        if article_id is None:
            raise NotFoundError(f"no article with id or URL {shorten(reference, 200)!r}")
        return article_id

    async def delete(self, reference: str) -> Article:
        """Delete an article by id or URL; returns what was deleted."""
        article = await self.store.article(await self.resolve(reference))
        await self.store.delete(article.id)
        await self.sync_index()
        return article

    # The index

    async def sync_index(self) -> None:
        """Apply every store change the index has not seen yet (DiskFullError when its disk is full)."""
        await self.index_sync.sync()

    async def reindex(self) -> int:
        """Rebuild the index from the store; returns the passages indexed."""
        return await self.index_sync.rebuild()

    async def snapshot_index(self, folder: Path | None = None) -> tuple[Snapshot, bool]:
        """A snapshot of the search index in ``folder`` (default NEWSBOT_INDEX_SNAPSHOT_PATH) for new replicas.

        Returns it and whether it was taken now (False: the newest there
        already held every change).
        """
        folder = folder or self.settings.index_snapshot_path
        if folder is None:
            raise SettingsError("no snapshot folder: give one, or set NEWSBOT_INDEX_SNAPSHOT_PATH")
        return await self.index_sync.publish_snapshot(folder)

    @property
    def index_seeded_from(self) -> Snapshot | None:
        """The snapshot the search index was copied from when this archive opened, if it was."""
        return self.index_sync.seeded_from

    async def check_index(self) -> str | None:
        """Look at the index's files (a heartbeat): what is wrong, if anything, and a rebuild started if so."""
        return await self.index_sync.check()

    async def state(self) -> ArchiveState:
        """What a heartbeat watches, cheaply: messages waiting, the index's lag and whether it can answer."""
        return ArchiveState(
            outbox_queued=await self.outbox.queued(),
            index_lag=await self.index_sync.pending(),
            index_problem=self.index_sync.problem,
        )

    async def stats(self) -> ArchiveStats:
        store_stats = await self.store.stats()
        topics, chats = await self.follows.counts()
        return ArchiveStats(
            store=store_stats,
            indexed_passages=await asyncio.to_thread(lambda: self.index.num_docs),
            index_bytes=await asyncio.to_thread(self.index.size_bytes),
            pending_changes=await self.index_sync.pending(),
            feeds=await self.feeds.stats(today_start(), await self.outbox.counts(CHANNEL_POSTS)),
            topics=topics,
            following_chats=chats,
            pushes=await self.outbox.counts((OutboxKind.PUSH,)),
            index_problem=self.index_sync.problem,
        )


def today_start(now: datetime | None = None) -> datetime:
    """Midnight (UTC) of today, where "new today" counts from."""
    return (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
