"""Replies under failures and load: every question answered once, in order within a chat."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from pathlib import Path

from bot.app import build_application
from bot.settings import BotSettings
from tests.botapi import FakeBotApi
from tests.conftest import article, write_jsonl
from tests.e2e.conftest import serving

QUESTIONS = 60
CHATS = 5


def answered(api: FakeBotApi) -> dict[int, list[int]]:
    """Per chat, the story numbers of the delivered answers, in delivery order."""
    found: dict[int, list[int]] = defaultdict(list)
    for call in api.calls:
        if call.method == "sendMessage" and call.status == 200:
            number = re.search(r"Story number (\d+)", call.params["text"])
            found[int(call.params["chat_id"])].append(int(number.group(1)) if number else -1)
    return found


async def test_with_one_call_in_ten_failing_every_question_is_answered_once_in_order(
    api: FakeBotApi, bot_settings: BotSettings, tmp_path: Path
) -> None:
    async with serving(build_application(bot_settings), bot_settings) as services:
        await services.archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(QUESTIONS)]))])
        api.misbehave(failure_ratio=0.1, kinds=("500", "reset"))
        asked: dict[int, list[int]] = defaultdict(list)
        for number in range(QUESTIONS):
            chat = 3000 + number % CHATS
            asked[chat].append(number)
            await api.send_text(f"topic{number}", user_id=chat)
        for _ in range(600):
            if sum(len(v) for v in answered(api).values()) >= QUESTIONS:
                break
            await asyncio.sleep(0.1)
        api.misbehave()
    assert api.injected["500"] + api.injected["reset"] >= 3  # failures did happen
    assert answered(api) == asked  # each once, in the order asked within each chat
