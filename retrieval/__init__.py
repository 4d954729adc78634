"""newsbot's retrieval core: store, analyzer, chunker, BM25 index, search, ingest.

Knows nothing about Telegram. Front ends open an ``Archive`` and call it.
"""

from retrieval.archive import Archive, ArchiveStats
from retrieval.errors import FetchError, IndexBusyError, IngestError, NewsbotError, NotFoundError
from retrieval.models import Article, Headline, LoadReport, SearchHit, SearchResult, TopWindow
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
    "TopWindow",
    "load_settings",
]
