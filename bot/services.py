"""What handlers need, built once at start and reached through one typed accessor."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from telegram import User
from telegram.ext import ContextTypes

from bot.i18n import Translator, pick_language
from bot.monitoring.logs import Throttle
from bot.monitoring.metrics import Failure, Metrics
from bot.settings import BotSettings
from retrieval import Archive
from retrieval.errors import DiskFullError, StoreUnavailableError
from retrieval.replicas import Replicas

log = logging.getLogger(__name__)
_KEY = "newsbot.services"
T = TypeVar("T")


@dataclass
class BotServices:
    settings: BotSettings
    archive: Archive
    metrics: Metrics = field(default_factory=Metrics)
    last_update_at: datetime | None = None
    # Set once serving starts (bot.runner): whether this process runs the scheduled jobs.
    replicas: Replicas | None = None
    # Why the search index is being rebuilt, as the last heartbeat saw it (for the status file and health).
    index_problem: str | None = None
    _write_failures: Throttle = field(default_factory=Throttle)

    async def best_effort(self, write: Awaitable[T], default: T, what: str) -> T:
        """Run a write an answer makes beside itself (its question, its paging key, an open, the answered mark).

        When the disk is full or the database away, the reader still gets
        the answer: the write's ``default`` stands in, the failure is counted
        (/stats, /metrics) and logged once a minute, not once per message.
        """
        try:
            return await write
        except (DiskFullError, StoreUnavailableError) as error:
            self.metrics.failed(Failure.STORE_WRITE)
            now, held = self._write_failures.allow(what)
            if now:
                more = f" ({held} more such writes failed in the last minute)" if held else ""
                log.warning("could not store %s: %s; the reader got the answer%s", what, error, more)
            return default

    def note_store_away(self, update_id: int | None, error: Exception) -> None:
        """An update left unanswered because the store was away (Telegram sends it again): counted, logged once a
        minute."""
        self.metrics.failed(Failure.STORE_AWAY)
        now, held = self._write_failures.allow("store away")
        if now:
            more = f" ({held} more since the last line)" if held else ""
            log.warning(
                "update %s waits for the store (%s): not acknowledged, so Telegram sends it again%s", update_id, error, more
            )

    def note_job_waits(self, error: Exception) -> None:
        """A scheduled job stopped because the store was away: logged once a minute (it runs again at its turn)."""
        now, held = self._write_failures.allow("job waits")
        if now:
            more = f" ({held} more since the last line)" if held else ""
            log.warning("a scheduled job waits for the store (%s); it runs again at its next turn%s", error, more)

    @property
    def leading(self) -> bool:
        return self.replicas is not None and self.replicas.leading

    @property
    def last_update_text(self) -> str | None:
        """When the last update arrived, as ISO 8601 to the second."""
        return self.last_update_at.isoformat(timespec="seconds") if self.last_update_at else None

    def is_admin(self, user: User | None) -> bool:
        return user is not None and user.id in self.settings.admin_ids

    async def translator(self, user: User | None) -> Translator:
        """The reader's language: chosen with /language (read from the store, which every replica shares), else
        their Telegram app's."""
        if user is None:
            return Translator(self.settings.language)
        chosen = await self.archive.language(user.id)
        return Translator(pick_language(chosen, user.language_code, self.settings.language))


def install(bot_data: dict, bot_services: BotServices) -> None:
    bot_data[_KEY] = bot_services


def services_in(bot_data: dict) -> BotServices:
    """The services stored in an application's ``bot_data`` by ``install``."""
    return bot_data[_KEY]


def services(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    """The services of the running application (set up in post_init)."""
    return services_in(context.application.bot_data)


async def translator(update: object, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """The language to answer this update's user in."""
    user = getattr(update, "effective_user", None)
    return await services(context).translator(user)
