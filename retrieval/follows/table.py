"""Followed topics, beside the articles in the same store.

A chat follows at most ``max_topics`` topics; the same words written twice
(any order, any case or inflection: the analysed terms are the key) are
one topic. ``candidates`` finds the topics whose every term a new article
holds through the ``topic_terms`` inverted index, in one query however many
topics there are, and leaves out chats whose pushes are paused (/stop, or
the reader blocked the bot).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from retrieval.errors import NewsbotError, NotFoundError
from retrieval.follows.topics import Topic
from retrieval.store.database import Database, Row, require_id, to_epoch

_TOPIC_COLUMNS = "t.id, t.chat_id, t.words, t.terms"
# Distinct terms of one article looked up (SQLite takes 32,766 parameters, asyncpg 32,767; an article has a few
# thousand at most).
_MAX_ARTICLE_TERMS = 30_000


class TopicLimitError(NewsbotError):
    """A chat already follows as many topics as it may."""


def _topic(row: Row) -> Topic:
    return Topic(row[0], row[1], row[2], tuple(row[3].split()))


class StoredFollows:
    """The topic tables of one store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def follow(
        self, chat_id: int, words: str, terms: tuple[str, ...], now: datetime, max_topics: int
    ) -> tuple[Topic, bool]:
        """Follow ``words`` (analysed ``terms``); returns the topic and whether it is new.

        TopicLimitError when the chat follows ``max_topics`` already.
        """
        key = " ".join(terms)
        async with self.db.transaction() as tx:
            await tx.serialize(f"topics:{chat_id}")  # two taps at once must not pass the limit together
            existing = await tx.fetchone(
                f"SELECT {_TOPIC_COLUMNS} FROM topics t WHERE t.chat_id = ? AND t.terms = ?", (chat_id, key)
            )
            if existing is not None:
                return _topic(existing), False
            (count,) = await tx.fetchone("SELECT count(*) FROM topics WHERE chat_id = ?", (chat_id,))
            if count >= max_topics:
                raise TopicLimitError(f"this chat follows {count} topics, the most it may")
            (topic_id,) = await tx.fetchone(
                "INSERT INTO topics (chat_id, words, terms, term_count, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                (chat_id, words, key, len(terms), to_epoch(now)),
            )
            await tx.executemany(
                "INSERT INTO topic_terms (term, topic_id) VALUES (?, ?)", [(term, topic_id) for term in terms]
            )
        return Topic(topic_id, chat_id, words, terms), True

    async def unfollow(self, chat_id: int, topic_id: int) -> Topic:
        """Stop following one of this chat's topics (NotFoundError if it has no such topic)."""
        require_id(topic_id, f"no topic {topic_id} followed here")
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                f"SELECT {_TOPIC_COLUMNS} FROM topics t WHERE t.id = ? AND t.chat_id = ?", (topic_id, chat_id)
            )
            if row is None:
                raise NotFoundError(f"no topic {topic_id} followed here")
            await tx.execute("DELETE FROM topics WHERE id = ?", (topic_id,))
        return _topic(row)

    async def topics_of(self, chat_id: int) -> list[Topic]:
        rows = await self.db.fetchall(
            f"SELECT {_TOPIC_COLUMNS} FROM topics t WHERE t.chat_id = ? ORDER BY t.id", (chat_id,)
        )
        return [_topic(row) for row in rows]

    async def candidates(self, terms: Iterable[str]) -> list[Topic]:
        """Topics of unpaused chats whose every term is among ``terms``."""
        unique = sorted(set(terms))[:_MAX_ARTICLE_TERMS]
        if not unique:
            return []
        values = ",".join(["(?)"] * len(unique))
        rows = await self.db.fetchall(
            f"WITH article(term) AS (VALUES {values})"
            f" SELECT {_TOPIC_COLUMNS} FROM (SELECT tt.topic_id, count(*) AS found FROM article"
            " JOIN topic_terms tt ON tt.term = article.term GROUP BY tt.topic_id) m"
            " JOIN topics t ON t.id = m.topic_id AND m.found = t.term_count"
            " LEFT JOIN readers r ON r.chat_id = t.chat_id WHERE r.paused_reason IS NULL",
            unique,
        )
        return [_topic(row) for row in rows]

    async def has_topics(self) -> bool:
        (found,) = await self.db.fetchone("SELECT EXISTS (SELECT 1 FROM topics)")
        return bool(found)


    async def counts(self) -> tuple[int, int]:
        """Topics followed, and chats following at least one."""
        topics, chats = await self.db.fetchone("SELECT count(*), count(DISTINCT chat_id) FROM topics")
        return topics, chats
