"""Pushes to followers, digests and the /following list as Telegram HTML: pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.render import (
    MAX_MARKS_PER_QUOTE,
    MAX_TITLE_CHARS,
    Reply,
    escape,
    format_date,
    join_blocks,
    link,
    shorten,
)
from retrieval.models import SearchHit, Snippet
from retrieval.topics import Topic

# A digest's quotes are shorter than an answer's: several articles share one message.
DIGEST_QUOTE_CHARS = 200
MAX_TOPIC_CHARS = 60


def _quote(hit: SearchHit, limit: int | None = None) -> str:
    snippet = Snippet(hit.snippet.text, hit.snippet.highlights[:MAX_MARKS_PER_QUOTE])
    if limit is not None and len(snippet.text) > limit:
        return escape(shorten(snippet.text, limit))
    return snippet.marked("<b>", "</b>", escape)


def _read(number: int | None, article_id: int) -> InlineKeyboardButton:
    label = "Read ›" if number is None else f"Read {number}"
    return InlineKeyboardButton(label, callback_data=callbacks.encode(callbacks.ReadArticle(article_id, "push")))


def render_push(hit: SearchHit, words: str) -> Reply:
    """One new article for a follower: headline link, date, the topic, the matching sentence, Read."""
    details = [part for part in (format_date(hit.headline.published),) if part]
    details.append(f"you follow “{escape(shorten(words, MAX_TOPIC_CHARS))}”")
    text = (
        f"🔔 <b>{link(shorten(hit.headline.title, MAX_TITLE_CHARS), hit.headline.url)}</b>\n"
        f"<i>{' · '.join(details)}</i>\n"
        f"<blockquote>{_quote(hit)}</blockquote>"
    )
    return Reply(text, InlineKeyboardMarkup([[_read(None, hit.headline.id)]]))


def render_digest(items: Sequence[tuple[SearchHit, str]], waiting: int) -> Reply:
    """Several new articles for one follower in one message; ``waiting`` more come in the next digest."""
    blocks = [f"🔔 <b>{len(items)} new articles on the topics you follow</b>"]
    for number, (hit, words) in enumerate(items, start=1):
        date = format_date(hit.headline.published)
        blocks.append(
            f"{number}. <b>{link(shorten(hit.headline.title, MAX_TITLE_CHARS), hit.headline.url)}</b>\n"
            f"<i>{date + ' · ' if date else ''}“{escape(shorten(words, MAX_TOPIC_CHARS))}”</i>\n"
            f"<blockquote>{_quote(hit, DIGEST_QUOTE_CHARS)}</blockquote>"
        )
    if waiting:
        blocks.append(f"<i>{waiting} more in the next digest.</i>")
    text, shown = join_blocks(blocks)
    buttons = [_read(number, hit.headline.id) for number, (hit, _) in enumerate(items[: max(0, shown - 1)], start=1)]
    rows = [buttons[start : start + 5] for start in range(0, len(buttons), 5)]
    return Reply(text, InlineKeyboardMarkup(rows) if rows else None)


def render_topics(topics: Sequence[Topic], limit: int, paused: str | None) -> Reply:
    """A chat's topics with a button to unfollow each."""
    if not topics:
        return Reply(
            "You follow no topics yet. Follow one and I will send you new articles about it:\n"
            "<code>/follow MEK Albania</code>\n"
            "or press <b>🔔 Follow this topic</b> under an answer."
        )
    blocks = [f"<b>Topics you follow</b> ({len(topics)} of {limit})"]
    blocks += [f"{number}. {escape(shorten(topic.words, 200))}" for number, topic in enumerate(topics, start=1)]
    if paused:
        blocks.append(f"\n⏸ New articles are not being sent: {escape(paused)}. Send /resume to get them again.")
    text, _ = join_blocks(blocks, separator="\n")
    rows = [
        [InlineKeyboardButton(f"✖ Unfollow {number}", callback_data=callbacks.encode(callbacks.Unfollow(topic.id)))]
        for number, topic in enumerate(topics[:99], start=1)
    ]
    return Reply(text, InlineKeyboardMarkup(rows))
