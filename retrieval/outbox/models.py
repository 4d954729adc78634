"""What the outbox holds: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


class OutboxKind(StrEnum):
    """What an outbox message is: a channel post of one article or of a bulk load, a note to the admins, a push."""

    ARTICLE = "article"
    SUMMARY = "summary"
    NOTICE = "notice"
    # A new article for a chat following a topic it matched (payload: the topic's words).
    PUSH = "push"


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

