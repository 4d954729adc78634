"""The outbox: channel posts, pushes and admin notices waiting to be sent, kept in the store.

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

from collections.abc import Sequence
from datetime import datetime, timedelta

from retrieval.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from retrieval.store.database import Database, Row, from_epoch, marks, to_epoch

INTERRUPTED = "the bot stopped while sending this; it is not sent again, as it may have gone out"


_MESSAGE_COLUMNS = "id, kind, article_id, payload, attempts, queued_at"


def _message(row: Row) -> OutboxMessage:
    return OutboxMessage(row[0], OutboxKind(row[1]), row[2], row[3], row[4], from_epoch(row[5]))


class StoredOutbox:
    """The outbox table of one store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def queue(
        self,
        kind: OutboxKind,
        key: str,
        now: datetime,
        *,
        article_id: int | None = None,
        payload: str = "",
        chat_id: int | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        """Queue a message unless one with ``key`` was queued before; True if queued now."""
        async with self.db.transaction() as tx:
            queued = await tx.execute(
                "INSERT INTO outbox (kind, key, article_id, payload, chat_id, not_before, queued_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                (kind, key, article_id, payload, chat_id, to_epoch(not_before or now), to_epoch(now)),
            )
            return queued == 1

    async def queue_pushes(self, pushes: Sequence[tuple[int, int, str, datetime]], now: datetime) -> int:
        """Queue (chat, article, topic words, not before) pushes in one commit, each once per chat and article;
        returns how many were queued now.

        One commit, so a sender running meanwhile finds all of them or none,
        and a load's matches for one chat go out as one digest.
        """
        queued = 0
        async with self.db.transaction() as tx:
            for chat_id, article_id, words, not_before in pushes:
                queued += await tx.execute(
                    "INSERT INTO outbox (kind, key, article_id, payload, chat_id, not_before, queued_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                    (OutboxKind.PUSH, f"push:{chat_id}:{article_id}", article_id, words, chat_id,
                     to_epoch(not_before), to_epoch(now)),
                )  # fmt: skip
        return queued

    async def next_due(self, kinds: tuple[OutboxKind, ...], now: datetime, max_age: timedelta) -> OutboxMessage | None:
        """The oldest message of ``kinds`` ready to send; ones queued longer than ``max_age`` ago expire first."""
        async with self.db.transaction() as tx:
            await tx.execute(
                f"UPDATE outbox SET status = ?, error = 'queued too long ago to be news'"
                f" WHERE status = ? AND kind IN ({marks(kinds)}) AND queued_at < ?",
                (OutboxStatus.EXPIRED, OutboxStatus.QUEUED, *kinds, to_epoch(now - max_age)),
            )
        row = await self.db.fetchone(
            f"SELECT {_MESSAGE_COLUMNS} FROM outbox"
            f" WHERE kind IN ({marks(kinds)}) AND status = ? AND not_before <= ? ORDER BY id LIMIT 1",
            (*kinds, OutboxStatus.QUEUED, to_epoch(now)),
        )
        return None if row is None else _message(row)

    async def _set(self, message_ids: int | Sequence[int], sql: str, params: tuple) -> None:
        """Record how sending went: safe to repeat, so it waits out a PostgreSQL restart rather than leaving a
        message ``sending`` (lost to ``recover``, and a chat's next digest sent at once, its last push unknown)."""
        ids = [message_ids] if isinstance(message_ids, int) else list(message_ids)
        await self.db.execute_repeatable(f"UPDATE outbox SET {sql} WHERE id IN ({marks(ids)})", (*params, *ids))

    async def claim(self, message_ids: int | Sequence[int]) -> bool:
        """Mark queued messages ``sending`` before they go out; False (and nothing marked) if any is no longer queued.

        A sender that lost its leadership to another replica mid-run finds
        its messages claimed by the new leader and leaves them to it.
        """
        ids = [message_ids] if isinstance(message_ids, int) else list(message_ids)
        async with self.db.transaction() as tx:
            await tx.serialize("outbox")
            (queued,) = await tx.fetchone(
                f"SELECT count(*) FROM outbox WHERE id IN ({marks(ids)}) AND status = ?", (*ids, OutboxStatus.QUEUED)
            )
            if queued != len(ids):
                return False
            await tx.execute(
                f"UPDATE outbox SET status = ?, attempts = attempts + 1 WHERE id IN ({marks(ids)})",
                (OutboxStatus.SENDING, *ids),
            )
        return True

    async def mark_sent(self, message_ids: int | Sequence[int], now: datetime, telegram_id: int | None) -> None:
        await self._set(
            message_ids, "status = ?, sent_at = ?, message_id = ?, error = NULL", (OutboxStatus.SENT, to_epoch(now), telegram_id)
        )

    async def mark_retry(self, message_ids: int | Sequence[int], not_before: datetime, error: str) -> None:
        """Not sent (Telegram said so): try again after ``not_before``."""
        await self._set(message_ids, "status = ?, not_before = ?, error = ?", (OutboxStatus.QUEUED, to_epoch(not_before), error))

    async def mark_failed(self, message_ids: int | Sequence[int], error: str) -> None:
        await self._set(message_ids, "status = ?, error = ?", (OutboxStatus.FAILED, error))

    async def push_chats_due(self, now: datetime, limit: int) -> list[int]:
        """Chats with a push whose time has come, the longest waiting first."""
        rows = await self.db.fetchall(
            "SELECT chat_id FROM outbox WHERE kind = ? AND status = ? AND not_before <= ?"
            " GROUP BY chat_id ORDER BY min(id) LIMIT ?",
            (OutboxKind.PUSH, OutboxStatus.QUEUED, to_epoch(now), limit),
        )
        return [row[0] for row in rows]

    async def pushes_for(self, chat_id: int) -> list[OutboxMessage]:
        """Every push queued for a chat, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_MESSAGE_COLUMNS} FROM outbox WHERE kind = ? AND chat_id = ? AND status = ? ORDER BY id",
            (OutboxKind.PUSH, chat_id, OutboxStatus.QUEUED),
        )
        return [_message(row) for row in rows]

    async def last_push_at(self, chat_id: int) -> datetime | None:
        (moment,) = await self.db.fetchone(
            "SELECT max(sent_at) FROM outbox WHERE kind = ? AND chat_id = ?", (OutboxKind.PUSH, chat_id)
        )
        return from_epoch(moment)

    async def drop_pushes(self, chat_id: int, reason: str) -> int:
        """Fail every push queued for a chat (it blocked the bot, or stopped pushes); returns how many."""
        async with self.db.transaction() as tx:
            return await tx.execute(
                "UPDATE outbox SET status = ?, error = ? WHERE kind = ? AND chat_id = ? AND status = ?",
                (OutboxStatus.FAILED, reason, OutboxKind.PUSH, chat_id, OutboxStatus.QUEUED),
            )

    async def recover(self) -> int:
        """At start: messages left ``sending`` by a crash become failed (see the module docstring)."""
        async with self.db.transaction() as tx:
            return await tx.execute(
                "UPDATE outbox SET status = ?, error = ? WHERE status = ?",
                (OutboxStatus.FAILED, INTERRUPTED, OutboxStatus.SENDING),
            )

    async def queued_by_kind(self) -> dict[str, int]:
        """Messages waiting to go out, by kind (every kind, 0 when none waits)."""
        kinds = [kind.value for kind in OutboxKind]  # by kind and status: the outbox_due index, not the whole table
        rows = await self.db.fetchall(
            f"SELECT kind, count(*) FROM outbox WHERE kind IN ({marks(kinds)}) AND status = ? GROUP BY kind",
            (*kinds, OutboxStatus.QUEUED),
        )
        return dict.fromkeys(kinds, 0) | {row[0]: row[1] for row in rows}

    async def counts(self, kinds: tuple[OutboxKind, ...]) -> dict[str, int]:
        rows = await self.db.fetchall(
            f"SELECT status, count(*) FROM outbox WHERE kind IN ({marks(kinds)}) GROUP BY status", kinds
        )
        return {row[0]: row[1] for row in rows}
