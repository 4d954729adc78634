"""The first words with a reader: /start (and its deep links to an article), /help, /forget, and what the bot
cannot read."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import N_, Plural
from bot.readers.answers import send_article
from bot.services import services, translator
from retrieval.models import OpenedVia, parse_number

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
    "/language — the language I write in\n\n"
    "<b>In any chat</b>\n"
    "Type @ and my username, then a question, to share an article there.\n\n"
    "<b>Privacy</b>\n"
    "{privacy}"
)
PRIVACY = Plural(
    "I keep your questions and 👍/👎 for {count} day so the newsroom learns what readers look for, "
    "under a code instead of your Telegram id. /forget deletes them and your topics at once.",
    "I keep your questions and 👍/👎 for {count} days so the newsroom learns what readers look for, "
    "under a code instead of your Telegram id. /forget deletes them and your topics at once.",
)


ADMIN_HELP = N_(
    "\n\n<b>Admin</b>\n"
    "/load URL [URL …] — load article pages\n"
    "Send a .jsonl, .json, .csv, .html or .zip file to load it\n"
    "/feeds — the feeds I poll, with buttons to pause, check or remove them\n"
    "/feed add URL [every 15m] — poll an RSS, Atom or JSON feed or a sitemap\n"
    "/delete ID|URL — delete an article; /delete demo — the demo articles\n"
    "/stats — archive figures\n"
    "/insights [week|month|all] — what readers ask, miss, follow and open\n"
    "/reindex — rebuild the search index"
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome a reader, or open the article of a deep link (/start a_<id>)."""
    payload = context.args[0] if context.args else ""
    bot_services = services(context)
    await bot_services.archive.follows.resume_if_blocked(update.effective_chat.id)
    tr = await translator(update, context)
    article_id = parse_number(payload[2:]) if payload.startswith("a_") else None
    if article_id is not None:  # anyone can write a link: an id no article has is "no longer in the archive"
        user_id = update.effective_user.id if update.effective_user else None
        await send_article(update.effective_message, bot_services, article_id, OpenedVia.LINK, user_id, tr)
        return
    await update.effective_message.reply_html(tr(WELCOME))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the commands (admins also see theirs)."""
    bot_services = services(context)
    tr = await translator(update, context)
    extra = tr(ADMIN_HELP) if bot_services.is_admin(update.effective_user) else ""
    privacy = tr(PRIVACY, count=bot_services.settings.retention_days)
    await update.effective_message.reply_html(tr(HELP, privacy=privacy) + extra)


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: delete the reader's questions, ratings and topics (what the privacy note promises)."""
    user = update.effective_user
    if user is None:
        return
    tr = await translator(update, context)
    forgotten = await services(context).archive.forget(user.id)
    await update.effective_message.reply_html(
        # Translators: {questions} and {ratings} are “{count} questions”, “{count} ratings” as their own messages say them.
        tr.plural(
            "🗑 Done. I deleted everything I kept about you: {questions}, {ratings} and {count} followed topic;"
            " the articles you opened are no longer linked to you.",
            "🗑 Done. I deleted everything I kept about you: {questions}, {ratings} and {count} followed topics;"
            " the articles you opened are no longer linked to you.",
            forgotten.topics,
            questions=tr.plural("{count} question", "{count} questions", forgotten.questions),
            ratings=tr.plural("{count} rating", "{count} ratings", forgotten.feedback),
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
