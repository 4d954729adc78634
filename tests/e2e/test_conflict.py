"""Two `newsbot run` on one bot token: the copy that was serving keeps serving, the newcomer stops with exit 2.

The local Bot API answers as Telegram does: a getUpdates ends a pending
older one with 409 Conflict, so both copies hear 409 in turn.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.botapi import FakeBotApi
from tests.e2e.conftest import READER_ID
from tests.e2e.processes import bot_env, running_bot

GRACE = "3"


async def answered(api: FakeBotApi, text: str, user_id: int, timeout: float = 20) -> str:
    mark = api.mark()
    await api.send_text(text, user_id=user_id)
    call = await api.wait_for(
        lambda c: c.method == "sendMessage" and c.status == 200 and int(c.params["chat_id"]) == user_id, timeout, after=mark
    )
    return api.stored(call).text


async def test_the_serving_copy_keeps_serving_and_the_newcomer_stops_with_its_line(api: FakeBotApi, tmp_path: Path) -> None:
    first = bot_env(api, tmp_path / "first", NEWSBOT_CONFLICT_GRACE_SECONDS=GRACE)
    async with running_bot(api, first, tmp_path / "first.log") as serving:
        await asyncio.sleep(float(GRACE) + 1)  # past its first seconds: it is the copy that was serving
        assert "MEK" in await answered(api, "MEK Albania camp", READER_ID)

        # A second copy (its own archive: a forgotten container elsewhere) on the same token.
        second = bot_env(api, tmp_path / "second", NEWSBOT_CONFLICT_GRACE_SECONDS=GRACE)
        newcomer = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=second, stderr=asyncio.subprocess.PIPE
        )
        _, err = await asyncio.wait_for(newcomer.communicate(), 60)
        assert newcomer.returncode == 2
        last = err.decode().strip().splitlines()[-1]
        assert last.startswith("newsbot: another program is taking this bot's updates (Telegram answered 409 Conflict)")

        assert serving.returncode is None
        for user in (READER_ID, READER_ID + 1):  # still answering, every question
            assert "MEK" in await answered(api, "MEK Albania camp", user)
    log = (tmp_path / "first.log").read_text()
    assert "another program is also taking this bot's updates" in log and "This bot keeps serving" in log


async def test_a_copy_that_replaces_a_stopped_one_starts_normally(api: FakeBotApi, tmp_path: Path) -> None:
    env = bot_env(api, tmp_path, NEWSBOT_CONFLICT_GRACE_SECONDS=GRACE)
    async with running_bot(api, env, tmp_path / "a.log"):
        assert "MEK" in await answered(api, "MEK Albania camp", READER_ID)
    async with running_bot(api, env, tmp_path / "b.log") as restarted:  # a restart, a rolling upgrade
        assert "MEK" in await answered(api, "MEK Albania camp", READER_ID)
        await asyncio.sleep(float(GRACE) + 1)
        assert restarted.returncode is None
    log = (tmp_path / "b.log").read_text()  # its words, not "409": a timestamp's microseconds may hold those digits
    assert "another program is also taking this bot's updates" not in log and "Conflict" not in log
