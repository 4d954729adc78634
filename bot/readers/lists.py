"""/latest and /top, and the Back/More buttons that page through them."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.arguments import MAX_COUNT, UsageError, parse_count_and_window
from bot.i18n import N_, Translator
from bot.render.answers import render_headlines
from bot.render.html import Reply, escape
from bot.services import BotServices, services, translator
from retrieval import TopWindow

ListPage = callbacks.LatestPage | callbacks.TopPage
_TOP_TITLES = {"week": N_("Most read this week"), "month": N_("Most read this month"), "all": N_("Most read")}
# A window's empty list: the archive has articles, none was opened in it.
_NONE_OPENED = {
    "week": N_("No article was opened in the last week. /top lists the most read of all time."),
    "month": N_("No article was opened in the last month. /top lists the most read of all time."),
}


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the newest articles: /latest [n]."""
    await _list_command(update, context, allow_window=False)


async def top(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the most viewed articles: /top [n] [week|month|all]."""
    await _list_command(update, context, allow_window=True)


async def _list_command(update: Update, context: ContextTypes.DEFAULT_TYPE, *, allow_window: bool) -> None:
    tr = await translator(update, context)
    try:
        count, window = parse_count_and_window(context.args or [], allow_window=allow_window)
    except UsageError as error:
        values = {name: tr(value) if isinstance(value, str) else value for name, value in error.values.items()}
        await update.effective_message.reply_html(escape(tr(error.message, **values)))
        return
    first: ListPage = callbacks.TopPage(window.value, count, 0) if allow_window else callbacks.LatestPage(count, 0)
    reply = await list_page(services(context), first, tr)
    await update.effective_message.reply_html(reply.text, reply_markup=reply.keyboard)


async def list_page(bot_services: BotServices, page: ListPage, tr: Translator) -> Reply:
    """One page of /latest or /top, with Back/More buttons for its neighbours."""
    size = min(max(page.size, 1), MAX_COUNT)
    empty = None
    if isinstance(page, callbacks.TopPage):
        found = await bot_services.archive.top(size + 1, page.offset, TopWindow(page.window))
        title, show_views = tr(_TOP_TITLES[page.window]), True
        empty = tr(_NONE_OPENED[page.window]) if page.window in _NONE_OPENED else None
    else:
        found = await bot_services.archive.latest(size + 1, page.offset)
        title, show_views = tr("Latest articles"), False
    back = replace(page, size=size, offset=max(0, page.offset - size)) if page.offset else None
    more = replace(page, size=size, offset=page.offset + size) if len(found) > size else None
    return render_headlines(
        found[:size], title=title, offset=page.offset, back=back, more=more, show_views=show_views, empty=empty, tr=tr
    )
