"""Answer a question: both index grains → ranked articles → one of each story → quotes.

The index lookups and the quoting run in a worker thread, so a large index
never stalls the event loop; the articles to quote come from the store,
usually in one query. Ranking (``retrieval.search.ranking``), leaving out repeated
stories (``retrieval.search.stories``) and quoting (``retrieval.search.quotes``) are
pure and tested alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from retrieval.models import AnswerSource, SearchHit, SearchResult
from retrieval.search.index import SearchIndex, day_number
from retrieval.search.quotes import quote_article
from retrieval.search.ranking import RankedArticle, rank_articles
from retrieval.search.stories import LEAD_CHARS, Opening, first_of_each_story, opening
from retrieval.store.interface import Store
from retrieval.text.analyzer import Analyzer
from retrieval.text.questions import analyse_question
from retrieval.workers import Workers

MAX_PAGE_SIZE = 50
MAX_OFFSET = 1_000
# Articles ranked for a page; a page deeper than this takes more.
_CANDIDATES = 30
# Passages fetched per candidate article: most articles match in a few.
_PASSAGES_PER_ARTICLE = 4
# Openings read beyond a page, so a repeated story's place goes to the next one without a second read.
_SPARE = 2
# Copies are looked for among this many best articles: deeper pages (inline
# results scroll to 200) list the rest as ranked, reading no more openings.
STORY_DEPTH = 50


def ranked_articles(
    index: SearchIndex, terms: Sequence[str], wanted: int, today: int, languages: Sequence[str] = ()
) -> list[RankedArticle]:
    """At least ``wanted`` articles for analysed ``terms`` (of a question in ``languages``), best first.

    The whole-article grain picks the candidates; the passage grain is then
    searched within them only, which costs a fraction of a search of every
    passage (at 1M passages, p99 2.5 ms instead of 7: bench/README.md) and
    ranked rtqa-dev the same.
    """
    terms = index.informative_terms(terms)
    weights = index.language_weights(terms, languages)
    candidates = max(_CANDIDATES, wanted)
    articles = index.search_articles(terms, candidates, weights)
    within = [hit.article_id for hit in articles]
    limit = candidates * _PASSAGES_PER_ARTICLE
    passages = index.search(terms, limit, within=within, weights=weights)
    return rank_articles(passages, articles, today, passages_complete=len(passages) < limit, languages=languages)


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
        quote = quote_article(
            source.body,
            source.passages,
            weights,
            analyzer,
            ranked.passage_ids,
            lang=source.language,
            headline=source.headline.title,
        )
        hits.append(SearchHit(source.headline, ranked.score, quote.passage, quote.snippet))
    return hits


async def _stories(
    store: Store, ranked: Sequence[RankedArticle], offset: int, wanted: int
) -> tuple[list[RankedArticle], dict[int, AnswerSource]]:
    """The first ``wanted`` of ``ranked`` with repeated stories left out (fewer if it runs out), and sources read.

    Pages must agree with each other, so the stories are always counted
    from the top, among the first ``STORY_DEPTH`` articles. Leaving a story
    out only moves later articles up, so only articles ranked at ``offset``
    or below can land on the page: those are read whole (one query for a
    first page), the ones above it only by their openings. Articles deleted
    since the index last synced are left out.
    """
    sources: dict[int, AnswerSource] = {}
    openings: dict[int, Opening] = {}
    stories: list[RankedArticle] = []
    depth = min(len(ranked), STORY_DEPTH)
    read = 0
    while len(stories) < wanted and read < depth:
        batch = ranked[read : min(depth, read + wanted - len(stories) + _SPARE)]
        above = [item.article_id for item in batch[: max(0, offset - read)]]
        rest = [item.article_id for item in batch[max(0, offset - read) :]]
        read += len(batch)
        if above:
            found = await store.openings(above, LEAD_CHARS)
            openings.update((key, opening(lead, published)) for key, (lead, published) in found.items())
        if rest:
            sources.update(await store.answer_sources(rest))
            openings.update((key, opening(sources[key].body, sources[key].headline.published)) for key in rest if key in sources)
        present = [item for item in ranked[:read] if item.article_id in openings]
        stories = first_of_each_story(present, lambda item: openings[item.article_id])
    if len(stories) < wanted:
        stories += ranked[depth : depth + wanted - len(stories)]
    return stories[:wanted], sources


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
    question = analyse_question(analyzer, query, index.language_counts())
    terms = question.terms
    if not terms:
        return SearchResult(query, terms, (), offset, False, question.languages, question.word_ends)
    today = day_number(now or datetime.now(UTC))
    ranked = await workers.answer(ranked_articles, index, terms, offset + limit + 1 + _SPARE, today, question.languages)
    stories, sources = await _stories(store, ranked, offset, offset + limit + 1)
    page = stories[offset : offset + limit]
    if unread := [item.article_id for item in page if item.article_id not in sources]:  # beyond STORY_DEPTH
        sources.update(await store.answer_sources(unread))
    hits = await workers.answer(_hits, page, sources, index, analyzer, terms)
    more = len(stories) > offset + limit
    return SearchResult(query, terms, tuple(hits), offset, more, question.languages, question.word_ends)


async def quote(
    index: SearchIndex, store: Store, analyzer: Analyzer, workers: Workers, article_id: int, words: str
) -> SearchHit | None:
    """One article quoted for ``words`` (a followed topic's), as a search would; None if it is gone."""
    sources = await store.answer_sources([article_id])
    terms = analyse_question(analyzer, words, index.language_counts()).terms
    page = [RankedArticle(article_id, 0.0, ())]
    hits = await workers.answer(_hits, page, sources, index, analyzer, terms)
    return hits[0] if hits else None
