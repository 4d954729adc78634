"""``newsbot try``: the real bot against the local Bot API, and one person's chat with it in the terminal.

Which archive. By default a new one in a temporary folder, holding the demo
articles and deleted when the chat ends: nothing of a real bot is opened.
``--archive`` first copies the configured archive (NEWSBOT_DB_PATH, or
NEWSBOT_DATABASE_URL) into that folder, with ``newsbot copy-store``'s copy,
which only reads it, and runs on the copy: the newsroom's own articles,
while the questions, opens, ratings, follows, loads and deletes of the chat
change the copy alone, so the weekly report never counts them. Either way
the channel is unset and a copied archive's feeds are paused, so the bot
posts nowhere and fetches nothing by itself; only a ``/load`` or ``/feed``
typed in the chat goes to the web.

The person at the keyboard is one Telegram user in a private chat with the
bot (``--admin`` puts them in NEWSBOT_ADMIN_IDS, ``--language`` sets their
app's language). A line they type is sent as a message; a number presses
that button under the bot's last message with buttons (a link to the bot
itself opens it, as Telegram does); ``/file PATH`` sends a file, as an admin
uploads one; ``/quit`` or the end of input (Ctrl+D) leaves. Each line waits
until the bot's reply has settled before the next is read, so a script of
lines reads as a conversation (the tests drive it so); what the bot sends
later, such as a load's progress or a followed topic's new article, shows
when it comes.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pydantic import SecretStr

from bot.app import build_application
from bot.runner import serving
from bot.settings import BotSettings
from bot.trial.botapi import Call, LocalBotApi
from bot.trial.screen import Button, Style, render_message
from retrieval import Archive
from retrieval.settings import SettingsError
from retrieval.store.maintenance import copy_into, store_name
from retrieval.text.clean import strip_controls

# The Telegram user at the keyboard (a private chat's id is its user's).
TRIAL_USER_ID = 7_000_001
QUIT_WORDS = frozenset({"/quit", "/exit"})
FILE_COMMAND = "/file"
PROMPT = "you › "
# The longest wait for the first sign of a reply; after that the next line is read, and the reply shows when it comes.
FIRST_REPLY_SECONDS = 30.0
# A reply is whole once the bot has made no call for this long (an answer, then its edit or button answer).
QUIET_SECONDS = 0.3
# Long polling against the stand-in: short, so leaving takes no longer than this.
POLL_SECONDS = 1
_SHOWN_METHODS = frozenset({"sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup"})
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")

ReadLine = Callable[[], Awaitable[str | None]]
Write = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class TrialOptions:
    """Who the person at the keyboard is, and which archive the bot answers from."""

    admin: bool = False
    language: str = "en"
    own_archive: bool = False


def start_payload(url: str, bot_username: str) -> str | None:
    """What a t.me link to the bot itself sends as ``/start`` ("" for none), or None for any other link."""
    parts = urlsplit(url)
    if parts.netloc.lower() not in ("t.me", "telegram.me") or parts.path.strip("/").lower() != bot_username.lower():
        return None
    return parse_qs(parts.query).get("start", [""])[0]


class TerminalChat:
    """One person's private chat with the bot: their lines go in as updates, the bot's calls come out as text."""

    def __init__(self, api: LocalBotApi, write: Write, folder: Path, style: Style, user_id: int = TRIAL_USER_ID) -> None:
        self.api = api
        self.write = write
        self.folder = folder
        self.style = style
        self.user_id = user_id
        self._looked_at = 0  # calls already shown or passed over
        self._buttons: tuple[Button, ...] = ()
        self._buttons_under: int | None = None  # the message they are under
        self._presses: set[str] = set()  # callback query ids of this chat's presses

    def _for_me(self, call: Call) -> bool:
        if call.method == "answerCallbackQuery":
            return call.params.get("callback_query_id") in self._presses
        return call.method in _SHOWN_METHODS and str(call.params.get("chat_id")) == str(self.user_id)

    async def show_calls(self) -> None:
        """Show the bot's calls to this chat as they come, for as long as the chat lasts."""
        while True:
            with suppress(TimeoutError):
                call = await self.api.wait_for(lambda _: True, timeout=3600, after=self._looked_at)
                self._looked_at += 1
                self.show(call)

    def show(self, call: Call) -> None:
        """Show one call of the bot, if it is to this chat: a message, an edit, a picture, a button's answer, a refusal."""
        if not self._for_me(call):
            return
        params = call.params
        if call.method == "answerCallbackQuery":
            if params.get("text"):
                kind = "alert" if str(params.get("show_alert")).lower() == "true" else "notice"
                self.write(f"── bot · {kind}: {strip_controls(params['text'])}\n")
            return
        if call.status != 200:
            if "not modified" not in call.description:  # the bot knows an unchanged edit is refused, and shrugs
                self.write(f"── Telegram would refuse this {call.method}: {call.description}\n")
            return
        message_id = call.result["message_id"]
        html = params.get("parse_mode") == "HTML"
        text = params.get("text", "")
        if call.method == "sendPhoto":
            picture = self.folder / f"picture-{message_id}.png"
            picture.write_bytes(self.api.photos[(self.user_id, message_id)])
            heading = f"message {message_id}, a picture: {picture}"
            text = params.get("caption", "")
        elif call.method == "sendDocument":
            document = self.api.documents[(self.user_id, message_id)]
            saved = self.folder / f"document-{message_id}-{Path(document.name).name or 'file'}"
            saved.write_bytes(document.content)
            heading = f"message {message_id}, a file: {saved}"
            text = params.get("caption", "")
        elif call.method == "editMessageReplyMarkup":  # the text stands: only the buttons are shown again
            heading = f"message {message_id}, its buttons changed"
        elif call.method == "editMessageText":
            heading = f"message {message_id}, edited"
        else:
            heading = f"message {message_id}"
        shown = render_message(text, params.get("reply_markup"), html=html, style=self.style)
        self.write(f"── bot · {heading}\n{shown.text}\n")
        if shown.buttons:
            self._buttons, self._buttons_under = shown.buttons, message_id
        elif message_id == self._buttons_under:
            self._buttons, self._buttons_under = (), None

    async def say(self, line: str) -> bool:
        """Act on one line the person typed and wait for the reply; False when they leave."""
        words = line.strip()
        if not words:
            return True
        if words.lower() in QUIT_WORDS:
            return False
        mark = self.api.mark()
        if words.isdigit():
            sent = await self._press(int(words))
        elif words.split()[0] == FILE_COMMAND:
            sent = await self._send_file(words[len(FILE_COMMAND) :].strip())
        else:
            await self.api.send_text(words, user_id=self.user_id)
            sent = True
        if sent:
            await self._settle(mark)
        return True

    async def _press(self, number: int) -> bool:
        button = next((button for button in self._buttons if button.number == number), None)
        if button is None:
            where = "under the bot's last message with buttons" if self._buttons else "(no message has buttons yet)"
            self.write(f"(no button {number} {where})\n")
            return False
        self.write(f"(you pressed [{number}] {button.text})\n")
        if button.callback_data is not None and self._buttons_under is not None:
            message = self.api.messages[(self.user_id, self._buttons_under)]
            self._presses.add(await self.api.press(message, button.callback_data, user_id=self.user_id))
            return True
        payload = start_payload(button.url or "", self.api.bot_user["username"])
        if payload is not None:  # Telegram opens the chat with the bot and sends /start with the link's payload
            await self.api.send_text(f"/start {payload}".strip(), user_id=self.user_id)
            return True
        if button.url:
            self.write(f"(a link: open {button.url} in a browser)\n")
        else:
            self.write(f"(this button works in Telegram ({button.other}), not in this chat)\n")
        return False

    async def _send_file(self, name: str) -> bool:
        if not name:
            self.write(f"(say which file: {FILE_COMMAND} PATH)\n")
            return False
        path = Path(name).expanduser()
        try:
            content = path.read_bytes()
        except OSError as error:
            self.write(f"(cannot read {path}: {error.strerror or error})\n")
            return False
        self.write(f"(you sent the file {path.name}, {len(content):,} bytes)\n")
        await self.api.send_document(content, path.name, user_id=self.user_id)
        return True

    async def _settle(self, mark: int) -> None:
        """Wait for the bot's reply to what was just sent: its first sign, then quiet, then everything shown."""
        try:
            await self.api.wait_for(self._for_me, timeout=FIRST_REPLY_SECONDS, after=mark)
        except TimeoutError:
            self.write("(no reply yet: the bot is still working, and its reply shows when it comes)\n")
            return

        def busy() -> int:
            return sum(1 for call in self.api.calls[mark:] if call.method != "getUpdates")

        before, now = -1, busy()
        while now != before:
            await asyncio.sleep(QUIET_SECONDS)
            before, now = now, busy()
        while self._looked_at < len(self.api.calls):
            await asyncio.sleep(0.01)

    async def converse(self, read_line: ReadLine, echo: bool) -> None:
        """Open the chat as Telegram does (/start), then take the person's lines until they leave."""
        line: str | None = "/start"
        self.write(f"{PROMPT}/start\n")
        while line is not None and await self.say(line):
            line = await read_line()
            if line is None:
                self.write("\n")
            elif echo:
                self.write(line.rstrip("\n") + "\n")


def terminal_lines(prompt: str = PROMPT) -> ReadLine:
    """Lines from standard input, each read in a thread of its own when asked for (Ctrl+C can always leave)."""

    async def read_line() -> str | None:
        loop = asyncio.get_running_loop()
        got: asyncio.Future[str | None] = loop.create_future()

        def deliver(line: str | None) -> None:
            if not got.done():
                got.set_result(line)

        def read() -> None:
            try:
                line: str | None = input(prompt)
            except EOFError:
                line = None
            with suppress(RuntimeError):  # the chat ended meanwhile: its loop is closed
                loop.call_soon_threadsafe(deliver, line)

        threading.Thread(target=read, name="newsbot-try-input", daemon=True).start()
        return await got

    return read_line


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def trial_settings(settings: BotSettings, folder: Path, options: TrialOptions) -> BotSettings:
    """The archive settings of the chat: a new archive in ``folder``; no channel, index snapshots or webhook."""
    return settings.model_copy(
        update={
            "db_path": folder / "newsbot.sqlite3",
            "database_url": None,
            "index_path": None,
            "index_snapshot_path": None,
            "channel_id": None,
            "load_seeds": settings.load_seeds if options.own_archive else True,
            "webhook_url": None,
            "webhook_secret": None,
            "metrics_port": None,
        }
    )


async def prepare_archive(settings: BotSettings, trial: BotSettings, options: TrialOptions, write: Write) -> str:
    """Make the chat's archive (a copy of the configured one, or the demo articles) and say what it holds."""
    if options.own_archive:
        if settings.database_url is None and not settings.db_path.exists():
            raise SettingsError(
                f"--archive: there is no archive at {settings.db_path} yet: load articles with 'newsbot load'"
                " first, or leave out --archive to try the bot on the demo articles"
            )
        write(f"Copying {store_name(settings)} into a temporary archive (yours is only read)…\n")
        await copy_into(settings, str(trial.db_path))
    async with await Archive.open(trial) as archive:
        paused = [feed for feed in await archive.feeds.all() if not feed.paused]
        for feed in paused:
            await archive.feeds.pause(feed.id)
        articles = (await archive.stats()).store.articles
    folder = trial.db_path.parent
    if not options.own_archive:
        return f"a new one with the {_count(articles, 'demo article')}, in {folder} (deleted when you leave)"
    feeds = f"; {_count(len(paused), 'feed')} paused in the copy, so nothing is fetched" if paused else ""
    return (
        f"a copy of {store_name(settings)} ({_count(articles, 'article')}) in {folder}: the chat changes only the"
        f" copy, deleted when you leave{feeds}"
    )


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}" + ("" if number == 1 else "s")


def _introduction(archive: str, options: TrialOptions) -> str:
    who = "an admin" if options.admin else "a reader (--admin to try the admins' commands too)"
    language = options.language + ("" if options.language != "en" else " (--language fa for Persian)")
    return (
        "newsbot try: the real bot on this computer, with a stand-in for Telegram on 127.0.0.1.\n"
        f"Archive: {archive}.\n"
        f"You: {who}, in a private chat with the bot; your Telegram app's language: {language}.\n"
        "Type a question or a command (/latest, /top, /language, /help …); type a button's number to press it;"
        f" {FILE_COMMAND} PATH sends a file; /quit or Ctrl+D leaves.\n\n"
    )


async def run_trial(
    settings: BotSettings,
    options: TrialOptions,
    read_line: ReadLine | None = None,
    write: Write = _write,
    is_terminal: bool | None = None,
) -> None:
    """Run the bot against the local Bot API and chat with it until the person leaves (see the module docstring)."""
    if not _LANGUAGE_CODE.fullmatch(options.language):
        raise SettingsError(f"--language must be a language code such as en or fa, not {options.language!r}")
    is_terminal = sys.stdin.isatty() and sys.stdout.isatty() if is_terminal is None else is_terminal
    if is_terminal:
        with suppress(ImportError):
            import readline  # noqa: F401 (line editing and history for input())
    with tempfile.TemporaryDirectory(prefix="newsbot-try-") as name:
        folder = Path(name)
        trial = trial_settings(settings, folder, options)
        archive = await prepare_archive(settings, trial, options, write)
        api = LocalBotApi()
        await api.start()
        try:
            api.user_languages[TRIAL_USER_ID] = options.language
            bot_settings = trial.model_copy(
                update={
                    "bot_token": SecretStr(api.token),
                    "api_base_url": api.api_url,
                    "api_file_url": api.file_url,
                    "admin_ids": frozenset({TRIAL_USER_ID}) if options.admin else frozenset(),
                }
            )
            application = build_application(bot_settings)
            async with serving(application, bot_settings, poll_timeout=POLL_SECONDS):
                write(_introduction(archive, options))
                chat = TerminalChat(api, write, folder, Style.for_terminal(is_terminal))
                shower = asyncio.create_task(chat.show_calls())
                try:
                    await chat.converse(read_line or terminal_lines(), echo=not is_terminal)
                finally:
                    shower.cancel()
                    with suppress(asyncio.CancelledError):
                        await shower
        finally:
            await api.stop()
