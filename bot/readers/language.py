"""/language: the reader chooses the bot's language (remembered), or goes back to their app's."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.i18n import Translator, language_name, languages
from bot.services import services, translator


def language_keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(language_name(code), callback_data=callbacks.encode(callbacks.ChooseLanguage(code)))
        for code in languages()
    ]
    return InlineKeyboardMarkup([buttons])


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: buttons with every language the bot speaks."""
    tr = await translator(update, context)
    await update.effective_message.reply_html(tr("Choose the language I write in:"), reply_markup=language_keyboard())


async def on_language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember the chosen language and say so in it."""
    query = update.callback_query
    action = callbacks.decode(query.data)
    user = update.effective_user
    if not isinstance(action, callbacks.ChooseLanguage) or action.code not in languages() or user is None:
        await query.answer((await translator(update, context))("This button has expired."))
        return
    bot_services = services(context)
    await bot_services.archive.set_language(user.id, action.code)
    tr = Translator(action.code)
    await query.answer(tr("From now on I write in English."))
    if query.message is not None:
        await query.message.reply_html(tr("From now on I write in English.") + "\n" + tr("See /help."))
