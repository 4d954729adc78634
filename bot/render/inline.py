"""Inline mode results (``@yourbot question`` in any chat): pure functions.

Each result is one article: the headline as its title, the quote (or the
date) as its description, and, when chosen, a message with the headline
link, date, the quote and a button that opens the article in the bot.
Result ids are ``a<article id>`` (Telegram allows 64 bytes) so the chosen
result names the article it shared.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle, InputTextMessageContent
from telegram.constants import ParseMode

from bot.i18n import ENGLISH, Translator
from bot.render.html import MAX_MARKS_PER_QUOTE, MAX_TITLE_CHARS, escape, link
from bot.render.posts import deep_link
from retrieval.models import Headline, SearchHit, Snippet, in_id_range, parse_number
from retrieval.text.shorten import shorten

MAX_DESCRIPTION_CHARS = 200
_PREFIX = "a"


def result_id(article_id: int) -> str:
    return f"{_PREFIX}{article_id}"


def article_of(chosen_id: str) -> int | None:
    """The article a chosen result's id names, or None if it is not one of ours (we write only ids a store holds)."""
    number = parse_number(chosen_id[len(_PREFIX) :]) if chosen_id.startswith(_PREFIX) else None
    return number if number is not None and in_id_range(number) else None


def _message(
    headline: Headline, quote_html: str, bot_username: str, tr: Translator
) -> tuple[InputTextMessageContent, InlineKeyboardMarkup]:
    lines = [f"<b>{tr.isolate(link(shorten(headline.title, MAX_TITLE_CHARS), headline.url))}</b>"]
    if headline.published:
        lines.append(f"<i>{tr.date(headline.published)}</i>")
    if quote_html:
        lines.append(f"<blockquote>{tr.isolate(quote_html)}</blockquote>")
    content = InputTextMessageContent("\n".join(lines), parse_mode=ParseMode.HTML)
    # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
    button = InlineKeyboardButton(tr("Open in the bot ›"), url=deep_link(bot_username, headline.id))
    return content, InlineKeyboardMarkup([[button]])


def hit_result(hit: SearchHit, bot_username: str, tr: Translator = ENGLISH) -> InlineQueryResultArticle:
    """A search hit as an inline result: the quote is its description and goes into the message."""
    snippet = Snippet(hit.snippet.text, hit.snippet.highlights[:MAX_MARKS_PER_QUOTE])
    content, keyboard = _message(hit.headline, snippet.marked("<b>", "</b>", escape), bot_username, tr)
    date = tr.date(hit.headline.published)
    description = shorten(f"{date} · {hit.snippet.text}" if date else hit.snippet.text, MAX_DESCRIPTION_CHARS)
    return InlineQueryResultArticle(
        result_id(hit.headline.id),
        shorten(hit.headline.title, MAX_TITLE_CHARS),
        content,
        reply_markup=keyboard,
        description=description,
        url=hit.headline.url,
    )


def headline_result(headline: Headline, bot_username: str, tr: Translator = ENGLISH) -> InlineQueryResultArticle:
    """A headline of /latest as an inline result (an empty query)."""
    content, keyboard = _message(headline, "", bot_username, tr)
    return InlineQueryResultArticle(
        result_id(headline.id),
        shorten(headline.title, MAX_TITLE_CHARS),
        content,
        reply_markup=keyboard,
        description=tr.date(headline.published) or tr("latest"),
        url=headline.url,
    )
