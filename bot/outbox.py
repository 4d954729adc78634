"""Send what waits in the store's outbox: channel posts and notices to the admins.

Run by the JobQueue of the serving bot: one channel post every
``CHANNEL_POST_EVERY`` seconds at most (about 20 a minute, Telegram's limit
for one channel), notices as they come. The outbox decides what is sent at
most once (``retrieval.outbox.table``); this module renders, sends and
records the outcome:

- sent: recorded with Telegram's message id;
- 429 (after the rate limiter's own retries) or a failure on the way: tried
  again later, at most ``MAX_ATTEMPTS`` times;
- refused (400, 403: the bot is not an admin of the channel, the channel is
  gone): failed, and the admins are told once a day what to fix.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot import posts
from bot.i18n import ENGLISH, N_, Translator, pick_language
from bot.render import Reply
from retrieval import Archive, NotFoundError
from retrieval.archive import CHANNEL_POSTS
from retrieval.messages import notice, say_stored
from retrieval.outbox.models import OutboxKind, OutboxMessage

log = logging.getLogger(__name__)

CHANNEL_POST_EVERY = 3.0
NOTICES_EVERY = 10.0
MAX_ATTEMPTS = 5
RETRY_AFTER_FAILURE = timedelta(minutes=1)
# A post still queued this long after its article arrived is not news any more.
POST_MAX_AGE = timedelta(days=2)
NOTICE_MAX_AGE = timedelta(days=7)


async def _render(archive: Archive, message: OutboxMessage, bot_username: str, tr: Translator) -> Reply | None:
    """The post for ``message``, or None when its article was deleted meanwhile."""
    if message.kind is OutboxKind.ARTICLE and message.article_id is not None:
        try:
            return posts.render_channel_post(await archive.article(message.article_id), bot_username, tr)
        except NotFoundError:
            return None
    summary = json.loads(message.payload or "{}")
    sources = await archive.store.answer_sources(summary.get("article_ids", []))
    headlines = [sources[i].headline for i in summary.get("article_ids", []) if i in sources]
    return posts.render_summary_post(int(summary.get("count", len(headlines))), headlines, bot_username, tr)


CHANNEL_REFUSED = N_(
    "I cannot post to the channel {channel}: Telegram says “{error}”."
    " Make the bot an admin of the channel with the right to post, and check NEWSBOT_CHANNEL_ID."
)


async def send_next_post(bot: Bot, archive: Archive, channel_id: str, tr: Translator = ENGLISH) -> bool:
    """Send the oldest due channel post; False when none is due."""
    now = datetime.now(UTC)
    message = await archive.outbox.next_due(CHANNEL_POSTS, now, POST_MAX_AGE)
    if message is None:
        return False
    reply = await _render(archive, message, bot.username, tr)
    if reply is None:
        await archive.outbox.mark_failed(message.id, "the article was deleted before it was posted")
        return True
    if not await archive.outbox.claim(message.id):
        return True  # another replica is sending it
    try:
        sent = await bot.send_message(channel_id, reply.text, reply_markup=reply.keyboard)
    except (BadRequest, Forbidden) as error:
        await archive.outbox.mark_failed(message.id, error.message)
        await archive.outbox.queue(
            OutboxKind.NOTICE,
            f"channel-refused:{now:%Y-%m-%d}",
            now,
            payload=notice(CHANNEL_REFUSED, channel=channel_id, error=error.message),
        )
    except (RetryAfter, NetworkError) as error:
        await record_lost_send(archive, [message], error, now)
    else:
        await archive.outbox.mark_sent(message.id, datetime.now(UTC), sent.message_id)
    return True


async def record_lost_send(
    archive: Archive, messages: Sequence[OutboxMessage], error: RetryAfter | NetworkError, now: datetime
) -> None:
    """Record a send Telegram did not refuse (channel posts and pushes alike).

    429: tried again after the wait Telegram asked for; no answer (a timeout):
    failed, as it may have gone out (the outbox's promise: never twice);
    any other failure on the way: tried again a minute later. At most
    ``MAX_ATTEMPTS`` tries in all.
    """
    ids = [message.id for message in messages]
    if isinstance(error, TimedOut):
        await archive.outbox.mark_failed(ids, f"no answer from Telegram ({error.message}); not sent again")
        return
    if isinstance(error, RetryAfter):
        wait = error.retry_after if isinstance(error.retry_after, timedelta) else timedelta(seconds=error.retry_after)
        when, reason = now + wait, f"Telegram asked to wait {wait.total_seconds():g} s"
    else:
        when, reason = now + RETRY_AFTER_FAILURE, error.message
    if max((message.attempts for message in messages), default=0) + 1 >= MAX_ATTEMPTS:
        await archive.outbox.mark_failed(ids, f"gave up after {MAX_ATTEMPTS} tries: {reason}")
    else:
        await archive.outbox.mark_retry(ids, when, reason)
    log.warning("outbox messages %s not sent: %s", ids, reason)


async def send_notices(bot: Bot, archive: Archive, admin_ids: frozenset[int], default: str = "en") -> int:
    """Tell every admin what the outbox holds for them, each in their language; returns how many went out."""
    sent = 0
    while (message := await archive.outbox.next_due((OutboxKind.NOTICE,), datetime.now(UTC), NOTICE_MAX_AGE)) is not None:
        if not await archive.outbox.claim(message.id):
            break  # another replica is sending the notices
        delivered = 0
        for admin_id in admin_ids:
            tr = Translator(pick_language(await archive.follows.language(admin_id), default))
            try:
                await bot.send_message(admin_id, posts.render_notice(say_stored(message.payload, tr)))
                delivered += 1
            except NetworkError as error:  # an admin who blocked the bot must not block the others
                log.warning("could not tell admin %s: %s", admin_id, error)
        if not admin_ids:
            log.warning("no NEWSBOT_ADMIN_IDS to tell: %s", say_stored(message.payload))
        if delivered or not admin_ids:
            await archive.outbox.mark_sent(message.id, datetime.now(UTC), None)
        else:
            await archive.outbox.mark_failed(message.id, "no admin could be reached")
        sent += 1
    return sent
