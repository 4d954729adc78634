"""Channel posts, admin notices and the /feeds list as Telegram HTML: pure functions.

A channel post is what a subscriber sees in their channel list, so it is
short: the headline as a link, the date (and author), the lead sentences, and
a button that opens the article in the bot (a deep link to ``/start a_<id>``),
where the reader can ask follow-up questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.render import MAX_TITLE_CHARS, Reply, escape, format_date, join_blocks, link, shorten
from retrieval.models import Article, Feed, Headline
from retrieval.polling import PAUSED_BY_ADMIN, describe_interval
from retrieval.sentences import lead

LEAD_CHARS = 350
MAX_ERROR_CHARS = 200



def deep_link(bot_username: str, article_id: int) -> str:
    """A t.me link that opens the bot on this article (``/start a_<id>``)."""
    return f"https://t.me/{bot_username}?start=a_{article_id}"


def render_channel_post(article: Article, bot_username: str) -> Reply:
    """One new article for the channel: headline link, date · author, lead, "Open in the bot"."""
    lines = [f"<b>{link(shorten(article.title, MAX_TITLE_CHARS), article.url)}</b>"]
    details = [part for part in (format_date(article.published or article.added_at), shorten(article.author, 80)) if part]
    lines.append(f"<i>{escape(' · '.join(details))}</i>")
    opening = lead(article.body, LEAD_CHARS) or shorten(article.summary, LEAD_CHARS)
    if opening:
        lines.append("\n" + escape(opening))
    button = InlineKeyboardButton("Open in the bot ›", url=deep_link(bot_username, article.id))
    return Reply("\n".join(lines), InlineKeyboardMarkup([[button]]))


def render_summary_post(count: int, headlines: Sequence[Headline], bot_username: str) -> Reply:
    """The one post of a bulk load: how many articles arrived and the newest few headlines."""
    blocks = [f"📚 <b>{count:,} articles added to the archive</b>"]
    blocks += [f"• {link(shorten(item.title, MAX_TITLE_CHARS), item.url)}" for item in headlines]
    if count > len(headlines):
        blocks.append(f"… and {count - len(headlines):,} more: ask the bot about them.")
    text, _ = join_blocks(blocks, separator="\n")
    button = InlineKeyboardButton("Ask the archive ›", url=f"https://t.me/{bot_username}")
    return Reply(text, InlineKeyboardMarkup([[button]]))


def render_notice(text: str) -> str:
    """A note for the admins (a feed was paused, …)."""
    return "⚠️ " + escape(text)


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def _feed_block(feed: Feed, now: datetime) -> str:
    state = "⏸ paused" if feed.paused else "▶️ every " + describe_interval(timedelta(seconds=feed.interval_seconds))
    kind = f" ({escape(feed.kind)})" if feed.kind else ""
    lines = [
        f"<b>{feed.id}.</b> {link(shorten(feed.name, 80), feed.url)}{kind}",
        f"{state} · last poll {_ago(feed.last_polled_at, now)} · {feed.items_added:,} articles added",
    ]
    if feed.paused_reason and feed.paused_reason != PAUSED_BY_ADMIN:
        lines.append(f"Paused because it {escape(feed.paused_reason)}")
    if feed.last_error:
        failures = f" ({feed.error_count} in a row)" if feed.error_count > 1 else ""
        lines.append(f"✗ Last error{failures}: {escape(shorten(feed.last_error, MAX_ERROR_CHARS))}")
    return "\n".join(lines)


def render_feeds(feeds: Sequence[Feed], now: datetime) -> Reply:
    """The feeds with their state and last error, and buttons to pause, resume, check or remove each."""
    if not feeds:
        return Reply(
            "<b>Feeds</b>\nNo feeds yet. Add your site's RSS, Atom or JSON feed, or its sitemap:\n"
            "<code>/feed add https://example.com/feed.xml every 15m</code>"
        )
    blocks = ["<b>Feeds</b>"] + [_feed_block(feed, now) for feed in feeds]
    text, shown = join_blocks(blocks)
    if shown < len(blocks):
        text += f"\n\n… and {len(blocks) - shown} more (see <code>newsbot feeds list</code>)"
    rows = []
    for feed in feeds[: shown - 1]:
        toggle = callbacks.FeedAction("resume" if feed.paused else "pause", feed.id)
        rows.append(
            [
                InlineKeyboardButton(f"{'▶️ Resume' if feed.paused else '⏸ Pause'} {feed.id}", callback_data=callbacks.encode(toggle)),
                InlineKeyboardButton(f"🔄 Check {feed.id}", callback_data=callbacks.encode(callbacks.FeedAction("check", feed.id))),
                InlineKeyboardButton(f"🗑 Remove {feed.id}", callback_data=callbacks.encode(callbacks.FeedAction("remove", feed.id))),
            ]
        )
    return Reply(text, InlineKeyboardMarkup(rows[:99]))


def render_remove_question(feed: Feed) -> Reply:
    """Ask before removing a feed (the articles it brought stay)."""
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes, remove it", callback_data=callbacks.encode(callbacks.FeedAction("confirm", feed.id))),
                InlineKeyboardButton("No, keep it", callback_data=callbacks.encode(callbacks.FeedAction("list", 0))),
            ]
        ]
    )
    return Reply(
        f"Remove feed {feed.id} ({link(shorten(feed.name, 80), feed.url)})?"
        " The articles it brought stay in the archive.",
        keyboard,
    )
