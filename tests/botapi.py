"""The local Bot API as the end-to-end tests and benchmarks use it: ``bot.trial.botapi`` plus injected failures.

``FakeBotApi`` is the stand-in ``newsbot try`` runs (``bot.trial.botapi.LocalBotApi``),
with what only tests need: ``fail_next`` makes a method answer 429, 409 or
500; ``misbehave`` fails a share of all calls at random (5xx, reset
connections, timeouts) and enforces Telegram's 30-a-second send ceiling;
``refused_chats`` are refused as Telegram refuses a channel the bot may not
post in; webhooks (``setWebhook``, ``deliver``), inline mode and group
admins (``getChatMember``) are answered too.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import random
import time
from typing import Any

import aiohttp
from aiohttp import web

from bot.trial.botapi import MAX_MESSAGE, TOKEN, Call, LocalBotApi
from bot.trial.telegram_html import BotApiError, check_markup, parse_html, utf16_length

# Longer than PTB's 5 s read timeout: the bot gives up on the call.
TIMEOUT_INJECTED_SECONDS = 6.0


class FakeBotApi(LocalBotApi):
    """The local Bot API, with failures, webhooks, inline mode and group admins for tests."""

    def __init__(self, token: str = TOKEN) -> None:
        super().__init__(token, username="newsbot_test_bot")
        self._failures: dict[str, list[tuple[int, dict]]] = {}
        self.webhook: dict[str, Any] | None = None
        # Chaos and Telegram's ceiling, off unless a test or benchmark asks (see ``misbehave``).
        self._failure_ratio = 0.0
        self._failure_kinds: tuple[str, ...] = ()
        self._random = random.Random(7)
        self._enforce_ceiling = False
        self._recent_sends: collections.deque[float] = collections.deque()
        self.injected: collections.Counter[str] = collections.Counter()
        # chat id -> (status, description): sends there are refused, as Telegram refuses a channel
        # the bot may not post in.
        self.refused_chats: dict[int, tuple[int, str]] = {}
        # group chat id -> ids of its admins (getChatMember answers "administrator" for them).
        self.chat_admins: dict[int, set[int]] = {}
        self._inline_ids = itertools.count(1)
        # inline query id -> the answerInlineQuery call's params.
        self.inline_answers: dict[str, dict] = {}
        # Seconds a successful call's answer takes to come back after the call was recorded (accepted): the return
        # half of a round trip to Telegram, for benchmarks (bench/replica_kill.py); none in tests.
        self.answer_delay = 0.0

    async def _record(self, call: Call) -> None:
        await super()._record(call)
        if call.status == 200 and self.answer_delay:
            await asyncio.sleep(self.answer_delay)

    def fail_next(self, method: str, *, status: int = 429, retry_after: int = 1, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` fail (429 with retry_after, 409 Conflict, or another status)."""
        self._failures.setdefault(method, []).extend([(status, {"retry_after": retry_after})] * times)

    def misbehave(
        self,
        *,
        failure_ratio: float = 0.0,
        kinds: tuple[str, ...] = ("500", "reset", "timeout"),
        ceiling: bool = False,
    ) -> None:
        """Fail ``failure_ratio`` of all calls at random, before handling them (so a retry delivers once):
        "500" answers Internal Server Error, "reset" drops the connection, "timeout" answers nothing for
        longer than PTB waits. With ``ceiling`` chat sends beyond 30 in any second get 429, as Telegram's do."""
        self._failure_ratio = failure_ratio
        self._failure_kinds = kinds
        self._enforce_ceiling = ceiling

    async def _chaos(self, request: web.Request, method: str, params: dict) -> web.StreamResponse | None:
        """An injected failure or 429 for this call, or None to handle it."""
        if self._enforce_ceiling and "chat_id" in params:
            now = time.monotonic()
            while self._recent_sends and self._recent_sends[0] < now - 1.0:
                self._recent_sends.popleft()
            if len(self._recent_sends) >= 30:
                self.injected["429"] += 1
                await self._record(Call(method, params, 429))
                body = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1"}
                return web.json_response({**body, "parameters": {"retry_after": 1}}, status=429)
            self._recent_sends.append(now)
        if not self._failure_ratio or self._random.random() >= self._failure_ratio:
            return None
        kind = self._random.choice(self._failure_kinds)
        self.injected[kind] += 1
        if kind == "timeout":
            await asyncio.sleep(TIMEOUT_INJECTED_SECONDS)
        if kind in ("timeout", "reset") and request.transport is not None:
            request.transport.abort()
            return web.Response(status=499)
        return web.json_response({"ok": False, "error_code": 500, "description": "Internal Server Error"}, status=500)

    async def _intercept(self, request: web.Request, method: str, params: dict) -> web.StreamResponse | None:
        """An injected failure, a 429, a failure asked for with ``fail_next`` or a refused chat; else None."""
        injected = await self._chaos(request, method, params)
        if injected is not None:
            return injected
        via = request.match_info.get("via", "")
        failures = self._failures.get(method)
        if failures:
            status, parameters = failures.pop(0)
            await self._record(Call(method, params, status, via=via))
            body: dict[str, Any] = {"ok": False, "error_code": status}
            if status == 429:
                body["description"] = f"Too Many Requests: retry after {parameters['retry_after']}"
                body["parameters"] = parameters
            elif status == 409:  # what Telegram says when a second process polls the same token
                body["description"] = (
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
                )
            else:
                body["description"] = "Internal Server Error"
            return web.json_response(body, status=status)
        chat_id = params.get("chat_id")
        if method in ("sendMessage", "sendPhoto", "sendDocument") and chat_id is not None and int(chat_id) in self.refused_chats:
            status, description = self.refused_chats[int(chat_id)]
            await self._record(Call(method, params, status, via=via, description=description))
            return web.json_response({"ok": False, "error_code": status, "description": description}, status=status)
        return None

    async def inline_query(self, query: str, *, offset: str = "", user_id: int = 1001) -> str:
        """A user types ``@bot query`` in some chat; returns the inline query id."""
        query_id = str(next(self._inline_ids))
        await self.push(
            "inline_query",
            {"id": query_id, "from": self._user(user_id), "query": query, "offset": offset, "chat_type": "sender"},
        )
        return query_id

    async def choose_inline_result(self, result_id: str, query: str, *, user_id: int = 1001) -> None:
        """The user picked a result (sent only with /setinlinefeedback on)."""
        await self.push("chosen_inline_result", {"result_id": result_id, "from": self._user(user_id), "query": query})

    async def _api_setWebhook(self, params: dict) -> bool:  # noqa: N802
        if not str(params.get("url", "")).startswith(("https://", "http://127.0.0.1")):
            raise BotApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        self.webhook = params
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    async def _api_deleteWebhook(self, params: dict) -> bool:  # noqa: N802
        self.webhook = None
        return True

    async def deliver(self, kind: str, payload: dict, *, secret: str | None = None, update_id: int | None = None) -> int:
        """POST one update to the registered webhook, as Telegram does; returns the HTTP status.

        ``update_id`` sends an update again, as Telegram does when the first delivery got no 200.
        """
        assert self.webhook is not None, "no webhook registered"
        update = {"update_id": next(self._update_ids) if update_id is None else update_id, kind: payload}
        given = self.webhook.get("secret_token") if secret is None else secret
        async with aiohttp.ClientSession() as session:
            async with session.post(
                self.webhook["url"], json=update, headers={"X-Telegram-Bot-Api-Secret-Token": given or ""}
            ) as response:
                return response.status

    async def _api_getUpdates(self, params: dict) -> list[dict]:  # noqa: N802
        if self.webhook is not None:
            raise BotApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        return await super()._api_getUpdates(params)

    async def _api_answerInlineQuery(self, params: dict) -> bool:  # noqa: N802
        """Checked as Telegram does: at most 50 results, unique ids of 1-64 bytes, valid message texts."""
        results = params.get("results") or []
        if isinstance(results, str):
            results = json.loads(results)
        ids = [str(result.get("id", "")) for result in results]
        if len(results) > 50 or len(set(ids)) != len(ids) or not all(1 <= len(i.encode()) <= 64 for i in ids):
            raise BotApiError(400, "Bad Request: RESULT_ID_INVALID")
        if len(str(params.get("next_offset", "")).encode()) > 64:
            raise BotApiError(400, "Bad Request: NEXT_OFFSET_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            shown = parse_html(content.get("message_text", "")) if content.get("parse_mode") == "HTML" else content.get("message_text", "")
            if not shown.strip() or utf16_length(shown) > MAX_MESSAGE or not result.get("title"):
                raise BotApiError(400, "Bad Request: MESSAGE_EMPTY")
            check_markup(result.get("reply_markup"))
        self.inline_answers[str(params["inline_query_id"])] = {**params, "results": results}
        return True

    async def _api_getChatMember(self, params: dict) -> dict:  # noqa: N802
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = "administrator" if user_id in self.chat_admins.get(chat_id, set()) else "member"
        member = {"status": status, "user": self._user(user_id)}
        if status == "administrator":
            member.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True, can_delete_messages=True,
                          can_manage_video_chats=True, can_restrict_members=True, can_promote_members=False,
                          can_change_info=True, can_invite_users=True, can_post_stories=False,
                          can_edit_stories=False, can_delete_stories=False)  # fmt: skip
        return member
