"""What the bot remembers of each chat: the language its reader chose, and whether its pushes are paused.

One row per chat in ``readers``, written by one upsert per change, so two
replicas setting a language and a pause at once both keep theirs.
"""

from __future__ import annotations

from datetime import datetime

from retrieval.messages import N_
from retrieval.store.database import Database, to_epoch

# Why a chat's pushes are paused: kept in the store, said to the reader (the bot's catalogue translates them).
STOPPED = N_("you sent /stop")
BLOCKED = N_("you had blocked the bot")
PAUSE_REASONS = (STOPPED, BLOCKED)


class StoredReaders:
    """The ``readers`` table of one store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def set_paused(self, chat_id: int, reason: str | None, now: datetime) -> None:
        """Pause a chat's pushes with ``reason`` (/stop, blocked the bot), or resume them (None)."""
        await self._set_reader(chat_id, "paused_reason", reason, now)

    async def resume_if_blocked(self, chat_id: int, now: datetime) -> None:
        """A reader who had blocked the bot and writes again wants their pushes back."""
        if await self.paused_reason(chat_id) == BLOCKED:
            await self.set_paused(chat_id, None, now)

    async def paused_reason(self, chat_id: int) -> str | None:
        row = await self.db.fetchone("SELECT paused_reason FROM readers WHERE chat_id = ?", (chat_id,))
        return None if row is None else row[0]

    async def set_language(self, chat_id: int, language: str | None, now: datetime) -> None:
        """Remember the language a reader chose (None: follow their Telegram app's)."""
        await self._set_reader(chat_id, "language", language, now)

    async def _set_reader(self, chat_id: int, column: str, value: str | None, now: datetime) -> None:
        """Set one column of a reader's row (``column`` is one of this module's names, never input)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO readers (chat_id, {column}, updated_at) VALUES (?, ?, ?)"
                f" ON CONFLICT (chat_id) DO UPDATE SET {column} = excluded.{column}, updated_at = excluded.updated_at",
                (chat_id, value, to_epoch(now)),
            )

    async def language(self, chat_id: int) -> str | None:
        row = await self.db.fetchone("SELECT language FROM readers WHERE chat_id = ?", (chat_id,))
        return None if row is None else row[0]
