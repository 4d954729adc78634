"""Two real replicas (`newsbot run --webhook`) on one PostgreSQL store behind a real Caddy.

The test plays Telegram: it POSTs updates to the proxy and sends an update
again until it gets a 200, as Telegram does. It loads through one replica
and searches through the other, kills one in the middle of a burst of
questions, then restarts it and stops the other one gracefully (a rolling
upgrade) in the middle of another burst.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.botapi import FakeBotApi, parse_html
from tests.conftest import article
from tests.e2e.conftest import ADMIN_ID
from tests.replicas import Cluster


def caddy_binary() -> str:
    found = shutil.which("caddy")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("caddy is not installed: .ci/run installs it for this test")
    pytest.skip("caddy is not installed (apt-get install caddy) to run the replica test")


@pytest.fixture
async def cluster(api: FakeBotApi, postgres_url: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    running = Cluster(api, postgres_url, tmp_path, caddy_binary())
    try:
        yield running
    finally:
        await running.close()


def answers(api: FakeBotApi, users: range) -> Counter[int]:
    wanted = set(users)
    return Counter(
        int(c.params["chat_id"])
        for c in api.calls
        if c.method == "sendMessage" and c.status == 200 and int(c.params["chat_id"]) in wanted
    )


async def burst(cluster: Cluster, users: range, *, midway) -> None:
    """Questions from each of ``users`` through the proxy, 25 ms apart; ``midway`` runs after the first third."""
    tasks = []
    for number, user in enumerate(users):
        message = cluster.api.text_message("MEK Albania camp", user_id=user)
        tasks.append(asyncio.create_task(cluster.telegram("message", message)))
        if number == len(users) // 3:
            await midway()
        await asyncio.sleep(0.025)
    await asyncio.gather(*tasks)


async def test_two_replicas_behind_a_proxy_share_one_store_and_survive_losing_one(
    cluster: Cluster, api: FakeBotApi, postgres_url: str
) -> None:
    await cluster.start("a")  # the first start creates the schema and loads the demo articles
    await cluster.start("b")
    await cluster.start_proxy()

    # Loaded through A (an admin's upload, delivered to A itself), searchable on B within 2 s of its commit.
    upload = json.dumps(article(7, title="Zephyrine residents of Ashraf 3 hold a vigil")) + "\n"
    await cluster.telegram("message", api.document_message(upload.encode(), "new.jsonl", user_id=ADMIN_ID), to="a")
    store = await asyncpg.connect(postgres_url)
    try:
        while not await store.fetchval("SELECT count(*) FROM articles WHERE title LIKE 'Zephyrine%'"):
            await asyncio.sleep(0.01)
    finally:
        await store.close()
    committed = time.monotonic()
    while True:
        mark = api.mark()
        await cluster.telegram("message", api.text_message("zephyrine vigil", user_id=3001), to="b")
        reply = await api.next_call("sendMessage", chat_id=3001, after=mark)
        assert reply.via == "b"
        if "Zephyrine" in parse_html(reply.params["text"]):
            break
        assert time.monotonic() - committed < 2.0, "the article was not searchable on B within 2 s"

    # A burst through the proxy; A is killed (SIGKILL) a third of the way in.
    first = range(5000, 5060)
    await burst(cluster, first, midway=lambda: cluster.stop("a", signal.SIGKILL))
    counts = answers(api, first)
    assert set(counts) == set(first), "some questions were never answered"
    twice = [user for user, count in counts.items() if count > 1]
    for user in twice:  # only where A answered and died before its 200 (Telegram then sent it again)
        senders = sorted(c.via for c in api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == user)
        assert senders == ["a", "b"], senders
    assert len(twice) <= 1, twice
    assert {c.via for c in api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) in counts} == {"a", "b"}

    # B leads the jobs now (if A did), within a retry of the leader lock.
    deadline = time.monotonic() + 20
    while "now runs the scheduled jobs" not in cluster.log("b").read_text():
        assert time.monotonic() < deadline, "no replica took over the jobs"
        await asyncio.sleep(0.2)

    # Rolling upgrade: A comes back, then B is stopped gracefully mid-burst; every question is answered once.
    await cluster.start("a")
    for user in itertools.count(7000):  # until the proxy has taken A back
        mark = api.mark()
        await cluster.telegram("message", api.text_message("MEK", user_id=user))
        if (await api.next_call("sendMessage", chat_id=user, after=mark)).via == "a":
            break
    second = range(6000, 6040)
    stopping: list[asyncio.Task[int]] = []
    await burst(cluster, second, midway=lambda: _later(stopping, cluster.stop("b")))
    assert await stopping[0] == 0, cluster.log("b").read_text()[-3000:]
    assert answers(api, second) == Counter({user: 1 for user in second})


async def _later(tasks: list, coroutine) -> None:
    tasks.append(asyncio.create_task(coroutine))
