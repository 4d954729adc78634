"""Answer a question: both index grains → ranked articles → quotes.

The index lookups and the quoting run in a worker thread, so a large index
never stalls the event loop; the articles to quote come from the store in
one query. Ranking (``retrieval.ranking``) and quoting (``retrieval.snippet``)
are pure and tested alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from retrieval.analyzer import Analyzer
from retrieval.index import SearchIndex, day_number
from retrieval.models import AnswerSource, SearchHit, SearchResult
from retrieval.ranking import RankedArticle, rank_articles
from retrieval.snippet import quote_article
from retrieval.store import Store
from retrieval.workers import Workers

MAX_PAGE_SIZE = 50
MAX_OFFSET = 1_000
# Articles ranked for a page; a page deeper than this takes more.
_CANDIDATES = 30
# Passages fetched per candidate article: most articles match in a few.
_PASSAGES_PER_ARTICLE = 4


def ranked_articles(index: SearchIndex, terms: Sequence[str], wanted: int, today: int) -> list[RankedArticle]:
    """At least ``wanted`` articles for analysed ``terms`` when there are that many, best first.

    The whole-article grain picks the candidates; the passage grain is then
    searched within them only, which costs a fraction of a search of every
    passage (at 1M passages, p99 2.5 ms instead of 7: bench/README.md) and
    ranked rtqa-dev the same.
    """
    terms = index.informative_terms(terms)
    candidates = max(_CANDIDATES, wanted)
    articles = index.search_articles(terms, candidates)
    within = [hit.article_id for hit in articles]
    passages = index.search(terms, candidates * _PASSAGES_PER_ARTICLE, within=within)
    return rank_articles(passages, articles, today)


def _hits(
    page: Sequence[RankedArticle],
    sources: dict[int, AnswerSource],
    index: SearchIndex,
    analyzer: Analyzer,
    terms: Sequence[str],
) -> list[SearchHit]:
    weights = index.term_weights(terms)
    hits = []
    for ranked in page:
        source = sources.get(ranked.article_id)
        if source is None:  # deleted since the index was last synced
            continue
        quote = quote_article(source.body, source.passages, weights, analyzer, ranked.passage_ids)
        hits.append(SearchHit(source.headline, ranked.score, quote.passage, quote.snippet))
    return hits


async def search(
    index: SearchIndex,
    store: Store,
    analyzer: Analyzer,
    workers: Workers,
    query: str,
    limit: int = 3,
    offset: int = 0,
    now: datetime | None = None,
) -> SearchResult:
    """One page of articles for ``query`` asked at ``now``; no terms means nothing to search."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, min(offset, MAX_OFFSET))
    terms = tuple(analyzer.query_terms(query))
    if not terms:
        return SearchResult(query, terms, (), offset, False)
    today = day_number(now or datetime.now(UTC))
    ranked = await workers.answer(ranked_articles, index, terms, offset + limit + 1, today)
    page = ranked[offset : offset + limit]
    sources = await store.answer_sources([item.article_id for item in page])
    hits = await workers.answer(_hits, page, sources, index, analyzer, terms)
    return SearchResult(query, terms, tuple(hits), offset, len(ranked) > offset + limit)


async def quote(
    index: SearchIndex, store: Store, analyzer: Analyzer, workers: Workers, article_id: int, words: str
) -> SearchHit | None:
    """One article quoted for ``words`` (a followed topic's), as a search would; None if it is gone."""
    sources = await store.answer_sources([article_id])
    terms = tuple(analyzer.query_terms(words))
    page = [RankedArticle(article_id, 0.0, ())]
    hits = await workers.answer(_hits, page, sources, index, analyzer, terms)
    return hits[0] if hits else None
