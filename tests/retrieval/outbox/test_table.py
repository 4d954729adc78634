"""The outbox's claim: a message goes out from one sender only, even with two replicas racing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from retrieval import Archive
from retrieval.outbox.models import OutboxKind, OutboxStatus
from tests.conftest import tables_of

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


async def _statuses(archive: Archive) -> list[str]:
    return [row[0] for row in await archive.store.db.fetchall("SELECT status FROM outbox ORDER BY id")]


async def test_of_two_racing_claims_one_wins(archive: Archive) -> None:
    assert await tables_of(archive).outbox.queue(OutboxKind.NOTICE, "notice:1", NOW, payload="x")
    message = await tables_of(archive).outbox.next_due((OutboxKind.NOTICE,), NOW, max_age=NOW - NOW.replace(year=2025))
    assert message is not None
    won = await asyncio.gather(*(tables_of(archive).outbox.claim(message.id) for _ in range(5)))
    assert sorted(won) == [False] * 4 + [True]
    assert await _statuses(archive) == [OutboxStatus.SENDING]


async def test_a_claim_of_several_marks_none_if_one_is_taken(archive: Archive) -> None:
    for n in (1, 2, 3):
        await tables_of(archive).outbox.queue(OutboxKind.PUSH, f"push:9:{n}", NOW, chat_id=9, article_id=None)
    ids = [message.id for message in await tables_of(archive).outbox.pushes_for(9)]
    assert await tables_of(archive).outbox.claim(ids[1])
    assert not await tables_of(archive).outbox.claim(ids)
    assert await _statuses(archive) == [OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.QUEUED]
