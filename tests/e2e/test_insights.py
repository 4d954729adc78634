"""Feedback, insights and /forget, end to end over the local Bot API server."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from bot.services import BotServices
from bot.trial.telegram_html import parse_html
from retrieval import TopWindow
from tests.botapi import FakeBotApi
from tests.conftest import tables_of
from tests.e2e.conftest import ADMIN_ID, READER_ID

QUESTION = "Albania MEK camp"


async def ask(api: FakeBotApi, text: str, user_id: int = READER_ID):
    mark = api.mark()
    await api.send_text(text, user_id=user_id)
    return await api.next_call("sendMessage", chat_id=user_id, after=mark)


async def press(api: FakeBotApi, call, data: str, user_id: int = READER_ID) -> str:
    callback = await api.press(api.stored(call), data, user_id=user_id)
    await api.wait_for(lambda c: c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == callback)
    return api.answered_callbacks[callback].get("text", "")


def feedback_data(call) -> tuple[str, str]:
    row = call.params["reply_markup"]["inline_keyboard"][-1]
    up, down = (button["callback_data"] for button in row if button["text"].startswith(("👍", "👎")))
    return up, down


async def test_feedback_is_counted_once_per_reader_and_shown_on_the_buttons(api: FakeBotApi, bot: BotServices) -> None:
    answer = await ask(api, QUESTION)
    up, down = feedback_data(answer)
    assert await press(api, answer, up) == "Thanks, noted! 👍"
    assert await press(api, answer, up) == "You already rated this answer. Thanks!"
    assert await press(api, answer, down) == "You already rated this answer. Thanks!"
    message = api.stored(answer)
    labels = [button["text"] for button in message.reply_markup["inline_keyboard"][-1]]
    assert labels == ["🔔 Follow this topic", "👍 1", "👎"]
    # Another reader in the same (group) message adds theirs.
    assert await press(api, answer, down, user_id=5555) == "Thanks, noted. We will try to do better."
    assert [b["text"] for b in api.stored(answer).reply_markup["inline_keyboard"][-1]][1:] == ["👍 1", "👎 1"]
    # Paging keeps the buttons of the same answer.
    more = next(b["callback_data"] for row in message.reply_markup["inline_keyboard"] for b in row if b["text"] == "More ›")
    await press(api, answer, more)
    assert feedback_data(answer)[0] == up
    # A forged rating of a question that does not exist is answered, not crashed on.
    assert await press(api, answer, "v|999999|1") == "Thanks! This answer is too old to rate."


async def test_insights_show_what_readers_asked_missed_followed_and_opened(api: FakeBotApi, bot: BotServices) -> None:
    for user in (9001, 9002, 9003):
        answer = await ask(api, QUESTION if user != 9003 else "camp MEK albania?", user_id=user)
    read = answer.params["reply_markup"]["inline_keyboard"][0][0]
    await press(api, answer, read["callback_data"], user_id=9003)
    await ask(api, "quantum chromodynamics lattice", user_id=9001)
    disliked = await ask(api, "Basque ETA apology", user_id=9002)
    await press(api, disliked, feedback_data(disliked)[1], user_id=9002)
    await ask(api, "/follow MEK Albania", user_id=9001)

    mark = api.mark()
    await api.send_text("/insights", user_id=ADMIN_ID)
    call = await api.next_call("sendMessage", chat_id=ADMIN_ID, after=mark)
    text = parse_html(call.params["text"])
    assert text.startswith("Reader insights: the last 7 days\n5 questions from 3 readers; 1 found nothing (20%); 👍 0 · 👎 1")
    assert "Most asked\n1. “Albania MEK camp” × 3" in text
    gaps = text.split("Content gaps: found nothing or 👎\n")[1].split("\n\n")[0].split("\n")
    assert sorted(line[3:] for line in gaps) == [
        "“Basque ETA apology” × 1 (1 👎) · not asked before",  # not asked the week before
        "“quantum chromodynamics lattice” × 1 (1 found nothing) · not asked before",
    ]
    assert "Most followed topics\n1. MEK Albania: 1 chat" in text
    assert "Most opened from answers\n1. " in text
    assert (await ask(api, "/insights", user_id=READER_ID)).params["text"].startswith("Sorry, only the site's editors")


async def test_forget_deletes_a_readers_questions_ratings_and_topics(api: FakeBotApi, bot: BotServices) -> None:
    answer = await ask(api, QUESTION)
    await press(api, answer, feedback_data(answer)[0])
    await ask(api, "/follow MEK")
    await ask(api, QUESTION, user_id=4444)  # someone else's question stays
    reply = parse_html((await ask(api, "/forget")).params["text"])
    assert reply.startswith("🗑 Done. I deleted everything I kept about you: 1 question, 1 rating and 1 followed topic;")
    insights = await bot.archive.reader_insights(TopWindow.ALL)
    assert insights.questions == 1 and insights.readers == 1 and insights.liked == 0
    assert await bot.archive.follows.topics(READER_ID) == []


async def test_questions_are_deleted_after_the_retention_period(api: FakeBotApi, bot: BotServices) -> None:
    await ask(api, QUESTION)
    archive = bot.archive
    assert await tables_of(archive).insights.purge(datetime.now(UTC) - timedelta(days=1)) == 0
    assert await tables_of(archive).insights.purge(datetime.now(UTC) + timedelta(seconds=5)) == 1
    assert (await archive.reader_insights(TopWindow.ALL)).questions == 0


def test_readers_are_stored_under_a_keyed_hash_only(tmp_path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """The database holds no Telegram id in clear, and the CLI exports insights as CSV."""
    import sqlite3

    from retrieval import Archive, Settings
    from retrieval.models import SearchResult

    settings = Settings(_env_file=None, db_path=tmp_path / "n.sqlite3", load_seeds=False)

    async def record() -> None:
        async with await Archive.open(settings) as archive:
            await archive.record_answer(123456789, SearchResult("=cmd|' /C calc'!A0", ("cmd", "calc"), (), 0, False))

    asyncio.run(record())
    with sqlite3.connect(tmp_path / "n.sqlite3") as db:
        rows = db.execute("SELECT reader, text FROM questions").fetchall()
    assert len(rows) == 1 and "123456789" not in rows[0][0] and re.fullmatch(r"[0-9a-f]{32}", rows[0][0])
    monkeypatch.setenv("NEWSBOT_DB_PATH", str(tmp_path / "n.sqlite3"))
    assert main(["insights", "--window", "all", "--csv", "-"]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert table[0] == ["section", "rank", "text", "count", "found_nothing", "disliked", "url", "before", "trend"]
    assert table[1][:4] == ["most_asked", "1", "'=cmd|' /C calc'!A0", "1"]  # never a formula in a spreadsheet
