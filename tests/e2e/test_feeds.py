"""Feeds and the channel, end to end: the real bot with its JobQueue, the local Bot API, feeds on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_application
from bot.sending import channel, jobs
from bot.services import BotServices
from bot.settings import BotSettings
from bot.trial.telegram_html import parse_html
from retrieval import Archive
from retrieval.feeds.poller import PAUSE_AFTER_FAILURES
from retrieval.outbox.models import Announce, OutboxKind
from tests import feeds
from tests.botapi import FakeBotApi
from tests.conftest import article, write_jsonl
from tests.e2e.conftest import ADMIN_ID, READER_ID, serving
from tests.pages import Route

CHANNEL = -1001234567890
START = datetime(2026, 11, 1, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The jobs' turns, shortened from a minute and three seconds so a test takes seconds."""
    monkeypatch.setattr(jobs, "FEED_CHECK_EVERY", 0.3)
    monkeypatch.setattr(channel, "CHANNEL_POST_EVERY", 0.1)
    monkeypatch.setattr(channel, "NOTICES_EVERY", 0.2)


@pytest.fixture
def channel_settings(bot_settings: BotSettings) -> BotSettings:
    return bot_settings.model_copy(
        update={"channel_id": str(CHANNEL), "allow_private_urls": True, "load_seeds": False, "channel_bulk_limit": 5}
    )


@pytest.fixture
async def bot(channel_settings: BotSettings) -> AsyncIterator[BotServices]:
    async with serving(build_application(channel_settings), channel_settings) as bot_services:
        yield bot_services


def channel_posts(api: FakeBotApi) -> list[str]:
    return [parse_html(call.params["text"]) for call in api.calls if call.method == "sendMessage" and call.status == 200
            and int(call.params["chat_id"]) == CHANNEL]  # fmt: skip


async def wait_until(check, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def admin_says(api: FakeBotApi, text: str, *, user_id: int = ADMIN_ID) -> str:
    mark = api.mark()
    await api.send_text(text, user_id=user_id)
    call = await api.next_call("sendMessage", chat_id=user_id, after=mark)
    return parse_html(call.params["text"])


async def test_admin_adds_a_feed_and_the_job_queue_posts_new_items_to_the_channel(
    api: FakeBotApi, bot: BotServices, site
) -> None:
    base, routes = site
    items = feeds.stories(4, start=START)
    feeds.site(routes, base, items)
    routes["/feed.xml"] = Route(body=feeds.rss2(base, items[:2]), content_type="application/rss+xml")

    mark = api.mark()
    await api.send_text(f"/feed add {base}/feed.xml every 15m", user_id=ADMIN_ID)
    edit = await api.next_call("editMessageText", chat_id=ADMIN_ID, after=mark)
    added = parse_html(edit.params["text"])
    assert added.startswith("✓ Added feed 1: Example News (feed), polled every 15 minutes.")
    assert "First poll: 2 items offered, 2 new" in added

    # New items: the running bot's JobQueue polls the feed when it is due, and posts them once.
    routes["/feed.xml"] = Route(body=feeds.rss2(base, items), content_type="application/rss+xml")
    await bot.archive.feeds.resume(1)  # due now, as a resumed feed is
    await wait_until(lambda: _count(api, 2))
    await asyncio.sleep(0.5)
    posts = channel_posts(api)
    assert len(posts) == 2 and posts[0].startswith(items[2].title) and posts[1].startswith(items[3].title)
    call = next(c for c in api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == CHANNEL)
    button = call.params["reply_markup"]["inline_keyboard"][0][0]
    article_id = await bot.archive.resolve(items[2].url(base))
    assert button == {"text": "Open in the bot ›", "url": f"https://t.me/newsbot_test_bot?start=a_{article_id}"}
    assert f'href="{items[2].url(base)}"' in call.params["text"] and "A. Reporter" in posts[0]
    assert "Albania item 3" in posts[0]  # the lead

    # The deep link opens the article in the bot.
    opened = await admin_says(api, f"/start a_{article_id}", user_id=READER_ID)
    assert opened.startswith(items[2].title)

    # The new items are searchable and in /latest.
    latest = await admin_says(api, "/latest 1", user_id=READER_ID)
    assert items[3].title in latest
    stats = await admin_says(api, "/stats")
    assert "Feeds: 1" in stats and "New from feeds today: 4" in stats
    assert "Channel posts: 2 sent · 0 queued · 0 failed" in stats


async def _count(api: FakeBotApi, wanted: int) -> bool:
    return len(channel_posts(api)) >= wanted


async def test_feeds_list_and_buttons_and_strangers_are_refused(api: FakeBotApi, bot: BotServices, site) -> None:
    base, routes = site
    routes["/feed.xml"] = Route(body=feeds.rss2(base, feeds.stories(1, start=START)))
    await bot.archive.feeds.add(base + "/feed.xml", timedelta(hours=1))

    mark = api.mark()
    await api.send_text("/feeds", user_id=ADMIN_ID)
    call = await api.next_call("sendMessage", chat_id=ADMIN_ID, after=mark)
    listing = parse_html(call.params["text"])
    assert "1. Example News (feed)" in listing and "▶️ every 1 hour" in listing and "1 article added" in listing
    message = api.stored(call)

    # A reader cannot list feeds, nor pause one by forging the button.
    refused = await admin_says(api, "/feeds", user_id=READER_ID)
    assert refused.startswith("Sorry, only the site's editors")
    callback = await api.press(message, "f|pause|1", user_id=READER_ID)
    await api.wait_for(lambda c: c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == callback)
    assert not (await bot.archive.feeds.get(1)).paused
    assert api.answered_callbacks[callback].get("text").startswith("Sorry, only the site's editors can do that.")

    # The admin pauses it with the button: the list is edited to show it.
    mark = api.mark()
    await api.press(message, "f|pause|1", user_id=ADMIN_ID)
    edit = await api.next_call("editMessageText", chat_id=ADMIN_ID, after=mark)
    assert "⏸ paused" in parse_html(edit.params["text"]) and (await bot.archive.feeds.get(1)).paused

    # Remove asks first; "Yes" removes it.
    mark = api.mark()
    await api.press(message, "f|remove|1", user_id=ADMIN_ID)
    question = await api.next_call("editMessageText", chat_id=ADMIN_ID, after=mark)
    assert parse_html(question.params["text"]).startswith("Remove feed 1 (Example News)?")
    mark = api.mark()
    await api.press(message, "f|confirm|1", user_id=ADMIN_ID)
    gone = await api.next_call("editMessageText", chat_id=ADMIN_ID, after=mark)
    assert parse_html(gone.params["text"]).startswith("Feeds\nNo feeds yet.")
    # A stale button of the removed feed is answered, not crashed on.
    callback = await api.press(message, "f|resume|1", user_id=ADMIN_ID)
    await api.wait_for(lambda c: c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == callback)
    assert api.answered_callbacks[callback].get("text") == "That feed was removed."


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        ("/feed", "Use: /feed add URL"),
        ("/feed add", "Send the feed's address"),
        ("/feed add https://x.org/feed every 1m", "“1m” is too short: the shortest interval is 5m"),
        ("/feed add https://x.org/feed every 99999999999999d", "“99999999999999d” is too long: the longest interval is 1d"),
        ("/feed add https://x.org/feed every soon", "is not an interval"),
        ("/feed pause", "Name the feed by its number"),
        ("/feed pause 99", "There is no feed 99."),
        ("/feed frobnicate", "I did not understand “frobnicate”"),
        ("/feed check 7", "There is no feed 7."),
    ],
)
async def test_feed_command_mistakes_get_a_clear_answer(api: FakeBotApi, bot: BotServices, command: str, reply: str) -> None:
    mark = api.mark()
    await api.send_text(command, user_id=ADMIN_ID)
    call = await api.wait_for(
        lambda c: c.method in ("sendMessage", "editMessageText") and int(c.params.get("chat_id", 0)) == ADMIN_ID
        and c.status == 200 and not parse_html(c.params["text"]).startswith(("Polling", "Reading")),
        after=mark,
    )  # fmt: skip
    assert reply in parse_html(call.params["text"])


async def test_feed_add_of_a_page_that_is_not_a_feed_keeps_nothing(api: FakeBotApi, bot: BotServices, site) -> None:
    base, routes = site
    routes["/index.html"] = Route(body=b"<html><body><p>Our homepage</p></body></html>")
    mark = api.mark()
    await api.send_text(f"/feed add {base}/index.html", user_id=ADMIN_ID)
    edit = await api.next_call("editMessageText", chat_id=ADMIN_ID, after=mark)
    assert parse_html(edit.params["text"]).startswith("✗ Not added: not an RSS, Atom or JSON feed, nor a sitemap")
    assert await bot.archive.feeds.all() == []


async def test_channel_queue_survives_a_429_in_the_middle(api: FakeBotApi, bot: BotServices, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "five.jsonl", [article(n) for n in range(1, 6)])
    api.fail_next("sendMessage", status=429, retry_after=1, times=1)
    report = await bot.archive.load([str(path)])
    assert report.new == 5
    await wait_until(lambda: _count(api, 5), timeout=30)
    await asyncio.sleep(1.0)
    posts = channel_posts(api)
    assert [post.split("\n")[0] for post in posts] == [f"Story number {n}" for n in range(1, 6)]  # once each, in order
    assert any(call.status == 429 for call in api.calls if call.method == "sendMessage")
    assert await bot.archive.outbox.counts((OutboxKind.ARTICLE,)) == {"sent": 5}


async def test_a_bulk_load_posts_one_summary_and_a_reload_posts_nothing(
    api: FakeBotApi, bot: BotServices, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "many.jsonl", [article(n) for n in range(1, 31)])
    await bot.archive.load([str(path)])
    await wait_until(lambda: _count(api, 1))
    await bot.archive.load([str(path)])  # unchanged: not news
    await asyncio.sleep(1.0)
    posts = channel_posts(api)
    assert len(posts) == 1 and posts[0].startswith("📚 30 articles added to the archive")
    assert "• Story number 30" in posts[0] and "… and 25 more" in posts[0]


async def test_restart_sends_queued_posts_once_and_never_resends_one_cut_off_mid_send(
    api: FakeBotApi, channel_settings: BotSettings, tmp_path: Path
) -> None:
    # Queued by `newsbot load` while the bot is down; one of them was being sent when the bot crashed.
    path = write_jsonl(tmp_path / "three.jsonl", [article(n) for n in range(1, 4)])
    async with await Archive.open(channel_settings) as archive:
        report = await archive.load([str(path)], announce=Announce.EACH)
        cut_off = await archive.outbox.next_post()
        assert cut_off is not None and report.new == 3
        assert await archive.outbox.claim([cut_off.message])

    async with serving(build_application(channel_settings), channel_settings) as bot_services:
        await wait_until(lambda: _count(api, 2))
        await asyncio.sleep(0.5)
        counts = await bot_services.archive.outbox.counts((OutboxKind.ARTICLE,))
    assert counts == {"sent": 2, "failed": 1}
    assert [post.split("\n")[0] for post in channel_posts(api)] == ["Story number 2", "Story number 3"]

    async with serving(build_application(channel_settings), channel_settings):
        await asyncio.sleep(1.0)
    assert len(channel_posts(api)) == 2  # nothing sent twice after the second start


async def test_a_channel_that_refuses_posts_tells_the_admins_once(
    api: FakeBotApi, bot: BotServices, tmp_path: Path
) -> None:
    api.refused_chats[CHANNEL] = (403, "Forbidden: bot is not a member of the channel chat")
    await bot.archive.load([str(write_jsonl(tmp_path / "two.jsonl", [article(1), article(2)]))])
    notice = await api.next_call("sendMessage", chat_id=ADMIN_ID)
    text = parse_html(notice.params["text"])
    assert "I cannot post to the channel" in text and "bot is not a member" in text
    await wait_until(
        lambda: _outbox_is(bot, {"failed": 2}),
    )
    await asyncio.sleep(0.5)
    assert sum(1 for c in api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == ADMIN_ID) == 1


async def _outbox_is(bot: BotServices, counts: dict[str, int]) -> bool:
    return await bot.archive.outbox.counts((OutboxKind.ARTICLE,)) == counts


async def test_a_feed_that_keeps_failing_is_paused_and_the_admins_told_once(api: FakeBotApi, bot: BotServices, site) -> None:
    base, routes = site
    routes["/feed.xml"] = Route(body=feeds.rss2(base, feeds.stories(1, start=START)))
    feed, _ = await bot.archive.feeds.add(base + "/feed.xml", timedelta(minutes=15))
    routes["/feed.xml"] = Route(status=502)
    state = feed
    for _ in range(PAUSE_AFTER_FAILURES):  # what eight failed polls over a day and a half leave behind
        await bot.archive.feeds.poll(feed.id)
        state = await bot.archive.feeds.get(feed.id)
    assert state.paused
    notice = await api.next_call("sendMessage", chat_id=ADMIN_ID)
    text = parse_html(notice.params["text"])
    assert f"Feed {feed.id}" in text and "is paused (failed 8 times in a row)" in text and "HTTP 502" in text
    listing = await admin_says(api, "/feeds")
    assert "⏸ paused" in listing and "Paused: failed 8 times in a row" in listing
    assert "✗ Last error (8 in a row): the server answered HTTP 502" in listing
    await asyncio.sleep(0.5)
    assert sum(1 for c in api.calls if c.method == "sendMessage" and "is paused" in c.params.get("text", "")) == 1
