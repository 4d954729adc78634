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

import aiohttp
import asyncpg
import pytest

from bot.trial.telegram_html import parse_html
from retrieval.store.postgres import LEADER_LOCK, lock_key
from tests.botapi import Call, FakeBotApi
from tests.conftest import article
from tests.e2e.conftest import ADMIN_ID
from tests.postgres import restart_server
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


QUESTION = "MEK Albania camp"
# A demo article's headline that the answer to QUESTION lists: an apology or an empty answer lacks it.
ANSWERED_BY = "Rudy Went to Albania"
# The longest a question may wait for its answer while a replica dies beside it.
LONGEST_WAIT_SECONDS = 5.0


def is_answer(call: Call) -> bool:
    """The reply to QUESTION, not "something went wrong" nor any other message."""
    return call.method == "sendMessage" and call.status == 200 and ANSWERED_BY in parse_html(call.params["text"])


def answers(api: FakeBotApi, users: range) -> Counter[int]:
    """How many real answers (``is_answer``) each of ``users`` got."""
    wanted = set(users)
    return Counter(int(c.params["chat_id"]) for c in api.calls if is_answer(c) and int(c.params["chat_id"]) in wanted)


def apologies(api: FakeBotApi, users: range) -> int:
    wanted = set(users)
    return sum(1 for c in api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) in wanted
               and parse_html(c.params["text"]).startswith("Sorry"))  # fmt: skip


def waits(api: FakeBotApi, asked: dict[int, float]) -> dict[int, float]:
    """Seconds from each question's first delivery to its first real answer."""
    first: dict[int, float] = {}
    for call in api.calls:
        chat = int(call.params.get("chat_id", 0) or 0)
        if chat in asked and chat not in first and is_answer(call):
            first[chat] = call.at - asked[chat]
    return first


async def burst(cluster: Cluster, users: range, *, midway, gap: float = 0.025) -> dict[int, float]:
    """QUESTION from each of ``users`` through the proxy, ``gap`` apart; ``midway`` runs after the first third.

    Returns when each question was first delivered (``time.monotonic``), once every one was acknowledged.
    """
    tasks = []
    asked: dict[int, float] = {}
    for number, user in enumerate(users):
        message = cluster.api.text_message(QUESTION, user_id=user)
        asked[user] = time.monotonic()
        tasks.append(asyncio.create_task(cluster.telegram("message", message)))
        if number == len(users) // 3:
            await midway()
        await asyncio.sleep(gap)
    await asyncio.gather(*tasks)
    return asked


async def test_two_replicas_behind_a_proxy_share_one_store_and_survive_losing_one(
    cluster: Cluster, api: FakeBotApi, postgres_url: str
) -> None:
    await cluster.start("a")  # the first start creates the schema and loads the demo articles
    await cluster.start("b")
    await cluster.start_proxy()

    # A started first and leads: /healthz, /metrics and PostgreSQL's own view agree on who leads.
    assert [await _role(cluster, name) for name in ("a", "b")] == [("leader", 1.0), ("follower", 0.0)]
    for name in ("a", "b"):
        replica = (await _get(cluster, name, "/healthz"))["replica"]
        assert replica.endswith(f":{cluster.processes[name].pid}"), replica
        assert await _sessions_named(postgres_url, replica) >= 1, f"no session of {replica} in pg_stat_activity"

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

    # A burst through the proxy; A is killed (SIGKILL) a third of the way in. Every question is answered,
    # none waits more than LONGEST_WAIT_SECONDS (the proxy must not stall on the dead replica).
    first = range(5000, 5060)
    asked = await burst(cluster, first, midway=lambda: cluster.stop("a", signal.SIGKILL))
    counts = answers(api, first)
    assert set(counts) == set(first), f"{len(set(first) - set(counts))} of {len(first)} questions never answered"
    slow = sorted(round(wait, 1) for wait in waits(api, asked).values() if wait > LONGEST_WAIT_SECONDS)
    assert not slow, f"{len(slow)} of {len(first)} answers came more than {LONGEST_WAIT_SECONDS:g} s late: {slow}"
    twice = [user for user, count in counts.items() if count > 1]
    for user in twice:  # only where A answered and died before its 200 (Telegram then sent it again)
        senders = sorted(c.via for c in api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == user)
        assert senders == ["a", "b"], senders
    assert len(twice) <= 1, twice
    assert {c.via for c in api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) in counts} == {"a", "b"}

    # B leads the jobs now, within a retry of the leader lock, and says so at once (not at its next heartbeat).
    deadline = time.monotonic() + 20
    while "now runs the scheduled jobs" not in cluster.log("b").read_text():
        assert time.monotonic() < deadline, "no replica took over the jobs"
        await asyncio.sleep(0.05)
    assert await _role(cluster, "b") == ("leader", 1.0)

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


async def _get(cluster: Cluster, name: str, path: str) -> dict | str:
    """A replica's own /healthz (JSON) or /metrics (text), straight from it."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{cluster.ports[name]}{path}") as response:
            return await response.json() if path == "/healthz" else await response.text()


async def _role(cluster: Cluster, name: str) -> tuple[str, float]:
    """The role /healthz gives and the newsbot_leading gauge /metrics gives, read one after the other."""
    role = (await _get(cluster, name, "/healthz"))["role"]
    gauge = next(line for line in (await _get(cluster, name, "/metrics")).splitlines() if line.startswith("newsbot_leading "))
    return role, float(gauge.split()[1])


async def _sessions_named(url: str, replica: str) -> int:
    db = await asyncpg.connect(url)
    try:
        return await db.fetchval("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", replica)
    finally:
        await db.close()


CHANNEL = -1001234567890
FOLLOWER = 8001


async def _leaders(url: str) -> int:
    db = await asyncpg.connect(url)
    try:
        return await db.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = $1", lock_key(LEADER_LOCK)
        )
    finally:
        await db.close()


async def _terminate_connections_of(url: str, process_id: int) -> int:
    """What a failover or an operator does to one replica: its sessions end mid-use."""
    db = await asyncpg.connect(url)
    try:
        return await db.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name LIKE $1",
            f"newsbot %:{process_id}",
        )
    finally:
        await db.close()


async def _until(check, failure: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, failure
        await asyncio.sleep(0.2)


async def test_a_postgresql_restart_and_dropped_connections_mid_burst_lose_nothing_and_send_nothing_twice(
    cluster: Cluster, api: FakeBotApi, postgres_url: str
) -> None:
    for name in ("a", "b"):
        await cluster.start(name, NEWSBOT_CHANNEL_ID=str(CHANNEL))
    await cluster.start_proxy()
    await cluster.telegram("message", api.text_message("/follow harbour cranes", user_id=FOLLOWER))
    stories = [article(900 + n, title=f"Harbour cranes story {n}", body=f"Harbour cranes {n} were idle all week.")
               for n in range(5)]  # fmt: skip
    upload = "".join(json.dumps(story) + "\n" for story in stories).encode()
    # Five channel posts (one every 3 s) and a push: queued now, sent while the store goes away and comes back.
    await cluster.telegram("message", api.document_message(upload, "cranes.jsonl", user_id=ADMIN_ID), to="b")

    async def outage() -> None:
        await restart_server()
        await asyncio.sleep(1.0)
        assert await _terminate_connections_of(postgres_url, cluster.processes["b"].pid) > 0

    users = range(9000, 9120)  # 3 s of questions; the outage starts after the first second, beside them
    outages: list[asyncio.Task[None]] = []
    await burst(cluster, users, midway=lambda: _later(outages, outage()))
    await outages[0]
    assert not (problems := _unanswered_or_twice(api, users)), problems

    async def posts_settled() -> bool:
        db = await asyncpg.connect(postgres_url)
        try:
            return not await db.fetchval("SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')"
                                         " AND (kind = 'article' OR not_before <= extract(epoch FROM now()))")  # fmt: skip
        finally:
            await db.close()

    await _until(posts_settled, "the channel posts and the push did not all go out")
    posted = Counter(parse_html(c.params["text"]).split("\n")[0] for c in api.calls
                     if c.method == "sendMessage" and c.status == 200 and int(c.params["chat_id"]) == CHANNEL)  # fmt: skip
    assert posted == Counter({story["title"]: 1 for story in stories}), posted
    pushes = [c for c in api.calls if c.method == "sendMessage" and c.status == 200
              and str(c.params["chat_id"]) == str(FOLLOWER) and c.params["text"].startswith("🔔")]  # fmt: skip
    assert len(pushes) == 1, "the first push went out more than once, or never"
    db = await asyncpg.connect(postgres_url)
    try:
        assert await db.fetchval("SELECT count(*) FROM outbox WHERE status = 'failed'") == 0
    finally:
        await db.close()

    await _until(lambda: _leaders_one(postgres_url), "not exactly one replica leads after the outage", timeout=40)
    # The index catches up: an article loaded through A after the outage is found through B.
    fresh = json.dumps(article(990, title="Quillwort festival returns after the outage")) + "\n"
    await cluster.telegram("message", api.document_message(fresh.encode(), "fresh.jsonl", user_id=ADMIN_ID), to="a")

    async def found_on_b() -> bool:
        mark = api.mark()
        await cluster.telegram("message", api.text_message("quillwort festival", user_id=9999), to="b")
        return "Quillwort" in parse_html((await api.next_call("sendMessage", chat_id=9999, after=mark)).params["text"])

    await _until(found_on_b, "replica B never indexed what A loaded after the outage", timeout=30)
    for name in ("a", "b"):
        assert cluster.processes[name].returncode is None, cluster.log(name).read_text()[-3000:]
    logs = cluster.log("a").read_text() + cluster.log("b").read_text()
    assert "waiting for it" in logs and "answers again" in logs  # the outage was met, and waited out


async def _leaders_one(url: str) -> bool:
    return await _leaders(url) == 1


def _unanswered_or_twice(api: FakeBotApi, users: range) -> str:
    """What went wrong for ``users``' questions, counted (empty when each got one real answer)."""
    counts = answers(api, users)
    lost = sum(1 for user in users if not counts[user])
    twice = sum(1 for user in users if counts[user] > 1)
    sorry = apologies(api, users)
    if not (lost or twice or sorry):
        return ""
    return f"{lost} of {len(users)} unanswered, {twice} answered twice, {sorry} told 'something went wrong'"


# The lost answer this guards against came in 1 run in 2 of a single restart: 8 rounds miss it 1 time in 256.
RESTART_ROUNDS = 8


async def test_postgresql_restarts_mid_burst_never_lose_an_answer(cluster: Cluster, api: FakeBotApi) -> None:
    """PostgreSQL restarted in the middle of a burst, again and again: every question gets its answer, once."""
    for name in ("a", "b"):
        await cluster.start(name)
    await cluster.start_proxy()
    failed: list[str] = []
    for number in range(RESTART_ROUNDS):
        users = range(20_000 + 100 * number, 20_000 + 100 * number + 40)
        restarts: list[asyncio.Task[None]] = []
        await burst(cluster, users, midway=lambda tasks=restarts: _later(tasks, restart_server()), gap=0.005)
        await restarts[0]
        if problem := _unanswered_or_twice(api, users):
            failed.append(f"round {number + 1}: {problem}")
    assert not failed, f"{len(failed)} of {RESTART_ROUNDS} restarts lost or doubled answers: {failed}"
    for name in ("a", "b"):
        assert cluster.processes[name].returncode is None, cluster.log(name).read_text()[-3000:]
