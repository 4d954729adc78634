"""Plain data passed between the store, the index, ingest and front ends."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from retrieval.text.chunker import Chunk


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article as read from a file, a feed or a web page, validated."""

    url: str
    title: str
    body: str
    published: datetime | None = None
    views: int | None = None
    source: str = ""
    author: str = ""
    # A line or two about the article (a feed's summary, a page's description).
    summary: str = ""


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An ``ArticleInput`` with the derived data the store keeps beside it."""

    article: ArticleInput
    content_hash: str
    chunks: tuple[Chunk, ...]


@dataclass(frozen=True, slots=True)
class Headline:
    """What a list of articles shows: /latest, /top, search results."""

    id: int
    url: str
    title: str
    published: datetime | None
    views: int


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article with its text."""

    id: int
    url: str
    title: str
    body: str
    published: datetime | None
    added_at: datetime
    source: str
    views: int
    author: str = ""
    summary: str = ""

    @property
    def headline(self) -> Headline:
        return Headline(self.id, self.url, self.title, self.published, self.views)


class PassageSpan(NamedTuple):
    """Where one stored passage lies in its article's body."""

    passage_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class IndexArticle:
    """One article as the BM25 index sees it: the whole text and its passages."""

    article_id: int
    title: str
    body: str
    published: datetime | None
    passages: tuple[PassageSpan, ...]


@dataclass(frozen=True, slots=True)
class AnswerSource:
    """What a search hit is quoted from: an article's body and its passages."""

    headline: Headline
    body: str
    passages: tuple[PassageSpan, ...]


class Outcome(StrEnum):
    """What loading one input did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be loaded, and why.

    ``reason`` is English; ``message`` (a template) and ``values`` let a front
    end say it in another language, and ``field`` names the field it concerns.
    """

    source: str
    reason: str
    message: str = ""
    values: dict[str, object] = field(default_factory=dict)
    field: str | None = None


# Failures kept with their reasons; a file of a million bad rows is counted
# in full but lists only these (what a person reads, in bounded memory).
MAX_FAILURES_KEPT = 1_000
# Ids of new articles kept for announcing them (a channel post each).
MAX_NEW_IDS_KEPT = 10_000


@dataclass(slots=True)
class LoadReport:
    """Counts of a load, and the first ``MAX_FAILURES_KEPT`` failures with their reasons."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    failed: int = 0
    # True when a shutdown stopped the load early; loading again finishes it.
    interrupted: bool = False
    # Why the load stopped before the end otherwise (the disk is full); loading again finishes it.
    stopped: str | None = None
    # The first MAX_NEW_IDS_KEPT new articles, in the order they were stored.
    new_ids: list[int] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return self.new + self.updated + self.unchanged + self.failed

    def count(self, outcome: Outcome, article_id: int | None = None) -> None:
        """Add one article with ``outcome`` (failures go through ``fail``)."""
        if outcome is Outcome.NEW:
            self.new += 1
            if article_id is not None and len(self.new_ids) < MAX_NEW_IDS_KEPT:
                self.new_ids.append(article_id)
        elif outcome is Outcome.UPDATED:
            self.updated += 1
        elif outcome is Outcome.UNCHANGED:
            self.unchanged += 1

    def fail(
        self,
        source: str,
        reason: str,
        message: str = "",
        values: dict[str, object] | None = None,
        field_name: str | None = None,
    ) -> None:
        self.failed += 1
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append(Failure(source, reason, message or reason, dict(values or {}), field_name))

    def summary(self) -> str:
        counts = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, {self.failed} failed"
        if self.stopped:
            return f"{counts} (stopped: {self.stopped})"
        return counts + (" (interrupted by a shutdown: load again to finish)" if self.interrupted else "")


@dataclass(frozen=True, slots=True)
class Snippet:
    """Quoted text and the ``(start, end)`` spans of matched words in it."""

    text: str
    highlights: tuple[tuple[int, int], ...]

    def marked(self, before: str, after: str, escape: Callable[[str], str] = str) -> str:
        """The text with each matched word between ``before`` and ``after``.

        ``escape`` is applied to the text pieces only, so a renderer can wrap
        words in markup (HTML tags) without the marks being escaped.
        """
        out, position = [], 0
        for start, end in self.highlights:
            out += [escape(self.text[position:start]), before, escape(self.text[start:end]), after]
            position = end
        out.append(escape(self.text[position:]))
        return "".join(out)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """The best passage of one article for a question."""

    headline: Headline
    score: float
    passage: str
    snippet: Snippet


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of hits; ``nothing_to_search`` when the question had no terms."""

    query: str
    terms: tuple[str, ...]
    hits: tuple[SearchHit, ...]
    offset: int
    has_more: bool

    @property
    def nothing_to_search(self) -> bool:
        return not self.terms


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Sizes and the last load, for ``newsbot stats`` and /stats."""

    articles: int
    passages: int
    opens: int
    last_load_at: datetime | None
    last_load_summary: str | None
    db_bytes: int


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
    # Being sent right now; found at start it means a crash mid-send (see Outbox.recover).
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Queued too long ago to still be news when the bot could send it.
    EXPIRED = "expired"


def nested(message: str, **values: object) -> dict[str, object]:
    """A message inside another's values (said in the same language as the outer one)."""
    return {"message": message, "values": values}


def notice(message: str, **values: object) -> str:
    """A message as the store keeps it (an admin notice, a feed's last error): the English template and its
    values, as JSON, so a front end can say it in another language."""
    return json.dumps(nested(message, **values), ensure_ascii=False)


def read_notice(payload: str) -> tuple[str, dict[str, object]]:
    """The message and values of a stored message (plain text, as stored before, is a message of its own)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload, {}
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return payload, {}
    return data["message"], dict(data.get("values") or {})


def say_stored(payload: str, say: Callable[..., str] | None = None) -> str:
    """A stored message in words: English by default, or through ``say`` (a translator), nested messages too."""
    message, values = read_notice(payload)

    def word(value: object) -> object:
        if isinstance(value, dict) and isinstance(value.get("message"), str):
            inner = {name: word(item) for name, item in dict(value.get("values") or {}).items()}
            return say(value["message"], **inner) if say else english_text(value["message"], inner)
        return value

    filled = {name: word(value) for name, value in values.items()}
    return say(message, **filled) if say else english_text(message, filled)


def english_text(message: str, values: dict[str, object]) -> str:
    """``message`` filled with ``values``, whole numbers with thousands separators (the retrieval core's English)."""
    if not values:
        return message
    return message.format(**{name: f"{value:,}" if isinstance(value, int) else value for name, value in values.items()})


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
class FeedStats:
    """Feeds and channel posts, for /stats and ``newsbot stats``."""

    feeds: int
    paused: int
    failing: int
    last_poll_at: datetime | None
    new_today: int
    posts: dict[str, int]


class OpenedVia(StrEnum):
    """Where a reader opened an article from."""

    ANSWER = "answer"
    PUSH = "push"
    LINK = "link"
    INLINE = "inline"


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """Questions asked in the same analysed words: how often, one way it was written, how often nothing was found."""

    example: str
    asked: int
    found_nothing: int
    disliked: int


@dataclass(frozen=True, slots=True)
class OpenedArticle:
    headline: Headline
    opens: int


@dataclass(frozen=True, slots=True)
class FollowedTopic:
    words: str
    chats: int


@dataclass(frozen=True, slots=True)
class Insights:
    """What readers asked since ``since``, what they did not find, what they follow and open."""

    since: datetime | None
    questions: int
    readers: int
    found_nothing: int
    liked: int
    disliked: int
    most_asked: tuple[AskedQuestion, ...]
    gaps: tuple[AskedQuestion, ...]
    most_followed: tuple[FollowedTopic, ...]
    most_opened: tuple[OpenedArticle, ...]
