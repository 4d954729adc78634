"""Inline mode: ``@yourbot question`` in any chat, and the result a reader chose.

Enable it in @BotFather (``/setinline``; ``/setinlinefeedback`` to hear
which results are chosen). An empty query lists the latest headlines.
"""

from __future__ import annotations

import time

from telegram import Update
from telegram.ext import ContextTypes

from bot.monitoring.metrics import Failure
from bot.render import inline as results
from bot.render.answers import MAX_QUESTION_CHARS
from bot.services import services
from retrieval import NotFoundError
from retrieval.errors import IndexRebuildingError
from retrieval.models import OpenedVia, parse_number

INLINE_PAGE = 10
# Answers to the same query are cached by Telegram this long for everyone:
# short, as new articles arrive all day; long enough to absorb a reader typing.
CACHE_SECONDS = 30
MAX_OFFSET = 200


def _offset(text: str) -> int:
    """The offset Telegram sends back (ours, or anything a client makes up): 0..MAX_OFFSET."""
    offset = parse_number(text)
    return min(max(offset, 0), MAX_OFFSET) if offset is not None else 0


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Up to 10 articles for the query (the latest for an empty one), with next_offset for more."""
    query = update.inline_query
    bot_services = services(context)
    archive = bot_services.archive
    offset = _offset(query.offset)
    text = query.query.strip()[: MAX_QUESTION_CHARS]
    username = context.bot.username
    tr = await bot_services.translator(query.from_user)
    if text:
        started = time.perf_counter()
        try:
            result = await archive.search(text, limit=INLINE_PAGE, offset=offset)
        except IndexRebuildingError:  # no results, and none cached: the index is back in minutes
            bot_services.metrics.failed(Failure.SEARCH)
            await query.answer([], cache_time=0, is_personal=True)
            return
        bot_services.metrics.question(time.perf_counter() - started, found=bool(result.hits))
        items = [results.hit_result(hit, username, tr) for hit in result.hits]
        has_more = result.has_more
    else:
        headlines = await archive.latest(INLINE_PAGE + 1, offset)
        items = [results.headline_result(headline, username, tr) for headline in headlines[:INLINE_PAGE]]
        has_more = len(headlines) > INLINE_PAGE
    next_offset = str(offset + INLINE_PAGE) if has_more and offset + INLINE_PAGE <= MAX_OFFSET else ""
    await query.answer(items, cache_time=CACHE_SECONDS, is_personal=False, next_offset=next_offset)


async def chosen_result(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reader shared an article from inline mode: count it as an open."""
    article_id = results.article_of(update.chosen_inline_result.result_id)
    if article_id is None:
        return
    try:
        user = update.chosen_inline_result.from_user
        bot_services = services(context)
        await bot_services.best_effort(bot_services.archive.record_open(article_id, OpenedVia.INLINE, user.id), None, "an open")
    except NotFoundError:
        pass
