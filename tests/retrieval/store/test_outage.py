"""Writes cut off by PostgreSQL dropping the connection: a repeatable write is run again, whole; any other fails.

The server ends the session in the middle of the transaction for real
(``pg_terminate_backend`` of the transaction's own connection), as a restart
or a failover does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from retrieval import Archive
from retrieval.errors import StoreUnavailableError
from retrieval.store.database import Transaction
from retrieval.store.postgres import PostgresDatabase, application_name
from tests.conftest import article, write_jsonl


@pytest.fixture
async def db(postgres_url: str) -> AsyncIterator[PostgresDatabase]:
    database = PostgresDatabase(postgres_url, outage_wait=10)
    await database.open()
    async with database.transaction() as tx:
        await tx.execute("CREATE TABLE marks (name TEXT PRIMARY KEY)")
    try:
        yield database
    finally:
        await database.close()


async def _cut_off(tx: Transaction) -> None:
    """The server ends this transaction's session now (its writes so far are rolled back)."""
    await tx.execute("SELECT pg_terminate_backend(pg_backend_pid())")


async def test_a_repeatable_write_cut_off_midway_is_run_again_on_a_fresh_connection(db: PostgresDatabase) -> None:
    tries: list[int] = []

    async def work(tx: Transaction) -> int:
        tries.append(1)
        await tx.execute("INSERT INTO marks (name) VALUES (?) ON CONFLICT DO NOTHING", ("answered",))
        if len(tries) == 1:
            await _cut_off(tx)
        return len(tries)

    assert await db.repeatable(work) == 2
    assert await db.fetchall("SELECT name FROM marks") == [("answered",)]
    assert db.waiting_since is None  # the wait is over


async def test_a_plain_transaction_cut_off_midway_fails_as_the_store_being_away(db: PostgresDatabase) -> None:
    with pytest.raises(StoreUnavailableError, match="in the middle of a write"):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO marks (name) VALUES (?)", ("half",))
            await _cut_off(tx)
    assert await db.fetchall("SELECT name FROM marks") == []  # rolled back, and the store answers again


async def test_a_repeatable_write_gives_up_after_the_outage_wait(db: PostgresDatabase) -> None:
    db.outage_wait = 0.5

    async def always_cut_off(tx: Transaction) -> None:
        await _cut_off(tx)

    with pytest.raises(StoreUnavailableError, match="did not answer for 0.5 s"):
        await db.repeatable(always_cut_off)


class _CommitLost:
    """A database whose repeatable writes commit, then run again: a COMMIT whose answer the connection lost."""

    def __init__(self, db: object) -> None:
        self._db = db

    def __getattr__(self, name: str) -> object:
        return getattr(self._db, name)

    async def repeatable(self, work):  # noqa: ANN001, ANN201 - the Database method it stands in for
        await self._db.repeatable(work)
        return await self._db.repeatable(work)


async def test_an_answer_recorded_again_after_a_lost_commit_is_logged_once(archive: Archive, tmp_path: Path) -> None:
    await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, title="Albania camp story")]))])
    result = await archive.search("albania camp")
    assert result.hits
    archive.store.db = _CommitLost(archive.store.db)
    question_id, key = await archive.record_answer(7, result)
    assert question_id is not None and key
    assert await archive.store.db.fetchall("SELECT id FROM questions") == [(question_id,)]
    assert await archive.store.db.fetchall("SELECT key, question_id FROM pages") == [(key, question_id)]
    assert await archive.recall_question(key) == ("albania camp", question_id)


async def test_a_one_statement_write_on_a_dropped_connection_is_made_on_a_fresh_one(db: PostgresDatabase) -> None:
    await db.fetchall("SELECT 1")  # a connection now idles in the pool
    admin = await asyncpg.connect(db.url)
    try:  # what a failover does: the pool's connection is gone before the write
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
            application_name()["application_name"],
        )
    finally:
        await admin.close()
    insert = "INSERT INTO marks (name) VALUES (?) ON CONFLICT DO NOTHING"
    assert await db.execute_repeatable(insert, ("answered",)) == 1
    assert await db.execute_repeatable(insert, ("answered",)) == 0  # safe to repeat
    assert await db.fetchall("SELECT name FROM marks") == [("answered",)]
