"""Following topics as front ends ask for it: follow, unfollow, list, pause and resume a chat's pushes.

The rules live here, once, for the bot and any other front end: words are
analysed as search analyses them (``topic_terms``), a topic of only common
words or of more than ``MAX_TOPIC_TERMS`` terms is refused, a chat follows
at most ``max_topics``, and pausing a chat's pushes (/stop, or the reader
blocked the bot) also drops the pushes already queued for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from retrieval.errors import NotFoundError
from retrieval.follows.table import StoredFollows, TopicLimitError
from retrieval.follows.topics import MAX_TOPIC_TERMS, Topic, topic_terms
from retrieval.outbox.table import StoredOutbox
from retrieval.readers.table import BLOCKED, STOPPED, StoredReaders
from retrieval.text.analyzer import Analyzer

# The words of a topic kept (a reader pasting a paragraph follows its start).
MAX_TOPIC_CHARS = 100


class FollowOutcome(StrEnum):
    """What asking to follow some words did."""

    NEW = "new"
    ALREADY = "already"
    # Every word was a stopword: nothing an article could match.
    COMMON_WORDS = "common words"
    # More terms than MAX_TOPIC_TERMS: an article must hold every one, so it would hardly ever match.
    TOO_MANY_WORDS = "too many words"
    # The chat follows max_topics already.
    LIMIT = "limit"


@dataclass(frozen=True, slots=True)
class Followed:
    """The outcome of a follow, the topic (for NEW and ALREADY) and why pushes are paused, if they are."""

    outcome: FollowOutcome
    topic: Topic | None = None
    paused_reason: str | None = None


class Follows:
    """The followed topics and push state of one store's chats."""

    def __init__(
        self,
        topics: StoredFollows,
        readers: StoredReaders,
        outbox: StoredOutbox,
        analyzer: Analyzer,
        languages: Callable[[], Mapping[str, int]] = dict,
    ) -> None:
        self._topics = topics
        self._readers = readers
        self._outbox = outbox
        self._analyzer = analyzer
        # The archive's articles per language now (the search index's): a topic is analysed as a question is.
        self._languages = languages

    def terms(self, words: str) -> tuple[str, ...]:
        """The analysed terms ``words`` would be followed by."""
        return topic_terms(self._analyzer, words, self._languages())

    async def follow(self, chat_id: int, words: str, *, max_topics: int, language: str | None = None) -> Followed:
        """Follow ``words`` for ``chat_id``; ``language`` is remembered for the chat's pushes unless it chose one."""
        words = " ".join(words.split())[:MAX_TOPIC_CHARS]
        terms = self.terms(words)
        if not terms:
            return Followed(FollowOutcome.COMMON_WORDS)
        if len(terms) > MAX_TOPIC_TERMS:
            return Followed(FollowOutcome.TOO_MANY_WORDS)
        now = datetime.now(UTC)
        if language is not None and await self._readers.language(chat_id) is None:
            # Pushes go out when no update tells the bot the reader's language.
            await self._readers.set_language(chat_id, language, now)
        try:
            topic, new = await self._topics.follow(chat_id, words, terms, now, max_topics)
        except TopicLimitError:
            return Followed(FollowOutcome.LIMIT)
        paused = await self._readers.paused_reason(chat_id)
        return Followed(FollowOutcome.NEW if new else FollowOutcome.ALREADY, topic, paused)

    async def topics(self, chat_id: int) -> list[Topic]:
        """The chat's topics, in the order it followed them (their numbers in /following)."""
        return await self._topics.topics_of(chat_id)

    async def unfollow(self, chat_id: int, topic_id: int) -> Topic:
        """Stop following one of the chat's topics (NotFoundError if it has no such topic)."""
        return await self._topics.unfollow(chat_id, topic_id)

    async def unfollow_named(self, chat_id: int, wanted: str) -> Topic:
        """Stop following the topic ``wanted`` names: its number in the chat's list, or its words in any order.

        NotFoundError when no topic of the chat is named so.
        """
        wanted = wanted.strip()
        terms = self.terms(wanted)
        topics = await self.topics(chat_id)
        for number, topic in enumerate(topics, start=1):
            if wanted == str(number) or topic.terms == terms:
                return await self.unfollow(chat_id, topic.id)
        raise NotFoundError(f"no topic {wanted!r} followed here")

    async def paused_reason(self, chat_id: int) -> str | None:
        """Why the chat's pushes are paused (``readers.table.PAUSE_REASONS``); None while they go out."""
        return await self._readers.paused_reason(chat_id)

    async def stop(self, chat_id: int) -> int:
        """Pause the chat's pushes (/stop), keeping its topics; returns the queued pushes dropped."""
        return await self._pause(chat_id, STOPPED)

    async def blocked(self, chat_id: int, reason: str) -> int:
        """The reader blocked the bot (or the chat is gone): pause its pushes, drop what waits (``reason`` why)."""
        return await self._pause(chat_id, BLOCKED, reason)

    async def resume(self, chat_id: int) -> None:
        """Send the chat's pushes again (/resume)."""
        await self._readers.set_paused(chat_id, None, datetime.now(UTC))

    async def resume_if_blocked(self, chat_id: int) -> None:
        """A reader who had blocked the bot and writes again wants their pushes back."""
        await self._readers.resume_if_blocked(chat_id, datetime.now(UTC))

    async def counts(self) -> tuple[int, int]:
        """Topics followed, and chats following at least one."""
        return await self._topics.counts()

    async def _pause(self, chat_id: int, pause: str, reason: str | None = None) -> int:
        await self._readers.set_paused(chat_id, pause, datetime.now(UTC))
        return await self._outbox.drop_pushes(chat_id, reason or pause)
