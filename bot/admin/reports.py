"""The Details button under the weekly report's chart: the whole report, for the site's editors only."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.admin.guard import admin_only
from bot.render.insights import render_insights
from bot.services import services, translator
from retrieval.models import TopWindow


@admin_only
async def on_report_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the full text of the report the button belongs to (editors only: ``admin_only``)."""
    query = update.callback_query
    bot_services = services(context)
    tr = await translator(update, context)
    action = callbacks.decode(query.data)
    if not isinstance(action, callbacks.ReportDetails) or query.message is None:
        await query.answer(tr("This button has expired."))
        return
    await query.answer()
    end = datetime.fromtimestamp(action.end, UTC)
    report = await bot_services.archive.report(TopWindow.WEEK, now=end)
    await query.message.reply_html(render_insights(report.insights, "week", tr), do_quote=False)
