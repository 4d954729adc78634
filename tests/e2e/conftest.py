"""Run the real Application (from bot.app.build_application) against the local Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import Application

from bot import runner
from bot.app import build_application
from bot.services import BotServices
from bot.settings import BotSettings
from tests.botapi import FakeBotApi

ADMIN_ID = 4242
READER_ID = 1001


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def bot_settings(api: FakeBotApi, tmp_path: Path) -> BotSettings:
    return BotSettings(
        _env_file=None,
        db_path=tmp_path / "data" / "newsbot.sqlite3",
        bot_token=api.token,
        api_base_url=api.api_url,
        api_file_url=api.file_url,
        admin_ids=str(ADMIN_ID),
        max_upload_bytes=200_000,
    )


def serving(application: Application, settings: BotSettings, **options: object):
    """The production start/stop sequence (bot.runner.serving), polling every second."""
    return runner.serving(application, settings, poll_timeout=1, **options)


@pytest.fixture
async def bot(bot_settings: BotSettings) -> AsyncIterator[BotServices]:
    """The running bot; yields its services for checks on the archive."""
    application = build_application(bot_settings)
    async with serving(application, bot_settings) as bot_services:
        yield bot_services
