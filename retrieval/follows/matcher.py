"""Match new articles against every followed topic and queue the pushes (see ``retrieval.follows.topics``).

Per new article: its terms (the analyzer of search, in the loading thread),
the topics whose every term it holds (one indexed query, however many
topics: ``StoredFollows.candidates``), then the pure ``topics.matches``
with idf from the search index. A match queues one push in the outbox,
keyed by chat and article, so an article reaches a chat once whichever of
its topics matched and however often it is loaded.

A chat's first push goes at once; pushes that arrive within
``DIGEST_WINDOW`` of its last one wait for the end of that window and go
together as one digest message.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from retrieval.follows.topics import ArticleScorer, ArticleTerms, article_terms
from retrieval.outbox.models import OutboxKind

if TYPE_CHECKING:
    from retrieval.archive import Archive

log = logging.getLogger(__name__)

DIGEST_WINDOW = timedelta(minutes=5)
# A load adding more new articles than this is a backfill of old news: not pushed to followers
# (unless announced on purpose, ``newsbot load --announce``). A feed poll adds at most 100.
BACKFILL_ARTICLES = 200
# Mean terms of a news article after stopwords (BM25's avgdl; rtqa-dev's 12,000 articles: bench/topics.py).
AVERAGE_ARTICLE_TERMS = 820
_BATCH = 100


class FollowMatcher:
    """Matches the new articles of one archive against its followed topics."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    async def match(self, article_ids: Sequence[int], now: datetime | None = None) -> int:
        """Queue a push per (following chat, matching article); returns how many were queued."""
        archive = self.archive
        if not article_ids or not await archive.follows.has_topics():
            return 0
        now = now or datetime.now(UTC)
        queued = 0
        waits: dict[int, datetime] = {}
        for start in range(0, len(article_ids), _BATCH):
            documents = await archive.store.index_documents(article_ids[start : start + _BATCH])
            for document in documents:
                terms = await archive.workers.load(
                    article_terms, archive.analyzer, document.article_id, document.title, document.body
                )
                for chat_id, words in await self._matching_chats(terms):
                    if chat_id not in waits:
                        waits[chat_id] = await self._send_after(chat_id, now)
                    queued += await archive.outbox.queue(
                        OutboxKind.PUSH,
                        f"push:{chat_id}:{document.article_id}",
                        now,
                        article_id=document.article_id,
                        payload=words,
                        chat_id=chat_id,
                        not_before=waits[chat_id],
                    )
        if queued:
            log.info("%d pushes queued for %d new articles", queued, len(article_ids))
        return queued

    async def _matching_chats(self, article: ArticleTerms) -> list[tuple[int, str]]:
        """(chat, topic words) for every topic ``article`` matches, one per chat."""
        archive = self.archive
        topics = await archive.follows.candidates(article.headline | article.counts.keys())
        if not topics:
            return []
        idf = await archive.workers.load(archive.index.term_weights, sorted({t for topic in topics for t in topic.terms}))
        scorer = ArticleScorer(article, idf, AVERAGE_ARTICLE_TERMS)
        chats: dict[int, str] = {}
        for topic in topics:
            if topic.chat_id not in chats and scorer.matches(topic):
                chats[topic.chat_id] = topic.words
        return list(chats.items())

    async def _send_after(self, chat_id: int, now: datetime) -> datetime:
        """Now, or the end of the digest window opened by the chat's last push."""
        last = await self.archive.outbox.last_push_at(chat_id)
        return now if last is None else max(now, last + DIGEST_WINDOW)
