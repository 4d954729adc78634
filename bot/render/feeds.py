"""The /feeds list, with its buttons, and the question before a feed is removed: Telegram HTML. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import ENGLISH, N_, Translator
from bot.render.html import MAX_VISIBLE, Reply, escape, join_blocks, link, visible_length
from retrieval.feeds.intervals import whole_units
from retrieval.feeds.models import PAUSED_BY_ADMIN, Feed
from retrieval.messages import say_stored
from retrieval.text.shorten import shorten

MAX_ERROR_CHARS = 200


def _feed_block(feed: Feed, now: datetime, tr: Translator) -> str:
    every = tr.duration(*whole_units(timedelta(seconds=feed.interval_seconds)))
    state = tr("⏸ paused") if feed.paused else tr("▶️ every {interval}", interval=every)
    kind = f" ({escape(tr(feed.kind))})" if feed.kind else ""
    lines = [
        f"<b>{tr.number(feed.id)}.</b> {tr.isolate(link(shorten(feed.name, 80), feed.url))}{kind}",
        tr.plural(
            "{state} · last poll {ago} · {count} article added",
            "{state} · last poll {ago} · {count} articles added",
            feed.items_added,
            state=state,
            ago=tr.ago(feed.last_polled_at, now),
        ),
    ]
    if feed.paused_reason and feed.paused_reason != PAUSED_BY_ADMIN:
        lines.append(tr("Paused: {reason}", reason=escape(say_stored(feed.paused_reason, tr))))
    if feed.last_error:
        error = escape(shorten(say_stored(feed.last_error, tr), MAX_ERROR_CHARS))
        if feed.error_count > 1:
            lines.append(tr.plural("✗ Last error ({count} in a row): {error}", "✗ Last error ({count} in a row): {error}", feed.error_count, error=error))
        else:
            lines.append(tr("✗ Last error: {error}", error=error))
    return "\n".join(lines)


def _more(count: int, tr: Translator) -> str:
    return tr.plural(
        "… and {count} more (see <code>newsbot feeds list</code>)", "… and {count} more (see <code>newsbot feeds list</code>)", count
    )


# Feed kinds as ``retrieval.feeds.parse.FeedKind`` names them, for the catalogue.
_KINDS = (N_("feed"), N_("sitemap"), N_("sitemap index"))


def render_feeds(feeds: Sequence[Feed], now: datetime, tr: Translator = ENGLISH) -> Reply:
    """The feeds with their state and last error, and buttons to pause, resume, check or remove each."""
    title = "<b>" + tr("Feeds") + "</b>"
    if not feeds:
        return Reply(
            title
            + "\n"
            + tr(
                "No feeds yet. Add your site's RSS, Atom or JSON feed, or its sitemap:\n"
                "<code>/feed add https://example.com/feed.xml every 15m</code>"
            )
        )
    blocks = [title] + [_feed_block(feed, now, tr) for feed in feeds]
    text, shown = join_blocks(blocks)
    if shown < len(blocks):
        # Room for the line that says how many more, then as many feeds as still fit above it.
        tail = "\n\n" + _more(len(feeds), tr)
        text, shown = join_blocks(blocks, limit=MAX_VISIBLE - visible_length(tail))
        text += "\n\n" + _more(len(blocks) - shown, tr)
    rows = []
    for feed in feeds[: shown - 1]:
        toggle = callbacks.FeedAction("resume" if feed.paused else "pause", feed.id)
        if feed.paused:
            # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
            label = tr("▶️ Resume {number}", number=feed.id)
        else:
            # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
            label = tr("⏸ Pause {number}", number=feed.id)
        check = callbacks.encode(callbacks.FeedAction("check", feed.id))
        remove = callbacks.encode(callbacks.FeedAction("remove", feed.id))
        rows.append(
            [
                InlineKeyboardButton(label, callback_data=callbacks.encode(toggle)),
                # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
                InlineKeyboardButton(tr("🔄 Check {number}", number=feed.id), callback_data=check),
                # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
                InlineKeyboardButton(tr("🗑 Remove {number}", number=feed.id), callback_data=remove),
            ]
        )
    return Reply(text, InlineKeyboardMarkup(rows[:99]))


def render_remove_question(feed: Feed, tr: Translator = ENGLISH) -> Reply:
    """Ask before removing a feed (the articles it brought stay)."""
    confirm = callbacks.encode(callbacks.FeedAction("confirm", feed.id))
    keep = callbacks.encode(callbacks.FeedAction("list", 0))
    # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
    yes = InlineKeyboardButton(tr("Yes, remove it"), callback_data=confirm)
    # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
    no = InlineKeyboardButton(tr("No, keep it"), callback_data=keep)
    keyboard = InlineKeyboardMarkup([[yes, no]])
    name = tr.isolate(link(shorten(feed.name, 80), feed.url))
    return Reply(
        tr("Remove feed {number} ({name})? The articles it brought stay in the archive.", number=feed.id, name=name),
        keyboard,
    )
