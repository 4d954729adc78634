"""Channel posts and admin notices as Telegram HTML: pure functions.

A channel post is what a subscriber sees in their channel list, so it is
short: the headline as a link, the date (and author), the lead sentences, and
a button that opens the article in the bot (a deep link to ``/start a_<id>``),
where the reader can ask follow-up questions.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import ENGLISH, Translator
from bot.render.html import MAX_TITLE_CHARS, Reply, escape, join_blocks, link
from retrieval.models import Article, Headline
from retrieval.text.sentences import lead
from retrieval.text.shorten import shorten

LEAD_CHARS = 350


def deep_link(bot_username: str, article_id: int) -> str:
    """A t.me link that opens the bot on this article (``/start a_<id>``)."""
    return f"https://t.me/{bot_username}?start=a_{article_id}"


def render_channel_post(article: Article, bot_username: str, tr: Translator = ENGLISH) -> Reply:
    """One new article for the channel: headline link, date · author, lead, "Open in the bot"."""
    lines = [f"<b>{tr.isolate(link(shorten(article.title, MAX_TITLE_CHARS), article.url))}</b>"]
    details = [tr.date(article.published or article.added_at), tr.isolate(escape(shorten(article.author, 80)))]
    lines.append(f"<i>{' · '.join(part for part in details if part)}</i>")
    opening = lead(article.body, LEAD_CHARS, article.language) or shorten(article.summary, LEAD_CHARS)
    if opening:
        lines.append("\n" + tr.isolate(escape(opening)))
    # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
    button = InlineKeyboardButton(tr("Open in the bot ›"), url=deep_link(bot_username, article.id))
    return Reply("\n".join(lines), InlineKeyboardMarkup([[button]]))


def render_summary_post(count: int, headlines: Sequence[Headline], bot_username: str, tr: Translator = ENGLISH) -> Reply:
    """The one post of a bulk load: how many articles arrived and the newest few headlines."""
    blocks = ["📚 <b>" + tr.plural("{count} article added to the archive", "{count} articles added to the archive", count) + "</b>"]
    blocks += [f"• {tr.isolate(link(shorten(item.title, MAX_TITLE_CHARS), item.url))}" for item in headlines]
    if count > len(headlines):
        more = count - len(headlines)
        blocks.append(tr.plural("… and {count} more: ask the bot about it.", "… and {count} more: ask the bot about them.", more))
    text, _ = join_blocks(blocks, separator="\n")
    # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
    button = InlineKeyboardButton(tr("Ask the archive ›"), url=f"https://t.me/{bot_username}")
    return Reply(text, InlineKeyboardMarkup([[button]]))


def render_notice(text: str) -> str:
    """A note for the admins (a feed was paused, …)."""
    return "⚠️ " + escape(text)
