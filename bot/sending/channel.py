"""Send what waits in the archive's outbox: channel posts and notices to the admins.

Run by the JobQueue of the serving bot: one channel post every
``CHANNEL_POST_EVERY`` seconds at most (about 20 a minute, Telegram's limit
for one channel), notices as they come. The outbox decides what is sent,
and at most once (``retrieval.outbox.sending``); this module renders,
sends and tells the outbox how it went:

- sent: recorded with Telegram's message id;
- 429 (after the rate limiter's own retries) or a failure on the way: tried
  again later (``record_lost_send``);
- refused (400, 403: the bot is not an admin of the channel, the channel is
  gone): failed, and the admins are told once a day what to fix.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.i18n import ENGLISH, N_, Translator, pick_language
from bot.render.html import Reply
from bot.render.posts import render_channel_post, render_notice, render_summary_post
from retrieval import Archive
from retrieval.messages import say_stored
from retrieval.outbox.models import OutboxMessage
from retrieval.outbox.sending import ChannelPost

log = logging.getLogger(__name__)

CHANNEL_POST_EVERY = 3.0
NOTICES_EVERY = 10.0
RETRY_AFTER_FAILURE = timedelta(minutes=1)

CHANNEL_REFUSED = N_(
    "I cannot post to the channel {channel}: Telegram says “{error}”."
    " Make the bot an admin of the channel with the right to post, and check NEWSBOT_CHANNEL_ID."
)


def _render(post: ChannelPost, bot_username: str, tr: Translator) -> Reply:
    if post.article is not None:
        return render_channel_post(post.article, bot_username, tr)
    return render_summary_post(post.count, post.headlines, bot_username, tr)


async def send_next_post(bot: Bot, archive: Archive, channel_id: str, tr: Translator = ENGLISH) -> bool:
    """Send the oldest due channel post; False when none is due."""
    post = await archive.outbox.next_post()
    if post is None:
        return False
    reply = _render(post, bot.username, tr)
    if not await archive.outbox.claim([post.message]):
        return True  # another replica is sending it
    try:
        sent = await bot.send_message(channel_id, reply.text, reply_markup=reply.keyboard)
    except (BadRequest, Forbidden) as error:
        await archive.outbox.refused([post.message], error.message)
        now = datetime.now(UTC)
        await archive.outbox.tell_admins(
            f"channel-refused:{now:%Y-%m-%d}", CHANNEL_REFUSED, channel=channel_id, error=error.message
        )
    except (RetryAfter, NetworkError) as error:
        await record_lost_send(archive, [post.message], error)
    else:
        await archive.outbox.sent([post.message], sent.message_id)
    return True


async def record_lost_send(archive: Archive, messages: Sequence[OutboxMessage], error: RetryAfter | NetworkError) -> None:
    """Tell the outbox about a send Telegram did not refuse (channel posts and pushes alike).

    429: tried again after the wait Telegram asked for; no answer (a
    timeout): it may have gone out, so it is not sent again; any other
    failure on the way: tried again a minute later.
    """
    now = datetime.now(UTC)
    if isinstance(error, TimedOut):
        await archive.outbox.lost(messages, f"no answer from Telegram ({error.message})")
    elif isinstance(error, RetryAfter):
        wait = error.retry_after if isinstance(error.retry_after, timedelta) else timedelta(seconds=error.retry_after)
        await archive.outbox.lost(messages, f"Telegram asked to wait {wait.total_seconds():g} s", retry_at=now + wait)
    else:
        await archive.outbox.lost(messages, error.message, retry_at=now + RETRY_AFTER_FAILURE)


# Sends one claimed outbox message to one admin, in the words of their ``Translator``.
SendToAdmin = Callable[[int, Translator], Awaitable[object]]


async def deliver_to_admins(
    archive: Archive, message: OutboxMessage, admin_ids: frozenset[int], default: str, send: SendToAdmin, what: str
) -> int:
    """Send a claimed outbox message to every admin, each in their language (``default``: NEWSBOT_LANGUAGE).

    An admin who blocked the bot, or never started it, must not keep it from
    the others: logged, and the rest still get it. The message is then sent
    (someone got it, or there is no admin to tell) or failed (nobody could be
    reached). Returns how many admins got it.
    """
    delivered = 0
    for admin_id in sorted(admin_ids):
        tr = Translator(pick_language(await archive.language(admin_id), default))
        try:
            await send(admin_id, tr)
            delivered += 1
        except NetworkError as error:
            log.warning("could not send %s to admin %s: %s", what, admin_id, error)
    if delivered or not admin_ids:
        await archive.outbox.sent([message])
    else:
        await archive.outbox.refused([message], "no admin could be reached")
    return delivered


async def send_notices(bot: Bot, archive: Archive, admin_ids: frozenset[int], default: str = "en") -> int:
    """Tell every admin what the outbox holds for them, each in their language; returns how many went out."""
    sent = 0
    while (message := await archive.outbox.next_notice()) is not None:
        if not await archive.outbox.claim([message]):
            break  # another replica is sending the notices
        if not admin_ids:
            log.warning("no NEWSBOT_ADMIN_IDS to tell: %s", say_stored(message.payload))
        tell = partial(_tell, bot, message.payload)
        await deliver_to_admins(archive, message, admin_ids, default, tell, "a notice")
        sent += 1
    return sent


async def _tell(bot: Bot, payload: str, admin_id: int, tr: Translator) -> None:
    await bot.send_message(admin_id, render_notice(say_stored(payload, tr)))
