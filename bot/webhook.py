"""The webhook server: Telegram POSTs updates here; GET /healthz reports health, GET /metrics the counters.

A small aiohttp app (the pattern of PTB's ``customwebhookbot`` example) so the
health endpoint can share the port. Requests without the right
``X-Telegram-Bot-Api-Secret-Token`` are refused with 403.

An update is acknowledged (HTTP 200) once it is answered, so a replica that
dies holding one leaves it unacknowledged: Telegram sends it again, and the
proxy hands it to a live replica. Work that takes longer than
``ACKNOWLEDGE_WITHIN`` (a big load) is acknowledged then and finishes before
the bot stops, unless the store is away at that moment: then the update
waits for its outcome. Answered updates are remembered in the store, so an
update Telegram sends twice is answered once, whichever replica gets it.

An update that could not be answered because the store was away (PostgreSQL
down for longer than its outage wait), before anything reached the chat, is
answered 503 and not remembered: Telegram sends it again, and it is answered
then. One that had already put a message in the chat is acknowledged, so
nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.monitoring.endpoint import metrics_response
from bot.monitoring.health import check_running, role_details
from bot.sending.delivery import UpdateOutcome, following_update
from bot.services import BotServices
from bot.settings import BotSettings
from retrieval.errors import StoreUnavailableError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000
# Telegram waits about a minute for an answer to its POST before it tries again.
ACKNOWLEDGE_WITHIN = 10.0


def _store_away() -> web.Response:
    """What Telegram hears for an update the store's outage kept from being answered: any error makes it resend."""
    return web.Response(status=503, text="the archive's database is away: send this update again")


class WebhookServer:
    def __init__(self, application: Application, settings: BotSettings, bot_services: BotServices) -> None:
        url, secret = settings.require_webhook()
        self.application = application
        self.settings = settings
        self.services = bot_services
        self.path = urlsplit(url).path or "/"
        self._secret = secret.encode()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_post(self.path, self._receive)
        app.router.add_get("/healthz", self._health)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.settings.webhook_listen, self.settings.webhook_port).start()
        log.info("webhook server listening on %s:%d", self.settings.webhook_listen, self.settings.webhook_port)

    async def stop(self) -> None:
        """Stop taking requests; those in progress finish first."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("refused a webhook request without the right secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("refused a malformed webhook update: %s", error)
            return web.Response(status=400, text="bad update")
        except ConnectionResetError:  # the sender went away mid-body: it never heard an answer, and sends it again
            log.info("a webhook request from %s was cut off before its update arrived", request.remote)
            return web.Response(status=400, text="cut off")
        if update is None:
            return web.Response(status=400, text="bad update")
        archive = self.services.archive
        try:
            if await archive.was_handled(update.update_id):
                return web.Response(text="ok")  # answered already: Telegram sent it again
        except StoreUnavailableError as error:
            self.services.note_store_away(update.update_id, error)
            return _store_away()
        outcome = UpdateOutcome()
        handling = self.application.create_task(self._handle(update, outcome), update)
        while True:
            try:
                await asyncio.wait_for(asyncio.shield(handling), ACKNOWLEDGE_WITHIN)
                break
            except TimeoutError:
                if not archive.store_away:  # long work: acknowledged now, finished before the bot stops
                    outcome.acknowledged = True
                    return web.Response(text="ok")
        return _store_away() if outcome.store_away else web.Response(text="ok")

    async def _handle(self, update: Update, outcome: UpdateOutcome) -> None:
        """Answer an update in its chat's turn (``ChatOrderProcessor``), then remember it was answered."""
        application = self.application
        with following_update(outcome):
            await application.update_processor.process_update(update, application.process_update(update))
        if not outcome.store_away:
            await self.services.best_effort(self.services.archive.mark_handled(update.update_id), None, "an answered update")

    async def _metrics(self, request: web.Request) -> web.Response:
        return metrics_response(self.services.metrics)

    async def _health(self, request: web.Request) -> web.Response:
        report = await check_running(self.services.archive, self.services.last_update_text)
        body = {"status": "ok" if report.healthy else "unhealthy", "problems": report.problems, **report.details}
        body.update(role_details(self.services.metrics.snapshot()))
        return web.json_response(body, status=200 if report.healthy else 503)
