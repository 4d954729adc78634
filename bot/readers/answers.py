"""Reader-facing handlers: questions, /latest, /top, /start, /help and buttons."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.arguments import MAX_COUNT, UsageError, parse_count_and_window
from bot.i18n import N_, Translator
from bot.render.answers import MAX_QUESTION_CHARS, feedback_buttons, render_answer, render_article, render_headlines
from bot.render.html import Reply, escape
from bot.replies import edit_message
from bot.services import BotServices, services, translator
from retrieval import NotFoundError, TopWindow
from retrieval.models import OpenedVia

log = logging.getLogger(__name__)

ANSWER_PAGE_SIZE = 3
# An answer slower than this shows "typing…" while it is found.
TYPING_AFTER_SECONDS = 1.0

WELCOME = N_(
    "👋 I answer questions from this site's news archive.\n\n"
    "Just write a question, for example:\n"
    "<i>Who wants the MEK removed from the terrorist list?</i>\n\n"
    "I reply with the articles that answer it best, quoting the key sentences.\n\n"
    "/latest — the newest articles\n"
    "/top — the most read (add <i>week</i> or <i>month</i>)\n"
    "/follow <i>words</i> — get new articles about a topic\n"
    "/help — how to use me"
)
HELP = N_(
    "<b>How to use this bot</b>\n\n"
    "• In a private chat, send any question. In a group, use <code>/ask your question</code> "
    "or reply to one of my messages.\n"
    "• Use names, places and topics: <i>Albania MEK camp</i> works better than <i>what happened</i>.\n"
    "• <b>More ›</b> and <b>‹ Back</b> page through the results; <b>Read</b> opens an article.\n\n"
    "/latest [number] — the newest articles (up to 20)\n"
    "/top [number] [week|month|all] — the most read articles\n"
    "/ask question — ask in a group\n\n"
    "<b>Follow topics</b>\n"
    "/follow words — I send you each new article about them (e.g. <code>/follow MEK Albania</code>); "
    "several at once come as one digest\n"
    "/following — your topics, with buttons to unfollow\n"
    "/unfollow number|words — stop following one\n"
    "/stop — pause all new-article messages, /resume — get them again\n"
    "/language — English or فارسی\n\n"
    "<b>In any chat</b>\n"
    "Type @ and my username, then a question, to share an article there.\n\n"
    "<b>Privacy</b>\n"
    "I keep your questions and 👍/👎 for {days} days so the newsroom learns what readers look for, "
    "under a code instead of your Telegram id. /forget deletes them and your topics at once."
)
ADMIN_HELP = N_(
    "\n\n<b>Admin</b>\n"
    "/load URL [URL …] — load article pages\n"
    "Send a .jsonl, .json, .csv, .html or .zip file to load it\n"
    "/feeds — the feeds I poll, with buttons to pause, check or remove them\n"
    "/feed add URL [every 15m] — poll an RSS, Atom or JSON feed or a sitemap\n"
    "/delete ID|URL — delete an article\n"
    "/stats — archive figures\n"
    "/insights [week|month|all] — what readers ask, miss, follow and open\n"
    "/reindex — rebuild the search index"
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome a reader, or open the article of a deep link (/start a_<id>)."""
    payload = context.args[0] if context.args else ""
    await services(context).archive.follows.resume_if_blocked(update.effective_chat.id)
    if payload.startswith("a_") and payload[2:].isdigit():
        user_id = update.effective_user.id if update.effective_user else None
        tr = await translator(update, context)
        await send_article(update.effective_message, services(context), int(payload[2:]), OpenedVia.LINK, user_id, tr)
        return
    tr = await translator(update, context)
    await update.effective_message.reply_html(tr(WELCOME))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the commands (admins also see theirs)."""
    bot_services = services(context)
    tr = await translator(update, context)
    extra = tr(ADMIN_HELP) if bot_services.is_admin(update.effective_user) else ""
    await update.effective_message.reply_html(tr(HELP, days=bot_services.settings.retention_days) + extra)


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
    result = await search
    bot_services.metrics.question(time.perf_counter() - started, found=bool(result.hits))
    user = message.from_user
    question_id, key = await bot_services.archive.record_answer(user.id if user else None, result)
    tr = await bot_services.translator(user)
    reply = render_answer(result, key, ANSWER_PAGE_SIZE, question_id, tr)
    quote = message.chat.type != ChatType.PRIVATE
    await message.reply_html(reply.text, reply_markup=reply.keyboard, do_quote=quote)


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the newest articles: /latest [n]."""
    await _list_command(update, context, allow_window=False)


async def top(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the most viewed articles: /top [n] [week|month|all]."""
    await _list_command(update, context, allow_window=True)


async def _list_command(update: Update, context: ContextTypes.DEFAULT_TYPE, *, allow_window: bool) -> None:
    tr = await translator(update, context)
    try:
        count, window = parse_count_and_window(context.args or [], allow_window=allow_window)
    except UsageError as error:
        values = {name: tr(value) if isinstance(value, str) else value for name, value in error.values.items()}
        await update.effective_message.reply_html(escape(tr(error.message, **values)))
        return
    first: ListPage = callbacks.TopPage(window.value, count, 0) if allow_window else callbacks.LatestPage(count, 0)
    reply = await list_page(services(context), first, tr)
    await update.effective_message.reply_html(reply.text, reply_markup=reply.keyboard)


ListPage = callbacks.LatestPage | callbacks.TopPage
_TOP_TITLES = {"week": N_("Most read this week"), "month": N_("Most read this month"), "all": N_("Most read")}


async def list_page(bot_services: BotServices, page: ListPage, tr: Translator) -> Reply:
    """One page of /latest or /top, with Back/More buttons for its neighbours."""
    size = min(max(page.size, 1), MAX_COUNT)
    if isinstance(page, callbacks.TopPage):
        found = await bot_services.archive.top(size + 1, page.offset, TopWindow(page.window))
        title, show_views = tr(_TOP_TITLES[page.window]), True
    else:
        found = await bot_services.archive.latest(size + 1, page.offset)
        title, show_views = tr("Latest articles"), False
    back = replace(page, size=size, offset=max(0, page.offset - size)) if page.offset else None
    more = replace(page, size=size, offset=page.offset + size) if len(found) > size else None
    return render_headlines(
        found[:size], title=title, offset=page.offset, back=back, more=more, show_views=show_views, tr=tr
    )


async def send_article(
    message: Message, bot_services: BotServices, article_id: int, via: OpenedVia, user_id: int | None, tr: Translator
) -> bool:
    """Send an article's opening and count the open; False if it no longer exists."""
    try:
        await bot_services.archive.record_open(article_id, via, user_id)
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
            await query.answer(tr("Sorry, that did not work. Please try again."))


_EXPIRED = N_("This list has expired. Send your question again.")


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
        result = await bot_services.archive.search(question_text, limit=ANSWER_PAGE_SIZE, offset=action.offset)
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


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: delete the reader's questions, ratings and topics (what the privacy note promises)."""
    user = update.effective_user
    if user is None:
        return
    tr = await translator(update, context)
    forgotten = await services(context).archive.forget(user.id)
    await update.effective_message.reply_html(
        tr(
            "🗑 Done. I deleted everything I kept about you: {questions} questions, {ratings} ratings and"
            " {topics} followed topics; the articles you opened are no longer linked to you.",
            questions=forgotten.questions,
            ratings=forgotten.feedback,
            topics=forgotten.topics,
        )
    )


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers, voice notes…: say what works instead of staying silent."""
    tr = await translator(update, context)
    await update.effective_message.reply_html(tr("I can only read text. Send me your question in words, or see /help."))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point readers who mistype a command at /help."""
    tr = await translator(update, context)
    await update.effective_message.reply_html(tr("I don't know that command. See /help."))
