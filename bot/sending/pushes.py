"""Send the pushes waiting in the outbox: one message per chat, or one digest of several.

Run by the JobQueue every ``PUSH_EVERY`` seconds for up to
``CHATS_PER_RUN`` chats, so pushes take at most about 24 of Telegram's 30
messages a second and readers' answers keep the rest (the shared rate
limiter holds the total under 30). A chat gets at most one message a run and,
through the digest window (``retrieval.outbox.sending``), one every few minutes.

As with channel posts, a push is marked as being sent before it goes out
and sent after: one a crash cut off is not sent again. 403 (the reader
blocked the bot) or "chat not found" pauses the chat's pushes and drops its
queue, instead of retrying it forever; 429 and failures on the way are
tried again later (``bot.sending.channel.record_lost_send``, shared with channel posts).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.i18n import Translator, pick_language
from bot.render.follows import render_digest, render_push
from bot.sending.channel import record_lost_send
from retrieval import Archive
from retrieval.outbox.sending import Digest

log = logging.getLogger(__name__)

PUSH_EVERY = 0.5
CHATS_PER_RUN = 12
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")


async def send_pushes(bot: Bot, archive: Archive, language: str = "en") -> int:
    """Send what is due to up to ``CHATS_PER_RUN`` chats at once; returns how many chats were served.

    ``language`` is for chats whose reader's language is not known (NEWSBOT_LANGUAGE).
    """
    chats = await archive.outbox.push_chats_due(CHATS_PER_RUN)
    await asyncio.gather(*(_send_to(bot, archive, chat_id, language) for chat_id in chats))
    return len(chats)


async def _send_to(bot: Bot, archive: Archive, chat_id: int, language: str) -> None:
    digest = await archive.next_digest(chat_id)
    if digest is None:
        return
    tr = Translator(pick_language(await archive.language(chat_id), None, language))
    if len(digest.items) == 1:
        reply = render_push(*digest.items[0], tr=tr)
    else:
        reply = render_digest(digest.items, digest.later, tr)
    if not await archive.outbox.claim(digest.messages):
        return  # another replica is sending them
    try:
        sent = await bot.send_message(chat_id, reply.text, reply_markup=reply.keyboard)
    except Forbidden as error:
        await _chat_gone(archive, digest, error.message)
    except BadRequest as error:
        if any(reason in error.message.lower() for reason in _GONE):
            await _chat_gone(archive, digest, error.message)
        else:
            await archive.outbox.refused(digest.messages, error.message)
    except (RetryAfter, NetworkError) as error:
        await record_lost_send(archive, digest.messages, error)
    else:
        await archive.outbox.sent(digest.messages, sent.message_id)


async def _chat_gone(archive: Archive, digest: Digest, reason: str) -> None:
    """The reader blocked the bot (or the chat is gone): pause their pushes and drop what waits for them."""
    await archive.outbox.refused(digest.messages, reason)
    dropped = await archive.follows.blocked(digest.chat_id, reason)
    log.info("pushes to chat %s paused (%s); %d queued dropped", digest.chat_id, reason, dropped)
