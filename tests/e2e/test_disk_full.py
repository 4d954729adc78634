"""A full disk under a serving bot (SQLite): readers still get answers, the failed writes are counted, nothing breaks.

The archive lives on a real 8 MB file system (``small_disk``), filled up by
a file while the bot serves; freeing it brings the answers' buttons back.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.services import BotServices
from bot.settings import BotSettings
from bot.trial.botapi import StoredMessage
from bot.trial.telegram_html import parse_html
from tests.botapi import FakeBotApi
from tests.e2e.conftest import ADMIN_ID, READER_ID, serving


@pytest.fixture
async def bot_on_a_small_disk(
    api: FakeBotApi, small_disk: Path, bot_settings: BotSettings
) -> AsyncIterator[BotServices]:
    subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)  # room for the demo archive
    settings = bot_settings.model_copy(update={"db_path": small_disk / "data" / "newsbot.sqlite3"})
    async with serving(build_application(settings), settings) as bot_services:
        yield bot_services


def fill(disk: Path) -> Path:
    """Write a file until the disk has no byte left."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as file:
        try:
            while True:
                file.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


async def ask(api: FakeBotApi, text: str, user_id: int = READER_ID) -> StoredMessage:
    mark = api.mark()
    await api.send_text(text, user_id=user_id)
    return api.stored(await api.next_call("sendMessage", chat_id=user_id, after=mark))


def buttons(message: StoredMessage) -> list[str]:
    return [button["text"] for row in (message.reply_markup or {}).get("inline_keyboard", []) for button in row]


async def test_answers_keep_coming_on_a_full_disk_and_the_failed_writes_are_counted(
    api: FakeBotApi, bot_on_a_small_disk: BotServices, small_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    question = "Who accused Iran of producing weapons of mass destruction?"
    assert "More ›" in buttons(await ask(api, question))
    filler = fill(small_disk)
    caplog.set_level(logging.WARNING)

    for user in range(READER_ID, READER_ID + 5):
        reply = await ask(api, question, user)
        assert parse_html(reply.text).startswith("1. ")  # the answer, quotes and all
        assert buttons(reply)[:3] == ["Read 1", "Read 2", "Read 3"]
        assert "More ›" not in buttons(reply)  # its paging key could not be stored

    stats = parse_html((await ask(api, "/stats", ADMIN_ID)).text)
    assert "Writes that failed: 5 (disk full or database away; the answers still went out)" in stats
    assert caplog.text.count("could not store a question and its paging key") == 1  # once a minute, not five times
    assert not [record for record in caplog.records if record.getMessage().startswith("update ")]  # none failed

    filler.unlink()
    assert "More ›" in buttons(await ask(api, question))
    with sqlite3.connect(bot_on_a_small_disk.settings.db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
