"""/language: the reader chooses the bot's language (remembered), or goes back to their app's."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import callbacks
from bot.i18n import Translator, language_name, languages, pick_language
from bot.services import services, translator

# Two buttons a row fit a phone's width with any language's own name; eight rows fit its height.
PER_ROW = 2
PER_PAGE = 16


def language_keyboard(tr: Translator, page: int = 0) -> InlineKeyboardMarkup:
    """Every catalogue by its own name (the current one ticked), paged when there are many, and a button to follow
    the Telegram app's language again."""
    codes = languages()
    pages = max(1, -(-len(codes) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = codes[page * PER_PAGE : (page + 1) * PER_PAGE]
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code == tr.language else "") + language_name(code),
            callback_data=callbacks.encode(callbacks.ChooseLanguage(code)),
        )
        for code in shown
    ]
    rows = [buttons[start : start + PER_ROW] for start in range(0, len(buttons), PER_ROW)]
    paging = []
    if page > 0:
        paging.append(InlineKeyboardButton("‹", callback_data=callbacks.encode(callbacks.LanguagePage(page - 1))))
    if page < pages - 1:
        paging.append(InlineKeyboardButton("›", callback_data=callbacks.encode(callbacks.LanguagePage(page + 1))))
    if paging:
        rows.append(paging)
    # Translators: button, under the list of languages: follow the language the reader's Telegram app is set to.
    app = tr("📱 My Telegram app's language")
    rows.append([InlineKeyboardButton(app, callback_data=callbacks.encode(callbacks.ChooseLanguage("")))])
    return InlineKeyboardMarkup(rows)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: buttons with every language the bot speaks."""
    tr = await translator(update, context)
    await update.effective_message.reply_html(tr("Choose the language I write in:"), reply_markup=language_keyboard(tr))


async def on_language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show another page of languages, or remember the chosen language and say so in it."""
    query = update.callback_query
    action = callbacks.decode(query.data)
    user = update.effective_user
    if isinstance(action, callbacks.LanguagePage) and query.message is not None:
        await query.answer()
        try:
            await query.message.edit_reply_markup(language_keyboard(await translator(update, context), action.page))
        except BadRequest as error:  # pressed twice: the same page is "not modified"
            if "not modified" not in error.message.lower():
                raise
        return
    if not isinstance(action, callbacks.ChooseLanguage) or user is None or action.code not in languages() + [""]:
        tr = await translator(update, context)
        # Translators: popup, at most 200 characters.
        await query.answer(tr("This button has expired."))
        return
    bot_services = services(context)
    await bot_services.archive.set_language(user.id, action.code or None)
    if action.code:
        tr = Translator(action.code)
        # Translators: popup, at most 200 characters; say it with your language's name in place of English.
        said = tr("From now on I write in English.")
    else:
        tr = Translator(pick_language(None, user.language_code, bot_services.settings.language))
        # Translators: popup, at most 200 characters.
        said = tr("From now on I write in the language of your Telegram app.")
    await query.answer(said)
    if query.message is not None:
        await query.message.reply_html(said + "\n" + tr("See /help."))
