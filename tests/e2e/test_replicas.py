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
import socket
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from tests.botapi import FakeBotApi, parse_html
from tests.conftest import article
from tests.e2e.conftest import ADMIN_ID
from tests.postgres import fresh_schema

ROOT = Path(__file__).resolve().parents[2]
SECRET = "replica-secret_1"
CADDYFILE = ROOT / "deploy" / "Caddyfile.replicas"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def caddy_binary() -> str:
    found = shutil.which("caddy")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("caddy is not installed: .ci/run installs it for this test")
    pytest.skip("caddy is not installed (apt-get install caddy) to run the replica test")


@pytest.fixture
async def url() -> AsyncIterator[str]:
    async for schema_url in fresh_schema():
        yield schema_url


class Cluster:
    """The replicas, the proxy in front of them, and the test as Telegram."""

    def __init__(self, api: FakeBotApi, url: str, tmp_path: Path) -> None:
        self.api = api
        self.url = url
        self.tmp_path = tmp_path
        self.proxy_port = free_port()
        self.ports = {"a": free_port(), "b": free_port()}
        self.processes: dict[str, asyncio.subprocess.Process] = {}
        self.update_ids = itertools.count(100_000)
        self.caddy: asyncio.subprocess.Process | None = None

    def log(self, name: str) -> Path:
        return self.tmp_path / f"{name}.log"

    async def start(self, name: str) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSBOT_")}
        env.update(
            PYTHONPATH=str(ROOT),
            NEWSBOT_DATABASE_URL=self.url,
            NEWSBOT_DB_PATH=str(self.tmp_path / name / "newsbot.sqlite3"),
            NEWSBOT_BOT_TOKEN=self.api.token,
            # Each replica calls the Bot API under its own prefix, so its sends can be told apart.
            NEWSBOT_API_BASE_URL=f"http://127.0.0.1:{self.api.port}/{name}/bot",
            NEWSBOT_API_FILE_URL=self.api.file_url,
            NEWSBOT_ADMIN_IDS=str(ADMIN_ID),
            NEWSBOT_WEBHOOK_URL=f"http://127.0.0.1:{self.proxy_port}/telegram",
            NEWSBOT_WEBHOOK_PORT=str(self.ports[name]),
            NEWSBOT_WEBHOOK_SECRET=SECRET,
        )
        with self.log(name).open("ab") as log:
            self.processes[name] = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", "--webhook", env=env, stderr=log
            )
        await self.wait_healthy(f"http://127.0.0.1:{self.ports[name]}/healthz", name)

    async def start_proxy(self) -> None:
        env = {
            **os.environ,
            "HOME": str(self.tmp_path),
            "XDG_DATA_HOME": str(self.tmp_path / "caddy"),
            "XDG_CONFIG_HOME": str(self.tmp_path / "caddy"),
            "NEWSBOT_PUBLIC_HOST": f"http://127.0.0.1:{self.proxy_port}",
            "NEWSBOT_REPLICAS": " ".join(f"127.0.0.1:{port}" for port in self.ports.values()),
        }
        with self.log("caddy").open("ab") as log:
            self.caddy = await asyncio.create_subprocess_exec(
                caddy_binary(), "run", "--config", str(CADDYFILE), "--adapter", "caddyfile", env=env, stderr=log
            )
        await self.wait_healthy(f"http://127.0.0.1:{self.proxy_port}/healthz", "caddy")

    async def wait_healthy(self, address: str, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while True:
                process = self.caddy if name == "caddy" else self.processes[name]
                assert process is not None and process.returncode is None, self.log(name).read_text()[-3000:]
                try:
                    async with session.get(address) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline, f"{name} not healthy: " + self.log(name).read_text()[-3000:]
                await asyncio.sleep(0.1)

    async def telegram(self, kind: str, payload: dict, *, to: str | None = None) -> int:
        """POST one update as Telegram does, again until it gets a 200; returns the deliveries it took."""
        port = self.ports[to] if to else self.proxy_port
        update = {"update_id": next(self.update_ids), kind: payload}
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as session:
            for attempt in itertools.count(1):
                try:
                    async with session.post(f"http://127.0.0.1:{port}/telegram", json=update, headers=headers) as response:
                        if response.status == 200:
                            return attempt
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline, f"update {update['update_id']} never acknowledged"
                await asyncio.sleep(0.3)
        raise AssertionError("unreachable")

    async def stop(self, name: str, sig: int = signal.SIGTERM) -> int:
        process = self.processes[name]
        if process.returncode is None:
            process.send_signal(sig)
        return await asyncio.wait_for(process.wait(), 60)

    async def close(self) -> None:
        for name in list(self.processes):
            await self.stop(name)
        if self.caddy is not None and self.caddy.returncode is None:
            self.caddy.terminate()
            await self.caddy.wait()


@pytest.fixture
async def cluster(api: FakeBotApi, url: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    caddy_binary()
    running = Cluster(api, url, tmp_path)
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
    cluster: Cluster, api: FakeBotApi, url: str
) -> None:
    await cluster.start("a")  # the first start creates the schema and loads the demo articles
    await cluster.start("b")
    await cluster.start_proxy()

    # Loaded through A (an admin's upload, delivered to A itself), searchable on B within 2 s of its commit.
    upload = json.dumps(article(7, title="Zephyrine residents of Ashraf 3 hold a vigil")) + "\n"
    await cluster.telegram("message", api.document_message(upload.encode(), "new.jsonl", user_id=ADMIN_ID), to="a")
    store = await asyncpg.connect(url)
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
