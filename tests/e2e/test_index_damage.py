"""The search index lost or damaged under a running bot: it notices, rebuilds from the store, and answers again."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import runner
from bot.app import build_application
from bot.monitoring.health import check_running
from bot.services import BotServices
from bot.settings import BotSettings
from bot.trial.telegram_html import parse_html
from tests.botapi import FakeBotApi
from tests.e2e.conftest import READER_ID, serving


@pytest.fixture
async def watched_bot(bot_settings: BotSettings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotServices]:
    """The running bot, its heartbeat every half second instead of every 15."""
    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0.5)
    async with serving(build_application(bot_settings), bot_settings) as bot_services:
        yield bot_services


async def answer(api: FakeBotApi, text: str) -> str:
    mark = api.mark()
    await api.send_text(text, user_id=READER_ID)
    return parse_html(api.stored(await api.next_call("sendMessage", chat_id=READER_ID, after=mark)).text)


async def answered_again(api: FakeBotApi, bot: BotServices, text: str, timeout: float = 60) -> str:
    """Ask until the answer is a real one again; every reply on the way is a real answer or says "being rebuilt"."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        reply = await answer(api, text)
        if reply.startswith("1. "):
            return reply
        assert "Search is being rebuilt" in reply or "found nothing" in reply, reply
        assert asyncio.get_running_loop().time() < deadline, "the index was not rebuilt"
        await asyncio.sleep(0.3)


def index_folder(bot: BotServices) -> Path:
    return bot.settings.resolved_index_path


async def test_a_deleted_index_folder_is_rebuilt_without_a_restart(
    api: FakeBotApi, watched_bot: BotServices, caplog: pytest.LogCaptureFixture
) -> None:
    question = "Who accused Iran of producing weapons of mass destruction?"
    before = await answer(api, question)
    assert before.startswith("1. ")
    shutil.rmtree(index_folder(watched_bot))
    await wait_until_rebuilt(watched_bot)
    assert (await answered_again(api, watched_bot, question)).split("\n")[0] == before.split("\n")[0]
    assert (index_folder(watched_bot) / "passages").is_dir()
    assert "its files are gone" in caplog.text and "rebuilding it from the store" in caplog.text
    health = await check_running(watched_bot.archive, None)
    assert health.healthy and "index" not in health.details


async def test_a_truncated_segment_file_is_noticed_and_rebuilt(
    api: FakeBotApi, watched_bot: BotServices, caplog: pytest.LogCaptureFixture
) -> None:
    question = "Who accused Iran of producing weapons of mass destruction?"
    before = await answer(api, question)
    segment = sorted((index_folder(watched_bot) / "passages").glob("*.term"))[0]
    with segment.open("r+b") as file:  # a disk error: the file cut short
        file.truncate(segment.stat().st_size // 3)
    await wait_until_rebuilt(watched_bot)
    assert (await answered_again(api, watched_bot, question)).split("\n")[0] == before.split("\n")[0]
    assert "is damaged" in caplog.text and "rebuilding it from the store" in caplog.text
    stats = await watched_bot.archive.stats()
    assert stats.indexed_passages == stats.store.passages and stats.index_problem is None


async def wait_until(found, failure: str, timeout: float = 30):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := found()):
        assert asyncio.get_running_loop().time() < deadline, failure
        await asyncio.sleep(0.1)
    return value


async def wait_until_rebuilt(bot: BotServices) -> None:
    await wait_until(lambda: bot.archive.index_sync.repairs == 1 and bot.archive.index_sync.problem is None,
                     "the index was not rebuilt")  # fmt: skip
