"""Ids anyone can type or forge, over real HTTP, on both stores: "not found" in words, never an error.

Deep links (``t.me/yourbot?start=a_ID``) are made by anyone; button data
and chosen inline results come from clients that can send any bytes; admins
mistype. A number past 64 bits used to reach the database driver, which
failed (SQLite: OverflowError; PostgreSQL: DataError), so the reader got
"Sorry, something went wrong" and the log an ERROR with a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.services import BotServices
from bot.settings import BotSettings
from tests.botapi import FakeBotApi, parse_html
from tests.e2e.conftest import ADMIN_ID, READER_ID, serving
from tests.e2e.test_reader import ask

HUGE = "99999999999999999999999"
PAST_BIGINT = str(2**63)
GONE = "That article is no longer in the archive. Try /latest."


@pytest.fixture
async def any_store_bot(api: FakeBotApi, tmp_path: Path, database_url: str | None) -> AsyncIterator[BotServices]:
    """The running bot on SQLite, then on PostgreSQL (``database_url``)."""
    settings = BotSettings(
        _env_file=None, db_path=tmp_path / "data" / "newsbot.sqlite3", database_url=database_url,
        bot_token=api.token, api_base_url=api.api_url, api_file_url=api.file_url, admin_ids=str(ADMIN_ID),
    )  # fmt: skip
    application = build_application(settings)
    async with serving(application, settings) as bot_services:
        yield bot_services


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """ERROR lines logged during the test (a handler that crashed logs one, with its traceback)."""
    caplog.set_level(logging.ERROR)
    return caplog.records


def shown(reply: object) -> str:
    return parse_html(reply.text)


async def test_a_deep_link_to_an_id_no_store_holds_says_the_article_is_not_there(
    api: FakeBotApi, any_store_bot: BotServices, errors: list[logging.LogRecord]
) -> None:
    for payload in (f"a_{HUGE}", f"a_{PAST_BIGINT}", "a_-1", "a_0", f"a_{'9' * 40}"):
        assert shown(await ask(api, f"/start {payload}", user_id=READER_ID)) == GONE, payload
    assert shown(await ask(api, "/start a_²", user_id=READER_ID)).startswith("👋 I answer questions")
    newest = (await any_store_bot.archive.latest(1))[0]
    assert shown(await ask(api, f"/start a_{newest.id}", user_id=READER_ID)).startswith(newest.title)
    assert not [record for record in errors if record.levelno >= logging.ERROR]


async def test_an_admin_deleting_an_id_no_store_holds_is_told_there_is_none(
    api: FakeBotApi, any_store_bot: BotServices, errors: list[logging.LogRecord]
) -> None:
    for typed in (HUGE, PAST_BIGINT, "0", "²"):
        reply = await ask(api, f"/delete {typed}", user_id=ADMIN_ID)
        assert shown(reply) == f"No article with id or address “{typed}”.", typed
    for command, said in (
        (f"/feed pause {HUGE}", f"There is no feed {HUGE}. See /feeds."),
        (f"/feed remove {PAST_BIGINT}", f"There is no feed {PAST_BIGINT}. See /feeds."),
        ("/feed resume ²", "Name the feed by its number (see /feeds): /feed resume 3"),
        ("/latest ²", "I did not understand “²”. Use: /latest [number]"),
    ):
        mark = api.mark()
        await api.send_text(command, user_id=ADMIN_ID)
        call = await api.wait_for(
            lambda c: c.method in ("sendMessage", "editMessageText") and c.status == 200
            and int(c.params.get("chat_id", 0)) == ADMIN_ID and not parse_html(c.params["text"]).startswith("Polling"),
            after=mark,
        )  # fmt: skip
        assert parse_html(call.params["text"]) == said, command
    assert (await any_store_bot.archive.stats()).store.articles == 11
    assert not [record for record in errors if record.levelno >= logging.ERROR]


async def test_forged_buttons_and_inline_results_with_ids_no_store_holds_are_answered(
    api: FakeBotApi, any_store_bot: BotServices, errors: list[logging.LogRecord]
) -> None:
    message = await ask(api, "/latest", user_id=ADMIN_ID)
    for data, note in (
        (f"r|{2**63 - 1}", "That article was removed."),  # the largest id a store holds: looked up, not there
        (f"r|{PAST_BIGINT}", "This list has expired. Send your question again."),
        (f"r|{HUGE}|p", "This list has expired. Send your question again."),
        ("r|²", "This list has expired. Send your question again."),
        (f"v|{2**63 - 1}|1", "Thanks! This answer is too old to rate."),
        (f"u|{2**63 - 1}", "You no longer follow that topic."),
        (f"f|pause|{2**63 - 1}", "That feed was removed."),
        (f"p|{HUGE}", "This button has expired."),
        ("p|999999999999", "This button has expired."),  # a moment past the year 9999
    ):
        callback = await api.press(message, data, user_id=ADMIN_ID)
        await api.wait_for(
            lambda c, callback=callback: c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == callback
        )
        assert api.answered_callbacks[callback].get("text") == note, data

    opens = (await any_store_bot.archive.stats()).store.opens
    for result_id in (f"a{HUGE}", f"a{PAST_BIGINT}", "a-3", "a²"):
        await api.choose_inline_result(result_id, "Iran", user_id=READER_ID)
    query = await api.inline_query("", offset="²", user_id=READER_ID)
    answer = await api.wait_for(lambda c: c.method == "answerInlineQuery" and c.params.get("inline_query_id") == query)
    assert answer.status == 200
    assert (await any_store_bot.archive.stats()).store.opens == opens
    assert not [record for record in errors if record.levelno >= logging.ERROR]
