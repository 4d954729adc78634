"""What a sender asks of the outbox: the next channel post, notice or digest, and how each send went.

The front end renders and sends (the bot, over Telegram); the rules of what
goes out, and at most once, are here:

- a message is claimed (``sending``) in its own commit before it goes out
  and marked ``sent`` after, so one a crash cut off is never sent again;
- a post whose article was deleted meanwhile, or a push of one, is failed,
  not sent;
- a send lost on the way is tried again later, unless it may have reached
  the chat (no answer: failed, not twice), at most ``MAX_ATTEMPTS`` times;
- a chat's pushes go as one message: up to ``DIGEST_SIZE`` at once, the
  rest in the next digest one window later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from retrieval.errors import NotFoundError
from retrieval.messages import notice
from retrieval.models import Article, Headline, SearchHit
from retrieval.outbox.models import DIGEST_WINDOW, OutboxKind, OutboxMessage
from retrieval.outbox.table import StoredOutbox
from retrieval.store.interface import Store

log = logging.getLogger(__name__)

CHANNEL_POSTS = (OutboxKind.ARTICLE, OutboxKind.SUMMARY)
MAX_ATTEMPTS = 5
# A post still queued this long after its article arrived is not news any more.
POST_MAX_AGE = timedelta(days=2)
NOTICE_MAX_AGE = timedelta(days=7)
# A weekly report the bot could not send within a day is left for next week's.
REPORT_MAX_AGE = timedelta(days=1)
DIGEST_SIZE = 8

Quote = Callable[[int, str], Awaitable[SearchHit | None]]


@dataclass(frozen=True, slots=True)
class ChannelPost:
    """A channel post due: one article's, or a bulk load's summary (``count`` new, the newest ``headlines``)."""

    message: OutboxMessage
    article: Article | None = None
    count: int = 0
    headlines: tuple[Headline, ...] = ()


@dataclass(frozen=True, slots=True)
class Digest:
    """A chat's pushes due now: each article quoted for the topic it matched, and how many wait for the next."""

    chat_id: int
    messages: tuple[OutboxMessage, ...]
    items: tuple[tuple[SearchHit, str], ...]
    later: int


class Outbox:
    """The outbox of one store, as senders use it (see the module docstring)."""

    def __init__(self, table: StoredOutbox, store: Store) -> None:
        self._table = table
        self._store = store

    async def next_post(self) -> ChannelPost | None:
        """The oldest channel post due, with what it shows; posts of deleted articles are failed on the way."""
        now = datetime.now(UTC)
        while (message := await self._table.next_due(CHANNEL_POSTS, now, POST_MAX_AGE)) is not None:
            if message.kind is OutboxKind.ARTICLE and message.article_id is not None:
                try:
                    return ChannelPost(message, article=await self._store.article(message.article_id))
                except NotFoundError:
                    await self._table.mark_failed(message.id, "the article was deleted before it was posted")
                    continue
            summary = json.loads(message.payload or "{}")
            ids = summary.get("article_ids", [])
            sources = await self._store.answer_sources(ids)
            headlines = tuple(sources[i].headline for i in ids if i in sources)
            return ChannelPost(message, count=int(summary.get("count", len(headlines))), headlines=headlines)
        return None

    async def next_notice(self) -> OutboxMessage | None:
        """The oldest notice for the admins (its payload a stored message: ``retrieval.messages.say_stored``)."""
        return await self._table.next_due((OutboxKind.NOTICE,), datetime.now(UTC), NOTICE_MAX_AGE)

    async def next_report(self) -> OutboxMessage | None:
        """The weekly report due for the admins (once per week, whichever replica queued it)."""
        return await self._table.next_due((OutboxKind.REPORT,), datetime.now(UTC), REPORT_MAX_AGE)

    async def queue_report(self, end: datetime) -> bool:
        """Queue the report covering up to ``end`` once, whichever replica (or process) asks; True if queued now."""
        payload = json.dumps({"end": end.isoformat()})
        return await self._table.queue(OutboxKind.REPORT, f"report:{end:%Y-%m-%d}", datetime.now(UTC), payload=payload)

    async def tell_admins(self, key: str, message: str, **values: object) -> bool:
        """Queue a notice for the admins once per ``key``; True if queued now."""
        now = datetime.now(UTC)
        return await self._table.queue(OutboxKind.NOTICE, key, now, payload=notice(message, **values))

    async def push_chats_due(self, limit: int) -> list[int]:
        """Chats with a push whose time has come, the longest waiting first."""
        return await self._table.push_chats_due(datetime.now(UTC), limit)

    async def digest(self, chat_id: int, quote: Quote) -> Digest | None:
        """The pushes to send ``chat_id`` now, quoted by ``quote``; None when none is left to send.

        Pushes of deleted articles are failed, and those past ``DIGEST_SIZE``
        wait one digest window.
        """
        queued = await self._table.pushes_for(chat_id)
        taken, rest = queued[:DIGEST_SIZE], queued[DIGEST_SIZE:]
        items, sending, gone = [], [], []
        for message in taken:
            hit = await quote(message.article_id, message.payload) if message.article_id is not None else None
            if hit is None:
                gone.append(message.id)
            else:
                items.append((hit, message.payload))
                sending.append(message)
        if gone:
            await self._table.mark_failed(gone, "the article was deleted before it was sent")
        if rest:
            later = datetime.now(UTC) + DIGEST_WINDOW
            await self._table.mark_retry([message.id for message in rest], later, "waiting for the next digest")
        if not items:
            return None
        return Digest(chat_id, tuple(sending), tuple(items), len(rest))

    async def claim(self, messages: Sequence[OutboxMessage]) -> bool:
        """Mark messages as being sent; False when another replica took them first (leave them to it)."""
        return await self._table.claim(_ids(messages))

    async def sent(self, messages: Sequence[OutboxMessage], telegram_id: int | None = None) -> None:
        await self._table.mark_sent(_ids(messages), datetime.now(UTC), telegram_id)

    async def refused(self, messages: Sequence[OutboxMessage], reason: str) -> None:
        """The chat refused them (or nobody could be reached): failed, never tried again."""
        await self._table.mark_failed(_ids(messages), reason)

    async def lost(
        self, messages: Sequence[OutboxMessage], reason: str, *, retry_at: datetime | None = None
    ) -> None:
        """A send that did not get through: tried again at ``retry_at``.

        Without ``retry_at`` it may have reached the chat (no answer came):
        failed, as the outbox never sends twice. After ``MAX_ATTEMPTS`` tries
        in all it is failed too.
        """
        ids = _ids(messages)
        if retry_at is None:
            await self._table.mark_failed(ids, f"{reason}; not sent again")
        elif max((message.attempts for message in messages), default=0) + 1 >= MAX_ATTEMPTS:
            await self._table.mark_failed(ids, f"gave up after {MAX_ATTEMPTS} tries: {reason}")
        else:
            await self._table.mark_retry(ids, retry_at, reason)
        log.warning("outbox messages %s not sent: %s", ids, reason)

    async def recover(self) -> int:
        """At start: messages a crashed sender left half-sent are failed, never sent again; returns how many."""
        return await self._table.recover()

    async def queued(self) -> dict[str, int]:
        """Messages waiting to go out, by kind."""
        return await self._table.queued_by_kind()

    async def counts(self, kinds: tuple[OutboxKind, ...]) -> dict[str, int]:
        """Messages of ``kinds`` by status."""
        return await self._table.counts(kinds)


def _ids(messages: Sequence[OutboxMessage]) -> list[int]:
    return [message.id for message in messages]
