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
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from functools import partial

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.app import build_application
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
    )
    write_status(status_path(bot_services.settings.db_path), status)


async def _housekeeping(bot_services: BotServices, mode: str, started_at: str) -> None:
    """Every few seconds: write the heartbeat, index articles other processes stored."""
    while True:
        try:
            _write_heartbeat(bot_services, mode, started_at, running=True)
            await bot_services.archive.sync_index()
        except Exception:  # housekeeping must outlive a bad moment; it is logged
            log.exception("housekeeping failed")
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

    ``on_fatal`` hears a reason the bot must stop on its own, such as a second
    bot polling with the same token (409 Conflict): each update then goes to
    one of the two, so readers would get answers from both.
    """
    mode = "webhook" if webhook else "polling"
    started_at = now_iso()

    def polling_error(error: TelegramError) -> None:
        if isinstance(error, Conflict):
            log.error(CONFLICT_REASON)
            if on_fatal is not None:
                on_fatal(CONFLICT_REASON)
        else:
            log.warning("getting updates failed, retrying: %s", error)

    await _initialize(application, settings)
    await application.post_init(application)
    bot_services = services_in(application.bot_data)
    replicas = replicas_for(
        settings.database_url,
        polling=not webhook,
        on_change=bot_services.archive.sync_index,
        on_lead=partial(jobs.take_over, bot_services),
    )
    try:
        await replicas.start()
    except (ReplicaError, StoreUnavailableError) as error:
        await application.shutdown()
        await application.post_shutdown(application)
        raise BotStopError(f"cannot serve beside the other replicas: {error}") from None
    bot_services.replicas = replicas
    housekeeping = asyncio.create_task(_housekeeping(bot_services, mode, started_at))
    server = WebhookServer(application, settings, bot_services) if webhook else None
    try:
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
        if application.running:
            await application.stop()
        await replicas.stop()
        housekeeping.cancel()
        with suppress(asyncio.CancelledError):
            await housekeeping
        await application.shutdown()
        await application.post_shutdown(application)
        _write_heartbeat(bot_services, mode, started_at, running=False)
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
