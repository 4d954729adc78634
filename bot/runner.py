"""Run the bot: polling or webhook, heartbeat, and a graceful stop.

On SIGTERM or SIGINT the bot stops taking updates (the poller or the webhook
server), asks running loads to stop after their current batch, lets
in-flight answers and queued updates finish (``Application.stop`` drains the
queue), then closes the archive, which commits the index. Updates fetched by
polling are confirmed to Telegram only after that; webhook updates are
acknowledged once answered (``bot.webhook``). So a restart loses no
acknowledged update and no committed article.

With PostgreSQL (``NEWSBOT_DATABASE_URL``) several replicas serve one
archive in webhook mode; ``retrieval.replicas`` decides which one runs the
scheduled jobs and wakes the others' indexes when articles arrive.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from functools import partial

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.app import build_application
from bot.monitoring.endpoint import MetricsServer
from bot.monitoring.logs import Throttle
from bot.monitoring.status import HEARTBEAT_SECONDS, BotStatus, now_iso, status_path, write_status
from bot.sending import jobs
from bot.services import BotServices, services_in
from bot.settings import BotSettings
from bot.webhook import WebhookServer
from retrieval.errors import NewsbotError, StoreUnavailableError
from retrieval.replicas import ReplicaError, replicas_for
from retrieval.store.locks import ServingLock

log = logging.getLogger(__name__)

CONFLICT_REASON = (
    "another program is taking this bot's updates (Telegram answered 409 Conflict):"
    " run one newsbot per bot token, or give this one its own bot"
)
CONFLICT_WHILE_SERVING = (
    "another program is also taking this bot's updates (Telegram answered 409 Conflict, %d times in the last"
    " minute): each update goes to one of the two, so some questions are answered there. This bot keeps serving;"
    " stop the other copy (one newsbot per bot token)"
)


class BotStopError(NewsbotError):
    """The bot cannot start or must stop; the message says why in one line."""


async def _initialize(application: Application, settings: BotSettings) -> None:
    """Connect to the Bot API (getMe), turning its failures into one readable line."""
    try:
        await application.initialize()
    except InvalidToken:
        raise BotStopError(
            f"the Bot API at {settings.api_base_url} refused NEWSBOT_BOT_TOKEN: copy the token from @BotFather again"
        ) from None
    except NetworkError as error:
        raise BotStopError(f"cannot reach the Bot API at {settings.api_base_url} ({error.message})") from None


def _write_heartbeat(bot_services: BotServices, mode: str, started_at: str, running: bool) -> None:
    status = BotStatus(
        pid=os.getpid(),
        mode=mode,
        started_at=started_at,
        heartbeat_at=now_iso(),
        last_update_at=bot_services.last_update_text,
        running=running,
        metrics=bot_services.metrics.snapshot().as_dict(),
        index_problem=bot_services.index_problem,
    )
    write_status(status_path(bot_services.settings.db_path), status)


async def _refresh_state(bot_services: BotServices) -> None:
    """The gauges of /metrics and what the status file says of the index."""
    state = await bot_services.archive.state()
    bot_services.index_problem = state.index_problem
    bot_services.metrics.set_state(
        outbox=state.outbox_queued, index_lag=state.index_lag, index_available=state.index_problem is None
    )


async def _housekeeping(bot_services: BotServices, mode: str, started_at: str) -> None:
    """Every few seconds: the heartbeat, index what other processes stored, look at the index's files, the gauges.

    Each step outlives a bad moment (a full disk, the database away): its
    failure is logged once a minute, and the others still run.
    """
    archive = bot_services.archive
    steps: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("indexing new articles", archive.sync_index),
        ("checking the search index", archive.check_index),
        ("reading the archive's state", partial(_refresh_state, bot_services)),
    ]
    failures = Throttle()
    while True:
        try:
            _write_heartbeat(bot_services, mode, started_at, running=True)
        except OSError as error:
            if failures.allow("heartbeat")[0]:
                log.warning("could not write the status file (%s); its time is kept fresh instead", error)
        for name, step in steps:
            try:
                await step()
            except Exception as error:  # logged, once a minute; the next round tries again
                now, held = failures.allow(name)
                if now:
                    more = f" ({held} more times since)" if held else ""
                    log.warning("%s failed: %s%s", name, error, more, exc_info=not isinstance(error, NewsbotError))
        await asyncio.sleep(HEARTBEAT_SECONDS)


@asynccontextmanager
async def serving(
    application: Application,
    settings: BotSettings,
    *,
    webhook: bool = False,
    drop_pending_updates: bool = False,
    poll_timeout: int = 10,
    on_fatal: Callable[[str], None] | None = None,
) -> AsyncIterator[BotServices]:
    """Start taking updates; on exit, stop gracefully (see the module docstring).

    ``on_fatal`` hears a reason the bot must stop on its own: a second copy
    polling the same token (409 Conflict) met within
    NEWSBOT_CONFLICT_GRACE_SECONDS of polling's start, when this copy is the
    newcomer (a terminal, a forgotten container). Telegram answers 409 to
    the *older* of two polls, so both copies hear it; the one that was
    serving before keeps serving, says so in the log once a minute and counts
    it in /stats, so the two never both quit.
    """
    mode = "webhook" if webhook else "polling"
    started_at = now_iso()
    conflicts = Throttle()

    def polling_error(error: TelegramError) -> None:
        if not isinstance(error, Conflict):
            log.warning("getting updates failed, retrying: %s", error)
            return
        bot_services.metrics.conflict()
        if time.monotonic() - polling_since < settings.conflict_grace_seconds:
            log.error(CONFLICT_REASON)
            if on_fatal is not None:
                on_fatal(CONFLICT_REASON)
            return
        now, held = conflicts.allow("conflict")
        if now:
            log.warning(CONFLICT_WHILE_SERVING, held + 1)

    def role_changed(leading: bool) -> None:
        """The status file says it at once (``newsbot health``, ``newsbot stats``), not at the next heartbeat."""
        try:
            _write_heartbeat(bot_services, mode, started_at, running=True)
        except OSError:
            pass  # the heartbeat loop says why, once a minute

    await _initialize(application, settings)
    await application.post_init(application)
    bot_services = services_in(application.bot_data)
    replicas = replicas_for(
        settings.database_url,
        polling=not webhook,
        on_change=bot_services.archive.sync_index,
        on_lead=partial(jobs.take_over, bot_services),
        on_role=role_changed,
    )
    bot_services.replicas = replicas
    bot_services.metrics.follow_role(lambda: replicas.leading, replicas.name)
    try:
        await replicas.start()
    except (ReplicaError, StoreUnavailableError) as error:
        await application.shutdown()
        await application.post_shutdown(application)
        raise BotStopError(f"cannot serve beside the other replicas: {error}") from None
    housekeeping = asyncio.create_task(_housekeeping(bot_services, mode, started_at))
    server = WebhookServer(application, settings, bot_services) if webhook else None
    metrics_server = None
    if server is None and settings.metrics_port is not None:
        metrics_server = MetricsServer(bot_services.metrics, settings.metrics_listen, settings.metrics_port)
    try:
        if metrics_server is not None:
            try:
                await metrics_server.start()
            except OSError as error:
                raise BotStopError(
                    f"cannot serve /metrics on {settings.metrics_listen}:{settings.metrics_port}"
                    f" (NEWSBOT_METRICS_PORT): {error.strerror or error}"
                ) from None
        if server is not None:
            url, secret = settings.require_webhook()
            await server.start()
            await application.bot.set_webhook(
                url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=drop_pending_updates,
            )
        else:
            polling_since = time.monotonic()
            await application.updater.start_polling(
                poll_interval=0.0,
                timeout=poll_timeout,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=drop_pending_updates,
                error_callback=polling_error,
            )
        await application.start()
        log.info("newsbot is serving (%s)", mode)
        yield bot_services
    finally:
        log.info("stopping: finishing answers and loads in flight")
        bot_services.archive.request_stop()
        if server is not None:
            await server.stop()
        elif application.updater.running:
            await application.updater.stop()
        if metrics_server is not None:
            await metrics_server.stop()
        if application.running:
            await application.stop()
        await replicas.stop()
        housekeeping.cancel()
        with suppress(asyncio.CancelledError):
            await housekeeping
        await application.shutdown()
        await application.post_shutdown(application)
        try:
            _write_heartbeat(bot_services, mode, started_at, running=False)
        except OSError as error:  # a full disk: the stopped bot's file still says running, with an old heartbeat
            log.warning("could not write the status file on the way out: %s", error)
        log.info("newsbot stopped")


async def run(settings: BotSettings, *, webhook: bool, drop_pending_updates: bool) -> None:
    """Serve until SIGTERM or SIGINT (or a reason to stop: BotStopError); one serving process per archive."""
    with ServingLock(settings.db_path):
        application = build_application(settings)
        stop = asyncio.Event()
        fatal: list[str] = []

        def stop_for(reason: str) -> None:
            fatal.append(reason)
            stop.set()

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        async with serving(
            application, settings, webhook=webhook, drop_pending_updates=drop_pending_updates, on_fatal=stop_for
        ):
            await stop.wait()
    if fatal:
        raise BotStopError(fatal[0])
