"""Match new articles against every followed topic and queue the pushes (see ``retrieval.follows.topics``).

Per new article: its terms (the analyzer of search, in the article's language, in the loading thread),
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
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from retrieval.follows.table import StoredFollows
from retrieval.follows.topics import ArticleScorer, ArticleTerms, article_terms
from retrieval.outbox.models import DIGEST_WINDOW
from retrieval.outbox.table import StoredOutbox
from retrieval.store.interface import Store
from retrieval.text.analyzer import Analyzer
from retrieval.workers import Workers

# The search index's idf of each term (``SearchIndex.term_weights``), handed in so follows need no search.
TermWeights = Callable[[Sequence[str]], dict[str, float]]

log = logging.getLogger(__name__)

# Mean terms of a news article after stopwords (BM25's avgdl; rtqa-dev's 12,000 articles: bench/topics.py).
AVERAGE_ARTICLE_TERMS = 820
_BATCH = 100


class FollowMatcher:
    """Matches new articles against the followed topics of one store and queues their pushes."""

    def __init__(
        self,
        topics: StoredFollows,
        outbox: StoredOutbox,
        store: Store,
        analyzer: Analyzer,
        term_weights: TermWeights,
        workers: Workers,
    ) -> None:
        self.topics = topics
        self.outbox = outbox
        self.store = store
        self.analyzer = analyzer
        self.term_weights = term_weights
        self.workers = workers

    async def match(self, article_ids: Sequence[int], now: datetime | None = None) -> int:
        """Queue a push per (following chat, matching article); returns how many were queued."""
        if not article_ids or not await self.topics.has_topics():
            return 0
        now = now or datetime.now(UTC)
        pushes: list[tuple[int, int, str, datetime]] = []
        waits: dict[int, datetime] = {}
        for start in range(0, len(article_ids), _BATCH):
            documents = await self.store.index_documents(article_ids[start : start + _BATCH])
            for document in documents:
                terms = await self.workers.load(
                    article_terms, self.analyzer, document.article_id, document.title, document.body, document.language
                )
                for chat_id, words in await self._matching_chats(terms):
                    if chat_id not in waits:
                        waits[chat_id] = await self._send_after(chat_id, now)
                    pushes.append((chat_id, document.article_id, words, waits[chat_id]))
        # All at once: queued one by one, the first could go out alone while the rest were still being matched.
        queued = await self.outbox.queue_pushes(pushes, now) if pushes else 0
        if queued:
            log.info("%d pushes queued for %d new articles", queued, len(article_ids))
        return queued

    async def _matching_chats(self, article: ArticleTerms) -> list[tuple[int, str]]:
        """(chat, topic words) for every topic ``article`` matches, one per chat."""
        topics = await self.topics.candidates(article.headline | article.counts.keys())
        if not topics:
            return []
        idf = await self.workers.load(self.term_weights, sorted({t for topic in topics for t in topic.terms}))
        scorer = ArticleScorer(article, idf, AVERAGE_ARTICLE_TERMS)
        chats: dict[int, str] = {}
        for topic in topics:
            if topic.chat_id not in chats and scorer.matches(topic):
                chats[topic.chat_id] = topic.words
        return list(chats.items())

    async def _send_after(self, chat_id: int, now: datetime) -> datetime:
        """Now, or the end of the digest window opened by the chat's last push."""
        last = await self.outbox.last_push_at(chat_id)
        return now if last is None else max(now, last + DIGEST_WINDOW)
