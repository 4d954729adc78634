"""Plain data passed between the store, the index, ingest and front ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from retrieval.messages import Message
from retrieval.text.chunker import Chunk

# Every stored id (article, feed, topic, question) is a positive 64-bit integer: SQLite's INTEGER and
# PostgreSQL's bigint hold no more. A larger one, or 0 or below, names nothing: the store says "not found".
MAX_ID = 2**63 - 1
# A number written with more digits than this is no id, count or offset anyone meant (and int() of it costs).
_MAX_DIGITS = 40


def in_id_range(value: int) -> bool:
    """True when a row can have ``value`` as its id; the store asks before it hands one to a database driver."""
    return 0 < value <= MAX_ID


def parse_number(text: str) -> int | None:
    """The whole number ``text`` writes (decimal digits of any script, a leading minus allowed), or None.

    Ids, counts and offsets that come from outside (command arguments,
    deep links, button data, inline results) are read here, and only here:
    ``str.isdigit`` says yes to "²", which ``int`` refuses, and ``int`` takes
    4,000 digits. Any size up to ``_MAX_DIGITS`` digits comes back: whether
    an id names a row is the store's answer (``in_id_range``), whether a
    count is allowed its parser's.
    """
    text = text.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits.isdecimal() or len(digits) > _MAX_DIGITS:
        return None
    return int(text)


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
    # Its language as the source says it (a code: "ru", "pt"); "" when it does not say.
    language: str = ""


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An ``ArticleInput`` with the derived data the store keeps beside it."""

    article: ArticleInput
    content_hash: str
    chunks: tuple[Chunk, ...]
    # What was changed on the way in, for the load report (a date dropped): stored, but said.
    notes: tuple[Failure, ...] = ()
    # The source's language, or the one detected from the text ("" if it has no letters to tell by).
    language: str = ""


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
    language: str = ""

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
    # The language it is analysed in ("" for an article stored before languages were: detected when indexed).
    language: str = ""


@dataclass(frozen=True, slots=True)
class AnswerSource:
    """What a search hit is quoted from: an article's body, its passages and its language (sentence rules)."""

    headline: Headline
    body: str
    passages: tuple[PassageSpan, ...]
    language: str = ""


class Outcome(StrEnum):
    """What loading one input did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be loaded, and why.

    ``reason`` is English; ``message`` (a template, or a ``Plural``) and
    ``values`` let a front end say it in another language, ``field`` names
    the field it concerns and ``line`` the line of a JSON Lines or CSV file
    (also named in ``source``).
    """

    source: str
    reason: str
    message: Message = ""
    values: dict[str, object] = field(default_factory=dict)
    field: str | None = None
    line: int | None = None

    @property
    def file(self) -> str:
        """``source`` without its line: the file (or URL) the failure is in."""
        return self.source.removesuffix(f" line {self.line}") if self.line is not None else self.source


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
    # Lines read from JSON Lines and CSV files, and how many such files: said with the
    # counts, so a file read only in part can never pass unnoticed.
    lines_read: int = 0
    line_files: int = 0
    # Files in a named folder that a load does not read (the first MAX_FAILURES_KEPT), and how many.
    skipped: list[str] = field(default_factory=list)
    skipped_count: int = 0
    # Articles stored with something dropped, and why (a date too far ahead); the first MAX_FAILURES_KEPT.
    notes: list[Failure] = field(default_factory=list)

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
        message: Message = "",
        values: dict[str, object] | None = None,
        field_name: str | None = None,
        line: int | None = None,
    ) -> Failure:
        """Count one input that could not be loaded; the failure is returned for a list of them all."""
        failure = Failure(source, reason, message or reason, dict(values or {}), field_name, line)
        self.failed += 1
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append(failure)
        return failure

    def skip(self, name: str) -> None:
        """Count a file a folder held that a load does not read (named, never skipped without a word)."""
        self.skipped_count += 1
        if len(self.skipped) < MAX_FAILURES_KEPT:
            self.skipped.append(name)

    @property
    def articles(self) -> int:
        """Rows that became (or already were) articles."""
        return self.new + self.updated + self.unchanged

    def note(self, notes: tuple[Failure, ...]) -> None:
        """Keep what was said about a stored article (``PreparedArticle.notes``)."""
        self.notes.extend(notes[: MAX_FAILURES_KEPT - len(self.notes)])

    def outcome(self) -> str:
        """The counts, and why the load stopped early if it did."""
        counts = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, {self.failed} failed"
        if self.stopped:
            return f"{counts} (stopped: {self.stopped})"
        return counts + (" (interrupted by a shutdown: load again to finish)" if self.interrupted else "")

    def summary(self) -> str:
        """The outcome with the lines read and files skipped: one line for the log and the last load in stats."""
        read = f", {self.lines_read:,} line{'' if self.lines_read == 1 else 's'} read" if self.lines_read else ""
        skipped = f", {self.skipped_count:,} file{'' if self.skipped_count == 1 else 's'} skipped" if self.skipped_count else ""
        return self.outcome() + read + skipped


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
    # The languages the question was analysed in, its own first.
    languages: tuple[str, ...] = ()
    # Where words end in the question, white space collapsed (``shorten`` cuts an echo there: Thai has no spaces).
    word_ends: tuple[int, ...] = ()

    @property
    def nothing_to_search(self) -> bool:
        return not self.terms


@dataclass(frozen=True, slots=True)
class LastLoad:
    """The latest load, as counts (the reader of /stats sees them in their own language)."""

    finished_at: datetime
    source: str
    new: int
    updated: int
    unchanged: int
    failed: int


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Sizes and the last load, for ``newsbot stats`` and /stats."""

    articles: int
    passages: int
    opens: int
    last_load: LastLoad | None
    db_bytes: int
    # Articles by language code, most first ("" for those not yet known).
    languages: tuple[tuple[str, int], ...] = ()


class OpenedVia(StrEnum):
    """Where a reader opened an article from."""

    ANSWER = "answer"
    PUSH = "push"
    LINK = "link"
    INLINE = "inline"


class TopWindow(StrEnum):
    """Which views rank /top: opens in the last week or month, or all views."""

    WEEK = "week"
    MONTH = "month"
    ALL = "all"

    def since(self, now: datetime) -> datetime | None:
        days = {TopWindow.WEEK: 7, TopWindow.MONTH: 30}.get(self)
        return None if days is None else now - timedelta(days=days)
