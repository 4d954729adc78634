"""``newsbot`` as real processes against the local Bot API server: their settings, a command, a running bot."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.botapi import FakeBotApi
from tests.e2e.conftest import ADMIN_ID

ROOT = Path(__file__).resolve().parents[2]


def bot_env(api: FakeBotApi, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSBOT_")}
    env.update(
        PYTHONPATH=str(ROOT),
        NEWSBOT_DB_PATH=str(tmp_path / "data" / "newsbot.sqlite3"),
        NEWSBOT_BOT_TOKEN=api.token,
        NEWSBOT_API_BASE_URL=api.api_url,
        NEWSBOT_API_FILE_URL=api.file_url,
        NEWSBOT_ADMIN_IDS=str(ADMIN_ID),
    )
    env.update(extra)
    return env


async def newsbot(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


@asynccontextmanager
async def running_bot(api: FakeBotApi, env: dict[str, str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """Start `newsbot run`; on exit send SIGTERM and require a clean exit."""
    mark = api.mark()
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, stderr=stderr)
    try:
        # deleteWebhook is PTB's last call before it starts long polling.
        await api.wait_for(lambda c: c.method == "deleteWebhook", timeout=30, after=mark)
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 60) == 0, log.read_text()[-3000:]
