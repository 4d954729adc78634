"""Load articles into the store and index: batching, progress, the report.

Parsing, extraction and chunking are CPU or blocking work, so they run in a
worker thread, ``BATCH_SIZE`` articles at a time; each batch is then stored
in one transaction (an article is all-or-nothing, see ``Store.upsert``) and
indexed before the next is read, so a long load is searchable as it goes
and a crash loses at most the batch in flight, never half an article.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from retrieval.errors import DiskFullError, IngestError
from retrieval.ingest.decoding import LineTally
from retrieval.ingest.extract import extract_article
from retrieval.ingest.fetch import PageFetcher, shown_url
from retrieval.ingest.records import content_hash, without_future_date
from retrieval.ingest.sources import ArticleOrError, SkippedFile, articles_from_file, estimate_rows, expand_paths
from retrieval.models import ArticleInput, Failure, LoadReport, Outcome, PreparedArticle
from retrieval.store.interface import Store
from retrieval.text.chunker import chunk
from retrieval.text.languages.detect import article_language
from retrieval.workers import Workers

BATCH_SIZE = 200
# A batch of 200 articles of the largest size (1M characters) would hold
# 200M characters in memory at once; a batch stops at this many instead.
BATCH_CHARS = 20_000_000


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """Where a load stands: rows read (articles and failed rows) of an estimated total."""

    done: int
    total: int | None
    report: LoadReport


ProgressCallback = Callable[[LoadProgress], Awaitable[None]]
# Told of every failed input as it happens, past the ones a report keeps (a full list to write out).
FailureSink = Callable[[Failure], None]


def prepare(article: ArticleInput, now: datetime | None = None) -> PreparedArticle:
    """Derive the language (the source's, else detected), passages by its rules and the content hash;
    raise if nothing is searchable.

    Every load (files, pages, feed items) comes through here: a date more
    than a day after ``now`` (default: now) is dropped, with a note saying so.
    """
    article, note = without_future_date(article, now or datetime.now(UTC))
    language = article.language or article_language(article.title, article.body)
    chunks = tuple(chunk(article.body, language))
    if not chunks:
        raise IngestError("the body has no sentences to index", where=article.url, field="body")
    return PreparedArticle(article, content_hash(article), chunks, (note,) if note else (), language)


def _prepare_or_error(item: ArticleOrError) -> PreparedArticle | IngestError:
    if isinstance(item, IngestError):
        return item
    try:
        return prepare(item)
    except IngestError as error:
        return error


def _take_prepared(items: Iterator[ArticleOrError], count: int) -> list[PreparedArticle | IngestError]:
    """The next batch: ``count`` items, or fewer once their text reaches ``BATCH_CHARS`` (big articles)."""
    batch: list[PreparedArticle | IngestError] = []
    chars = 0
    for item in itertools.islice(items, count):
        batch.append(_prepare_or_error(item))
        chars += len(item.body) if isinstance(item, ArticleInput) else 0
        if chars >= BATCH_CHARS:
            break
    return batch


class Ingestor:
    """Runs loads; ``after_batch`` keeps the index in step with the store."""

    def __init__(
        self,
        store: Store,
        fetcher: PageFetcher,
        site_url: str,
        after_batch: Callable[[], Awaitable[None]],
        workers: Workers,
    ) -> None:
        self.store = store
        self.workers = workers
        self.fetcher = fetcher
        self.site_url = site_url
        self.after_batch = after_batch
        # Set on shutdown: loads stop between batches; what is stored stays.
        self.stopping = asyncio.Event()

    async def load(
        self,
        inputs: Sequence[str],
        progress: ProgressCallback | None = None,
        failures: FailureSink | None = None,
        label: str | None = None,
    ) -> LoadReport:
        """Load files, folders, ZIPs and URLs; every failure is counted in the report and told to ``failures``.
        ``label`` names the load in the stats (an upload by its file name, not the temporary path it was saved
        to); by default the inputs themselves."""
        started = datetime.now(UTC)
        run = _Run(LoadReport(), LineTally(), failures)
        targets = list(expand_paths(inputs))
        total = await self.workers.load(_estimate_total, targets)
        await _stop_on_full_disk(self._load_targets(targets, run, total, progress), run.report)
        await self._record(label or _describe(inputs), run.report, started)
        return run.report

    async def _load_targets(
        self, targets: list[Path | str | IngestError | SkippedFile], run: _Run, total: int | None, progress: ProgressCallback | None
    ) -> None:
        for target in targets:
            if self.stopping.is_set():
                run.report.interrupted = True
                return
            if isinstance(target, IngestError):
                run.fail(target)
            elif isinstance(target, SkippedFile):
                run.report.skip(str(target.path))
            elif isinstance(target, Path):
                await self._load_items(articles_from_file(target, self.site_url, tally=run.tally), run, total, progress)
            else:
                await self._load_url(target, run, total, progress)

    async def _record(self, label: str, report: LoadReport, started: datetime) -> None:
        """Remember the load for stats, unless the disk is too full even for that."""
        try:
            await self.store.record_load(label, report, started, datetime.now(UTC))
        except DiskFullError:
            pass

    async def load_items(
        self, items: Iterator[ArticleOrError], label: str, progress: ProgressCallback | None = None
    ) -> LoadReport:
        """Load articles from any iterator (seeds, a feed, an uploaded file)."""
        started = datetime.now(UTC)
        run = _Run(LoadReport(), LineTally(), None)
        await _stop_on_full_disk(self._load_items(items, run, None, progress), run.report)
        await self._record(label, run.report, started)
        return run.report

    async def _load_items(
        self,
        items: Iterator[ArticleOrError],
        run: _Run,
        total: int | None,
        progress: ProgressCallback | None,
    ) -> None:
        while batch := await self.workers.load(_take_prepared, items, BATCH_SIZE):
            await self._store_batch(batch, run)
            if self.stopping.is_set():
                run.report.interrupted = True
                return
            if progress is not None:
                await progress(LoadProgress(run.report.processed, total, run.report))

    async def _store_batch(self, batch: list[PreparedArticle | IngestError], run: _Run) -> None:
        prepared = []
        for item in batch:
            if isinstance(item, IngestError):
                run.fail(item)
            else:
                prepared.append(item)
        results = await self.store.upsert(prepared) if prepared else []
        for item, (outcome, article_id, error) in zip(prepared, results):
            if outcome is Outcome.FAILED:
                run.tell(run.report.fail(item.article.url, error or "could not store"))
            else:
                run.report.count(outcome, article_id)
                run.report.note(item.notes)
        run.count_lines()
        await self.after_batch()

    async def _load_url(self, url: str, run: _Run, total: int | None, progress: ProgressCallback | None) -> None:
        try:
            page = await self.fetcher.fetch(url)
            article = await self.workers.load(
                extract_article, page.content, url=page.url, site_url=self.site_url, source=url
            )
            item: PreparedArticle | IngestError = await self.workers.load(prepare, article)
        except IngestError as error:
            item = error.moved(shown_url(url))
        await self._store_batch([item], run)
        if progress is not None:
            await progress(LoadProgress(run.report.processed, total, run.report))


@dataclass(slots=True)
class _Run:
    """One load as it goes: its report, the lines its files have given, and who hears of each failure."""

    report: LoadReport
    tally: LineTally
    sink: FailureSink | None

    def fail(self, error: IngestError) -> None:
        """Count an input that could not be loaded, keeping its reason in a form that can be translated."""
        self.tell(self.report.fail(error.where or "", error.detail, error.message, error.values, error.field, error.line))

    def tell(self, failure: Failure) -> None:
        if self.sink is not None:
            self.sink(failure)

    def count_lines(self) -> None:
        self.report.lines_read, self.report.line_files = self.tally.lines, self.tally.files


async def _stop_on_full_disk(work: Awaitable[None], report: LoadReport) -> None:
    """Run a load's ``work``; a full disk stops it, the reason in the report (what is stored stays)."""
    try:
        await work
    except DiskFullError as error:
        report.stopped = f"{error}; what was stored stays, and loading again skips it"


def _estimate_total(targets: list[Path | str | IngestError | SkippedFile]) -> int | None:
    total = 0
    for target in targets:
        if isinstance(target, Path):
            rows = estimate_rows(target)
            if rows is None:
                return None
            total += rows
        elif not isinstance(target, SkippedFile):
            total += 1
    return total


def _describe(inputs: Sequence[str]) -> str:
    shown = ", ".join(inputs[:3])
    return shown + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")
