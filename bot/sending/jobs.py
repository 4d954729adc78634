"""The serving bot's scheduled work (PTB's JobQueue): poll feeds, post to the channel, push to followers,
tell the admins, send the weekly report, purge old questions, snapshot the search index.

Each job runs at most once at a time (APScheduler's ``max_instances=1``;
a run still going when the next is due makes that one skip), and feeds
are also leased in the store, so ``newsbot feeds check`` from cron beside
the bot never polls a feed twice at once. A job that fails is logged and
runs again at its next turn.

Every replica schedules the jobs, but only the one leading
(``retrieval.replicas``) runs them; the others' turns do nothing until one
of them takes over.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram.ext import Application, ContextTypes

from bot.i18n import Translator
from bot.monitoring.metrics import Failure
from bot.sending import channel, pushes, reports
from bot.services import BotServices, services, services_in
from retrieval import NewsbotError

log = logging.getLogger(__name__)

# How often the bot looks for feeds whose turn has come (each has its own interval).
FEED_CHECK_EVERY = 60.0
PURGE_EVERY = 6 * 3600.0
# The first snapshot soon after start, so a new cluster's second replica finds one.
SNAPSHOT_FIRST_AFTER = 60.0
_JOB_OPTIONS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}


async def poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Poll every feed that is due."""
    bot_services = services(context)
    for result in await bot_services.archive.feeds.poll_due():
        bot_services.metrics.polled(result.outcome)
        if result.polled:
            log.info("feed %d polled: %s", result.feed_id, result.summary())


async def post_to_channel(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the next channel post, if one is due (one per run: about 20 a minute)."""
    bot_services = services(context)
    channel_id = bot_services.settings.channel_id
    if channel_id is not None:
        tr = Translator(bot_services.settings.language)
        await channel.send_next_post(context.bot, bot_services.archive, channel_id, tr)


async def tell_admins(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the admins the notices waiting for them (a feed was paused, the channel refused a post)."""
    bot_services = services(context)
    settings = bot_services.settings
    await channel.send_notices(context.bot, bot_services.archive, settings.admin_ids, settings.language)


async def push_to_followers(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send new articles to the chats following topics they match."""
    bot_services = services(context)
    await pushes.send_pushes(context.bot, bot_services.archive, bot_services.settings.language)


async def queue_weekly_report(context: ContextTypes.DEFAULT_TYPE) -> None:
    """It is the report's hour: queue the week's report for the admins (sent by ``send_weekly_report``)."""
    await reports.queue_report(services(context).archive)


async def send_weekly_report(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the queued weekly report, once, to every admin."""
    bot_services = services(context)
    settings = bot_services.settings
    await reports.send_report(context.bot, bot_services.archive, settings.admin_ids, settings.language)


async def purge_expired(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete questions and ratings older than NEWSBOT_RETENTION_DAYS."""
    deleted = await services(context).archive.purge_expired()
    if deleted:
        log.info("deleted %d questions past the retention period", deleted)


async def snapshot_index(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refresh the search index snapshot new replicas start from (NEWSBOT_INDEX_SNAPSHOT_PATH)."""
    bot_services = services(context)
    try:
        snapshot, taken = await bot_services.archive.snapshot_index()
    except NewsbotError as error:
        bot_services.metrics.failed(Failure.SNAPSHOT)
        log.error("could not refresh the search index snapshot: %s", error)
        return
    if taken:
        log.info("search index snapshot written: %s (%d bytes)", snapshot.path, snapshot.size_bytes)


async def take_over(bot_services: BotServices) -> None:
    """This process now runs the jobs: messages a crashed sender left half-sent are settled first."""
    interrupted = await bot_services.archive.outbox.recover()
    if interrupted:
        log.warning("%d outbox message(s) were being sent when a bot stopped; not sent again", interrupted)


Job = Callable[[ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def _when_leading(job: Job) -> Job:
    async def run(context: ContextTypes.DEFAULT_TYPE) -> None:
        if services(context).leading:
            await job(context)

    run.__name__ = job.__name__
    return run


def schedule(application: Application) -> None:
    """Schedule the jobs (called once the archive is open); they run while this process leads."""
    jobs = application.job_queue
    if jobs is None:
        raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
    for job, every, first in (
        (poll_feeds, FEED_CHECK_EVERY, 1.0),
        (post_to_channel, channel.CHANNEL_POST_EVERY, 1.0),
        (push_to_followers, pushes.PUSH_EVERY, 1.0),
        (purge_expired, PURGE_EVERY, 5.0),
        (tell_admins, channel.NOTICES_EVERY, 1.0),
        (send_weekly_report, reports.REPORTS_EVERY, 2.0),
    ):
        name = job.__name__.replace("_", " ")
        jobs.run_repeating(_when_leading(job), every, first=first, name=name, job_kwargs=_JOB_OPTIONS)
    settings = services_in(application.bot_data).settings
    if settings.index_snapshot_path is not None:
        every = settings.index_snapshot_hours * 3600
        jobs.run_repeating(_when_leading(snapshot_index), every, first=SNAPSHOT_FIRST_AFTER, name="snapshot index",
                           job_kwargs=_JOB_OPTIONS)  # fmt: skip
    report_at = settings.report_at
    if report_at is not None:
        weekday, moment = report_at
        # PTB counts days from Sunday (0); ours from Monday (0).
        jobs.run_daily(_when_leading(queue_weekly_report), moment, days=((weekday + 1) % 7,), name="queue weekly report",
                       job_kwargs=_JOB_OPTIONS)  # fmt: skip
