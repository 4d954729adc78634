"""Paging keys and answered updates live in the store, so every replica (and a restart) sees them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from retrieval import Archive
from retrieval.readers.replies import HANDLED_TTL, PAGE_TTL
from tests.conftest import article, tables_of, write_jsonl

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


async def _page(archive: Archive, question: str, question_id: int | None = None) -> str:
    async with archive.store.db.transaction() as tx:
        return await tables_of(archive).replies.add_page(tx, question, question_id, NOW)


async def test_a_paging_key_recalls_its_question_until_it_expires(archive: Archive) -> None:
    replies = tables_of(archive).replies
    key = await _page(archive, "MEK camp in Albania?")
    assert len(key) == 10 and key != await _page(archive, "MEK camp in Albania?")
    assert await replies.recall(key, NOW + PAGE_TTL) == ("MEK camp in Albania?", None)
    assert await replies.recall(key, NOW + PAGE_TTL + timedelta(seconds=1)) is None
    assert await replies.recall("0123456789", NOW) is None
    await replies.purge(NOW + PAGE_TTL + timedelta(seconds=1))
    assert await archive.store.db.fetchone("SELECT count(*) FROM pages") == (0,)


async def test_a_forgotten_question_takes_its_paging_key_with_it(archive: Archive) -> None:
    reader = await tables_of(archive).insights.reader_key(7)
    async with archive.store.db.transaction() as tx:
        question_id = await tables_of(archive).insights.add_question(tx, reader, "albania camp", ("albania", "camp"), 3, NOW)
    key = await _page(archive, "albania camp", question_id)
    assert await tables_of(archive).replies.recall(key, NOW) == ("albania camp", question_id)
    await archive.forget(7)
    assert await tables_of(archive).replies.recall(key, NOW) is None


async def test_an_answered_update_is_remembered_for_a_day(archive: Archive) -> None:
    replies = tables_of(archive).replies
    assert not await replies.was_handled(501)
    await replies.mark_handled(501, NOW)
    await replies.mark_handled(501, NOW)  # a second mark is harmless
    assert await replies.was_handled(501)
    await replies.purge(NOW + HANDLED_TTL + timedelta(seconds=1))
    assert not await replies.was_handled(501)


async def test_an_answer_logs_its_question_and_keeps_its_paging_key_together(archive: Archive, tmp_path: Path) -> None:
    """One commit per answer: the question for the insights and the key behind its buttons."""
    await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, body="The camp in Albania houses MEK members.")]))])
    found = await archive.search("camp in Albania")
    question_id, key = await archive.record_answer(7, found)
    assert question_id is not None and await archive.recall_question(key) == ("camp in Albania", question_id)
    assert await archive.store.db.fetchone("SELECT text, results FROM questions WHERE id = ?", (question_id,)) == (
        "camp in Albania",
        1,
    )

    nothing = await archive.search("zebra crossing")
    assert await archive.record_answer(7, nothing) == (question_id + 1, "")  # logged, but no buttons to page
    anonymous_id, anonymous_key = await archive.record_answer(None, found)  # a channel post: nobody to log
    assert anonymous_id is None and await archive.recall_question(anonymous_key) == ("camp in Albania", None)
    stopwords_only = await archive.search("the and of")
    assert await archive.record_answer(7, stopwords_only) == (None, "")
