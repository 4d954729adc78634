"""A local stand-in for Telegram's Bot API, on 127.0.0.1: the real bot talks to it as it talks to Telegram.

``newsbot try`` runs the bot against it (``bot.trial.chat``), and the
end-to-end tests and benchmarks do too (``tests/botapi.py`` adds the
failures they inject). It speaks the HTTP API that python-telegram-bot uses
for a private chat: getMe, getUpdates with offset and long polling,
sendMessage, sendPhoto, sendDocument, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, setMyCommands, sendChatAction, deleteWebhook, getFile
and file download. It checks what the bot sends the way Telegram does (HTML
parse errors, message length after entity parsing, callback_data size,
"message is not modified": ``bot.trial.telegram_html``) and records every
call, so a caller pushes a user's updates in and waits for the bot's calls
to come out. As Telegram, a getUpdates ends a pending older one with 409
Conflict (two processes polling one token hear it in turn).

It listens on 127.0.0.1 only, on a free port, and knows one token: nothing
reaches Telegram or leaves the machine.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.trial.telegram_html import BotApiError, check_markup, parse_html, utf16_length

TOKEN = "123456789:TEST-token-for-the-local-bot-api"
BOT_ID = 999_000_111
_JSON_FIELDS = {
    "reply_markup",
    "commands",
    "scope",
    "link_preview_options",
    "reply_parameters",
    "allowed_updates",
    "entities",
    "results",
}
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_MESSAGE = 4096
MAX_CAPTION = 1024


@dataclass(eq=False)
class Call:
    """One request the bot made, with its decoded parameters."""

    method: str
    params: dict[str, Any]
    status: int
    result: Any = None
    at: float = field(default_factory=time.monotonic)  # when the server got it (benchmarks time replies)
    via: str = ""  # the base URL's prefix the caller used ("/a/bot…": "a"), to tell bot processes apart
    description: str = ""  # why it was refused, as Telegram says it


@dataclass
class StoredMessage:
    chat: dict
    message_id: int
    text: str
    reply_markup: dict | None
    from_bot: bool = True


class Upload(bytes):
    """A file sent with a request (multipart): its bytes, and the name it was sent under."""

    filename: str = ""


@dataclass(frozen=True)
class SentDocument:
    """A document the bot sent: its file name and content."""

    name: str
    content: bytes


class LocalBotApi:
    """Telegram's Bot API for one bot token, on 127.0.0.1; ``start`` it, point the bot at ``api_url``."""

    def __init__(self, token: str = TOKEN, username: str = "newsbot_local_bot") -> None:
        self.token = token
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Newsbot", "username": username}
        self.calls: list[Call] = []
        self.port = 0
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Condition()
        self._new_call = asyncio.Condition()
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        # (chat id, message id) -> the bytes of a photo the bot sent.
        self.photos: dict[tuple[int, int], bytes] = {}
        # (chat id, message id) -> a document the bot sent.
        self.documents: dict[tuple[int, int], SentDocument] = {}
        self.answered_callbacks: dict[str, dict] = {}
        self._runner: web.AppRunner | None = None
        # Updates below this id were confirmed by a later getUpdates offset.
        self.confirmed_offset = 0
        # Counts getUpdates calls: a newer one ends a pending older one with 409, as Telegram does.
        self._polls = 0
        self._closing = False
        # user id -> the language_code their Telegram app sends (default "en").
        self.user_languages: dict[int, str] = {}

    # -- server life -------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_route("*", "/{via}/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        async with self._new_update:
            self._closing = True
            self._new_update.notify_all()  # end pending long polls now
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what a user does ------------------------------------------------------
    def add_file(self, content: bytes, file_name: str) -> str:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = (f"documents/{file_id}-{file_name}", content)
        return file_id

    async def push(self, kind: str, payload: dict) -> int:
        update_id = next(self._update_ids)
        async with self._new_update:
            self._updates.append({"update_id": update_id, kind: payload})
            self._new_update.notify_all()
        return update_id

    def text_message(
        self, text: str, *, user_id: int = 1001, chat_id: int | None = None, chat_type: str = "private",
        reply_to: StoredMessage | None = None,
    ) -> dict:  # fmt: skip
        """A user's message with ``text`` (commands get their bot_command entity)."""
        message = self._user_message(user_id, chat_id, chat_type)
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if reply_to is not None:
            message["reply_to_message"] = self.message_json(reply_to)
        return message

    async def send_text(self, text: str, **options: Any) -> dict:
        """A user writes ``text`` to the bot (queued for getUpdates)."""
        message = self.text_message(text, **options)
        await self.push("message", message)
        return message

    def document_message(self, content: bytes, file_name: str, *, user_id: int = 1001) -> dict:
        """A user's message sending a file (stored for getFile)."""
        message = self._user_message(user_id, None, "private")
        file_id = self.add_file(content, file_name)
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "file_size": len(content),
            "mime_type": "application/octet-stream",
        }
        return message

    async def send_document(self, content: bytes, file_name: str, *, user_id: int = 1001) -> dict:
        message = self.document_message(content, file_name, user_id=user_id)
        await self.push("message", message)
        return message

    async def press(self, message: StoredMessage, data: str, *, user_id: int = 1001) -> str:
        """A user presses a button with ``data`` under ``message``."""
        callback_id = str(next(self._callback_ids))
        await self.push(
            "callback_query",
            {
                "id": callback_id,
                "from": self._user(user_id),
                "chat_instance": "ci",
                "data": data,
                "message": self.message_json(message),
            },
        )
        return callback_id

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 15, after: int = 0) -> Call:
        """The first call from number ``after`` on (past or future) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        async with self._new_call:
            while True:
                for call in self.calls[after:]:
                    if predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [f"{c.method}:{c.status}" for c in self.calls]
                    raise TimeoutError(f"no matching call within {timeout} s; calls so far: {methods}")
                try:
                    await asyncio.wait_for(self._new_call.wait(), remaining)
                except TimeoutError:
                    pass

    async def next_call(self, method: str, *, chat_id: int | None = None, after: int = 0, ok: bool = True) -> Call:
        """The first successful ``method`` call after call number ``after``."""
        def matches(call: Call) -> bool:
            return (
                call.method == method
                and (call.status == 200) == ok
                and (chat_id is None or int(call.params.get("chat_id", 0)) == chat_id)
            )

        return await self.wait_for(matches, after=after)

    def mark(self) -> int:
        """A position in the call log, for ``next_call(after=...)``."""
        return len(self.calls)

    def stored(self, call: Call) -> StoredMessage:
        result = call.result
        return self.messages[(result["chat"]["id"], result["message_id"])]

    def message_json(self, message: StoredMessage) -> dict:
        data = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": message.chat,
            "from": self.bot_user if message.from_bot else self._user(message.chat["id"]),
            "text": message.text,
        }
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    # -- internals ---------------------------------------------------------
    def _user(self, user_id: int) -> dict:
        language = self.user_languages.get(user_id, "en")
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": language}

    def _user_message(self, user_id: int, chat_id: int | None, chat_type: str) -> dict:
        chat = {"id": chat_id or user_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"User{user_id}"
        else:
            chat["title"] = "Newsroom group"
        return {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": self._user(user_id)}

    async def _record(self, call: Call) -> None:
        async with self._new_call:
            self.calls.append(call)
            self._new_call.notify_all()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                if isinstance(value, str):
                    params[key] = value
                else:
                    params[key] = Upload(value.file.read())
                    params[key].filename = value.filename
        for key in _JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        return params

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        via = request.match_info.get("via", "")
        params = await self._params(request)
        if request.match_info["token"] != self.token:
            await self._record(Call(method, params, 401, via=via))
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        intercepted = await self._intercept(request, method, params)
        if intercepted is not None:
            return intercepted
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            await self._record(Call(method, params, 404, via=via))
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        try:
            result = await handler(params)
        except BotApiError as error:
            await self._record(Call(method, params, error.code, via=via, description=error.description))
            return web.json_response(
                {"ok": False, "error_code": error.code, "description": error.description}, status=error.code
            )
        await self._record(Call(method, params, 200, result, via=via))
        return web.json_response({"ok": True, "result": result})

    async def _intercept(self, request: web.Request, method: str, params: dict) -> web.StreamResponse | None:
        """A response to give instead of handling the call, or None: the seam where tests inject failures."""
        return None

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        for path, content in self.files.values():
            if path == request.match_info["path"]:
                return web.Response(body=content)
        return web.Response(status=404)

    def _text(self, params: dict[str, Any]) -> str:
        text = params.get("text", "")
        shown = parse_html(text) if params.get("parse_mode") == "HTML" else text
        if not shown.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if utf16_length(shown) > MAX_MESSAGE:
            raise BotApiError(400, "Bad Request: message is too long")
        check_markup(params.get("reply_markup"))
        return text

    def _chat(self, chat_id: int) -> dict:
        kind = "private" if chat_id > 0 else "channel" if chat_id < -1_000_000_000_000 else "group"
        return {"id": chat_id, "type": kind}

    async def _api_getMe(self, params: dict) -> dict:  # noqa: N802 (Bot API method names)
        return self.bot_user

    async def _api_setMyCommands(self, params: dict) -> bool:  # noqa: N802
        commands = params.get("commands") or []
        for command in commands:
            if not _COMMAND_NAME.match(command.get("command", "")) or not 1 <= len(command.get("description", "")) <= 256:
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    async def _api_sendChatAction(self, params: dict) -> bool:  # noqa: N802
        return True

    async def _api_deleteWebhook(self, params: dict) -> bool:  # noqa: N802 (polling starts by deleting one)
        return True

    async def _api_getUpdates(self, params: dict) -> list[dict]:  # noqa: N802
        offset = int(params.get("offset", 0) or 0)
        timeout = float(params.get("timeout", 0) or 0)
        async with self._new_update:
            self._polls += 1
            mine = self._polls
            self._new_update.notify_all()  # a poll still waiting is older than this one: it ends now, with 409
            if offset:
                self.confirmed_offset = max(self.confirmed_offset, offset)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout > 0 and not self._closing:
                try:
                    await asyncio.wait_for(self._new_update.wait(), timeout)
                except TimeoutError:
                    pass
            if self._polls != mine:
                raise BotApiError(
                    409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
                )
            limit = int(params.get("limit", 100) or 100)
            return self._updates[:limit]

    async def _api_sendMessage(self, params: dict) -> dict:  # noqa: N802
        text = self._text(params)
        chat_id = int(params["chat_id"])
        message = StoredMessage(self._chat(chat_id), next(self._message_ids), text, params.get("reply_markup"))
        self.messages[(chat_id, message.message_id)] = message
        return self.message_json(message)

    async def _api_sendPhoto(self, params: dict) -> dict:  # noqa: N802
        """A photo, uploaded (bytes kept in ``photos``) with an HTML caption of at most 1,024 characters."""
        photo = params.get("photo")
        if not isinstance(photo, bytes) or not photo:
            raise BotApiError(400, "Bad Request: there is no photo in the request")
        sent = self._captioned(params)
        key = (sent["chat"]["id"], sent["message_id"])
        self.photos[key] = photo
        sent["photo"] = [{"file_id": f"photo-{key[1]}", "file_unique_id": str(key[1]), "width": 1080, "height": 1350}]
        return sent

    async def _api_sendDocument(self, params: dict) -> dict:  # noqa: N802
        """A file, uploaded (kept in ``documents``) with an HTML caption of at most 1,024 characters."""
        document = params.get("document")
        if not isinstance(document, Upload) or not document:
            raise BotApiError(400, "Bad Request: there is no document in the request")
        if len(document) > 50 * 1024 * 1024:
            raise BotApiError(413, "Request Entity Too Large")
        sent = self._captioned(params)
        key = (sent["chat"]["id"], sent["message_id"])
        self.documents[key] = SentDocument(document.filename, bytes(document))
        sent["document"] = {"file_id": f"document-{key[1]}", "file_unique_id": str(key[1]),
                            "file_name": document.filename, "file_size": len(document)}  # fmt: skip
        return sent

    def _captioned(self, params: dict) -> dict:
        """Store a message sent with a file, its HTML caption checked as Telegram checks it; its JSON, caption included."""
        chat_id = int(params["chat_id"])
        caption = params.get("caption", "")
        shown = parse_html(caption) if params.get("parse_mode") == "HTML" and caption else caption
        if utf16_length(shown) > MAX_CAPTION:
            raise BotApiError(400, "Bad Request: message caption is too long")
        check_markup(params.get("reply_markup"))
        message = StoredMessage(self._chat(chat_id), next(self._message_ids), caption, params.get("reply_markup"))
        self.messages[(chat_id, message.message_id)] = message
        sent = self.message_json(message)
        sent["caption"] = sent.pop("text")
        return sent

    async def _api_editMessageText(self, params: dict) -> dict:  # noqa: N802
        text = self._text(params)
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message.text == text and message.reply_markup == markup:
            raise BotApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are"
                " exactly the same as a current content and reply markup of the message",
            )
        message.text, message.reply_markup = text, markup
        return self.message_json(message)

    async def _api_editMessageReplyMarkup(self, params: dict) -> dict:  # noqa: N802
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        check_markup(markup)
        if message.reply_markup == markup:
            raise BotApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        return self.message_json(message)

    async def _api_answerCallbackQuery(self, params: dict) -> bool:  # noqa: N802
        callback_id = params["callback_query_id"]
        if callback_id in self.answered_callbacks:
            raise BotApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text", "") or "") > 200:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.answered_callbacks[callback_id] = params
        return True

    async def _api_getFile(self, params: dict) -> dict:  # noqa: N802
        file_id = params["file_id"]
        if file_id not in self.files:
            raise BotApiError(400, "Bad Request: invalid file_id")
        path, content = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content), "file_path": path}
