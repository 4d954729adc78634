"""How updates are taken in and replies go out under Telegram's limits.

``ChatOrderProcessor`` answers the updates of one chat in the order they
arrived while different chats are answered at once: a reader who sends two
questions gets two answers in that order, however fast the second search is.

``SendLimiter`` is PTB's ``AIORateLimiter`` (about 30 messages a second in
all, 20 a minute per group, 429 ``retry_after`` honoured) that also retries a
call which failed on the way: a 5xx answer, a reset connection, a timeout.
Such a call did not reach Telegram's chat, so sending it again delivers it
once; a call Telegram refused (400 Bad Request, 403 Forbidden) is not retried.

``SharedSendLimiter`` does the same with the budget kept in the store
(``retrieval.outbox.budget``, behind the archive's ``send_budget``), for replicas that share one bot.

``UpdateOutcome`` follows one webhook update through its handler (a context
variable, so the limiter and the error handler see the update they serve):
whether anything reached the chat yet, and whether the update failed because
the store was away before it did. Such an update is not acknowledged, so
Telegram sends it again (``bot.webhook``); one that already put a message in
the chat is never handled twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

from bot.monitoring.metrics import Failure, Metrics

log = logging.getLogger(__name__)

# Waits before the 1st, 2nd, ... retry of a call that failed on the way.
RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0)
# getMe is the start-up check, which must fail at once with a clear line;
# getUpdates is retried, with its own back-off, by PTB's Updater.
NOT_RETRIED = frozenset({"getMe", "getUpdates"})

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
# Calls that change nothing a reader sees, so making them again is harmless: an update that made only these
# may be handled again.
HARMLESS_TO_REPEAT = frozenset({"sendChatAction", "getMe", "getFile", "getChat", "getChatMember", "setMyCommands"})


@dataclass(slots=True)
class UpdateOutcome:
    """What became of one webhook update while it was handled."""

    #: A call that a reader sees (a message, an edit, a button's answer) went through for it.
    reached_chat: bool = False
    #: Telegram was told it was handled before its handler ended (long work): too late to have it sent again.
    acknowledged: bool = False
    #: Its handler failed because the store was away, before anything reached the chat or it was acknowledged.
    store_away: bool = False

    @property
    def may_come_again(self) -> bool:
        """Whether leaving it unacknowledged, for Telegram to send again, would neither repeat nor lose anything."""
        return not (self.reached_chat or self.acknowledged)


_outcome: ContextVar[UpdateOutcome | None] = ContextVar("newsbot_update_outcome", default=None)


@contextmanager
def following_update(outcome: UpdateOutcome) -> Iterator[UpdateOutcome]:
    """Follow the update handled inside the block (in this task and the calls it awaits) in ``outcome``."""
    token = _outcome.set(outcome)
    try:
        yield outcome
    finally:
        _outcome.reset(token)


def current_outcome() -> UpdateOutcome | None:
    """The outcome of the webhook update being handled here; None outside one (polling, jobs)."""
    return _outcome.get()


class SendBudget(Protocol):
    """Telegram's send budget shared by replicas (the archive's ``send_budget``)."""

    async def wait_turn(self, group: str | None) -> None:
        """Sleep until a message (to a group or channel, when ``group`` is given) may go."""

    async def pause(self, until: float) -> None:
        """Telegram said to wait: nobody sends before ``until`` (Unix seconds)."""


class ChatOrderProcessor(BaseUpdateProcessor):
    """Up to ``max_concurrent_updates`` at once, but one at a time per chat, in arrival order."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        # chat id -> (lock, updates holding or waiting for it); dropped when idle.
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, users = self._chats.get(chat.id, (asyncio.Lock(), 0))
        self._chats[chat.id] = (lock, users + 1)
        try:
            async with lock:  # asyncio.Lock wakes waiters first come, first served
                await coroutine
        finally:
            lock, users = self._chats[chat.id]
            if users == 1:
                del self._chats[chat.id]
            else:
                self._chats[chat.id] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: running updates are awaited by the Application."""


class SendLimiter(AIORateLimiter):
    """AIORateLimiter that also retries calls lost on the way (see the module docstring).

    ``metrics`` counts the sends that never got through (after the retries) and the waits for the budget.
    """

    def __init__(self, *args: Any, metrics: Metrics | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        retries = iter(RETRY_DELAYS)
        while True:
            try:
                result = await self._limited(callback, args, kwargs, endpoint, data, rate_limit_args)
                outcome = _outcome.get()
                if outcome is not None and endpoint not in HARMLESS_TO_REPEAT:
                    outcome.reached_chat = True
                return result
            except BadRequest:
                raise
            except NetworkError as error:
                delay = None if endpoint in NOT_RETRIED else next(retries, None)
                if delay is None:
                    if self.metrics is not None and endpoint not in NOT_RETRIED:
                        self.metrics.failed(Failure.SEND)
                    raise
                log.warning("%s failed on the way (%s); retrying in %.2g s", endpoint, error, delay)
                await asyncio.sleep(delay)

    async def _limited(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        """One call under this process's limits (AIORateLimiter's, 429s honoured)."""
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


class SharedSendLimiter(SendLimiter):
    """SendLimiter over the budget in the store, shared by every replica of the bot (``attach`` it once open)."""

    def __init__(self, max_retries: int, metrics: Metrics | None = None) -> None:
        super().__init__(max_retries=max_retries, metrics=metrics)
        self.max_retries = max_retries
        self.budget: SendBudget | None = None

    def attach(self, budget: SendBudget) -> None:
        self.budget = budget

    async def _limited(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        chat_id = data.get("chat_id")
        # As AIORateLimiter: negative ids and @names are groups and channels (20 a minute each).
        group = str(chat_id) if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0) else None
        attempts = (rate_limit_args or self.max_retries) + 1
        for attempt in range(attempts):
            if chat_id is not None and self.budget is not None:
                started = time.monotonic()
                await self.budget.wait_turn(group)
                waited = time.monotonic() - started
                if self.metrics is not None and waited > 0.001:
                    self.metrics.send_waited(waited)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == attempts - 1 or self.budget is None:
                    raise
                wait = error.retry_after if isinstance(error.retry_after, int | float) else error.retry_after.total_seconds()
                log.info("%s: Telegram asked every replica to wait %.1f s", endpoint, wait)
                await self.budget.pause(time.time() + wait + 0.1)
        raise AssertionError("unreachable")  # the last attempt returns or raises
