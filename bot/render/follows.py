"""Pushes to followers, digests and the /following list as Telegram HTML: pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import ENGLISH, Translator
from bot.render.html import MAX_MARKS_PER_QUOTE, MAX_TITLE_CHARS, Reply, escape, join_blocks, link
from retrieval.follows.topics import Topic
from retrieval.models import SearchHit, Snippet
from retrieval.text.shorten import shorten

# A digest's quotes are shorter than an answer's: several articles share one message.
DIGEST_QUOTE_CHARS = 200
MAX_TOPIC_CHARS = 60


def _quote(hit: SearchHit, limit: int | None = None) -> str:
    snippet = Snippet(hit.snippet.text, hit.snippet.highlights[:MAX_MARKS_PER_QUOTE])
    if limit is not None and len(snippet.text) > limit:
        return escape(shorten(snippet.text, limit))
    return snippet.marked("<b>", "</b>", escape)


def _read(number: int | None, article_id: int, tr: Translator) -> InlineKeyboardButton:
    # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
    label = tr("Read ›") if number is None else tr("Read {number}", number=number)
    return InlineKeyboardButton(label, callback_data=callbacks.encode(callbacks.ReadArticle(article_id, "push")))


def _topic(words: str, tr: Translator) -> str:
    return tr.isolate(escape(shorten(words, MAX_TOPIC_CHARS)))


def render_push(hit: SearchHit, words: str, tr: Translator = ENGLISH) -> Reply:
    """One new article for a follower: headline link, date, the topic, the matching sentence, Read."""
    details = [part for part in (tr.date(hit.headline.published),) if part]
    details.append(tr("you follow “{topic}”", topic=_topic(words, tr)))
    title = tr.isolate(link(shorten(hit.headline.title, MAX_TITLE_CHARS), hit.headline.url))
    text = f"🔔 <b>{title}</b>\n<i>{' · '.join(details)}</i>\n<blockquote>{tr.isolate(_quote(hit))}</blockquote>"
    return Reply(text, InlineKeyboardMarkup([[_read(None, hit.headline.id, tr)]]))


def render_digest(items: Sequence[tuple[SearchHit, str]], waiting: int, tr: Translator = ENGLISH) -> Reply:
    """Several new articles for one follower in one message; ``waiting`` more come in the next digest."""
    heading = tr.plural("{count} new article on the topics you follow", "{count} new articles on the topics you follow", len(items))
    blocks = ["🔔 <b>" + heading + "</b>"]
    for number, (hit, words) in enumerate(items, start=1):
        date = tr.date(hit.headline.published)
        title = tr.isolate(link(shorten(hit.headline.title, MAX_TITLE_CHARS), hit.headline.url))
        blocks.append(
            f"{tr.number(number)}. <b>{title}</b>\n"
            f"<i>{date + ' · ' if date else ''}{tr.quoted(_topic(words, tr))}</i>\n"
            f"<blockquote>{tr.isolate(_quote(hit, DIGEST_QUOTE_CHARS))}</blockquote>"
        )
    if waiting:
        blocks.append("<i>" + tr.plural("{count} more in the next digest.", "{count} more in the next digest.", waiting) + "</i>")
    text, shown = join_blocks(blocks)
    items_shown = items[: max(0, shown - 1)]
    buttons = [_read(number, hit.headline.id, tr) for number, (hit, _) in enumerate(items_shown, start=1)]
    rows = [buttons[start : start + 5] for start in range(0, len(buttons), 5)]
    return Reply(text, InlineKeyboardMarkup(rows) if rows else None)


def render_topics(topics: Sequence[Topic], limit: int, paused: str | None, tr: Translator = ENGLISH) -> Reply:
    """A chat's topics with a button to unfollow each."""
    if not topics:
        return Reply(
            tr(
                "You follow no topics yet. Follow one and I will send you new articles about it:\n"
                "<code>/follow MEK Albania</code>\n"
                "or press <b>🔔 Follow this topic</b> under an answer."
            )
        )
    blocks = ["<b>" + tr("Topics you follow") + "</b> " + tr("({count} of {limit})", count=len(topics), limit=limit)]
    blocks += [
        f"{tr.number(number)}. {tr.isolate(escape(shorten(topic.words, 200)))}"
        for number, topic in enumerate(topics, start=1)
    ]
    if paused:
        blocks.append(
            "\n" + tr("⏸ New articles are not being sent: {reason}. Send /resume to get them again.", reason=escape(paused))
        )
    text, _ = join_blocks(blocks, separator="\n")
    rows = [
        [
            InlineKeyboardButton(
                # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
                tr("✖ Unfollow {number}", number=number), callback_data=callbacks.encode(callbacks.Unfollow(topic.id))
            )
        ]
        for number, topic in enumerate(topics[:99], start=1)
    ]
    return Reply(text, InlineKeyboardMarkup(rows))
