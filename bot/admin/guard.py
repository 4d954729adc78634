"""Who may act as an admin: only the user ids in NEWSBOT_ADMIN_IDS; anyone else is refused politely, and logged."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import N_
from bot.services import services, translator

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]

# Translators: popup (and a message), at most 200 characters.
REFUSED = N_("Sorry, only the site's editors can do that. Ask me a question instead, or see /help.")


def admin_only(handler: Handler) -> Handler:
    """Refuse (politely, logged) anyone not listed in NEWSBOT_ADMIN_IDS: a command, or a button press (anyone can
    forge one), which is answered with the refusal as its notice."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not services(context).is_admin(user):
            log.warning("refused %s from non-admin user id %s", handler.__name__, user.id if user else "unknown")
            tr = await translator(update, context)
            if update.callback_query is not None:
                await update.callback_query.answer(tr(REFUSED))
            else:
                await update.effective_message.reply_html(tr(REFUSED))
            return
        await handler(update, context)

    return guarded
