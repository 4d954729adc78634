"""The outbox: channel posts and admin notices waiting to be sent, kept in the store (SQLite).

A message is queued under a unique key ("article:42"), so announcing one
article twice queues it once. The sender marks a message ``sending`` in its
own committed transaction *before* sending and ``sent`` after: a crash in
between leaves it ``sending``, and ``recover`` then marks it failed rather
than sending again, because it may already be in the channel. Nothing is
posted twice; the one message a crash can cost is counted in /stats.
Any process may queue (a ``newsbot load`` beside the bot); only the serving
bot sends.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from retrieval.models import OutboxKind, OutboxMessage, OutboxStatus
from retrieval.sqlite_store import SQLiteStore, from_epoch, to_epoch

INTERRUPTED = "the bot stopped while sending this; it is not sent again, as it may have gone out"


class SQLiteOutbox:
    """The outbox table of one store."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    async def queue(
        self, kind: OutboxKind, key: str, now: datetime, *, article_id: int | None = None, payload: str = ""
    ) -> bool:
        """Queue a message unless one with ``key`` was queued before; True if queued now."""
        async with self.store.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO outbox (kind, key, article_id, payload, not_before, queued_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                (kind, key, article_id, payload, to_epoch(now), to_epoch(now)),
            )
            return cursor.rowcount == 1

    async def next_due(self, kinds: tuple[OutboxKind, ...], now: datetime, max_age: timedelta) -> OutboxMessage | None:
        """The oldest message of ``kinds`` ready to send; ones queued longer than ``max_age`` ago expire first."""
        marks = ",".join("?" * len(kinds))
        async with self.store.transaction() as db:
            await db.execute(
                f"UPDATE outbox SET status = ?, error = 'queued too long ago to be news'"
                f" WHERE status = ? AND kind IN ({marks}) AND queued_at < ?",
                (OutboxStatus.EXPIRED, OutboxStatus.QUEUED, *kinds, to_epoch(now - max_age)),
            )
        async with self.store.reader.execute(
            f"SELECT id, kind, article_id, payload, attempts, queued_at FROM outbox"
            f" WHERE kind IN ({marks}) AND status = ? AND not_before <= ? ORDER BY id LIMIT 1",
            (*kinds, OutboxStatus.QUEUED, to_epoch(now)),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return OutboxMessage(row[0], OutboxKind(row[1]), row[2], row[3], row[4], from_epoch(row[5]))

    async def _set(self, message_id: int, sql: str, params: tuple) -> None:
        async with self.store.transaction() as db:
            await db.execute(f"UPDATE outbox SET {sql} WHERE id = ?", (*params, message_id))

    async def mark_sending(self, message_id: int) -> None:
        await self._set(message_id, "status = ?, attempts = attempts + 1", (OutboxStatus.SENDING,))

    async def mark_sent(self, message_id: int, now: datetime, telegram_id: int | None) -> None:
        await self._set(
            message_id, "status = ?, sent_at = ?, message_id = ?, error = NULL", (OutboxStatus.SENT, to_epoch(now), telegram_id)
        )

    async def mark_retry(self, message_id: int, not_before: datetime, error: str) -> None:
        """Not sent (Telegram said so): try again after ``not_before``."""
        await self._set(message_id, "status = ?, not_before = ?, error = ?", (OutboxStatus.QUEUED, to_epoch(not_before), error))

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self._set(message_id, "status = ?, error = ?", (OutboxStatus.FAILED, error))

    async def recover(self) -> int:
        """At start: messages left ``sending`` by a crash become failed (see the module docstring)."""
        async with self.store.transaction() as db:
            cursor = await db.execute(
                "UPDATE outbox SET status = ?, error = ? WHERE status = ?",
                (OutboxStatus.FAILED, INTERRUPTED, OutboxStatus.SENDING),
            )
            return cursor.rowcount

    async def counts(self, kinds: tuple[OutboxKind, ...]) -> dict[str, int]:
        marks = ",".join("?" * len(kinds))
        async with self.store.reader.execute(
            f"SELECT status, count(*) FROM outbox WHERE kind IN ({marks}) GROUP BY status", kinds
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}
