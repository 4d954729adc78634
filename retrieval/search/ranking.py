"""Rank articles for a question from both index grains and their dates: pure.

An article's score fuses two BM25 views of it, each divided by the best
score of its list so neither scale dominates:

    fused = best passage / best passage of all + ARTICLE_WEIGHT · article / best article of all

The best passage says "one place answers this"; the whole article (body and
headline) says "the article is about this", which several passages that
each match a little cannot show. Measured on rtqa-dev (bench/qa.py), gold
article first: passages alone 0.54, articles alone 0.56, fused 0.57; the
article weight of 1.5 (tried 0.5-2) also lifted Cranfield's nDCG@10 most.

The passage grain holds bodies only, so an article whose headline alone
holds the question's words (a short item, a summary under a telling
headline) has no passage to show, and lost that half to any article with
one everyday word in one passage: "Why did Giuliani go to Albania?" ranked
the only "Giuliani" headline under a passage matching "going". When the
passage search returned every matching passage of the candidates, such an
article's body matches nothing, so its article score is its headline's
(title-weighted) score, and it stands in for the best passage. When the
search was cut at its limit, a missing passage may only lie deeper: it
counts nothing, as before.

News is read as it happens, so the fused score is lifted for articles
published near the moment of asking:

    score = fused · (1 + RECENCY_BOOST / (1 + |today − published| / RECENCY_DAYS))

an article of today counts up to 30 % more, one RECENCY_DAYS old 15 %, one a
year old 1 %; undated articles get no lift. It only reorders articles that
match about equally well: a question about an old event still finds the old
article when recent ones match it less. On rtqa-dev (questions asked on their
quiz's date) it raised gold-first from 0.57 to 0.66.

A reader reads the language they ask in, so in an archive of several
languages the articles in the question's language are lifted by
``LANGUAGE_BOOST``: the same story published in English and German shares
its names and numbers, and an English question should get the English one
first; an article in another language that matches clearly better still
wins. In an archive of one language every article is lifted alike, which
changes no order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import NamedTuple

from retrieval.search.index import ArticleHit, IndexHit

ARTICLE_WEIGHT = 1.5
RECENCY_BOOST = 0.3
RECENCY_DAYS = 14.0
LANGUAGE_BOOST = 0.3
# Matching passages kept per article: where its quote is looked for.
PASSAGES_KEPT = 2


class RankedArticle(NamedTuple):
    """An article in the answer order, its fused score and its best passages (best first)."""

    article_id: int
    score: float
    passage_ids: tuple[int, ...] = ()


def recency_factor(published_day: int | None, today: int) -> float:
    """How much an article's date lifts its score (1.0 when undated)."""
    if published_day is None:
        return 1.0
    return 1.0 + RECENCY_BOOST / (1.0 + abs(today - published_day) / RECENCY_DAYS)


def language_factor(language: str, question: Collection[str]) -> float:
    """How much an article's language lifts its score: ``LANGUAGE_BOOST`` when the question is in it."""
    return 1.0 + LANGUAGE_BOOST if language in question else 1.0


def rank_articles(
    passages: Sequence[IndexHit],
    articles: Sequence[ArticleHit],
    today: int,
    passages_complete: bool = True,
    languages: Collection[str] = (),
) -> list[RankedArticle]:
    """Every article found by either list, best first (ties: newest id first).

    ``passages_complete``: ``passages`` holds every matching passage of the
    articles (the search was not cut at its limit), so an article without
    one matched by its headline alone. ``languages``: the question's.
    """
    best_passage: dict[int, float] = {}
    matched: dict[int, list[int]] = {}
    days: dict[int, int | None] = {}
    for hit in passages:  # best first
        best_passage.setdefault(hit.article_id, hit.score)
        matched.setdefault(hit.article_id, []).append(hit.passage_id)
        days[hit.article_id] = hit.published_day
    article_score = {hit.article_id: hit.score for hit in articles}
    lift = {hit.article_id: language_factor(hit.language, languages) for hit in articles}
    days.update((hit.article_id, hit.published_day) for hit in articles)
    if passages_complete:
        for article_id, score in article_score.items():
            best_passage.setdefault(article_id, score)  # its headline is the place that answers
    top_passage = max(best_passage.values(), default=0.0) or 1.0
    top_article = max(article_score.values(), default=0.0) or 1.0
    ranked = [
        RankedArticle(
            article_id,
            (best_passage.get(article_id, 0.0) / top_passage + ARTICLE_WEIGHT * article_score.get(article_id, 0.0) / top_article)
            * recency_factor(day, today)
            * lift.get(article_id, 1.0),
            tuple(matched.get(article_id, ())[:PASSAGES_KEPT]),
        )
        for article_id, day in days.items()
    ]
    ranked.sort(key=lambda item: (-item.score, -item.article_id))
    return ranked
