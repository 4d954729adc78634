"""What a load's new articles queue: pushes to the chats following them, and channel posts.

Called after every load (a file, a URL, a feed's poll). The follow matcher
is handed in (``match``), so the outbox needs nothing of follows; it queues
each message under a key of its own, so announcing a load twice sends
nothing twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from retrieval.models import LoadReport
from retrieval.outbox.models import Announce, OutboxKind
from retrieval.outbox.table import StoredOutbox

log = logging.getLogger(__name__)

# A load adding more new articles than this is a backfill of old news: not pushed to followers
# (unless announced on purpose, ``newsbot load --announce``). A feed poll adds at most 100.
BACKFILL_ARTICLES = 200
# Headlines named in the summary post of a bulk load.
SUMMARY_HEADLINES = 5

Match = Callable[[Sequence[int]], Awaitable[int]]


class Announcer:
    """Queues the pushes and channel posts of new articles (see ``Announce`` for which)."""

    def __init__(self, outbox: StoredOutbox, match: Match, channel_id: str | None, bulk_limit: int) -> None:
        self.outbox = outbox
        self.match = match
        self.channel_id = channel_id
        self.bulk_limit = bulk_limit

    async def announce(self, report: LoadReport, announce: Announce) -> None:
        """Queue pushes to the chats following the load's new articles, and channel posts.

        Nothing for ``Announce.NONE`` (demo articles, a feed's backfill).
        """
        if announce is Announce.NONE or not report.new_ids:
            return
        if announce is Announce.EACH or report.new <= BACKFILL_ARTICLES:
            await self.match(report.new_ids)
        else:
            log.info("%d new articles: a backfill, not matched against followed topics", report.new)
        if self.channel_id is None:
            return
        now = datetime.now(UTC)
        if announce is Announce.AUTO and report.new > self.bulk_limit:
            ids = report.new_ids
            payload = json.dumps({"count": report.new, "article_ids": ids[-SUMMARY_HEADLINES:][::-1]})
            await self.outbox.queue(OutboxKind.SUMMARY, f"summary:{ids[0]}-{ids[-1]}", now, payload=payload)
            return
        for article_id in report.new_ids:
            await self.outbox.queue(OutboxKind.ARTICLE, f"article:{article_id}", now, article_id=article_id)
