"""The weekly report, sent by itself: queued at its hour by the leading replica, sent once to every admin.

At NEWSBOT_REPORT_SCHEDULE (Monday 09:00 in NEWSBOT_TIMEZONE by default) the
leader queues the week's report in the outbox, under a key of that week:
two leaders for a moment, or a restart, still queue it once, and the
outbox's claim lets one sender send it. Each admin gets the chart (a photo)
in their language, the caption under it and a Details button that opens the
whole report (``bot.admin.reports``). An admin who never started the bot
cannot be written to (Telegram refuses): logged, and the others still get it.

The chart is drawn in a short-lived process (``draw_apart``), once per
language, so matplotlib never stays in the serving bot's memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from telegram import Bot

from bot.i18n import Translator
from bot.render.chart import Chart, chart_of, draw
from bot.render.report import report_caption
from bot.sending.channel import deliver_to_admins
from retrieval import Archive
from retrieval.models import TopWindow

log = logging.getLogger(__name__)

REPORTS_EVERY = 10.0


async def draw_apart(chart: Chart) -> bytes:
    """``draw`` in a process of its own, started for this picture and gone after it."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return await asyncio.get_running_loop().run_in_executor(pool, draw, chart)


async def queue_report(archive: Archive, now: datetime | None = None) -> bool:
    """Queue the report of the week up to ``now`` (once a week, however many replicas ask); True if queued now."""
    queued = await archive.outbox.queue_report(now or datetime.now(UTC))
    if queued:
        log.info("the weekly report is queued for the admins")
    return queued


async def send_report(bot: Bot, archive: Archive, admin_ids: frozenset[int], default: str = "en") -> bool:
    """Send the queued weekly report to every admin, each in their language (``default``: NEWSBOT_LANGUAGE);
    False when none is due."""
    message = await archive.outbox.next_report()
    if message is None:
        return False
    if not await archive.outbox.claim([message]):
        return True  # another replica is sending it
    end = datetime.fromisoformat(json.loads(message.payload)["end"])
    report = await archive.report(TopWindow.WEEK, now=end)
    charts: dict[str, bytes] = {}  # one drawing per language

    async def send(admin_id: int, tr: Translator) -> None:
        if tr.language not in charts:
            charts[tr.language] = await draw_apart(chart_of(report, tr))
        caption = report_caption(report, tr)
        await bot.send_photo(admin_id, charts[tr.language], caption=caption.text, reply_markup=caption.keyboard)

    delivered = await deliver_to_admins(archive, message, admin_ids, default, send, "the weekly report")
    log.info("weekly report sent to %d of %d admins", delivered, len(admin_ids))
    return True
