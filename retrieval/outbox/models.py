"""What the outbox holds: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Announce(StrEnum):
    """Which new articles of a load are posted to the channel (when NEWSBOT_CHANNEL_ID is set).

    AUTO: each one, unless the load added more than NEWSBOT_CHANNEL_BULK_LIMIT
    (a backfill): then one summary post. EACH: every one (``--announce``).
    NONE: nothing (demo articles, a feed's first poll).
    """

    AUTO = "auto"
    EACH = "each"
    NONE = "none"


# A chat's pushes that come within this of its last one wait for its end and go together, as one digest.
DIGEST_WINDOW = timedelta(minutes=5)


class OutboxKind(StrEnum):
    """What an outbox message is: a channel post of one article or of a bulk load, a note to the admins, a push,
    the weekly report."""

    ARTICLE = "article"
    SUMMARY = "summary"
    NOTICE = "notice"
    # A new article for a chat following a topic it matched (payload: the topic's words).
    PUSH = "push"
    # The newsroom's weekly report for the admins (payload: {"end": the moment it covers up to, ISO 8601}).
    REPORT = "report"


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    # Being sent right now; found at start it means a crash mid-send (see ``StoredOutbox.recover``).
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Queued too long ago to still be news when the bot could send it.
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message waiting to go out; ``payload`` is a notice's text or a summary's JSON."""

    id: int
    kind: OutboxKind
    article_id: int | None
    payload: str
    attempts: int
    queued_at: datetime


@dataclass(frozen=True, slots=True)
class Limit:
    """At most one message per ``gap`` seconds, after a burst of ``1 + tolerance / gap``."""

    gap: float
    tolerance: float = 0.0


# Just under Telegram's ceiling of about 30 sends a second for one bot, and
# spaced (one per 1/29 s) rather than "29 per second", which lets 29 go at
# once and 29 more within the same second after a pause: Telegram answers
# that with 429s, and every request waiting then goes at once (bench/load.py).
# A single process (SQLite) spends it through AIORateLimiter at this spacing.
OVERALL = Limit(gap=1 / 29)
# 20 a minute in one group or channel, 20 of them at once at most.
GROUP = Limit(gap=3.0, tolerance=57.0)
