"""Paging keys and answered updates live in the store, so every replica (and a restart) sees them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from retrieval import Archive
from retrieval.stored_replies import HANDLED_TTL, PAGE_TTL

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


async def test_a_paging_key_recalls_its_question_until_it_expires(archive: Archive) -> None:
    replies = archive.replies
    key = await replies.remember("MEK camp in Albania?", None, NOW)
    assert len(key) == 10 and key != await replies.remember("MEK camp in Albania?", None, NOW)
    assert await replies.recall(key, NOW + PAGE_TTL) == ("MEK camp in Albania?", None)
    assert await replies.recall(key, NOW + PAGE_TTL + timedelta(seconds=1)) is None
    assert await replies.recall("0123456789", NOW) is None
    await replies.purge(NOW + PAGE_TTL + timedelta(seconds=1))
    assert await archive.store.db.fetchone("SELECT count(*) FROM pages") == (0,)


async def test_a_forgotten_question_takes_its_paging_key_with_it(archive: Archive) -> None:
    reader = await archive.insights.reader_key(7)
    question_id = await archive.insights.record_question(reader, "albania camp", ("albania", "camp"), 3, NOW)
    key = await archive.replies.remember("albania camp", question_id, NOW)
    assert await archive.replies.recall(key, NOW) == ("albania camp", question_id)
    await archive.forget(7)
    assert await archive.replies.recall(key, NOW) is None


async def test_an_answered_update_is_remembered_for_a_day(archive: Archive) -> None:
    replies = archive.replies
    assert not await replies.was_handled(501)
    await replies.mark_handled(501, NOW)
    await replies.mark_handled(501, NOW)  # a second mark is harmless
    assert await replies.was_handled(501)
    await replies.purge(NOW + HANDLED_TTL + timedelta(seconds=1))
    assert not await replies.was_handled(501)
