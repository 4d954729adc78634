"""Replies that change in place: a status message a load edits as it goes, a list a button pages through."""

from __future__ import annotations

from telegram import Message
from telegram.error import BadRequest

from bot.render.html import Reply


async def edit_message(message: Message, reply: Reply) -> None:
    """Replace a message's text and buttons; asking for what it already shows is fine."""
    try:
        await message.edit_text(reply.text, reply_markup=reply.keyboard)
    except BadRequest as error:
        # A button pressed twice, or progress that did not move, asks for the same text.
        if "not modified" not in error.message.lower():
            raise
