"""Readers over real HTTP: questions, paging, lists, views, limits, errors."""

from __future__ import annotations

import json
import logging
import re

import pytest

from bot.readers import answers
from bot.sending.delivery import RETRY_DELAYS
from bot.services import BotServices
from bot.trial.botapi import StoredMessage
from bot.trial.telegram_html import parse_html
from tests.botapi import FakeBotApi
from tests.conftest import article, write_jsonl
from tests.e2e.conftest import READER_ID

QUESTION = "Who accused Iran of producing weapons of mass destruction?"


def buttons(message: StoredMessage) -> dict[str, str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


async def ask(api: FakeBotApi, text: str, **kwargs) -> StoredMessage:
    mark = api.mark()
    await api.send_text(text, **kwargs)
    return api.stored(await api.next_call("sendMessage", after=mark))


async def test_question_gets_links_dates_quotes_and_bold_terms(api: FakeBotApi, bot: BotServices) -> None:
    reply = await ask(api, QUESTION)
    assert reply.text.startswith('1. <b><a href="https://news.example.com/articles/many-of-washingtons-claims')
    assert "<blockquote>" in reply.text and "<b>Iran</b>" in reply.text
    shown = parse_html(reply.text)
    assert "2." in shown and "3." in shown and "4." not in shown
    assert set(buttons(reply)) == {"Read 1", "Read 2", "Read 3", "More ›", "🔔 Follow this topic", "👍", "👎"}
    # A fast answer spends nothing else of Telegram's send budget: no "typing…".
    assert not [call for call in api.calls if call.method == "sendChatAction"]


async def test_a_slow_answer_shows_typing_first(api: FakeBotApi, bot: BotServices, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "TYPING_AFTER_SECONDS", 0.0)
    await ask(api, QUESTION)
    typing = [call for call in api.calls if call.method == "sendChatAction"]
    assert typing and typing[0].params["action"] == "typing"


async def test_more_and_back_page_through_results_by_editing(api: FakeBotApi, bot: BotServices) -> None:
    reply = await ask(api, "MEK Iran")
    mark = api.mark()
    callback_id = await api.press(reply, buttons(reply)["More ›"])
    edited = api.stored(await api.next_call("editMessageText", after=mark))
    assert edited.message_id == reply.message_id
    assert parse_html(edited.text).startswith("4.")
    assert "‹ Back" in buttons(edited)
    await api.wait_for(lambda call: call.method == "answerCallbackQuery" and call.params["callback_query_id"] == callback_id)

    mark = api.mark()
    await api.press(edited, buttons(edited)["‹ Back"])
    back = api.stored(await api.next_call("editMessageText", after=mark))
    assert parse_html(back.text).startswith("1.")


async def test_latest_lists_and_pages(api: FakeBotApi, bot: BotServices) -> None:
    reply = await ask(api, "/latest")
    shown = parse_html(reply.text)
    assert shown.startswith("Latest articles\n1. Many of Washington’s claims")
    assert "5. " in shown and "6. " not in shown
    mark = api.mark()
    await api.press(reply, buttons(reply)["More ›"])
    page = api.stored(await api.next_call("editMessageText", after=mark))
    assert "6. " in parse_html(page.text)

    reply = await ask(api, "/latest 2")
    assert "2. " in parse_html(reply.text) and "3. " not in parse_html(reply.text)


@pytest.mark.parametrize("arguments", ["/latest 0", "/latest 99", "/latest many", "/top weekly", "/top 3 4"])
async def test_bad_list_arguments_get_usage(api: FakeBotApi, bot: BotServices, arguments: str) -> None:
    reply = await ask(api, arguments)
    assert "/latest" in reply.text or "/top" in reply.text
    assert not reply.reply_markup


async def test_read_records_views_and_top_changes(api: FakeBotApi, bot: BotServices) -> None:
    none_yet = parse_html((await ask(api, "/top week")).text)
    assert none_yet == "No article was opened in the last week. /top lists the most read of all time."
    top = parse_html((await ask(api, "/top 1")).text)
    assert "Basque militant group ETA" in top and "5 views" in top

    reply = await ask(api, "Stephen Harper Free Iran rally")
    assert "Stephen Harper" in parse_html(reply.text).split("\n")[0]
    for _ in range(6):
        mark = api.mark()
        await api.press(reply, buttons(reply)["Read 1"])
        opened = api.stored(await api.next_call("sendMessage", after=mark))
    assert "Harper" in opened.text and "views" in parse_html(opened.text)

    top = parse_html((await ask(api, "/top 1")).text)
    assert "Stephen Harper" in top and "6 views" in top
    week = parse_html((await ask(api, "/top week 3")).text)
    assert week.startswith("Most read this week\n1. Stephen Harper")


async def test_deep_link_opens_an_article(api: FakeBotApi, bot: BotServices) -> None:
    (headline,) = await bot.archive.latest(1)
    reply = await ask(api, f"/start a_{headline.id}")
    assert headline.title in parse_html(reply.text)
    assert (await bot.archive.article(headline.id)).views == 1


async def test_start_and_help(api: FakeBotApi, bot: BotServices) -> None:
    assert "/latest" in (await ask(api, "/start")).text
    help_text = (await ask(api, "/help")).text
    assert "/top" in help_text and "/load" not in help_text
    await api.wait_for(lambda call: call.method == "setMyCommands")


async def test_no_results_and_nothing_to_search_get_help(api: FakeBotApi, bot: BotServices) -> None:
    assert "nothing about" in (await ask(api, "zebra crossings in Oslo")).text
    assert "/latest" in (await ask(api, "what is the")).text


async def test_hostile_and_unusual_questions_are_escaped_and_fit(api: FakeBotApi, bot: BotServices) -> None:
    await bot.archive.load(
        [str(write_jsonl(bot.archive.settings.db_path.parent / "fa.jsonl", [article(1, title="گزارش مجاهدین", body="سازمان مجاهدين خلق در آلباني مستقر است.")]))]
    )
    long_question = ("Albania " + "x" * 40 + " ") * 220
    assert len(long_question) >= 10_000
    replies = [
        await ask(api, long_question),
        await ask(api, "<b>MEK</b> & </blockquote> <script>alert(1)</script>"),
        await ask(api, "zzz <i>&amp; </a>"),
        await ask(api, "😀 مجاهدین خلق 👍🏽"),
    ]
    for reply in replies:
        parse_html(reply.text)  # Telegram would have refused it otherwise
    assert "Albania" in parse_html(replies[0].text)
    assert "&lt;i&gt;&amp;amp; &lt;/a&gt;" in replies[2].text
    assert "گزارش مجاهدین" in parse_html(replies[3].text)


async def test_stale_and_forged_buttons_are_answered(api: FakeBotApi, bot: BotServices) -> None:
    reply = await ask(api, "MEK")
    for data in ["s|deadbeef00|3", "garbage", "r|99999999", "t|year|5|0", "l|5"]:
        callback_id = await api.press(reply, data)
        call = await api.wait_for(
            lambda c, cid=callback_id: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == cid
        )
        if data != "r|99999999":
            assert "expired" in call.params.get("text", "")
    assert len(api.answered_callbacks) == 5


async def test_429_is_retried_and_the_answer_arrives(api: FakeBotApi, bot: BotServices) -> None:
    api.fail_next("sendMessage", status=429, retry_after=1, times=2)
    mark = api.mark()
    await api.send_text(QUESTION)
    delivered = await api.next_call("sendMessage", after=mark)
    refused = [c for c in api.calls[mark:] if c.method == "sendMessage" and c.status == 429]
    assert len(refused) == 2
    assert "<blockquote>" in delivered.params["text"]


async def test_group_ask_and_replies_work_with_privacy_mode(api: FakeBotApi, bot: BotServices) -> None:
    group = -100123
    reply = await ask(api, "/ask@newsbot_test_bot Albania MEK", chat_id=group, chat_type="supergroup")
    assert "<blockquote>" in reply.text
    follow_up = await ask(api, "ETA apology", chat_id=group, chat_type="supergroup", reply_to=reply)
    assert "Basque" in parse_html(follow_up.text)
    usage = await ask(api, "/ask", chat_id=group, chat_type="supergroup")
    assert "/ask" in usage.text


async def test_one_failing_update_does_not_stop_the_bot(
    api: FakeBotApi, bot: BotServices, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    original = bot.archive.search

    async def broken(*args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.archive, "search", broken)
    with caplog.at_level(logging.ERROR):
        sorry = await ask(api, "MEK")
    assert "something went wrong" in sorry.text
    assert any("failed" in r.getMessage() and r.exc_info for r in caplog.records)
    monkeypatch.setattr(bot.archive, "search", original)
    assert "<blockquote>" in (await ask(api, "MEK")).text


async def test_every_sent_message_respects_telegram_limits(api: FakeBotApi, bot: BotServices) -> None:
    await ask(api, "/top 20")
    await ask(api, "/latest 20")
    await ask(api, QUESTION)
    bad = [c for c in api.calls if c.status == 400]
    assert bad == []
    for call in api.calls:
        markup = call.params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            assert all(len(b["callback_data"].encode()) <= 64 for b in row)
    assert json.dumps([c.params for c in api.calls])
    assert not any(re.search(r"<(script|br)", str(c.params.get("text", ""))) for c in api.calls)


async def test_command_menu_failure_is_not_fatal(api: FakeBotApi, bot_settings, caplog) -> None:
    from bot.app import build_application
    from tests.e2e.conftest import serving

    api.fail_next("setMyCommands", status=500, times=len(RETRY_DELAYS) + 1)  # every retry fails too
    with caplog.at_level(logging.WARNING):
        async with serving(build_application(bot_settings), bot_settings):
            reply = await ask(api, QUESTION)
    assert "<blockquote>" in reply.text
    assert any("command menu" in r.getMessage() for r in caplog.records)


async def test_unknown_command_and_non_text_get_a_hint(api: FakeBotApi, bot: BotServices) -> None:
    assert "/help" in (await ask(api, "/frobnicate", user_id=READER_ID)).text
    sticker = api.text_message("x", user_id=READER_ID)
    del sticker["text"]
    sticker["sticker"] = {
        "file_id": "s1", "file_unique_id": "us1", "width": 512, "height": 512, "is_animated": False,
        "is_video": False, "type": "regular",
    }  # fmt: skip
    mark = api.mark()
    await api.push("message", sticker)
    assert "only read text" in (await api.next_call("sendMessage", after=mark)).params["text"]
