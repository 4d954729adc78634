"""One readable line per event: a running bot writes nothing while it idles or answers questions.

The scheduled jobs' runs are not events (the push job alone runs twice a
second: APScheduler's INFO lines were about 5 a second on every replica).
The real ``newsbot run`` process at the default level, INFO.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.botapi import FakeBotApi
from tests.e2e.processes import bot_env, running_bot

IDLE_SECONDS = 3.0  # six runs of the push job
QUESTIONS = 20


def lines_after(log: Path, offset: int) -> list[str]:
    return log.read_bytes()[offset:].decode().splitlines()


async def test_a_running_bot_writes_no_line_while_idle_or_answering(api: FakeBotApi, tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    async with running_bot(api, bot_env(api, tmp_path), log):
        while "newsbot is serving" not in log.read_text():
            await asyncio.sleep(0.05)
        offset = log.stat().st_size
        await asyncio.sleep(IDLE_SECONDS)
        idle = lines_after(log, offset)
        offset = log.stat().st_size
        mark = api.mark()
        for user in range(3000, 3000 + QUESTIONS):
            await api.send_text("MEK Albania camp", user_id=user)
        while sum(1 for c in api.calls[mark:] if c.method == "sendMessage") < QUESTIONS:
            await asyncio.sleep(0.05)
        answering = lines_after(log, offset)
    assert idle == [], f"{len(idle)} lines in {IDLE_SECONDS:g} s idle: {idle[:4]}"
    assert answering == [], f"{len(answering)} lines while answering {QUESTIONS} questions: {answering[:4]}"
