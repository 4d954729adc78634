"""Article ranking from both index grains and the date (retrieval.search.ranking): pure."""

import pytest

from retrieval.search.index import ArticleHit, IndexHit
from retrieval.search.ranking import (
    ARTICLE_WEIGHT,
    LANGUAGE_BOOST,
    RECENCY_BOOST,
    RECENCY_DAYS,
    rank_articles,
    recency_factor,
)


def test_an_article_matching_as_a_whole_beats_one_dense_passage() -> None:
    passages = [IndexHit(10, 1, 8.0), IndexHit(20, 2, 6.0), IndexHit(21, 2, 5.5), IndexHit(11, 1, 1.0)]
    articles = [ArticleHit(2, 12.0, None), ArticleHit(1, 7.0, None)]
    ranked = rank_articles(passages, articles, today=0)
    assert [item.article_id for item in ranked] == [2, 1]
    assert ranked[0].score == pytest.approx(6.0 / 8.0 + ARTICLE_WEIGHT * 1.0)
    assert ranked[0].passage_ids == (20, 21) and ranked[1].passage_ids == (10, 11)


def test_articles_found_by_one_list_only_are_kept() -> None:
    ranked = rank_articles([IndexHit(10, 1, 3.0)], [ArticleHit(2, 5.0, None)], today=0)
    assert {item.article_id for item in ranked} == {1, 2}
    assert dict((item.article_id, item.passage_ids) for item in ranked)[2] == ()


def test_an_article_found_by_its_headline_alone_counts_its_headline_as_its_best_place() -> None:
    """Article 7 holds the question's name in its headline only: no passage of its body matches.

    Article 2 matches one everyday word ("going") in one short passage. When
    the passage search returned every matching passage of the candidates,
    article 7's headline stands in for the passage it lacks; when the search
    was cut at its limit, a missing passage may only lie deeper, and counts 0.
    """
    passages = [IndexHit(40, 4, 2.4), IndexHit(20, 2, 1.5)]
    articles = [ArticleHit(4, 2.4, None), ArticleHit(7, 1.4, None), ArticleHit(2, 0.8, None)]
    ranked = rank_articles(passages, articles, today=0)
    assert [item.article_id for item in ranked] == [4, 7, 2]
    assert ranked[1].score == pytest.approx(1.4 / 2.4 + ARTICLE_WEIGHT * 1.4 / 2.4)
    assert ranked[1].passage_ids == ()
    cut = rank_articles(passages, articles, today=0, passages_complete=False)
    assert [item.article_id for item in cut] == [4, 2, 7]


def test_recency_lifts_near_ties_only() -> None:
    today = 20_000
    assert recency_factor(None, today) == 1.0
    assert recency_factor(today, today) == pytest.approx(1 + RECENCY_BOOST)
    assert recency_factor(today - int(RECENCY_DAYS), today) == pytest.approx(1 + RECENCY_BOOST / 2)
    assert recency_factor(today - 3650, today) < 1.01
    old_and_close = [ArticleHit(1, 10.0, today - 3000), ArticleHit(2, 9.8, today - 1)]
    assert [item.article_id for item in rank_articles([], old_and_close, today)] == [2, 1]
    old_and_far = [ArticleHit(1, 10.0, today - 3000), ArticleHit(2, 6.0, today - 1)]
    assert [item.article_id for item in rank_articles([], old_and_far, today)] == [1, 2]


def test_nothing_found_ranks_nothing() -> None:
    assert rank_articles([], [], today=0) == []


def test_the_questions_language_lifts_its_articles_over_a_close_translation() -> None:
    # The same story in German and English matches an English question about equally (names, numbers).
    articles = [ArticleHit(1, 10.0, None, "de"), ArticleHit(2, 9.0, None, "en")]
    assert [item.article_id for item in rank_articles([], articles, 0, languages=("en",))] == [2, 1]
    # A clearly better match in another language still comes first.
    articles = [ArticleHit(1, 10.0, None, "de"), ArticleHit(2, 5.0, None, "en")]
    assert [item.article_id for item in rank_articles([], articles, 0, languages=("en",))] == [1, 2]


def test_one_language_everywhere_changes_no_order() -> None:
    articles = [ArticleHit(n, 10.0 - n, None, "en") for n in range(5)]
    assert rank_articles([], articles, 0, languages=("en",)) == [
        item._replace(score=item.score * (1 + LANGUAGE_BOOST)) for item in rank_articles([], articles, 0)
    ]
