"""Channel posts, the summary of a bulk load and the /feeds list: escaped, within Telegram's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import callbacks
from bot.arguments import UsageError, parse_feed_command
from bot.render.feeds import render_feeds, render_remove_question
from bot.render.posts import render_channel_post, render_summary_post
from bot.trial.telegram_html import check_markup, parse_html, utf16_length
from retrieval.feeds.models import PAUSED_BY_ADMIN, Feed
from retrieval.models import Article, Headline
from retrieval.text.sentences import lead

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def an_article(**fields: object) -> Article:
    values = {
        "id": 42,
        "url": "https://news.example.com/a?x=1&y=<2>",
        "title": "Albania & the <MEK> camp",
        "body": "TIRANA —\n\nThe camp near Tirana holds 2,500 members, officials said on Monday. "
        "Its future is unclear. Critics want an inspection.",
        "published": datetime(2026, 11, 28, tzinfo=UTC),
        "added_at": NOW,
        "source": "feed 1",
        "views": 0,
        "author": "Jane <Doe>",
        "summary": "",
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def a_feed(number: int, **fields: object) -> Feed:
    values = {
        "id": number,
        "url": f"https://news.example.com/feed{number}.xml?a=1&b=2",
        "title": f"Feed <{number}>",
        "kind": "feed",
        "interval_seconds": 900,
        "added_at": NOW,
        "paused_reason": None,
        "etag": None,
        "last_modified": None,
        "last_polled_at": NOW - timedelta(minutes=3),
        "last_success_at": NOW - timedelta(minutes=3),
        "next_poll_at": NOW,
        "error_count": 0,
        "last_error": None,
        "polls": 4,
        "items_added": 12,
    }
    values.update(fields)
    return Feed(**values)  # type: ignore[arg-type]


def test_channel_post_has_headline_link_date_author_lead_and_deep_link() -> None:
    reply = render_channel_post(an_article(), "newsbot_test_bot")
    shown = parse_html(reply.text)  # raises on broken HTML, as Telegram would
    assert shown.split("\n")[:2] == ["Albania & the <MEK> camp", "28 Nov 2026 · Jane <Doe>"]
    assert "The camp near Tirana holds 2,500 members, officials said on Monday." in shown
    assert "TIRANA" not in shown  # the dateline is not the lead
    assert 'href="https://news.example.com/a?x=1&amp;y=&lt;2&gt;"' in reply.text
    assert reply.keyboard is not None
    button = reply.keyboard.inline_keyboard[0][0]
    assert button.url == "https://t.me/newsbot_test_bot?start=a_42"
    check_markup(reply.keyboard.to_dict())


def test_channel_post_of_a_huge_article_stays_short() -> None:
    body = ("A very long opening sentence about the news " * 200).strip() + ".\n\nMore text."
    reply = render_channel_post(an_article(title="T" * 5000, body=body, author=""), "bot")
    shown = parse_html(reply.text)
    assert utf16_length(shown) < 700 and shown.endswith("…")


def test_summary_post_names_the_newest_headlines() -> None:
    headlines = [Headline(n, f"https://x.org/{n}", f"Story <{n}>", None, 0) for n in range(5)]
    reply = render_summary_post(5000, headlines, "newsbot_test_bot")
    shown = parse_html(reply.text)
    assert shown.startswith("📚 5,000 articles added to the archive")
    assert "• Story <4>" in shown and "… and 4,995 more" in shown
    assert reply.keyboard is not None and reply.keyboard.inline_keyboard[0][0].url == "https://t.me/newsbot_test_bot"


def test_feed_list_shows_state_and_errors_with_buttons_that_fit() -> None:
    feeds = [
        a_feed(1),
        a_feed(2, paused_reason=PAUSED_BY_ADMIN),
        a_feed(3, paused_reason="failed 8 times in a row", error_count=8, last_error="the server answered <HTTP 500>"),
    ]
    reply = render_feeds(feeds, NOW)
    shown = parse_html(reply.text)
    assert "1. Feed <1> (feed)\n▶️ every 15 minutes · last poll 3 min. ago · 12 articles added" in shown
    assert "⏸ paused" in shown and "Paused: failed 8 times in a row" in shown
    assert "✗ Last error (8 in a row): the server answered <HTTP 500>" in shown
    assert reply.keyboard is not None
    rows = reply.keyboard.inline_keyboard
    assert [button.text for button in rows[1]] == ["▶️ Resume 2", "🔄 Check 2", "🗑 Remove 2"]
    for row in rows:
        for button in row:
            assert len(button.callback_data.encode()) <= 64
            assert isinstance(callbacks.decode(button.callback_data), callbacks.FeedAction)


def test_a_long_feed_list_fits_one_message_and_says_how_many_more() -> None:
    feeds = [a_feed(n, last_error="x" * 300, error_count=2) for n in range(1, 120)]
    reply = render_feeds(feeds, NOW)
    shown = parse_html(reply.text)
    assert utf16_length(shown) <= 4096 and "more (see newsbot feeds list)" in shown
    assert reply.keyboard is not None and len(reply.keyboard.inline_keyboard) <= 100


def test_no_feeds_says_how_to_add_one() -> None:
    assert "/feed add https://example.com/feed.xml every 15m" in parse_html(render_feeds([], NOW).text)


def test_remove_asks_first() -> None:
    reply = render_remove_question(a_feed(3))
    assert parse_html(reply.text).startswith("Remove feed 3 (Feed <3>)?")
    assert reply.keyboard is not None
    assert [callbacks.decode(b.callback_data) for b in reply.keyboard.inline_keyboard[0]] == [
        callbacks.FeedAction("confirm", 3),
        callbacks.FeedAction("list", 0),
    ]


@pytest.mark.parametrize(
    ("args", "action", "interval", "feed_id"),
    [
        (["add", "https://x.org/feed"], "add", timedelta(minutes=15), None),
        (["add", "https://x.org/feed", "every", "2h"], "add", timedelta(hours=2), None),
        (["ADD", "https://x.org/feed", "30m"], "add", timedelta(minutes=30), None),
        (["pause", "3"], "pause", timedelta(minutes=15), 3),
        (["check"], "check", timedelta(minutes=15), None),
        (["check", "12"], "check", timedelta(minutes=15), 12),
    ],
)
def test_feed_command_arguments(args: list[str], action: str, interval: timedelta, feed_id: int | None) -> None:
    command = parse_feed_command(args)
    assert (command.action, command.interval, command.feed_id) == (action, interval, feed_id)


@pytest.mark.parametrize(
    "args",
    [[], ["add"], ["add", "u", "every", "1m"], ["add", "u", "every", "2h", "now"], ["pause"], ["pause", "x"],
     ["remove", "1", "2"], ["pause", "²"], ["subscribe"]],
)  # fmt: skip
def test_bad_feed_command_arguments_say_how(args: list[str]) -> None:
    with pytest.raises(UsageError):
        parse_feed_command(args)


@pytest.mark.parametrize(
    "data", ["f|pause", "f|explode|1", "f|pause|x", "f|pause|1|2", "f||1", "f|pause|" + "9" * 20, "f|pause|²"]
)
def test_malformed_feed_buttons_decode_to_none(data: str) -> None:
    assert callbacks.decode(data) is None


def test_lead_skips_datelines_and_keeps_whole_sentences() -> None:
    text = "WASHINGTON (AP) —\n\nThe Senate passed the bill on Monday after a long debate. It now goes to the House."
    assert lead(text, 300) == "The Senate passed the bill on Monday after a long debate. It now goes to the House."
    assert lead(text, 70) == "The Senate passed the bill on Monday after a long debate."
    assert lead("Short.", 300) == "Short."


def test_a_chinese_posts_opening_is_whole_sentences() -> None:
    body = "北京是中华人民共和国的首都。" * 3 + "北京大学创办于1898年。" * 40
    text = render_channel_post(an_article(title="北京", body=body, language="zh"), "newsbot").text
    opening = text.split("\n\n", 1)[1]
    assert opening.startswith("北京是中华人民共和国的首都。") and opening.rstrip("\u2069").endswith("。")
