"""newsbot's retrieval core: a news archive that answers questions with quoted passages.

Knows nothing about Telegram: front ends (the bot, the command line, a
benchmark) open an ``Archive`` (``retrieval.archive``, the facade) and ask
it. One package per concern, layered so that none imports one above it:

    archive            the facade: opens, wires and delegates
    feeds  follows     capabilities, each with its rules, I/O and tables
    outbox insights readers
    search ingest      finding and quoting; getting articles in
    store              SQLite or PostgreSQL: the only home of a database driver
    models settings errors messages workers   plain data and small shared parts
    text               words, sentences, passages: imports nothing of ours

``tests/test_architecture.py`` holds the rules (and ARCHITECTURE.md draws them).
"""

from retrieval.archive import Archive, ArchiveStats
from retrieval.errors import FetchError, IndexBusyError, IngestError, NewsbotError, NotFoundError
from retrieval.models import Article, Headline, LoadReport, SearchHit, SearchResult, TopWindow
from retrieval.search.snapshots import Snapshot
from retrieval.settings import Settings, SettingsError, load_settings

__all__ = [
    "Archive",
    "ArchiveStats",
    "Article",
    "FetchError",
    "Headline",
    "IndexBusyError",
    "IngestError",
    "LoadReport",
    "NewsbotError",
    "NotFoundError",
    "SearchHit",
    "SearchResult",
    "Settings",
    "SettingsError",
    "Snapshot",
    "TopWindow",
    "load_settings",
]
