"""Answering questions: a private message, /ask in a group, a reply to the bot; and the buttons under an answer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from contextlib import suppress

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.i18n import N_, Translator
from bot.monitoring.metrics import Failure
from bot.readers.lists import list_page
from bot.render.answers import MAX_QUESTION_CHARS, feedback_buttons, render_answer, render_article
from bot.replies import edit_message
from bot.services import BotServices, services, translator
from retrieval import NotFoundError
from retrieval.errors import IndexRebuildingError
from retrieval.models import OpenedVia

log = logging.getLogger(__name__)

ANSWER_PAGE_SIZE = 3
# An answer slower than this shows "typing…" while it is found.
TYPING_AFTER_SECONDS = 1.0


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /ask <question> (the way to ask in groups)."""
    question = " ".join(context.args or [])
    if not question.strip():
        tr = await translator(update, context)
        await update.effective_message.reply_html(
            tr("Write your question after the command, e.g. <code>/ask Albania MEK camp</code>")
        )
        return
    await answer(update.effective_message, context, question)


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a plain message in a private chat."""
    await answer(update.effective_message, context, update.effective_message.text or "")


async def reply_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message that replies to one of the bot's own messages."""
    message = update.effective_message
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    await answer(message, context, message.text or "")


async def answer(message: Message, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Search and reply with the first page of results."""
    bot_services = services(context)
    question_text = text[: MAX_QUESTION_CHARS]
    started = time.perf_counter()
    search = asyncio.ensure_future(bot_services.archive.search(question_text, limit=ANSWER_PAGE_SIZE))
    done, _ = await asyncio.wait({search}, timeout=TYPING_AFTER_SECONDS)
    if not done:
        # Only a slow answer shows "typing…": every call spends Telegram's
        # 30-a-second budget, and a fast answer would arrive before it shows.
        with suppress(TelegramError):  # cosmetic: the answer still follows
            await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
    user = message.from_user
    quote = message.chat.type != ChatType.PRIVATE
    try:
        result = await search
    except IndexRebuildingError:
        bot_services.metrics.failed(Failure.SEARCH)
        tr = await bot_services.translator(user)
        await message.reply_html(tr(REBUILDING), do_quote=quote)
        return
    bot_services.metrics.question(time.perf_counter() - started, found=bool(result.hits))
    question_id, key = await bot_services.best_effort(
        bot_services.archive.record_answer(user.id if user else None, result), (None, ""), "a question and its paging key"
    )
    tr = await bot_services.translator(user)
    reply = render_answer(result, key, ANSWER_PAGE_SIZE, question_id, tr)
    await message.reply_html(reply.text, reply_markup=reply.keyboard, do_quote=quote)


async def send_article(
    message: Message, bot_services: BotServices, article_id: int, via: OpenedVia, user_id: int | None, tr: Translator
) -> bool:
    """Send an article's opening and count the open; False if it no longer exists."""
    try:
        await bot_services.best_effort(bot_services.archive.record_open(article_id, via, user_id), None, "an open")
        article = await bot_services.archive.article(article_id)
    except NotFoundError:
        await message.reply_html(tr("That article is no longer in the archive. Try /latest."))
        return False
    reply = render_article(article, tr)
    await message.reply_html(reply.text, do_quote=False)
    return True


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle More/Back/Read buttons; every press is answered, even a stale one."""
    query = update.callback_query
    answered = False
    tr = await translator(update, context)
    try:
        note = await _handle_button(query.data, query.message, services(context), query.from_user.id, tr)
        await query.answer(note)
        answered = True
    finally:
        if not answered:
            # Translators: popup, at most 200 characters.
            await query.answer(tr("Sorry, that did not work. Please try again."))


_EXPIRED = N_("This list has expired. Send your question again.")
REBUILDING = N_(
    "🔧 Search is being rebuilt after a problem with its files. Please ask again in a few minutes;"
    " /latest works meanwhile."
)
REBUILDING_SHORT = N_("Search is being rebuilt: please try again in a few minutes.")


async def _handle_button(
    data: str | None, message: Message | None, bot_services: BotServices, user_id: int, tr: Translator
) -> str | None:
    """Do what a button asks; returns a short notice for the button press, if any."""
    action = callbacks.decode(data)
    if action is None or not isinstance(message, Message):
        return tr(_EXPIRED)
    if isinstance(action, callbacks.ReadArticle):
        via = OpenedVia.PUSH if action.via == "push" else OpenedVia.ANSWER
        opened = await send_article(message, bot_services, action.article_id, via, user_id, tr)
        return None if opened else tr("That article was removed.")
    if isinstance(action, callbacks.Feedback):
        return await _feedback(message, bot_services, action, user_id, tr)
    if isinstance(action, callbacks.SearchPage):
        remembered = await bot_services.archive.recall_question(action.key)
        if remembered is None:
            return tr(_EXPIRED)
        question_text, question_id = remembered
        try:
            result = await bot_services.archive.search(question_text, limit=ANSWER_PAGE_SIZE, offset=action.offset)
        except IndexRebuildingError:
            bot_services.metrics.failed(Failure.SEARCH)
            return tr(REBUILDING_SHORT)
        reply = render_answer(result, action.key, ANSWER_PAGE_SIZE, question_id, tr)
    elif isinstance(action, callbacks.LatestPage | callbacks.TopPage):
        reply = await list_page(bot_services, action, tr)
    else:
        return tr(_EXPIRED)
    await edit_message(message, reply)
    return None


async def _feedback(
    message: Message, bot_services: BotServices, action: callbacks.Feedback, user_id: int, tr: Translator
) -> str:
    """Count a 👍/👎 once per reader and answer, and show the counts on the buttons."""
    try:
        counted, up, down = await bot_services.archive.record_feedback(action.question_id, user_id, action.liked)
    except NotFoundError:
        return tr("Thanks! This answer is too old to rate.")
    if not counted:
        return tr("You already rated this answer. Thanks!")
    markup = message.reply_markup
    if markup is not None:
        rows = [_with_feedback(row, action.question_id, up, down) for row in markup.inline_keyboard]
        with suppress(BadRequest):
            await message.edit_reply_markup(InlineKeyboardMarkup(rows))
    return tr("Thanks, noted! 👍") if action.liked else tr("Thanks, noted. We will try to do better.")


def _with_feedback(row: Sequence[InlineKeyboardButton], question_id: int, up: int, down: int) -> list[InlineKeyboardButton]:
    """The row with its 👍/👎 buttons showing the counts (other buttons unchanged)."""
    kept = [button for button in row if not (button.callback_data or "").startswith("v|")]
    return kept + feedback_buttons(question_id, up, down) if len(kept) < len(row) else list(row)
