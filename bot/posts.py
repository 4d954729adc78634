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
from bot.i18n import ENGLISH, N_, Translator
from bot.render import MAX_TITLE_CHARS, Reply, escape, join_blocks, link, shorten
from retrieval.feeds.models import Feed
from retrieval.feeds.poller import PAUSED_BY_ADMIN, describe_interval
from retrieval.messages import say_stored
from retrieval.models import Article, Headline
from retrieval.text.sentences import lead

LEAD_CHARS = 350
MAX_ERROR_CHARS = 200



def deep_link(bot_username: str, article_id: int) -> str:
    """A t.me link that opens the bot on this article (``/start a_<id>``)."""
    return f"https://t.me/{bot_username}?start=a_{article_id}"


def render_channel_post(article: Article, bot_username: str, tr: Translator = ENGLISH) -> Reply:
    """One new article for the channel: headline link, date · author, lead, "Open in the bot"."""
    lines = [f"<b>{tr.isolate(link(shorten(article.title, MAX_TITLE_CHARS), article.url))}</b>"]
    details = [tr.date(article.published or article.added_at), tr.isolate(escape(shorten(article.author, 80)))]
    lines.append(f"<i>{' · '.join(part for part in details if part)}</i>")
    opening = lead(article.body, LEAD_CHARS) or shorten(article.summary, LEAD_CHARS)
    if opening:
        lines.append("\n" + tr.isolate(escape(opening)))
    button = InlineKeyboardButton(tr("Open in the bot ›"), url=deep_link(bot_username, article.id))
    return Reply("\n".join(lines), InlineKeyboardMarkup([[button]]))


def render_summary_post(count: int, headlines: Sequence[Headline], bot_username: str, tr: Translator = ENGLISH) -> Reply:
    """The one post of a bulk load: how many articles arrived and the newest few headlines."""
    blocks = ["📚 <b>" + tr("{count} articles added to the archive", count=count) + "</b>"]
    blocks += [f"• {tr.isolate(link(shorten(item.title, MAX_TITLE_CHARS), item.url))}" for item in headlines]
    if count > len(headlines):
        blocks.append(tr("… and {count} more: ask the bot about them.", count=count - len(headlines)))
    text, _ = join_blocks(blocks, separator="\n")
    button = InlineKeyboardButton(tr("Ask the archive ›"), url=f"https://t.me/{bot_username}")
    return Reply(text, InlineKeyboardMarkup([[button]]))


def render_notice(text: str) -> str:
    """A note for the admins (a feed was paused, …)."""
    return "⚠️ " + escape(text)


def _ago(moment: datetime | None, now: datetime, tr: Translator) -> str:
    if moment is None:
        return tr("never")
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in ((N_("{count}d ago"), 86400), (N_("{count}h ago"), 3600), (N_("{count}m ago"), 60)):
        if seconds >= size:
            return tr(unit, count=seconds // size)
    return tr("just now")


def _feed_block(feed: Feed, now: datetime, tr: Translator) -> str:
    every = describe_interval(timedelta(seconds=feed.interval_seconds))
    state = tr("⏸ paused") if feed.paused else tr("▶️ every {interval}", interval=every)
    kind = f" ({escape(tr(feed.kind))})" if feed.kind else ""
    lines = [
        f"<b>{tr.number(feed.id)}.</b> {tr.isolate(link(shorten(feed.name, 80), feed.url))}{kind}",
        tr(
            "{state} · last poll {ago} · {count} articles added",
            state=state,
            ago=_ago(feed.last_polled_at, now, tr),
            count=feed.items_added,
        ),
    ]
    if feed.paused_reason and feed.paused_reason != PAUSED_BY_ADMIN:
        lines.append(tr("Paused because it {reason}", reason=escape(say_stored(feed.paused_reason, tr))))
    if feed.last_error:
        error = escape(shorten(say_stored(feed.last_error, tr), MAX_ERROR_CHARS))
        if feed.error_count > 1:
            lines.append(tr("✗ Last error ({count} in a row): {error}", count=feed.error_count, error=error))
        else:
            lines.append(tr("✗ Last error: {error}", error=error))
    return "\n".join(lines)


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
        text += "\n\n" + tr("… and {count} more (see <code>newsbot feeds list</code>)", count=len(blocks) - shown)
    rows = []
    for feed in feeds[: shown - 1]:
        toggle = callbacks.FeedAction("resume" if feed.paused else "pause", feed.id)
        label = tr("▶️ Resume {number}", number=feed.id) if feed.paused else tr("⏸ Pause {number}", number=feed.id)
        check = callbacks.encode(callbacks.FeedAction("check", feed.id))
        remove = callbacks.encode(callbacks.FeedAction("remove", feed.id))
        rows.append(
            [
                InlineKeyboardButton(label, callback_data=callbacks.encode(toggle)),
                InlineKeyboardButton(tr("🔄 Check {number}", number=feed.id), callback_data=check),
                InlineKeyboardButton(tr("🗑 Remove {number}", number=feed.id), callback_data=remove),
            ]
        )
    return Reply(text, InlineKeyboardMarkup(rows[:99]))


def render_remove_question(feed: Feed, tr: Translator = ENGLISH) -> Reply:
    """Ask before removing a feed (the articles it brought stay)."""
    confirm = callbacks.encode(callbacks.FeedAction("confirm", feed.id))
    keep = callbacks.encode(callbacks.FeedAction("list", 0))
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(tr("Yes, remove it"), callback_data=confirm), InlineKeyboardButton(tr("No, keep it"), callback_data=keep)]]
    )
    name = tr.isolate(link(shorten(feed.name, 80), feed.url))
    return Reply(
        tr("Remove feed {number} ({name})? The articles it brought stay in the archive.", number=feed.id, name=name),
        keyboard,
    )
