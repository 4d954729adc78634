"""Keep the search index in step with the store: replay its change log, or rebuild from every article.

The store is the source of truth. Every write to an article appends to its
change log; the index records the last change it applied (and the store
generation it was built from) in its params file, committed with it. So
``sync`` after a crash, a load by another process or another replica's
notification applies exactly what the index has not seen, and ``rebuild``
(a new or damaged index, or a store restored from a backup) starts over.
Both take one lock, so only one of them writes the index at a time.

A replica whose index must be built can start from a snapshot of another's
instead (``retrieval.search.snapshots``, when ``snapshots`` names their
folder): the files are copied and the change log replayed from the
snapshot's last change, which takes seconds where a rebuild reads the whole
store. A snapshot of another store generation is never used.

Files can be lost under a running bot (an operator deletes the folder, a
disk error cuts a segment short). ``check`` (the heartbeat) and a failed
write notice it (``SearchIndex.verify``); the index is then rebuilt from
the store in the background, and ``problem`` says why until it is done, so
searches can say "being rebuilt" instead of answering from broken files.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from retrieval.errors import DiskFullError, IndexBusyError, SnapshotError, is_disk_full
from retrieval.search.index import SearchIndex
from retrieval.search.snapshots import Snapshot, publish, snapshots_in, usable_snapshot
from retrieval.store.interface import Store
from retrieval.text.languages.detect import ARTICLE_CHARS, article_language
from retrieval.workers import Workers

log = logging.getLogger(__name__)

SYNC_BATCH = 2000
LANGUAGE_BATCH = 500


class IndexSync:
    """Writes ``index`` from ``store``'s change log, on the load workers."""

    def __init__(
        self, index: SearchIndex, store: Store, workers: Workers, index_path: Path, snapshots: Path | None = None
    ) -> None:
        self.index = index
        self.store = store
        self.workers = workers
        self.index_path = index_path
        # The folder of index snapshots a rebuild starts from, when there is one.
        self.snapshots = snapshots
        # The snapshot this index was copied from since the archive opened, if it was.
        self.seeded_from: Snapshot | None = None
        self._lock = asyncio.Lock()
        # Why the index is being rebuilt from the store right now (None while it is sound).
        self.problem: str | None = None
        self._repair: asyncio.Task[None] | None = None
        # Rebuilds after damage since the archive opened.
        self.repairs = 0

    async def open(self, seed: Path | None = None) -> None:
        """At start: replay what the index missed; an index of another format or store generation is
        built again, from a snapshot when one fits, else from the store.

        ``seed`` (``newsbot index import``) is a snapshot folder the index
        is replaced with whatever it holds now; SnapshotError if none fits.
        """
        generation = await self.store.generation()
        if seed is not None:
            await self._from_snapshot(seed, generation, required=True)
        elif not self.index.needs_rebuild and not self.index.params.store:  # built before generations: mirrors this store
            await self.workers.load(self.index.commit, self.index.applied_change, generation)
        elif self.index.needs_rebuild or self.index.params.store != generation:
            if not await self._from_snapshot(self.snapshots, generation, required=False):
                await self.rebuild()
                return
        await self.sync()

    async def _from_snapshot(self, folder: Path | None, generation: str, *, required: bool) -> bool:
        """Replace the index with the newest snapshot in ``folder`` fit for this store; False (logged) if none is.

        ``required``: raise SnapshotError instead. The changes after the
        snapshot's are left to ``sync``.
        """
        if folder is None:
            return False
        last = await self.store.last_change()
        snapshot, reason = await self.workers.load(usable_snapshot, folder, generation, last)
        if snapshot is not None:
            try:
                async with self._lock:
                    await self.workers.load(self.index.replace_with, snapshot.path)
            except (OSError, ValueError) as error:
                reason = f"copying {snapshot.path} failed ({error})"
                async with self._lock:
                    await self.workers.load(self.index.reset)
            else:
                self.seeded_from = snapshot
                log.info(
                    "search index copied from %s (to change %d); %d later changes to apply",
                    snapshot.path, snapshot.applied_change, last - snapshot.applied_change,
                )  # fmt: skip
                return True
        if required:
            raise SnapshotError(reason)
        log.warning("%s; building the search index from the store instead", reason)
        return False

    async def publish_snapshot(self, folder: Path) -> tuple[Snapshot, bool]:
        """A snapshot of the index in ``folder``: a new one, or (False) the newest there if it holds every change."""
        async with self._lock:
            self.index.refresh_params()
            found = await self.workers.load(snapshots_in, folder)
            if found and (found[0].applied_change, found[0].params.store) == (
                self.index.applied_change,
                self.index.params.store,
            ):
                return found[0], False
            try:
                return await self.workers.load(publish, self.index, folder), True
            except OSError as error:
                if is_disk_full(error):
                    raise DiskFullError(f"the disk holding {folder} is full: the snapshot was not taken") from error
                raise SnapshotError(f"cannot write a snapshot in {folder}: {error.strerror or error}") from error

    async def sync(self) -> None:
        """Apply every store change the index has not seen yet.

        On a full disk the uncommitted index changes are dropped and
        DiskFullError raised: the store keeps the articles and its change
        log, so the next sync (once there is room) indexes them.
        """
        async with self._lock:
            self.index.refresh_params()
            try:
                while True:
                    article_ids, last = await self.store.changes_since(self.index.applied_change, SYNC_BATCH)
                    if not article_ids:
                        return
                    articles = await self.store.index_documents(article_ids)
                    await self.workers.load(self.index.replace_articles, article_ids, articles)
                    await self.workers.load(self.index.commit, last)
            except (ValueError, OSError, IndexBusyError) as error:
                if is_disk_full(error):
                    await self.workers.load(self.index.close)
                    raise DiskFullError(f"the disk holding the search index ({self.index_path}) is full") from error
                problem = await self.workers.load(self.index.verify)
                if problem is None:
                    raise
                self._start_repair(problem)

    async def rebuild(self) -> int:
        """Rebuild the index from the store; returns the passages indexed.

        Articles stored before their language was kept get it detected
        first (and stored), so each is analysed in its language.
        """
        async with self._lock:
            await self._detect_unknown_languages()
            reached = await self.store.last_change()
            generation = await self.store.generation()
            await self.workers.load(self.index.clear)
            count = 0
            async for articles in self.store.iter_index_documents():
                await self.workers.load(self.index.add, articles)
                count += sum(len(article.passages) for article in articles)
            await self.workers.load(self.index.commit, reached, generation)
        # Changes made while rebuilding are replayed; replaying is idempotent.
        await self.sync()
        log.info("search index rebuilt: %d passages", count)
        return count

    async def _detect_unknown_languages(self) -> None:
        after, detected = 0, 0
        while batch := await self.store.unknown_languages(after, LANGUAGE_BATCH, ARTICLE_CHARS):
            found = await self.workers.load(_detect, batch)
            await self.store.set_languages([(key, code) for key, code in found if code])
            detected += sum(1 for _, code in found if code)
            after = batch[-1][0]
        if detected:
            log.info("detected the language of %d articles stored without one", detected)

    async def check(self) -> str | None:
        """Look at the index's files (the heartbeat); when they are damaged, start rebuilding. Returns the problem."""
        if self.problem is None:
            problem = await self.workers.load(self.index.verify)
            if problem is not None:
                self._start_repair(problem)
        return self.problem

    def _start_repair(self, problem: str) -> None:
        if self._repair is not None and not self._repair.done():
            return
        self.problem = problem
        log.error("the search index: %s; rebuilding it from the store (answers say so meanwhile)", problem)
        self._repair = asyncio.create_task(self._rebuild_damaged(), name="rebuild damaged index")

    async def _rebuild_damaged(self) -> None:
        try:
            if await self._from_snapshot(self.snapshots, await self.store.generation(), required=False):
                await self.sync()
            else:
                async with self._lock:
                    await self.workers.load(self.index.reset)
                await self.rebuild()
            self.repairs += 1
            log.info("the search index is whole again")
        except Exception:  # the next heartbeat's check finds it still damaged and tries again
            log.exception("rebuilding the search index failed")
        finally:
            self.problem = None

    async def pending(self) -> int:
        """Changes in the store the index has not applied yet."""
        return max(0, await self.store.last_change() - self.index.applied_change)

    async def close(self) -> None:
        """Release the index writer (after any sync or rebuild in flight; a repair is given up, the next start redoes it)."""
        if self._repair is not None and not self._repair.done():
            self._repair.cancel()
            try:
                await self._repair
            except asyncio.CancelledError:
                pass
        async with self._lock:
            await self.workers.load(self.index.close)


def _detect(batch: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    return [(key, article_language(title, opening)) for key, title, opening in batch]
