"""Pushes, digests, the topic list and inline results: escaped, within Telegram's limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import callbacks
from bot.i18n import Translator
from bot.render.follows import render_digest, render_push, render_topics
from bot.render.inline import article_of, headline_result, hit_result, result_id
from bot.trial.telegram_html import check_markup, parse_html, utf16_length
from retrieval.follows.topics import Topic
from retrieval.models import Headline, SearchHit, Snippet


def hit(n: int, title: str = "MEK & <Albania>", quote: str = "The MEK camp in Albania <closed>.") -> SearchHit:
    headline = Headline(n, f"https://x.org/{n}?a=1&b=2", title, datetime(2026, 11, 28, tzinfo=UTC), 0)
    return SearchHit(headline, 1.0, quote, Snippet(quote, ((4, 7), (16, 23))))


def test_push_has_headline_date_topic_quote_and_read() -> None:
    reply = render_push(hit(7), "MEK <Albania>")
    shown = parse_html(reply.text)
    assert shown.split("\n") == ["🔔 MEK & <Albania>", "28 Nov 2026 · you follow “MEK <Albania>”", "The MEK camp in Albania <closed>."]
    assert "<b>MEK</b>" in reply.text and "<b>Albania</b>" in reply.text
    assert reply.keyboard is not None
    assert callbacks.decode(reply.keyboard.inline_keyboard[0][0].callback_data) == callbacks.ReadArticle(7, "push")


def test_digest_of_many_long_articles_fits_one_message() -> None:
    items = [(hit(n, title="T" * 400, quote="word " * 300), "MEK") for n in range(1, 9)]
    reply = render_digest(items, waiting=4)
    shown = parse_html(reply.text)
    assert shown.startswith("🔔 8 new articles on the topics you follow")
    assert utf16_length(shown) <= 4096 and "4 more in the next digest." in shown
    assert reply.keyboard is not None
    check_markup(reply.keyboard.to_dict())
    assert [len(row) for row in reply.keyboard.inline_keyboard] == [5, 3]


def test_topic_list_has_an_unfollow_button_each_and_says_when_paused() -> None:
    topics = [Topic(n, 1, f"topic <{n}>", (f"t{n}",)) for n in (4, 9)]
    reply = render_topics(topics, 20, "you sent /stop")
    shown = parse_html(reply.text)
    assert shown.startswith("Topics you follow (2 of 20)\n1. topic <4>\n2. topic <9>")
    assert "Send /resume" in shown
    assert reply.keyboard is not None
    assert [callbacks.decode(row[0].callback_data) for row in reply.keyboard.inline_keyboard] == [
        callbacks.Unfollow(4),
        callbacks.Unfollow(9),
    ]
    assert "/follow MEK Albania" in parse_html(render_topics([], 20, None).text)


def test_inline_results_carry_the_quote_and_a_deep_link() -> None:
    result = hit_result(hit(42), "newsbot_test_bot").to_dict()
    assert result["id"] == "a42" and len(result["id"].encode()) <= 64
    assert result["title"] == "MEK & <Albania>"
    assert result["description"].startswith("28 Nov 2026 · The MEK camp")
    parse_html(result["input_message_content"]["message_text"])
    assert "<blockquote>The <b>MEK</b> camp" in result["input_message_content"]["message_text"]
    assert result["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://t.me/newsbot_test_bot?start=a_42"
    latest = headline_result(Headline(3, "https://x.org/3", "Latest <one>", None, 0), "bot").to_dict()
    assert latest["description"] == "latest" and parse_html(latest["input_message_content"]["message_text"]) == "Latest <one>"


def test_chosen_result_ids_are_read_back_safely() -> None:
    assert article_of(result_id(123)) == 123
    assert [article_of(value) for value in ("", "a", "b12", "a-1", "a" + "9" * 20, "a12x")] == [None] * 6


def test_follow_buttons_round_trip() -> None:
    for action in (callbacks.FollowQuestion("a1b2c3d4e5"), callbacks.Unfollow(123456789012)):
        data = callbacks.encode(action)
        assert len(data.encode()) <= 64 and callbacks.decode(data) == action
    assert callbacks.decode("w|bad key") is None and callbacks.decode("u|x") is None


@pytest.mark.parametrize(("language", "marks"), [("en", "“MEK”"), ("ru", "«MEK»"), ("de", "„MEK“")])
def test_the_digest_quotes_each_topic_in_the_readers_quotation_marks(language: str, marks: str) -> None:
    shown = parse_html(render_digest([(hit(1), "MEK")], waiting=0, tr=Translator(language)).text)
    assert marks in shown and ("“MEK”" in shown) == (language == "en")
