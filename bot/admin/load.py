"""Admin handlers that load articles: /load URL…, and a file sent to the bot, with its progress shown as it goes.

Both go through ``admin_only`` (``bot.admin.guard``).
"""

from __future__ import annotations

import csv
import logging
import re
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.admin.guard import admin_only
from bot.i18n import N_, Translator
from bot.render.html import Reply, escape, join_blocks
from bot.render.reports import failure_text, lists_every_failure, render_load_report
from bot.render.spreadsheets import FAILURE_COLUMNS, failure_row
from bot.replies import edit_message
from bot.services import services, translator
from retrieval import LoadReport
from retrieval.ingest.loader import LoadProgress
from retrieval.ingest.sources import is_supported, is_url
from retrieval.models import Failure
from retrieval.text.shorten import shorten

log = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 1.5
MAX_URLS = 20
# The list of an upload's failures sent as a file stops short of what a bot may send (50 MB).
MAX_FAILURE_FILE_BYTES = 45_000_000
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


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
        await message.reply_html(
            tr.plural("Please send at most {count} address at a time.", "Please send at most {count} addresses at a time.", MAX_URLS)
        )
        return
    status = await message.reply_html(tr.plural("Loading {count} page…", "Loading {count} pages…", len(urls)))
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
    notes = "".join(f" — ⚠ {escape(failure_text(note, tr))}" for note in report.notes)
    return f"✓ {tr(_OUTCOMES[outcome])}: {shown}{notes}"


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
                size=tr.number(upload.file_size / 1e6, 1),
                limit=tr.number(settings.max_upload_bytes / 1e6),
            )
        )
        return
    status = await message.reply_html(tr("Downloading {name}…", name=tr.isolate(escape(name))))
    with tempfile.TemporaryDirectory(prefix="newsbot-upload-") as folder:
        path = Path(folder) / name
        telegram_file = await context.bot.get_file(upload.file_id)
        await telegram_file.download_to_drive(path)
        progress = _StatusProgress(status, name, tr)
        with _FailureFile(Path(folder) / "failures.csv", str(path), name, tr) as failures:
            report = await services(context).archive.load([str(path)], progress, failures=failures, label=name)
        services(context).metrics.load()
        report.failures = [failures.renamed(f) for f in report.failures]
        heading = tr("Loaded {name}", name=tr.isolate(name))
        complete = lists_every_failure(heading, report, tr)
        await _edit_status(status, render_load_report(heading, report, tr, full_list_sent=not complete))
        if not complete:
            await message.reply_document(
                failures.path, filename=f"{name}-failures.csv", caption=failures.caption(report.failed), parse_mode="HTML"
            )


class _FailureFile:
    """Every failure of an upload written to a CSV file as the load goes (up to ``MAX_FAILURE_FILE_BYTES``),
    named by the file the admin sent rather than the temporary copy."""

    def __init__(self, path: Path, temporary: str, name: str, tr: Translator) -> None:
        self.path = path
        self.temporary = temporary
        self.name = name
        self.tr = tr
        self.written = 0
        self.full = False

    def __enter__(self) -> _FailureFile:
        self._handle = self.path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(FAILURE_COLUMNS)
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __call__(self, failure: Failure) -> None:
        if self.full:
            return
        self._writer.writerow(failure_row(self.renamed(failure), self.tr))
        self.written += 1
        if self.written % 1_000 == 0 and self._handle.tell() > MAX_FAILURE_FILE_BYTES:
            self.full = True

    def renamed(self, failure: Failure) -> Failure:
        """Reasons name the temporary file; admins know it by the name they sent."""
        return replace(failure, source=failure.source.replace(self.temporary, self.name))

    def caption(self, failed: int) -> str:
        name = self.tr.isolate(escape(self.name))
        if self.written < failed:
            return self.tr("The first {written} of the {count} rejected rows of {name}: source, line, field and reason.",
                           written=self.written, count=failed, name=name)  # fmt: skip
        return self.tr("All {count} rejected rows of {name}: source, line, field and reason.", count=failed, name=name)


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
        name = tr.isolate(escape(self.name))
        report = state.report
        if state.total:
            text = tr.plural(
                "Read {done} / {count} row of {name} · articles: {articles}, failed: {failed} …",
                "Read {done} / {count} rows of {name} · articles: {articles}, failed: {failed} …",
                state.total, done=state.done, name=name, articles=report.articles, failed=report.failed,
            )  # fmt: skip
        else:
            text = tr.plural(
                "Read {count} row of {name} · articles: {articles}, failed: {failed} …",
                "Read {count} rows of {name} · articles: {articles}, failed: {failed} …",
                state.done, name=name, articles=report.articles, failed=report.failed,
            )  # fmt: skip
        await _edit_status(self.status, text)


async def _edit_status(status: Message, text: str) -> None:
    await edit_message(status, Reply(text))
