"""The article store interface: what ingest, search and front ends need.

``SqlStore`` (``retrieval.store.articles``) implements it once in SQL that runs
on SQLite (the embedded default) and on PostgreSQL (shared by several bot
replicas). The store is the source of truth: the BM25 index is rebuilt from
``iter_index_documents`` and kept in step through the change log
(``changes_since``), so a crash between a store commit and an index commit
is repaired on the next start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Protocol

from retrieval.models import (
    AnswerSource,
    Article,
    Headline,
    IndexArticle,
    LoadReport,
    Outcome,
    PreparedArticle,
    StoreStats,
)


class Store(Protocol):
    """Persistent articles, passages, opens and the index change log."""

    async def open(self) -> None:
        """Connect and migrate the schema to the current version."""

    async def close(self) -> None:
        """Finish pending writes and disconnect."""

    async def upsert(self, batch: Sequence[PreparedArticle]) -> list[tuple[Outcome, int | None, str | None]]:
        """Insert or update a batch; per article (outcome, id, error).

        Each article is all-or-nothing: one that fails leaves no trace and
        the others in the batch are kept.
        """

    async def delete(self, article_id: int) -> None:
        """Remove an article with its passages and opens (NotFoundError if absent)."""

    async def find_id(self, url: str) -> int | None:
        """Return the id of the article stored under ``url``, if any."""

    async def find_ids(self, urls: Sequence[str]) -> dict[str, int]:
        """The ids of the articles stored under these URLs (unknown URLs left out)."""

    async def generation(self) -> str:
        """This store's identity: a restore gives it a new one, so every index built before is rebuilt."""

    async def article(self, article_id: int) -> Article:
        """Return one article (NotFoundError if absent)."""

    async def latest(self, limit: int, offset: int = 0) -> list[Headline]:
        """Newest first, by published time (added time when undated)."""

    async def top(self, limit: int, offset: int = 0, since: datetime | None = None) -> list[Headline]:
        """Most viewed first: total views, or opens recorded since ``since``."""

    async def record_open(self, article_id: int, at: datetime, via: str = "", reader: str | None = None) -> None:
        """Count one reader opening an article (from ``via``: an answer, a push…; ``reader``: their keyed hash)."""

    async def answer_sources(self, article_ids: Sequence[int]) -> dict[int, AnswerSource]:
        """Headline, body and passage offsets of these articles, to quote from; missing ids are left out."""

    async def openings(self, article_ids: Sequence[int], chars: int) -> dict[int, tuple[str, datetime | None]]:
        """The first ``chars`` characters of these articles' bodies and their publication times; missing ids left out."""

    async def index_documents(self, article_ids: Sequence[int]) -> list[IndexArticle]:
        """These articles with their passages' offsets, as the index needs them."""

    def iter_index_documents(self, batch_size: int = 500) -> AsyncIterator[list[IndexArticle]]:
        """Every article, in batches, for a full index rebuild."""

    async def unknown_languages(self, after: int, limit: int, chars: int) -> list[tuple[int, str, str]]:
        """(id, title, first ``chars`` of the body) of articles stored without a language, by id after ``after``."""

    async def set_languages(self, languages: Sequence[tuple[int, str]]) -> None:
        """Record (id, language) detected for articles that had none."""

    async def changes_since(self, seq: int, limit: int = 1000) -> tuple[list[int], int]:
        """Article ids changed after change ``seq``, and the last seq returned."""

    async def last_change(self) -> int:
        """The newest change seq (0 when none)."""

    async def record_load(self, source: str, report: LoadReport, started: datetime, finished: datetime) -> None:
        """Remember a finished load for ``stats``."""

    async def stats(self) -> StoreStats:
        """Counts and sizes."""
