"""Feeds as the rest of newsbot sees them: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from retrieval.messages import say_stored

# The pause reason of a feed an admin paused (others say why polling gave up); lists show it as "paused".
PAUSED_BY_ADMIN = "was paused by an admin"


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed or sitemap the archive polls, with where its polling stands."""

    id: int
    url: str
    title: str
    kind: str
    interval_seconds: int
    added_at: datetime
    # None while the feed is polled; why not, otherwise (an admin paused it, or it kept failing).
    paused_reason: str | None
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime
    error_count: int
    last_error: str | None
    polls: int
    items_added: int
    # The language an admin set for its articles ("" to take what the feed and its pages say).
    language: str = ""

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None

    @property
    def name(self) -> str:
        return self.title or self.url

    @property
    def error_text(self) -> str:
        """The last error in English ("" if none)."""
        return say_stored(self.last_error) if self.last_error else ""


@dataclass(frozen=True, slots=True)
class FeedStats:
    """Feeds and channel posts, for /stats and ``newsbot stats``."""

    feeds: int
    paused: int
    failing: int
    last_poll_at: datetime | None
    new_today: int
    posts: dict[str, int]
