"""Telegram's send budget kept in the store, so replicas share it rather than each spending it whole.

Telegram allows a bot about 30 messages a second in all and 20 a minute in
one group or channel, and answers more with 429 and a wait. Each limit is a
row of ``send_budget`` holding the time it is next free, reserved with one
atomic upsert per message (the generic cell rate algorithm): a message may
go at ``max(now, due - tolerance)`` and moves ``due`` on by one ``gap``. A
429 one replica hears pushes the shared row to the end of the wait, so the
others hold back too.
"""

from __future__ import annotations

import asyncio
import time

from retrieval.outbox.models import GROUP, OVERALL, Limit
from retrieval.store.database import Database, Transaction

ALL = "all"


class StoredBudget:
    """The ``send_budget`` table of one store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def reserve(self, group: str | None, now: float) -> float:
        """Reserve the next free moment (Unix seconds) for one message, to a group/channel when ``group`` is given.

        Tried again through a database outage (``Database.repeatable``): a
        reservation that committed before its connection dropped and is made
        again only holds this message back one gap longer.
        """

        async def reserve_in(tx: Transaction) -> float:
            start = await _reserve(tx, ALL, OVERALL, now)
            if group is not None:
                start = max(start, await _reserve(tx, f"group:{group}", GROUP, now))
            return start

        return await self.db.repeatable(reserve_in)

    async def wait_turn(self, group: str | None) -> None:
        """Sleep until a message may go."""
        now = time.time()
        start = await self.reserve(group, now)
        if start > now:
            await asyncio.sleep(start - now)

    async def pause(self, until: float) -> None:
        """Telegram said to wait: no replica sends before ``until`` (Unix seconds); safe to repeat."""
        await self.db.repeatable(
            lambda tx: tx.execute(
                "INSERT INTO send_budget (key, due) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET due = CASE WHEN send_budget.due > excluded.due"
                " THEN send_budget.due ELSE excluded.due END",
                (ALL, until),
            )
        )


async def _reserve(tx: Transaction, key: str, limit: Limit, now: float) -> float:
    (due,) = await tx.fetchone(
        "INSERT INTO send_budget (key, due) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET due = CASE WHEN send_budget.due > ? THEN send_budget.due ELSE ? END + ?"
        " RETURNING due",
        (key, now + limit.gap, now, now, limit.gap),
    )
    return max(now, due - limit.gap - limit.tolerance)
