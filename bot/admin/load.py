"""Admin handlers: load URLs and files, delete, stats, insights, reindex.

Every handler here goes through ``admin_only``: a user whose id is not in
NEWSBOT_ADMIN_IDS gets a polite refusal, nothing changes, and the attempt is
logged with the user id.
"""

from __future__ import annotations

import functools
import logging
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.i18n import N_, Translator
from bot.render.html import Reply, escape, join_blocks
from bot.render.insights import render_insights
from bot.render.reports import failure_text, render_load_report, render_stats
from bot.replies import edit_message
from bot.services import services, translator
from retrieval import IndexBusyError, LoadReport, NotFoundError, TopWindow
from retrieval.ingest.loader import LoadProgress
from retrieval.ingest.sources import is_supported, is_url
from retrieval.text.shorten import shorten

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
PROGRESS_EVERY_SECONDS = 1.5
MAX_URLS = 20
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


def admin_only(handler: Handler) -> Handler:
    """Refuse (politely, logged) anyone not listed in NEWSBOT_ADMIN_IDS."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not services(context).is_admin(user):
            log.warning("refused %s from non-admin user id %s", handler.__name__, user.id if user else "unknown")
            tr = await translator(update, context)
            await update.effective_message.reply_html(
                tr("Sorry, only the site's editors can do that. Ask me a question instead, or see /help.")
            )
            return
        await handler(update, context)

    return guarded


@admin_only
async def load_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/load <url> [<url> ...]: fetch, extract, store and index each page."""
    urls = context.args or []
    message = update.effective_message
    tr = await translator(update, context)
    if not urls:
        await message.reply_html(tr("Send the article addresses after the command: <code>/load https://…</code>"))
        return
    if len(urls) > MAX_URLS:
        await message.reply_html(tr("Please send at most {most} addresses at a time.", most=MAX_URLS))
        return
    status = await message.reply_html(tr("Loading {count} pages…", count=len(urls)))
    archive = services(context).archive
    lines = []
    for url in urls:
        if not is_url(url):
            lines.append(f"✗ {tr.isolate(escape(url[:200]))}: " + tr("not an http(s) address"))
            continue
        report = await archive.load([url])
        services(context).metrics.load()
        lines.append(_url_line(url, report, tr))
    text, _ = join_blocks(lines, separator="\n")
    await _edit_status(status, text)


_OUTCOMES = {"new": N_("new"), "updated": N_("updated"), "unchanged": N_("unchanged")}


def _url_line(url: str, report: LoadReport, tr: Translator) -> str:
    shown = tr.isolate(escape(shorten(url, 200)))
    if report.failures:
        return f"✗ {shown}: {escape(failure_text(report.failures[0], tr))}"
    outcome = "new" if report.new else "updated" if report.updated else "unchanged"
    return f"✓ {tr(_OUTCOMES[outcome])}: {shown}"


def safe_file_name(name: str | None) -> str:
    """A file name safe to create in a temp folder, keeping its suffix."""
    base = Path(name or "upload").name
    cleaned = _UNSAFE_NAME.sub("_", base).strip("._") or "upload"
    return cleaned[-100:]


@admin_only
async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Load an uploaded .jsonl/.json/.csv/.html/.zip file, showing progress."""
    message = update.effective_message
    upload = message.document
    settings = services(context).settings
    tr = await translator(update, context)
    name = safe_file_name(upload.file_name)
    if not is_supported(name):
        await message.reply_html(tr("I can load .jsonl, .json and .csv files (each may be gzipped: .gz), .html and .zip."))
        return
    if upload.file_size and upload.file_size > settings.max_upload_bytes:
        await message.reply_html(
            tr(
                "That file is {size} MB; the limit is {limit} MB. Split it, or load it on the server with"
                " <code>newsbot load</code>.",
                size=tr.digits(f"{upload.file_size / 1e6:.1f}"),
                limit=tr.digits(f"{settings.max_upload_bytes / 1e6:.0f}"),
            )
        )
        return
    status = await message.reply_html(tr("Downloading {name}…", name=tr.isolate(escape(name))))
    with tempfile.TemporaryDirectory(prefix="newsbot-upload-") as folder:
        path = Path(folder) / name
        telegram_file = await context.bot.get_file(upload.file_id)
        await telegram_file.download_to_drive(path)
        progress = _StatusProgress(status, name, tr)
        report = await services(context).archive.load([str(path)], progress)
        services(context).metrics.load()
    # Reasons name the temporary file; readers know it by the name they sent.
    report.failures = [replace(f, source=f.source.replace(str(path), name)) for f in report.failures]
    await _edit_status(status, render_load_report(tr("Loaded {name}", name=tr.isolate(name)), report, tr))


class _StatusProgress:
    """Edits one status message with the load's progress, at most every 1.5 s."""

    def __init__(self, status: Message, name: str, tr: Translator) -> None:
        self.status = status
        self.name = name
        self.tr = tr
        self.last_edit = 0.0

    async def __call__(self, state: LoadProgress) -> None:
        now = time.monotonic()
        if now - self.last_edit < PROGRESS_EVERY_SECONDS:
            return
        self.last_edit = now
        tr = self.tr
        total = f" / {tr.number(state.total)}" if state.total else ""
        name = tr.isolate(escape(self.name))
        await _edit_status(self.status, tr("Loaded {done}{total} articles from {name} …", done=state.done, total=total, name=name))


async def _edit_status(status: Message, text: str) -> None:
    await edit_message(status, Reply(text))


@admin_only
async def delete_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete <id|url>: remove one article."""
    message = update.effective_message
    tr = await translator(update, context)
    if len(context.args or []) != 1:
        await message.reply_html(
            tr("Use: <code>/delete URL</code> or <code>/delete ID</code> (ids are shown by <code>newsbot latest</code>).")
        )
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
        await _edit_status(status, escape(str(error)))
        return
    await _edit_status(status, tr("Search index rebuilt: {count} passages.", count=count))
