"""The composition root of the bot: settings → archive → Application.

``build_application`` wires handlers only; the archive is opened in
``post_init`` and closed in ``post_shutdown`` so the same factory serves
``newsbot run`` and the end-to-end tests.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.admin import archive as admin_archive
from bot.admin import feeds, load, reports
from bot.i18n import N_, Translator, languages
from bot.monitoring.metrics import Metrics
from bot.readers import answers, follows, inline, language, lists, welcome
from bot.sending import jobs
from bot.sending.delivery import ChatOrderProcessor, SendLimiter, SharedSendLimiter, current_outcome
from bot.services import BotServices, install, services, services_in
from bot.settings import BotSettings
from retrieval import Archive
from retrieval.errors import StoreUnavailableError
from retrieval.outbox.models import OVERALL

log = logging.getLogger(__name__)

# The command menu, as Telegram shows it beside the text field (a description takes at most 256 characters).
READER_COMMANDS = [
    BotCommand("ask", N_("Ask a question about the news")),
    BotCommand("latest", N_("The newest articles")),
    BotCommand("top", N_("The most read articles")),
    BotCommand("follow", N_("Get new articles about a topic")),
    BotCommand("following", N_("The topics you follow")),
    BotCommand("stop", N_("Pause new-article messages")),
    BotCommand("forget", N_("Delete what the bot keeps about you")),
    BotCommand("language", N_("Choose the bot's language")),
    BotCommand("help", N_("How to use this bot")),
]
ADMIN_COMMANDS = READER_COMMANDS + [
    BotCommand("load", N_("Load article pages by URL")),
    BotCommand("feeds", N_("Feeds the archive polls")),
    BotCommand("feed", N_("Add, pause, resume, check or remove a feed")),
    BotCommand("delete", N_("Delete an article")),
    BotCommand("stats", N_("Archive figures")),
    BotCommand("insights", N_("What readers ask and miss")),
    BotCommand("reindex", N_("Rebuild the search index")),
]
# Sends answered 429 are retried this many times (failures on the way: bot.sending.delivery).
SEND_RETRIES = 5
CONCURRENT_UPDATES = 32


def build_application(settings: BotSettings) -> Application:
    """Build the bot for ``settings``; raises SettingsError without a token."""
    token = settings.require_token()

    metrics = Metrics()
    limiter = (
        SharedSendLimiter(max_retries=SEND_RETRIES, metrics=metrics)
        if settings.database_url
        else SendLimiter(overall_max_rate=1, overall_time_period=OVERALL.gap, max_retries=SEND_RETRIES, metrics=metrics)
    )

    async def open_services(application: Application) -> None:
        archive = await Archive.open(settings)
        if isinstance(limiter, SharedSendLimiter):
            limiter.attach(archive.send_budget)
        install(application.bot_data, BotServices(settings=settings, archive=archive, metrics=metrics))
        await register_commands(application, settings)
        jobs.schedule(application)

    async def close_services(application: Application) -> None:
        await services_in(application.bot_data).archive.close()

    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .rate_limiter(limiter)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(ChatOrderProcessor(CONCURRENT_UPDATES))
        .post_init(open_services)
        .post_shutdown(close_services)
        .build()
    )
    add_handlers(application)
    return application


async def note_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember when the last update arrived (for health checks)."""
    services(context).last_update_at = datetime.now(UTC)


def add_handlers(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND
    application.add_handler(TypeHandler(Update, note_update), group=-1)
    application.add_handler(CommandHandler("start", welcome.start))
    application.add_handler(CommandHandler("help", welcome.help_command))
    application.add_handler(CommandHandler("ask", answers.ask_command))
    application.add_handler(CommandHandler("latest", lists.latest))
    application.add_handler(CommandHandler("top", lists.top))
    application.add_handler(CommandHandler("follow", follows.follow_command))
    application.add_handler(CommandHandler("following", follows.following_command))
    application.add_handler(CommandHandler("unfollow", follows.unfollow_command))
    application.add_handler(CommandHandler("stop", follows.stop_command))
    application.add_handler(CommandHandler("resume", follows.resume_command))
    application.add_handler(CommandHandler("forget", welcome.forget_command))
    application.add_handler(CommandHandler("language", language.language_command))
    application.add_handler(CommandHandler("insights", admin_archive.insights_command))
    application.add_handler(CommandHandler("load", load.load_command))
    application.add_handler(CommandHandler("delete", admin_archive.delete_command))
    application.add_handler(CommandHandler("stats", admin_archive.stats_command))
    application.add_handler(CommandHandler("feeds", feeds.feeds_command))
    application.add_handler(CommandHandler("feed", feeds.feed_command))
    application.add_handler(CommandHandler("reindex", admin_archive.reindex_command))
    application.add_handler(MessageHandler(filters.Document.ALL & private, load.document))
    application.add_handler(MessageHandler(text & private, answers.question))
    application.add_handler(MessageHandler(text & filters.ChatType.GROUPS & filters.REPLY, answers.reply_question))
    application.add_handler(MessageHandler(filters.COMMAND & private, welcome.unknown_command))
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.Document.ALL & ~filters.StatusUpdate.ALL, welcome.not_text)
    )
    application.add_handler(CallbackQueryHandler(feeds.on_feed_button, pattern=r"^f\|"))
    application.add_handler(CallbackQueryHandler(follows.on_follow_button, pattern=r"^[wu]\|"))
    application.add_handler(CallbackQueryHandler(language.on_language_button, pattern=r"^gp?\|"))
    application.add_handler(CallbackQueryHandler(reports.on_report_button, pattern=r"^p\|"))
    application.add_handler(InlineQueryHandler(inline.inline_query))
    application.add_handler(ChosenInlineResultHandler(inline.chosen_result))
    application.add_handler(CallbackQueryHandler(answers.on_button))
    application.add_error_handler(on_error)


def _translated(commands: list[BotCommand], tr: Translator) -> list[BotCommand]:
    return [BotCommand(command.command, tr(command.description)) for command in commands]


def menu_languages() -> dict[str, str]:
    """The two-letter code Telegram takes for a menu (ISO 639-1) → the catalogue shown under it: a language's own
    file, else its first regional one (pt_BR for pt); English is the menu without a code."""
    menus: dict[str, str] = {}
    for code in languages():
        language = code.split("_")[0]
        if language != "en" and len(language) == 2 and (language not in menus or code == language):
            menus[language] = code
    return menus


async def register_commands(application: Application, settings: BotSettings) -> None:
    """Show the command menu in every language (admins see theirs too); a failure is only logged."""
    menus = menu_languages()
    try:
        await application.bot.set_my_commands(READER_COMMANDS)
        for language, code in menus.items():  # Telegram shows these to readers whose app is in that language
            await application.bot.set_my_commands(_translated(READER_COMMANDS, Translator(code)), language_code=language)
        for admin_id in settings.admin_ids:
            scope = BotCommandScopeChat(admin_id)
            await application.bot.set_my_commands(ADMIN_COMMANDS, scope=scope)
            for language, code in menus.items():
                await application.bot.set_my_commands(
                    _translated(ADMIN_COMMANDS, Translator(code)), scope=scope, language_code=language
                )
    except TelegramError as error:
        log.warning("could not register the command menu: %s", error)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every failed update with its id, then tell the user briefly.

    Except a webhook update that failed because the store was away before
    anything reached the chat: it is left unacknowledged (``bot.webhook``),
    Telegram sends it again and it is answered then, so the reader gets the
    answer rather than an apology. A scheduled job the store's absence
    stopped is one line (once a minute): it runs again at its next turn.
    """
    update_id = update.update_id if isinstance(update, Update) else None
    store_away = isinstance(context.error, StoreUnavailableError)
    outcome = current_outcome()
    if store_away and outcome is not None and outcome.may_come_again:
        outcome.store_away = True
        services(context).note_store_away(update_id, context.error)
        return
    if store_away and update is None:  # a scheduled job: it runs again at its next turn
        services(context).note_job_waits(context.error)
        return
    log.error("update %s failed", update_id, exc_info=context.error)
    services(context).metrics.error()
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            tr = await services(context).translator(update.effective_user)
        except Exception:  # the store may be what failed: say it in English
            tr = Translator()
        try:
            await context.bot.send_message(
                update.effective_chat.id, tr("Sorry, something went wrong on my side. Please try again in a moment.")
            )
        except TelegramError as error:
            log.warning("could not tell chat %s about the error: %s", update.effective_chat.id, error)
