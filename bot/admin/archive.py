"""Admin handlers over the whole archive: /delete (one article, or the demo set), /stats, /insights, /reindex."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.admin.guard import admin_only
from bot.render.html import Reply, escape
from bot.render.insights import render_insights
from bot.render.reports import render_stats
from bot.replies import edit_message
from bot.services import services, translator
from retrieval import IndexBusyError, NotFoundError, TopWindow

# ``/delete demo``: no article's id or address is this word (an address is absolute or starts with /).
DEMO = "demo"


@admin_only
async def delete_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete <id|url|demo>: remove one article, or the bundled demo articles."""
    message = update.effective_message
    tr = await translator(update, context)
    if len(context.args or []) != 1:
        await message.reply_html(
            tr(
                "Use: <code>/delete URL</code>, <code>/delete ID</code> (ids are shown by <code>newsbot latest</code>)"
                " or <code>/delete demo</code> (the demo articles)."
            )
        )
        return
    if context.args[0].strip().lower() == DEMO:
        deleted = await services(context).archive.delete_demo_articles()
        if deleted:
            done = tr("🗑 Demo articles deleted: {count}. Your own articles are untouched.", count=len(deleted))
            await message.reply_html(done)
        else:
            await message.reply_html(tr("There are no demo articles here: they were deleted already, or never loaded."))
        return
    try:
        article = await services(context).archive.delete(context.args[0])
    except NotFoundError:
        shown = tr.isolate(escape(context.args[0][:200]))
        await message.reply_html(tr("No article with id or address “{reference}”.", reference=shown))
        return
    await message.reply_html(tr("Deleted: {title}", title=tr.isolate(escape(article.title))))


@admin_only
async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats: archive figures and what the bot did since it started."""
    bot_services = services(context)
    stats = await bot_services.archive.stats()
    tr = await translator(update, context)
    await update.effective_message.reply_html(render_stats(stats, bot_services.metrics.snapshot(), tr))


@admin_only
async def insights_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/insights [week|month|all]: what readers asked, did not find, follow and open."""
    words = [word.lower() for word in context.args or []]
    window = words[0] if words else "week"
    tr = await translator(update, context)
    if len(words) > 1 or window not in ("week", "month", "all"):
        await update.effective_message.reply_html(
            tr("Use: <code>/insights</code>, <code>/insights month</code> or <code>/insights all</code>")
        )
        return
    insights = await services(context).archive.reader_insights(TopWindow(window))
    await update.effective_message.reply_html(render_insights(insights, window, tr))


@admin_only
async def reindex_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex: rebuild the search index from the database."""
    tr = await translator(update, context)
    status = await update.effective_message.reply_html(tr("Rebuilding the search index…"))
    try:
        count = await services(context).archive.reindex()
    except IndexBusyError as error:
        await edit_message(status, Reply(escape(str(error))))
        return
    await edit_message(status, Reply(tr.plural("Search index rebuilt: {count} passage.", "Search index rebuilt: {count} passages.", count)))
