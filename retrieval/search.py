"""Answer a question: BM25 passages → one best passage per article → snippets.

``group_by_article`` is pure (tested alone); ``search`` does the I/O: the
index lookup runs in a worker thread so a large index never stalls the
event loop, and passage texts come from the store in one query.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from retrieval.analyzer import Analyzer
from retrieval.index import IndexHit, PassageIndex
from retrieval.models import SearchHit, SearchResult
from retrieval.snippet import make_snippet
from retrieval.store import Store

MAX_PAGE_SIZE = 50
MAX_OFFSET = 1_000
# Passages fetched per article wanted; doubled while too few articles came back.
_PASSAGES_PER_ARTICLE = 4
_MAX_PASSAGES = 20_000


def group_by_article(hits: Sequence[IndexHit]) -> list[IndexHit]:
    """Keep the best-scoring passage of each article, best article first."""
    best: dict[int, IndexHit] = {}
    for hit in hits:
        kept = best.get(hit.article_id)
        if kept is None or hit.score > kept.score:
            best[hit.article_id] = hit
    return sorted(best.values(), key=lambda hit: (-hit.score, hit.passage_id))


def _article_hits(index: PassageIndex, terms: Sequence[str], wanted: int) -> list[IndexHit]:
    """At least ``wanted`` distinct articles' best passages when there are that many."""
    terms = index.informative_terms(terms)
    limit = max(10, wanted * _PASSAGES_PER_ARTICLE)
    while True:
        hits = index.search(terms, limit)
        grouped = group_by_article(hits)
        if len(grouped) >= wanted or len(hits) < limit or limit >= _MAX_PASSAGES:
            return grouped
        limit *= 2


async def search(
    index: PassageIndex,
    store: Store,
    analyzer: Analyzer,
    query: str,
    limit: int = 3,
    offset: int = 0,
) -> SearchResult:
    """Return one page of articles for ``query``; no terms means nothing to search."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, min(offset, MAX_OFFSET))
    terms = tuple(analyzer.query_terms(query))
    if not terms:
        return SearchResult(query, terms, (), offset, False)
    grouped = await asyncio.to_thread(_article_hits, index, terms, offset + limit + 1)
    page = grouped[offset : offset + limit]
    passages = await store.passages([hit.passage_id for hit in page])
    weights = await asyncio.to_thread(index.term_weights, terms) if page else {}
    hits = []
    for hit in page:
        stored = passages.get(hit.passage_id)
        if stored is None:  # deleted since the index was last synced
            continue
        snippet = make_snippet(stored.text, weights, analyzer)
        hits.append(SearchHit(stored.headline, hit.score, stored.text, snippet))
    return SearchResult(query, terms, tuple(hits), offset, len(grouped) > offset + limit)
