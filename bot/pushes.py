"""Send the pushes waiting in the outbox: one message per chat, or one digest of several.

Run by the JobQueue every ``PUSH_EVERY`` seconds for up to
``CHATS_PER_RUN`` chats, so pushes take at most about 24 of Telegram's 30
messages a second and readers' answers keep the rest (the shared rate
limiter holds the total under 30). A chat gets at most one message a run and,
through the digest window (``retrieval.follows.matcher``), one every few minutes.

As with channel posts, a push is marked as being sent before it goes out
and sent after: one a crash cut off is not sent again. 403 (the reader
blocked the bot) or "chat not found" pauses the chat's pushes and drops its
queue, instead of retrying it forever; 429 and failures on the way are
tried again later (``bot.outbox.record_lost_send``, shared with channel posts).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot import push_messages
from bot.i18n import Translator, pick_language
from bot.outbox import record_lost_send
from retrieval import Archive
from retrieval.follows.matcher import DIGEST_WINDOW
from retrieval.follows.table import BLOCKED
from retrieval.models import SearchHit

log = logging.getLogger(__name__)

PUSH_EVERY = 0.5
CHATS_PER_RUN = 12
DIGEST_SIZE = 8
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")


async def send_pushes(bot: Bot, archive: Archive, language: str = "en") -> int:
    """Send what is due to up to ``CHATS_PER_RUN`` chats at once; returns how many chats were served.

    ``language`` is for chats whose reader's language is not known (NEWSBOT_LANGUAGE).
    """
    chats = await archive.outbox.push_chats_due(datetime.now(UTC), CHATS_PER_RUN)
    await asyncio.gather(*(_send_to(bot, archive, chat_id, language) for chat_id in chats))
    return len(chats)


async def _send_to(bot: Bot, archive: Archive, chat_id: int, language: str) -> None:
    now = datetime.now(UTC)
    queued = await archive.outbox.pushes_for(chat_id)
    messages, rest = queued[:DIGEST_SIZE], queued[DIGEST_SIZE:]
    items: list[tuple[SearchHit, str]] = []
    gone: list[int] = []
    for message in messages:
        hit = await archive.quote(message.article_id, message.payload) if message.article_id is not None else None
        if hit is None:
            gone.append(message.id)
        else:
            items.append((hit, message.payload))
    if gone:
        await archive.outbox.mark_failed(gone, "the article was deleted before it was sent")
    sending = [message for message in messages if message.id not in gone]
    later = len(rest)
    if rest:  # the rest make the next digest, one window from now
        await archive.outbox.mark_retry([message.id for message in rest], now + DIGEST_WINDOW, "waiting for the next digest")
    if not items:
        return
    tr = Translator(pick_language(await archive.follows.language(chat_id), None, language))
    if len(items) == 1:
        reply = push_messages.render_push(*items[0], tr=tr)
    else:
        reply = push_messages.render_digest(items, later, tr)
    ids = [message.id for message in sending]
    if not await archive.outbox.claim(ids):
        return  # another replica is sending them
    try:
        sent = await bot.send_message(chat_id, reply.text, reply_markup=reply.keyboard)
    except Forbidden as error:
        await _pause(archive, chat_id, ids, error.message)
    except BadRequest as error:
        if any(reason in error.message.lower() for reason in _GONE):
            await _pause(archive, chat_id, ids, error.message)
        else:
            await archive.outbox.mark_failed(ids, error.message)
    except (RetryAfter, NetworkError) as error:
        await record_lost_send(archive, sending, error, now)
    else:
        await archive.outbox.mark_sent(ids, datetime.now(UTC), sent.message_id)


async def _pause(archive: Archive, chat_id: int, ids: list[int], reason: str) -> None:
    """The reader blocked the bot (or the chat is gone): pause their topics and drop what waits for them."""
    await archive.outbox.mark_failed(ids, reason)
    await archive.follows.set_paused(chat_id, BLOCKED, datetime.now(UTC))
    dropped = await archive.outbox.drop_pushes(chat_id, reason)
    log.info("pushes to chat %s paused (%s); %d queued dropped", chat_id, reason, dropped)
