"""Following topics and inline mode, end to end: the real bot, its JobQueue and the local Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.sending import pushes
from bot.services import BotServices
from bot.settings import BotSettings
from bot.trial.telegram_html import parse_html
from retrieval import Archive
from retrieval.follows import matcher
from retrieval.outbox import sending
from retrieval.outbox.models import Announce, OutboxKind
from retrieval.readers.table import BLOCKED
from tests.botapi import FakeBotApi
from tests.conftest import article, write_jsonl
from tests.e2e.conftest import ADMIN_ID, READER_ID, serving

MEK_ALBANIA = {
    "title": "MEK members leave the camp in Albania",
    "body": "Hundreds of MEK members left the camp near Tirana in Albania on Monday, officials said. "
    "The MEK has lived in Albania since 2016, when it left Iraq.\n\n"
    "Albanian police watched as buses took the members away. The MEK said the move was voluntary.",
    "published": "2026-11-28T09:00:00Z",
}
FOOTBALL = {"title": "Cup final tonight", "body": "The football cup final is played tonight in the capital city stadium."}


@pytest.fixture(autouse=True)
def _fast_pushes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pushes, "PUSH_EVERY", 0.1)


@pytest.fixture
def follow_settings(bot_settings: BotSettings) -> BotSettings:
    return bot_settings.model_copy(update={"max_topics": 3})


@pytest.fixture
async def bot(follow_settings: BotSettings) -> AsyncIterator[BotServices]:
    async with serving(build_application(follow_settings), follow_settings) as bot_services:
        yield bot_services


async def says(api: FakeBotApi, text: str, *, user_id: int = READER_ID, **options: object) -> str:
    mark = api.mark()
    await api.send_text(text, user_id=user_id, **options)
    chat = options.get("chat_id") or user_id
    call = await api.next_call("sendMessage", chat_id=chat, after=mark)
    return parse_html(call.params["text"])


async def upload(api: FakeBotApi, tmp_path: Path, name: str, rows: list[dict]) -> None:
    """An admin sends a file to load, and waits for the load report."""
    path = write_jsonl(tmp_path / name, rows)
    mark = api.mark()
    await api.send_document(path.read_bytes(), name, user_id=ADMIN_ID)
    await api.wait_for(
        lambda c: c.method == "editMessageText" and "Loaded" in c.params.get("text", "") and "new" in c.params["text"],
        after=mark,
    )


def pushes_to(api: FakeBotApi, chat_id: int) -> list[str]:
    return [
        parse_html(call.params["text"])
        for call in api.calls
        if call.method == "sendMessage" and call.status == 200 and int(call.params["chat_id"]) == chat_id
        and call.params["text"].startswith("🔔")
    ]  # fmt: skip


async def settle(seconds: float = 1.0) -> None:
    await asyncio.sleep(seconds)


async def test_follow_then_an_admin_loads_a_match_and_the_push_arrives_once(
    api: FakeBotApi, bot: BotServices, tmp_path: Path
) -> None:
    reply = await says(api, "/follow MEK Albania")
    assert reply.startswith("✅ Following “MEK Albania”.")
    await upload(api, tmp_path, "news.jsonl", [article(1, **MEK_ALBANIA), article(2, **FOOTBALL)])
    await api.wait_for(lambda c: c.method == "sendMessage" and c.params.get("text", "").startswith("🔔")
                       and int(c.params["chat_id"]) == READER_ID)  # fmt: skip
    await upload(api, tmp_path, "again.jsonl", [article(1, **MEK_ALBANIA)])  # a re-load: not new
    await settle()
    received = pushes_to(api, READER_ID)
    assert len(received) == 1
    push = received[0]
    assert push.startswith("🔔 MEK members leave the camp in Albania\n28 Nov 2026 · you follow “MEK Albania”")
    assert "Hundreds of MEK members left the camp near Tirana in Albania" in push
    call = next(c for c in api.calls if c.method == "sendMessage" and c.params["text"].startswith("🔔"))
    assert "<b>MEK</b>" in call.params["text"]  # the matched words in bold
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Read ›"
    # The football article matched nobody, and the admin following nothing got nothing.
    assert pushes_to(api, ADMIN_ID) == []


async def test_follow_this_topic_button_following_list_and_unfollow(api: FakeBotApi, bot: BotServices) -> None:
    await bot.archive.load_seeds()
    mark = api.mark()
    await api.send_text("Albania MEK camp")
    answer = await api.next_call("sendMessage", chat_id=READER_ID, after=mark)
    rows = answer.params["reply_markup"]["inline_keyboard"]
    follow = rows[-1][0]
    assert follow["text"] == "🔔 Follow this topic"
    mark = api.mark()
    await api.press(api.stored(answer), follow["callback_data"])
    confirm = await api.next_call("sendMessage", chat_id=READER_ID, after=mark)
    assert parse_html(confirm.params["text"]).startswith("✅ Following “Albania MEK camp”.")

    assert (await says(api, "/follow  albania   camps MEK")).startswith("You already follow “Albania MEK camp”")
    assert (await says(api, "/follow the and of")).startswith("Those are all very common words")
    too_many = await says(api, "/follow Tirana Durres Vlore Shkoder Elbasan Korce Berat")
    assert too_many.startswith("Please follow at most 6 words at a time")  # the words' limit, not the topics'
    await says(api, "/follow Tirana")
    await says(api, "/follow Iran sanctions")
    assert (await says(api, "/follow football")).startswith("You follow 3 topics already")

    mark = api.mark()
    await api.send_text("/following")
    listing = await api.next_call("sendMessage", chat_id=READER_ID, after=mark)
    assert parse_html(listing.params["text"]).startswith("Topics you follow (3 of 3)\n1. Albania MEK camp\n2. Tirana")
    unfollow = listing.params["reply_markup"]["inline_keyboard"][1][0]
    assert unfollow["text"] == "✖ Unfollow 2"
    mark = api.mark()
    await api.press(api.stored(listing), unfollow["callback_data"])
    edited = await api.next_call("editMessageText", chat_id=READER_ID, after=mark)
    assert "Tirana" not in parse_html(edited.params["text"])
    assert (await says(api, "/unfollow 1")) == "Unfollowed “Albania MEK camp”."
    assert (await says(api, "/unfollow nothing here")).startswith("You do not follow “nothing here”")
    # Someone else's topic cannot be unfollowed by forging the button.
    topic = (await bot.archive.follows.topics(READER_ID))[0]
    callback = await api.press(api.stored(listing), f"u|{topic.id}", user_id=7777)
    await api.wait_for(lambda c: c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == callback)
    assert len(await bot.archive.follows.topics(READER_ID)) == 1


async def test_in_a_group_only_admins_choose_topics(api: FakeBotApi, bot: BotServices, tmp_path: Path) -> None:
    group = -100555
    api.chat_admins[group] = {ADMIN_ID}
    refused = await says(api, "/follow MEK Albania", user_id=READER_ID, chat_id=group, chat_type="supergroup")
    assert refused == "In a group, only its admins can choose the topics it follows."
    accepted = await says(api, "/follow MEK Albania", user_id=ADMIN_ID, chat_id=group, chat_type="supergroup")
    assert accepted.startswith("✅ Following “MEK Albania”.")
    await bot.archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, **MEK_ALBANIA)]))])
    await api.wait_for(lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == group
                       and c.params["text"].startswith("🔔"))  # fmt: skip


async def test_300_followers_and_429s_each_get_exactly_one_message(api: FakeBotApi, bot: BotServices, tmp_path: Path) -> None:
    followers = list(range(200_000, 200_300))
    for chat in followers:
        await bot.archive.follows.follow(chat, "Albania camp", max_topics=3)
    api.fail_next("sendMessage", status=429, retry_after=1, times=3)
    await bot.archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, **MEK_ALBANIA)]))])
    deadline = asyncio.get_running_loop().time() + 60
    while sum(bool(pushes_to(api, chat)) for chat in followers) < len(followers):
        assert asyncio.get_running_loop().time() < deadline, "not every follower got the push"
        await asyncio.sleep(0.2)
    await settle()
    assert all(len(pushes_to(api, chat)) == 1 for chat in followers)
    assert sum(1 for c in api.calls if c.method == "sendMessage" and c.status == 429) == 3
    assert await bot.archive.outbox.counts((OutboxKind.PUSH,)) == {"sent": 300}


async def test_restart_with_queued_pushes_sends_each_once(
    api: FakeBotApi, follow_settings: BotSettings, tmp_path: Path
) -> None:
    async with await Archive.open(follow_settings) as archive:  # the bot is down: `newsbot load` queues
        for chat in (301, 302):
            await archive.follows.follow(chat, "MEK", max_topics=3)
        await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, **MEK_ALBANIA)]))], announce=Announce.AUTO)
        assert await archive.outbox.counts((OutboxKind.PUSH,)) == {"queued": 2}
    for _ in range(2):
        async with serving(build_application(follow_settings), follow_settings):
            await settle(1.5)
    assert len(pushes_to(api, 301)) == 1 and len(pushes_to(api, 302)) == 1


async def test_a_reader_who_blocked_the_bot_is_paused_then_resumed_by_start(
    api: FakeBotApi, bot: BotServices, tmp_path: Path
) -> None:
    await says(api, "/follow MEK")
    api.refused_chats[READER_ID] = (403, "Forbidden: bot was blocked by the user")
    await bot.archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, **MEK_ALBANIA)]))])
    await api.wait_for(lambda c: c.method == "sendMessage" and c.status == 403)
    await settle(0.5)
    assert await bot.archive.follows.paused_reason(READER_ID) == BLOCKED
    await bot.archive.load([str(write_jsonl(tmp_path / "b.jsonl", [article(2, **{**MEK_ALBANIA, "title": "MEK again"})]))])
    await settle()
    assert sum(1 for c in api.calls if c.method == "sendMessage" and c.status == 403) == 1  # not retried
    del api.refused_chats[READER_ID]
    await says(api, "/start")
    assert await bot.archive.follows.paused_reason(READER_ID) is None


async def test_stop_pauses_and_resume_restarts_pushes(api: FakeBotApi, bot: BotServices, tmp_path: Path) -> None:
    await says(api, "/follow MEK")
    assert (await says(api, "/stop")).startswith("⏸ I will send no new articles here.")
    await bot.archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, **MEK_ALBANIA)]))])
    await settle()
    assert pushes_to(api, READER_ID) == []
    assert "Send /resume to get them again" in await says(api, "/following")
    await says(api, "/resume")
    await bot.archive.load([str(write_jsonl(tmp_path / "b.jsonl", [article(2, **{**MEK_ALBANIA, "title": "MEK again"})]))])
    await api.wait_for(lambda c: c.method == "sendMessage" and c.params.get("text", "").startswith("🔔"))
    assert len(pushes_to(api, READER_ID)) == 1


async def test_matches_within_the_window_come_as_one_digest(
    api: FakeBotApi, bot: BotServices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    for module in (matcher, sending):  # when a digest waits, and when the rest of a long one goes
        monkeypatch.setattr(module, "DIGEST_WINDOW", timedelta(seconds=2))
    await says(api, "/follow MEK")
    await bot.archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, **MEK_ALBANIA)]))])
    await api.wait_for(lambda c: c.method == "sendMessage" and c.params.get("text", "").startswith("🔔"))
    more = [article(n, **{**MEK_ALBANIA, "title": f"MEK story {n}"}) for n in (2, 3, 4)]
    await bot.archive.load([str(write_jsonl(tmp_path / "b.jsonl", more))])
    await settle(0.5)
    assert len(pushes_to(api, READER_ID)) == 1  # the window is still open
    await settle(3.0)
    received = pushes_to(api, READER_ID)
    assert len(received) == 2
    assert received[1].startswith("🔔 3 new articles on the topics you follow\n\n1. MEK story 2")


async def test_inline_mode_answers_pages_lists_latest_and_counts_the_chosen_result(
    api: FakeBotApi, bot: BotServices, tmp_path: Path
) -> None:
    rows = [article(n, title=f"Albania camp report {n}", body=f"The Albania camp report number {n} on the MEK.",
                    published=f"2026-01-{n:02d}") for n in range(1, 16)]  # fmt: skip
    await bot.archive.load([str(write_jsonl(tmp_path / "a.jsonl", rows))])
    query_id = await api.inline_query("Albania camp")
    call = await api.wait_for(lambda c: c.method == "answerInlineQuery" and c.params.get("inline_query_id") == query_id)
    answer = api.inline_answers[query_id]
    assert len(answer["results"]) == 10 and answer["next_offset"] == "10"
    assert int(answer["cache_time"]) == 30 and call.status == 200
    first = answer["results"][0]
    assert first["id"].startswith("a") and first["title"].startswith("Albania camp report")
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML" and "<blockquote>" in content["message_text"]
    assert first["reply_markup"]["inline_keyboard"][0][0]["url"].startswith("https://t.me/newsbot_test_bot?start=a_")

    page_two = await api.inline_query("Albania camp", offset="10")
    await api.wait_for(lambda c: c.method == "answerInlineQuery" and c.params.get("inline_query_id") == page_two)
    second = [result["id"] for result in api.inline_answers[page_two]["results"]]
    assert second and not set(second) & {result["id"] for result in answer["results"]}

    latest = await api.inline_query("")
    await api.wait_for(lambda c: c.method == "answerInlineQuery" and c.params.get("inline_query_id") == latest)
    # The empty query lists the latest: dated articles first (the demo set has no dates and comes after them).
    titles = [r["title"] for r in api.inline_answers[latest]["results"]]
    assert titles == [f"Albania camp report {n}" for n in range(15, 5, -1)]

    nothing = await api.inline_query("zzzqqq unknown words", offset="garbage")
    await api.wait_for(lambda c: c.method == "answerInlineQuery" and c.params.get("inline_query_id") == nothing)
    assert api.inline_answers[nothing]["results"] == []

    article_id = int(first["id"][1:])
    opens = (await bot.archive.article(article_id)).views
    await api.choose_inline_result(first["id"], "Albania camp")
    await api.choose_inline_result("not-ours", "Albania camp")
    deadline = asyncio.get_running_loop().time() + 10
    while (await bot.archive.article(article_id)).views == opens:
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
    assert (await bot.archive.article(article_id)).views == opens + 1
