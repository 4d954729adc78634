"""Replicas on one PostgreSQL store: one leads the jobs, another takes over, changes are heard at once."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import asyncpg
import pytest

from retrieval import Archive, Settings, replicas
from retrieval.replicas import PostgresReplicas, ReplicaError, SingleProcess
from retrieval.store.postgres import LEADER_LOCK, lock_key
from tests.conftest import article, write_jsonl


@pytest.fixture
def url(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(replicas, "RETRY_SECONDS", 0.1)
    return postgres_url


class Replica:
    """A PostgresReplicas with counters for its callbacks."""

    def __init__(self, url: str, polling: bool = False) -> None:
        self.changes = 0
        self.leads = 0
        self.roles: list[bool] = []  # each change of role, as on_role heard it
        self.heard = asyncio.Event()
        self.replicas = PostgresReplicas(
            url, polling=polling, on_change=self._change, on_lead=self._lead, on_role=self.roles.append
        )

    async def _change(self) -> None:
        self.changes += 1
        self.heard.set()

    async def _lead(self) -> None:
        self.leads += 1


async def until(condition, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_one_replica_leads_and_another_takes_over_when_it_stops(url: str) -> None:
    first, second = Replica(url), Replica(url)
    await first.replicas.start()
    await second.replicas.start()
    try:
        await until(lambda: first.replicas.leading or second.replicas.leading)
        await asyncio.sleep(0.3)  # several more tries: still one leader
        assert [first.replicas.leading, second.replicas.leading].count(True) == 1
        leader, other = (first, second) if first.replicas.leading else (second, first)
        await leader.replicas.stop()
        await until(lambda: other.replicas.leading)
        assert (leader.leads, other.leads) == (1, 1)
        assert (leader.roles, other.roles) == ([True, False], [True])  # told at each change, not on a timer
    finally:
        await first.replicas.stop()
        await second.replicas.stop()


async def test_a_leader_whose_session_is_cut_stops_leading_and_rejoins(url: str) -> None:
    first, second = Replica(url), Replica(url)
    await first.replicas.start()
    await until(lambda: first.replicas.leading)
    await second.replicas.start()
    try:
        admin = await asyncpg.connect(url)
        try:  # what PostgreSQL does to a replica whose machine vanished
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND objid = $1 AND pid <> pg_backend_pid()",
                lock_key(LEADER_LOCK),
            )
        finally:
            await admin.close()
        await until(lambda: second.replicas.leading)
        await until(lambda: first.replicas._session.connected and not first.replicas.leading)
        await asyncio.sleep(0.3)
        assert not first.replicas.leading and first.roles == [True, False]
        assert first.replicas.name == second.replicas.name == f"newsbot {socket.gethostname()}:{os.getpid()}"[:63]
    finally:
        await first.replicas.stop()
        await second.replicas.stop()


async def test_polling_is_refused_beside_another_serving_process(url: str) -> None:
    webhook = Replica(url)
    await webhook.replicas.start()
    try:
        with pytest.raises(ReplicaError, match="webhook mode"):
            await Replica(url, polling=True).replicas.start()
    finally:
        await webhook.replicas.stop()
    poller = Replica(url, polling=True)
    await poller.replicas.start()
    try:
        with pytest.raises(ReplicaError, match="polling Telegram serves"):
            await Replica(url).replicas.start()
    finally:
        await poller.replicas.stop()


async def test_an_article_loaded_through_one_replica_is_searchable_on_another(url: str, tmp_path: Path) -> None:
    """Two archives (two replicas' indexes) on one store: B indexes A's load when notified, well within 2 s."""
    settings_a = Settings(_env_file=None, db_path=tmp_path / "a" / "db", database_url=url, load_seeds=False)
    settings_b = Settings(_env_file=None, db_path=tmp_path / "b" / "db", database_url=url, load_seeds=False)
    async with await Archive.open(settings_a) as a, await Archive.open(settings_b) as b:
        listener = PostgresReplicas(url, polling=False, on_change=b.sync_index, on_lead=_nothing)
        await listener.start()
        try:
            await asyncio.sleep(0.2)  # the catch-up sync on start is done
            started = asyncio.get_running_loop().time()
            await a.load([str(write_jsonl(tmp_path / "new.jsonl", [article(7, title="Ashraf 3 camp news")]))])
            while not (await b.search("Ashraf camp")).hits:
                assert asyncio.get_running_loop().time() - started < 2.0, "not searchable on B within 2 s"
                await asyncio.sleep(0.02)
        finally:
            await listener.stop()


async def _nothing() -> None:
    return None


async def test_a_sqlite_archive_has_one_serving_process_which_leads() -> None:
    led = []

    async def lead() -> None:
        led.append(True)

    roles: list[bool] = []
    single = SingleProcess(lead, roles.append)
    await single.start()
    assert single.leading and led == [True] and roles == [True] and single.name is None
    await single.stop()
    assert not single.leading and roles == [True, False]
