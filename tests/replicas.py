"""Bot replicas as real processes (`newsbot run --webhook`) on one PostgreSQL store, behind a real Caddy.

Used by the two-replica tests (tests/e2e/test_replicas.py) and the replica benchmarks (bench/replicas.py,
replica_kill.py, log_lines.py, through ``scratch_cluster``). The caller plays Telegram through
``Cluster.telegram``: it POSTs an update and sends it again until it gets a 200.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import asyncpg

from tests.botapi import FakeBotApi
from tests.e2e.conftest import ADMIN_ID

ROOT = Path(__file__).resolve().parents[1]
SECRET = "replica-secret_1"
CADDYFILE = ROOT / "deploy" / "Caddyfile.replicas"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """The replicas, the proxy in front of them, and the test as Telegram."""

    def __init__(self, api: FakeBotApi, url: str, tmp_path: Path, caddy: str, names: tuple[str, ...] = ("a", "b")) -> None:
        self.api = api
        self.url = url
        self.tmp_path = tmp_path
        self.caddy_path = caddy
        self.proxy_port = free_port()
        self.ports = {name: free_port() for name in names}
        self.processes: dict[str, asyncio.subprocess.Process] = {}
        self.update_ids = itertools.count(100_000)
        self.caddy: asyncio.subprocess.Process | None = None

    def log(self, name: str) -> Path:
        return self.tmp_path / f"{name}.log"

    async def start(self, name: str, **settings: str) -> None:
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
        env.update(settings)
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
                self.caddy_path, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile", env=env, stderr=log
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


@asynccontextmanager
async def scratch_cluster(server: str, names: tuple[str, ...] = ("a", "b")) -> AsyncIterator[Cluster]:
    """For a benchmark: a Cluster on a scratch schema of ``server`` with its own Bot API stand-in and folder,
    not started; everything is stopped, dropped and deleted afterwards. Exits if caddy is not on the PATH."""
    caddy = shutil.which("caddy")
    if caddy is None:
        sys.exit("caddy is not on the PATH")
    schema = "bench_" + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(server)
    await admin.execute(f"CREATE SCHEMA {schema}")
    api = FakeBotApi()
    await api.start()
    folder = Path(tempfile.mkdtemp(prefix="newsbot-replicas-"))
    cluster = Cluster(api, f"{server}?search_path={schema}", folder, caddy, names)
    try:
        yield cluster
    finally:
        await cluster.close()
        await api.stop()
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()
        shutil.rmtree(folder, ignore_errors=True)
