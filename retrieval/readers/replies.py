"""What a reply needs remembered beyond one process: paging keys and the updates already answered.

Telegram's buttons carry at most 64 bytes, so an answer's More/Back
buttons carry a short random key and the question is kept here (a random
key, not the question's id, so a forged button cannot page through another
reader's question). Kept in the store, a button pressed on a message one
replica sent works on any other, and after a restart.

``handled`` makes webhook delivery answer an update once across replicas:
Telegram sends an update again when its first delivery got no 200 (a
replica died holding it), and the replica that gets it next skips it if it
was answered already.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from retrieval.store.database import Database, Transaction, to_epoch

#: How long an answer's More/Back buttons keep working.
PAGE_TTL = timedelta(hours=24)
#: How long an answered update id is remembered (Telegram gives up re-sending long before).
HANDLED_TTL = timedelta(days=1)


def new_page_key() -> str:
    """A random key for an answer's paging buttons (10 hex digits: 40 bits)."""
    return secrets.token_hex(5)


class StoredReplies:
    """The ``pages`` and ``handled_updates`` tables of one store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    async def add_page(
        tx: Transaction, question: str, question_id: int | None, now: datetime, key: str | None = None
    ) -> str:
        """Keep the question behind an answer's paging buttons within ``tx``; returns its key.

        Given the ``key`` (``new_page_key``) it is safe to repeat: a try that
        finds the key already holding this question (an earlier try
        committed) keeps it; another question under the same key (40 random
        bits met twice) gets a new key.
        """
        key = key or new_page_key()
        while True:
            stored = await tx.execute(
                "INSERT INTO pages (key, question, question_id, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (key, question, question_id, to_epoch(now)),
            )
            if stored:
                return key
            kept = await tx.fetchone("SELECT question, created_at FROM pages WHERE key = ?", (key,))
            if kept == (question, to_epoch(now)):
                return key
            key = new_page_key()

    async def recall(self, key: str, now: datetime) -> tuple[str, int | None] | None:
        """The question (and its logged id) behind a paging key; None once expired or forgotten."""
        row = await self.db.fetchone(
            "SELECT question, question_id FROM pages WHERE key = ? AND created_at >= ?",
            (key, to_epoch(now - PAGE_TTL)),
        )
        return None if row is None else (row[0], row[1])

    async def was_handled(self, update_id: int) -> bool:
        return await self.db.fetchone("SELECT 1 FROM handled_updates WHERE update_id = ?", (update_id,)) is not None

    async def mark_handled(self, update_id: int, now: datetime) -> None:
        """Remember that ``update_id`` was answered.

        One statement committed on its own: a replica killed between Telegram
        accepting the answer and this commit leaves the update unacknowledged
        and unmarked, so the replica that gets it again answers it a second
        time; the shorter the write, the rarer that (bench/replica_kill.py).
        Safe to repeat, so it waits out an outage.
        """
        await self.db.execute_repeatable(
            "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?) ON CONFLICT (update_id) DO NOTHING",
            (update_id, to_epoch(now)),
        )

    async def purge(self, now: datetime) -> None:
        """Forget expired paging keys and old update ids."""
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM pages WHERE created_at < ?", (to_epoch(now - PAGE_TTL),))
            await tx.execute("DELETE FROM handled_updates WHERE handled_at < ?", (to_epoch(now - HANDLED_TTL),))
