"""The weekly report through the local Bot API: the job queues it, each admin gets the chart once, Details opens it.

Two replicas serve one PostgreSQL store; both queue and both try to send,
as two leaders for a moment would: the outbox lets the report out once.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.app import build_application
from bot.sending import reports
from bot.services import BotServices
from bot.settings import BotSettings
from bot.trial.telegram_html import parse_html
from tests.botapi import FakeBotApi
from tests.e2e.conftest import ADMIN_ID, serving

PERSIAN_ADMIN = 4243


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def replicas(api: FakeBotApi, postgres_url: str, tmp_path: Path) -> AsyncIterator[list[tuple[object, BotServices]]]:
    running = []
    async with AsyncExitStack() as stack:
        for name in ("a", "b"):
            port = free_port()
            settings = BotSettings(
                _env_file=None, db_path=tmp_path / name / "newsbot.sqlite3", database_url=postgres_url,
                bot_token=api.token, api_base_url=api.api_url, api_file_url=api.file_url,
                admin_ids=f"{ADMIN_ID},{PERSIAN_ADMIN}", webhook_url=f"http://127.0.0.1:{port}/telegram",
                webhook_port=port, webhook_secret="report-secret", timezone="Asia/Tehran",
            )  # fmt: skip
            application = build_application(settings)
            running.append((application, await stack.enter_async_context(serving(application, settings, webhook=True))))
        yield running


async def press(api: FakeBotApi, message, data: str, user_id: int) -> None:
    """A button pressed under ``message``, delivered as Telegram delivers to a webhook."""
    payload = {"id": f"press-{user_id}", "from": {"id": user_id, "is_bot": False, "first_name": "Editor"},
               "chat_instance": "ci", "data": data, "message": api.message_json(message)}  # fmt: skip
    assert await api.deliver("callback_query", payload) == 200


def photos(api: FakeBotApi) -> list:
    return [call for call in api.calls if call.method == "sendPhoto" and call.status == 200]


async def test_the_weekly_report_reaches_each_admin_once_and_details_opens_it(
    api: FakeBotApi, replicas: list[tuple[object, BotServices]]
) -> None:
    (first_app, first), (second_app, second) = replicas
    archive = first.archive
    await archive.set_language(PERSIAN_ADMIN, "fa")
    for question in ("MEK camp Albania", "camp in albania for the mek", "zzyzx quorble", "Iran weapons"):
        await archive.record_answer(1001, await archive.search(question))

    # The scheduled job on both replicas (only the leader's does anything), then both queue directly.
    for application in (first_app, second_app):
        (job,) = application.job_queue.get_jobs_by_name("queue weekly report")
        await job.run(application)
    await asyncio.gather(reports.queue_report(first.archive), reports.queue_report(second.archive))
    # Both try to send at once, as two leaders would; the leader's own job may run beside them.
    await asyncio.gather(*(reports.send_report(app.bot, services.archive, services.settings.admin_ids)
                           for app, services in replicas))  # fmt: skip
    await asyncio.sleep(3)  # the repeating job's next turn: nothing more goes out

    sent = photos(api)
    assert sorted(int(call.params["chat_id"]) for call in sent) == [ADMIN_ID, PERSIAN_ADMIN]
    for call in sent:
        picture = call.params["photo"]
        assert picture[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", picture[16:24]) == (1080, 1350)
    captions = {int(call.params["chat_id"]): parse_html(call.params["caption"]) for call in sent}
    assert captions[ADMIN_ID].startswith("📊 Weekly report")
    assert "4 questions from 1 reader;" in captions[ADMIN_ID] and "1. “zzyzx quorble” × 1 (1 found nothing) · not asked before" in captions[ADMIN_ID]
    assert captions[PERSIAN_ADMIN].startswith("📊 گزارش هفتگی")

    photo = api.stored(next(call for call in sent if int(call.params["chat_id"]) == ADMIN_ID))
    details = photo.reply_markup["inline_keyboard"][0][0]
    assert details["text"] == "Details ›"
    mark = api.mark()
    await press(api, photo, details["callback_data"], ADMIN_ID)
    full = parse_html((await api.next_call("sendMessage", chat_id=ADMIN_ID, after=mark)).params["text"])
    assert full.startswith("Reader insights: the last 7 days") and "Content gaps" in full

    mark = api.mark()
    await press(api, photo, details["callback_data"], 777)  # a forged press from a reader
    refusal = await api.next_call("answerCallbackQuery", after=mark)
    assert "only the site's editors" in refusal.params.get("text", "")
    assert not [c for c in api.calls[mark:] if c.method == "sendMessage"]
